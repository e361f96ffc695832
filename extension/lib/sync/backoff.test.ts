import { describe, expect, it } from 'vitest';
import { BACKOFF_CAP_MS, backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  const table: Array<[attempt: number, random: number, expected: number]> = [
    [1, 0, 1_000],
    [1, 0.999_999, 2_000],
    [2, 0, 2_000],
    [2, 0.5, 3_000],
    [3, 0.999_999, 8_000],
    [4, 0, 8_000],
    [8, 0.999_999, 256_000],
    [9, 0, 150_000],
    [9, 0.999_999, BACKOFF_CAP_MS],
    [50, 0.5, 225_000],
    [10_000, 0.999_999, BACKOFF_CAP_MS],
    [0, 0, 1_000],
  ];
  it.each(table)('retry %i with random %f waits %i ms', (attempt, random, expected) => {
    expect(backoffDelay(attempt, () => random)).toBe(expected);
  });

  it('never waits less than half nor more than the full ceiling, and never grows past 5 minutes', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      const ceiling = Math.min(BACKOFF_CAP_MS, 2_000 * 2 ** (attempt - 1));
      for (const r of [0, 0.25, 0.75, 0.999]) {
        const d = backoffDelay(attempt, () => r);
        expect(d).toBeGreaterThanOrEqual(ceiling / 2);
        expect(d).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('grows monotonically for a fixed random value until the cap', () => {
    const delays = Array.from({ length: 12 }, (_, i) => backoffDelay(i + 1, () => 0.3));
    for (let i = 1; i < delays.length; i++) expect(delays[i]!).toBeGreaterThanOrEqual(delays[i - 1]!);
  });
});
