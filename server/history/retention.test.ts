import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { DEFAULT_RETENTION, revisionsToDrop, revisionsToKeep, type AgedVersion } from './retention.ts';

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
  const aged = (revisions: number[]): AgedVersion[] => revisions.map((revision) => ({ revision, replacedAt: now - revision }));

  it.each<[string, number[], number[]]>([
    ['nothing while a book has at most the kept number of revisions', Array.from({ length: LIMITS.revisionsKept }, (_, i) => i + 1), []],
    ['the oldest beyond the kept number', Array.from({ length: LIMITS.revisionsKept + 2 }, (_, i) => i + 1), [2, 1]],
    ['by revision number, whatever order they are read in', [...Array.from({ length: LIMITS.revisionsKept }, (_, i) => i + 2), 1].reverse(), [1]],
  ])('drops %s', (_, revisions, dropped) => {
    expect(revisionsToDrop(aged(revisions))).toEqual(dropped);
  });
});
