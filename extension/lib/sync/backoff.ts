// Retry schedule and retry state for network errors, 5xx answers and local failures: exponential backoff with "equal
// jitter", as pure functions.
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 5 * 60_000;

/**
 * Delay before retry number `attempt` (1 = first retry after one failure).
 * The ceiling doubles from 2 s up to 5 min; half of it is fixed and half is random ("equal jitter"), so a fleet of
 * devices that failed together spreads its retries out, yet no device retries sooner than half the schedule.
 * `random` returns a number in [0, 1), like Math.random.
 */
export function backoffDelay(attempt: number, random: () => number): number {
  const step = Math.max(1, Math.floor(attempt));
  // 2^(step-1) overflows to Infinity for huge attempts; Math.min caps it either way.
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (step - 1));
  const half = ceiling / 2;
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(half + r * half);
}

/** Retry state kept across workers: `error` waits are skipped by a manual sync, a server's `rate_limit` wait is not. */
export interface BackoffState {
  attempt: number;
  nextAttemptAt: number;
  reason: 'error' | 'rate_limit';
}

export const NO_BACKOFF: BackoffState = { attempt: 0, nextAttemptAt: 0, reason: 'error' };

/** Reads a persisted retry state defensively: storage may hold an older or partial shape. */
export function parseBackoff(value: unknown): BackoffState {
  if (!value || typeof value !== 'object') return NO_BACKOFF;
  const v = value as Partial<Record<keyof BackoffState, unknown>>;
  return {
    attempt: typeof v.attempt === 'number' && v.attempt > 0 ? v.attempt : 0,
    nextAttemptAt: typeof v.nextAttemptAt === 'number' ? v.nextAttemptAt : 0,
    reason: v.reason === 'rate_limit' ? 'rate_limit' : 'error',
  };
}
