import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Autosave, type SaveState } from './autosave.ts';

function setup(write: () => Promise<void> = async () => undefined) {
  const states: SaveState[] = [];
  const writes = vi.fn(write);
  const autosave = new Autosave({ delayMs: 400, maxWaitMs: 3000, write: writes, onStateChange: (s) => states.push(s) });
  return { autosave, writes, states };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('autosave', () => {
  it('saves once, a short delay after the last change', async () => {
    const { autosave, writes } = setup();
    autosave.schedule();
    await vi.advanceTimersByTimeAsync(300);
    autosave.schedule();
    await vi.advanceTimersByTimeAsync(300);
    expect(writes).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(100);
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('still saves during continuous typing, at the latest after the maximum wait', async () => {
    const { autosave, writes } = setup();
    for (let t = 0; t < 3000; t += 100) {
      autosave.schedule();
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(writes).toHaveBeenCalledTimes(1);
  });

  it('flushes immediately and resolves once the write is stored', async () => {
    let stored = false;
    const { autosave } = setup(async () => {
      await Promise.resolve();
      stored = true;
    });
    autosave.schedule();
    await autosave.flush();
    expect(stored).toBe(true);
    expect(autosave.pending).toBe(false);
  });

  it('does nothing on flush when nothing changed', async () => {
    const { autosave, writes } = setup();
    await autosave.flush();
    expect(writes).not.toHaveBeenCalled();
  });

  it('never runs two writes at once, and writes again for changes made during a write', async () => {
    let release!: () => void;
    let running = 0;
    let maxRunning = 0;
    const { autosave, writes } = setup(async () => {
      running++;
      maxRunning = Math.max(maxRunning, running);
      await new Promise<void>((r) => (release = r));
      running--;
    });
    autosave.schedule();
    const first = autosave.flush();
    autosave.schedule();
    const second = autosave.flush();
    release();
    await vi.advanceTimersByTimeAsync(0);
    release();
    await Promise.all([first, second]);
    expect(writes).toHaveBeenCalledTimes(2);
    expect(maxRunning).toBe(1);
  });

  it('keeps the changes pending after a failed write so the next flush retries them', async () => {
    let fail = true;
    const { autosave, writes, states } = setup(async () => {
      if (fail) throw new Error('quota');
    });
    autosave.schedule();
    await expect(autosave.flush()).rejects.toThrow('quota');
    expect(autosave.pending).toBe(true);
    expect(states.at(-1)).toBe('error');
    fail = false;
    await autosave.flush();
    expect(writes).toHaveBeenCalledTimes(2);
    expect(states.at(-1)).toBe('saved');
  });

  it('reports pending, saving and saved in order', async () => {
    const { autosave, states } = setup();
    autosave.schedule();
    await vi.advanceTimersByTimeAsync(400);
    expect(states).toEqual(['pending', 'saving', 'saved']);
  });
});
