import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { DEFAULT_HISTORY, DEFAULT_RETENTION, revisionsToDrop, revisionsToKeep, type AgedVersion, type KeptVersion } from './retention.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const now = Date.UTC(2026, 10, 29, 12);

describe('revisionsToKeep', () => {
  it.each<[string, AgedVersion[], number[]]>([
    ['every version of the last two days', [{ revision: 1, replacedAt: now - 47 * HOUR }, { revision: 2, replacedAt: now - HOUR }, { revision: 3, replacedAt: now - 1 }], [1, 2, 3]],
    [
      'the newest of each hour within 30 days',
      [
        { revision: 1, replacedAt: Date.UTC(2026, 10, 20, 9, 5) },
        { revision: 2, replacedAt: Date.UTC(2026, 10, 20, 9, 50) },
        { revision: 3, replacedAt: Date.UTC(2026, 10, 20, 10, 1) },
      ],
      [2, 3],
    ],
    [
      'the newest of each day within a year',
      [
        { revision: 1, replacedAt: Date.UTC(2026, 5, 1, 8) },
        { revision: 2, replacedAt: Date.UTC(2026, 5, 1, 22) },
        { revision: 3, replacedAt: Date.UTC(2026, 5, 2, 1) },
      ],
      [2, 3],
    ],
    ['one per 30 days beyond a year', [{ revision: 1, replacedAt: now - 400 * DAY }, { revision: 2, replacedAt: now - 400 * DAY + HOUR }], [2]],
    ['nothing from nothing', [], []],
  ])('keeps %s', (_name, versions, kept) => {
    expect([...revisionsToKeep(versions, now)].sort((a, b) => a - b)).toEqual(kept);
  });

  it('keeps tomorrow what it kept today (buckets do not move with the clock)', () => {
    const versions = Array.from({ length: 2_000 }, (_, i) => ({ revision: i + 1, replacedAt: now - 60 * DAY + i * 43 * 60_000 }));
    const today = revisionsToKeep(versions, now);
    const tomorrow = revisionsToKeep(versions, now + DAY);
    // A version dropped tomorrow may be one kept today (it aged into a coarser tier), never the reverse.
    for (const revision of tomorrow) expect(today.has(revision)).toBe(true);
  });

  it('bounds a year of steady writing to a few versions per day', () => {
    // A save every 5 minutes, eight hours a day, for a year.
    const versions: AgedVersion[] = [];
    for (let day = 0; day < 365; day++) {
      for (let k = 0; k < 96; k++) versions.push({ revision: versions.length + 1, replacedAt: now - day * DAY - 8 * HOUR + k * 5 * 60_000 });
    }
    const kept = revisionsToKeep(versions, now, DEFAULT_RETENTION).size;
    expect(versions.length).toBe(35_040);
    // Two days whole (192), 28 days × 8 hours (224), ~335 days × 1.
    expect(kept).toBeLessThan(800);
  });
});

describe('revisionsToDrop', () => {
  const policy = { ...DEFAULT_HISTORY, keepNewest: 3 };
  /** A save every `everyMs` over the last `spanMs` before `now`, revision 1 the oldest. */
  const saves = (spanMs: number, everyMs: number, pinned: number[] = []): KeptVersion[] =>
    Array.from({ length: Math.floor(spanMs / everyMs) }, (_, i) => ({
      revision: i + 1,
      replacedAt: now - spanMs + i * everyMs,
      pinned: pinned.includes(i + 1),
    }));
  const kept = (versions: KeptVersion[], at: number, p = policy) => {
    const dropped = new Set(revisionsToDrop(versions, at, p));
    return versions.filter((v) => !dropped.has(v.revision)).length;
  };

  it.each<[string, KeptVersion[], number, number]>([
    // A save every 10 minutes for a day: all of it is younger than 48 hours.
    ['every save of the last two days', saves(DAY, 10 * 60_000), now, 144],
    // The same day seen 10 days later: the newest of each hour (24), and the floor's newest 3 (11:30, 11:40; 11:50 is
    // its hour's newest already).
    ['one per hour once older than two days', saves(DAY, 10 * 60_000), now + 10 * DAY, 26],
    // Seen 100 days later: the newest of each UTC day (the saves span two, from noon to noon) and the floor's two more.
    ['one per day once older than 30 days', saves(DAY, 10 * 60_000), now + 100 * DAY, 4],
    ['the newest few whatever their age (the floor)', saves(3 * HOUR, HOUR), now + 3 * 365 * DAY, 3],
    ['a pinned version (a merge that set text aside) for good', saves(DAY, 10 * 60_000, [7, 8]), now + 100 * DAY, 6],
  ])('keeps %s', (_name, versions, at, count) => {
    expect(kept(versions, at)).toBe(count);
  });

  it('keeps the floor from the default limits, so a burst of saves never thins a merge base away', () => {
    const burst = saves(60_000, 1_000);
    expect(kept(burst, now + 60 * DAY, DEFAULT_HISTORY)).toBeGreaterThanOrEqual(LIMITS.revisionsKept);
  });

  it('answers newest first', () => {
    const dropped = revisionsToDrop(saves(DAY, 10 * 60_000), now + 10 * DAY, policy);
    expect(dropped).toEqual([...dropped].sort((a, b) => b - a));
  });
});
