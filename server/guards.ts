// The request guards routes share: who the caller is, and the two rate limits (per user for sync, per IP for sign-in).
import type { AppMiddleware, DepsWith } from './context.ts';
import { currentUser } from './context.ts';
import { requireUser } from './auth/require-user.ts';
import { rateLimit } from './middleware/rate-limit.ts';
import type { AccountStore } from './store/account-store.ts';
import type { CredentialStore } from './store/credential-store.ts';
import type { RateCounter } from './store/rate-counter.ts';

export interface Guards {
  requireUser: AppMiddleware;
  /** RATE_LIMIT_PER_MINUTE per user, on /api/books* and /api/sync; use after requireUser. */
  userLimit: AppMiddleware;
  /** AUTH_RATE_LIMIT_PER_MINUTE per client IP, on sign-up, sign-in and token creation. */
  ipLimit: AppMiddleware;
}

export function createGuards(deps: DepsWith<AccountStore & CredentialStore & RateCounter>): Guards {
  return {
    requireUser: requireUser(deps),
    userLimit: rateLimit({
      store: deps.store,
      now: deps.now,
      perMinute: deps.config.rateLimitPerMinute,
      key: (ctx) => `api:user:${currentUser(ctx).id}`,
    }),
    ipLimit: rateLimit({
      store: deps.store,
      now: deps.now,
      perMinute: deps.config.authRateLimitPerMinute,
      key: (ctx) => `auth:ip:${ctx.ip}`,
    }),
  };
}
