// Decides when cycles run in a living worker: at once for the alarm, the connection returning or a manual request,
// a moment after local edits (debounced), and again when a backoff or Retry-After wait ends. Nothing here must
// survive the worker: the persisted backoff and the 30 s alarm take over after a restart.
import type { CycleResult, SyncEngine } from './engine.ts';

export type SyncTrigger = 'alarm' | 'startup' | 'online' | 'manual' | 'edit' | 'retry';

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SchedulerDeps {
  engine: Pick<SyncEngine, 'runCycle'>;
  timers: Timers;
  now: () => number;
  /** Quiet time after the last edit before syncing; the issue asks for at most 2 s. */
  editDelayMs?: number;
  onError?: (error: unknown) => void;
}

// Triggers that come from the user or the network coming back skip an error backoff (never a Retry-After).
const FORCING: ReadonlySet<SyncTrigger> = new Set(['online', 'manual']);

export function createScheduler(deps: SchedulerDeps) {
  const editDelayMs = deps.editDelayMs ?? 1_500;
  let running: Promise<CycleResult | undefined> | null = null;
  let again: { force: boolean } | null = null;
  let editTimer: unknown = null;
  let retryTimer: unknown = null;

  function clear(handle: unknown) {
    if (handle !== null) deps.timers.clearTimeout(handle);
  }

  function scheduleRetry(result: CycleResult | undefined) {
    clear(retryTimer);
    retryTimer = null;
    const at = result?.kind === 'failed' ? result.retryAt : result?.kind === 'waiting' ? result.until : null;
    if (at === null) return;
    retryTimer = deps.timers.setTimeout(() => {
      retryTimer = null;
      void run(false);
    }, Math.max(0, at - deps.now()));
  }

  function run(force: boolean): Promise<CycleResult | undefined> {
    if (running) {
      // A cycle is in flight: run once more afterwards, so edits made during it are not left for the alarm.
      again = { force: force || (again?.force ?? false) };
      return running;
    }
    running = deps.engine
      .runCycle({ force })
      .catch((error: unknown) => {
        deps.onError?.(error);
        return undefined;
      })
      .then((result) => {
        running = null;
        scheduleRetry(result);
        if (again) {
          const next = again;
          again = null;
          void run(next.force);
        }
        return result;
      });
    return running;
  }

  return {
    /** Asks for a cycle; returns the cycle's promise (for an edit: once the debounce has elapsed, nothing). */
    request(trigger: SyncTrigger): Promise<CycleResult | undefined> | undefined {
      if (trigger === 'edit') {
        clear(editTimer);
        editTimer = deps.timers.setTimeout(() => {
          editTimer = null;
          void run(false);
        }, editDelayMs);
        return undefined;
      }
      return run(FORCING.has(trigger));
    },
    /** The cycle in flight, if any (tests and shutdown). */
    idle(): Promise<unknown> {
      return running ?? Promise.resolve();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
