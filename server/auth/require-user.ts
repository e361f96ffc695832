// Finds the caller: a Bearer device token or an Auth.js session cookie; routes behind requireUser get ctx.state.user.
import { getToken } from '@auth/core/jwt';
import type { PublicUser } from '../../shared/protocol.ts';
import type { AppContext, AppDeps, AppMiddleware } from '../context.ts';
import { unauthorized } from '../errors.ts';
import { publicOrigin } from '../public-origin.ts';
import { hashDeviceToken } from './device-tokens.ts';
import { toPublicUser } from './passwords.ts';

/** lastUsedAt is only written when it is older than this, so a busy device does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

type AuthDeps = Pick<AppDeps, 'store' | 'now' | 'config'>;

export async function authenticate(ctx: AppContext, deps: AuthDeps): Promise<PublicUser | null> {
  const authorization = ctx.get('Authorization');
  if (authorization) {
    const match = /^Bearer\s+([A-Za-z0-9_-]{16,200})$/i.exec(authorization);
    if (!match) return null;
    // Looked up on every request, so a revoked token fails on its very next use.
    const record = await deps.store.findTokenByHash(hashDeviceToken(match[1]!));
    if (!record) return null;
    const now = deps.now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= TOUCH_INTERVAL_MS) {
      await deps.store.touchToken(record.id, now);
    }
    const user = await deps.store.findUserById(record.userId);
    return user ? toPublicUser(user) : null;
  }
  if (!ctx.get('Cookie')) return null;
  const session = await getToken({
    req: { headers: new Headers({ cookie: ctx.get('Cookie') }) },
    secret: deps.config.authSecret,
    // Auth.js prefixes its cookie with __Secure- when its URL (the public one) is https.
    secureCookie: publicOrigin(ctx, deps.config).startsWith('https:'),
  });
  if (!session?.sub) return null;
  const user = await deps.store.findUserById(session.sub);
  return user ? toPublicUser(user) : null;
}

export function requireUser(deps: AuthDeps): AppMiddleware {
  return async function requireUser(ctx, next) {
    const user = await authenticate(ctx, deps);
    if (!user) throw unauthorized();
    ctx.state.user = user;
    await next();
  };
}
