import { describe, expect, it } from 'vitest';
import { eventCounter, until, within } from './wait.testing.ts';

describe('until', () => {
  it('returns the first truthy value the probe gives, treating errors as "not yet"', async () => {
    let calls = 0;
    const value = await until(() => {
      calls++;
      if (calls === 1) throw new Error('not mounted');
      return calls >= 3 ? { calls } : null;
    });
    expect(value).toEqual({ calls: 3 });
  });

  it('gives up at the deadline, saying what it waited for and what it saw last', async () => {
    await expect(until(() => 0, { timeout: 30, message: 'the answer' })).rejects.toThrow(
      /Timed out after 30 ms waiting for the answer \(last seen: 0\)/,
    );
  });
});

describe('within', () => {
  it('passes a settled promise through and names what never came', async () => {
    expect(await within(Promise.resolve(7), 1_000, 'seven')).toBe(7);
    await expect(within(new Promise(() => undefined), 20, 'the worker to stop')).rejects.toThrow(
      'Timed out after 20 ms waiting for the worker to stop',
    );
  });
});

describe('eventCounter', () => {
  it('resolves a wait once the event has happened that many times, including times before the wait', async () => {
    const requests = eventCounter('request');
    requests.bump();
    await requests.reached(1);
    const second = requests.reached(3);
    requests.bump();
    requests.bump();
    await second;
    expect(requests.count).toBe(3);
  });

  it('rejects a wait for an event that does not come, with a clear message', async () => {
    await expect(eventCounter('request', 20).reached(1)).rejects.toThrow('Timed out after 20 ms waiting for request #1 (seen 0)');
  });
});
