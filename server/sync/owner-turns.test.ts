import { describe, expect, it } from 'vitest';
import { KeyedTurns } from './owner-turns.ts';

describe('KeyedTurns', () => {
  it('runs the tasks of one key one at a time, in arrival order, and those of other keys alongside', async () => {
    const turns = new KeyedTurns();
    const events: string[] = [];
    let release!: () => void;
    const first = turns.run('a', async () => {
      events.push('a1 start');
      await new Promise<void>((resolve) => (release = resolve));
      events.push('a1 end');
    });
    const second = turns.run('a', async () => {
      events.push('a2');
    });
    const other = turns.run('b', async () => {
      events.push('b1');
    });
    await other;
    expect(events).toEqual(['a1 start', 'b1']);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('goes on with the next task after one fails, and hands the failure to its caller', async () => {
    const turns = new KeyedTurns();
    const failing = turns.run('a', async () => {
      throw new Error('boom');
    });
    const next = turns.run('a', async () => 'next');
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('next');
  });
});
