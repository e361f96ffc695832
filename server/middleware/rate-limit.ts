// Fixed one-minute-window rate limits counted in the store, so several server processes share one budget.
import type { RateCounter } from '../store/rate-counter.ts';
import type { AppContext, AppMiddleware } from '../context.ts';
import { tooManyRequests } from '../errors.ts';

export const RATE_WINDOW_MS = 60_000;

export interface RateLimitOptions {
  store: RateCounter;
  now: () => number;
  perMinute: number;
  /** The bucket a request counts against, e.g. `api:user:<id>`. */
  key: (ctx: AppContext) => string;
}

export function rateLimit(opts: RateLimitOptions): AppMiddleware {
  return async function rateLimit(ctx, next) {
    const now = opts.now();
    const windowStart = now - (now % RATE_WINDOW_MS);
    const count = await opts.store.hit(opts.key(ctx), windowStart, RATE_WINDOW_MS);
    if (count > opts.perMinute) {
      throw tooManyRequests(Math.max(1, Math.ceil((windowStart + RATE_WINDOW_MS - now) / 1000)));
    }
    await next();
  };
}
