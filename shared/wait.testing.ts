// Test support for waiting: every test (unit, server, e2e) waits for a condition with a deadline or for an event,
// never for a fixed time. For "nothing happened" assertions, await the event that proves the system is idle (the
// listener's promise, the answer, the cycle's result) and then assert; a sleep only hides a race. React component
// tests use Testing Library's findBy*/waitFor instead, because those also flush React updates inside act().

export interface UntilOptions {
  /** Give up after this many milliseconds. */
  timeout?: number;
  /** Pause between attempts (ms); short, because each attempt is cheap. */
  interval?: number;
  /** Says what was awaited, for the timeout error. */
  message?: string;
}

/**
 * Calls `probe` until it returns a truthy value (returned) or the deadline passes (throws, with the last value or
 * error seen, so a failing test says what it saw instead of just "timeout"). Errors thrown by `probe` count as
 * "not yet": pages reload, workers restart and elements appear while we poll.
 */
export async function until<T>(
  probe: () => T | Promise<T>,
  { timeout = 10_000, interval = 20, message = 'condition' }: UntilOptions = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
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

/** Resolves as `promise` does, or rejects after `ms` with a message naming `what` was awaited (read at the deadline). */
export async function within<T>(promise: Promise<T>, ms: number, what: string | (() => string)): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${ms} ms waiting for ${typeof what === 'string' ? what : what()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** A count that tests can await reaching a value: `bump()` where the event happens, `reached(n)` in the test. */
export function eventCounter(name: string, timeout = 10_000) {
  let count = 0;
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  return {
    get count() {
      return count;
    },
    bump(): void {
      count++;
      for (const w of waiters.filter((w) => count >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    },
    /** Resolves once the event has happened `n` times in all; rejects after `timeout` ms with a clear message. */
    reached(n: number): Promise<void> {
      if (count >= n) return Promise.resolve();
      return within(new Promise<void>((resolve) => waiters.push({ n, resolve })), timeout, () => `${name} #${n} (seen ${count})`);
    },
  };
}
