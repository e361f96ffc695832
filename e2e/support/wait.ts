// Polling with a deadline: the e2e suites wait for conditions, never for fixed amounts of time.

export interface WaitOptions {
  /** Give up after this many milliseconds. */
  timeout?: number;
  /** Pause between attempts (ms); short, because each attempt is cheap. */
  interval?: number;
  /** Says what was awaited, for the timeout error. */
  message?: string;
}

/**
 * Calls `condition` until it returns a truthy value (returned) or the deadline passes (throws, with the last value or
 * error seen, so a failing test says what it saw instead of just "timeout"). Errors thrown by `condition` count as
 * "not yet": pages reload, workers restart and elements appear while we poll.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  { timeout = 10_000, interval = 50, message = 'condition' }: WaitOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) {
      const seen = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`Timed out after ${timeout} ms waiting for ${message} (last seen: ${seen})`);
    }
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
