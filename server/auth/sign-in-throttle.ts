// Per-account sign-in throttling: every credential check counts against the normalised email in the store's rate
// counters, whether or not that account exists, so guessing from many IPs is slowed and the answer reveals nothing.
import { ErrorCode } from '../../shared/protocol.ts';
import { ApiError } from '../errors.ts';
import type { RateCounter } from '../store/rate-counter.ts';
import { normaliseEmail } from '../store/account-store.ts';

/** The window AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR counts in. */
export const ACCOUNT_SIGN_IN_WINDOW_MS = 60 * 60 * 1000;

export class SignInThrottledError extends ApiError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, ErrorCode.signInThrottled, 'Too many sign-in attempts for this account, try again later', {
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

export interface SignInThrottleOptions {
  store: RateCounter;
  now: () => number;
  perHour: number;
}

/** Counts one credential check for `email`; throws SignInThrottledError once the account's budget is spent. */
export function signInThrottle({ store, now, perHour }: SignInThrottleOptions) {
  return async function countSignIn(email: string): Promise<void> {
    const at = now();
    const windowStart = at - (at % ACCOUNT_SIGN_IN_WINDOW_MS);
    const count = await store.hit(`auth:account:${normaliseEmail(email)}`, windowStart, ACCOUNT_SIGN_IN_WINDOW_MS);
    if (count > perHour) {
      throw new SignInThrottledError(Math.max(1, Math.ceil((windowStart + ACCOUNT_SIGN_IN_WINDOW_MS - at) / 1000)));
    }
  };
}

export type CountSignIn = ReturnType<typeof signInThrottle>;
