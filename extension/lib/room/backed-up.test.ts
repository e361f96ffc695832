import { describe, expect, it } from 'vitest';
import { relativeParts, timeAgo } from './backed-up.ts';

const MIN = 60_000;

describe('"Backed up 2 min ago"', () => {
  it.each([
    [10_000, null],
    [2 * MIN, { value: 2, unit: 'minute' }],
    [59 * MIN, { value: 59, unit: 'minute' }],
    [3 * 60 * MIN, { value: 3, unit: 'hour' }],
    [2 * 24 * 60 * MIN, { value: 2, unit: 'day' }],
    [90 * 24 * 60 * MIN, { value: 3, unit: 'month' }],
  ])('%i ms ago reads as %o', (elapsed, parts) => {
    expect(relativeParts(elapsed)).toEqual(parts);
  });

  it('is worded in the interface language', () => {
    const now = Date.UTC(2026, 10, 29, 10);
    expect(timeAgo(now - 2 * MIN, now, 'en')).toBe('2 minutes ago');
    expect(timeAgo(now - 2 * MIN, now, 'es')).toBe('hace 2 minutos');
    expect(timeAgo(now - 24 * 60 * MIN, now, 'es')).toBe('ayer');
    expect(timeAgo(now - 5_000, now, 'es')).toBeNull();
  });
});
