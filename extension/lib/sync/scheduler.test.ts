import { describe, expect, it } from 'vitest';
import type { CycleResult } from './engine.ts';
import { createScheduler, type Timers } from './scheduler.ts';

/** Manual timers: the test advances time and the due callbacks run in order. */
function manualTimers() {
  let now = 0;
  let seq = 0;
  const pending = new Map<number, { at: number; callback: () => void }>();
  const timers: Timers = {
    setTimeout(callback, ms) {
      const id = ++seq;
      pending.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      pending.delete(handle as number);
    },
  };
  return {
    timers,
    now: () => now,
    pendingCount: () => pending.size,
    advance(ms: number) {
      now += ms;
      for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
        if (t.at <= now) {
          pending.delete(id);
          t.callback();
        }
      }
    },
  };
}

function fakeEngine(results: CycleResult[] = []) {
  const calls: Array<{ force?: boolean }> = [];
  let release: (() => void) | null = null;
  let hold = false;
  return {
    calls,
    holdNext() {
      hold = true;
    },
    release() {
      release?.();
    },
    async runCycle(options: { force?: boolean } = {}): Promise<CycleResult> {
      calls.push(options);
      if (hold) {
        hold = false;
        await new Promise<void>((r) => (release = r));
      }
      return results.shift() ?? { kind: 'synced' };
    },
  };
}

const flush = () => new Promise((r) => setImmediate(r));

describe('sync scheduler', () => {
  it('runs one cycle 1.5 s after the last of several quick edits', async () => {
    const clock = manualTimers();
    const engine = fakeEngine();
    const scheduler = createScheduler({ engine, timers: clock.timers, now: clock.now });
    scheduler.request('edit');
    clock.advance(1_000);
    scheduler.request('edit');
    clock.advance(1_000);
    expect(engine.calls).toHaveLength(0);
    clock.advance(500);
    await flush();
    expect(engine.calls).toEqual([{ force: false }]);
  });

  it('forces a cycle past an error backoff for a manual sync or the connection returning, not for the alarm', async () => {
    const clock = manualTimers();
    const engine = fakeEngine();
    const scheduler = createScheduler({ engine, timers: clock.timers, now: clock.now });
    await scheduler.request('manual');
    await scheduler.request('online');
    await scheduler.request('alarm');
    expect(engine.calls).toEqual([{ force: true }, { force: true }, { force: false }]);
  });

  it('never overlaps cycles, and runs once more after a cycle during which more was requested', async () => {
    const clock = manualTimers();
    const engine = fakeEngine();
    const scheduler = createScheduler({ engine, timers: clock.timers, now: clock.now });
    engine.holdNext();
    const first = scheduler.request('alarm');
    await flush();
    void scheduler.request('manual');
    void scheduler.request('alarm');
    expect(engine.calls).toHaveLength(1);
    engine.release();
    await first;
    await flush();
    await scheduler.idle();
    expect(engine.calls).toEqual([{ force: false }, { force: true }]);
  });

  it('retries when the backoff of a failed cycle has elapsed', async () => {
    const clock = manualTimers();
    const engine = fakeEngine([{ kind: 'failed', error: 'server', retryAt: 4_000 }]);
    const scheduler = createScheduler({ engine, timers: clock.timers, now: clock.now });
    await scheduler.request('alarm');
    clock.advance(3_999);
    expect(engine.calls).toHaveLength(1);
    clock.advance(1);
    await flush();
    expect(engine.calls).toEqual([{ force: false }, { force: false }]);
    expect(clock.pendingCount()).toBe(0);
  });
});
