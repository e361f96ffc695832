// The history view's model: the server's versions and this device's snapshots as one newest-first list, cut into the
// writer's calendar days.
import { describe, expect, it } from 'vitest';
import type { RevisionSummary } from '../../../shared/protocol.ts';
import type { SnapshotInfo } from './db.ts';
import { dayOf, groupByDay, mergeHistory } from './version-history.ts';

const at = (iso: string) => Date.parse(iso);

function version(revision: number, updatedAt: string, extra: Partial<RevisionSummary> = {}): RevisionSummary {
  return {
    id: 'b', title: 'The Long Tide', author: '', metadata: {}, updatedAt: at(updatedAt), createdAt: 0, syncedAt: at(updatedAt) + 1,
    revision, deleted: false, replacedAt: at(updatedAt) + 2, device: 'Laptop', wordsAdded: 5, wordsRemoved: 1, ...extra,
  };
}

function snapshot(id: string, when: string, revision: number | null = 1): SnapshotInfo {
  return { id, bookId: 'b', at: at(when), cause: 'sync', title: 'The Long Tide', revision, wordCount: 40, bytes: 10 };
}

describe('merging the server\'s history with this device\'s snapshots', () => {
  it.each([
    {
      name: 'interleaves both sources newest first',
      server: [version(3, '2026-11-20T10:00:00Z'), version(1, '2026-11-18T09:00:00Z')],
      device: [snapshot('s1', '2026-11-19T12:00:00Z'), snapshot('s2', '2026-11-21T08:00:00Z', 3)],
      keys: ['device:s2', 'server:3', 'device:s1', 'server:1'],
    },
    {
      name: 'puts the server\'s entry first on equal times, whatever order the sources came in',
      server: [version(2, '2026-11-20T10:00:00Z')],
      device: [snapshot('s1', '2026-11-20T10:00:00Z', 2)],
      keys: ['server:2', 'device:s1'],
    },
    {
      name: 'orders equal times of one source by revision, newest first',
      server: [version(4, '2026-11-20T10:00:00Z'), version(5, '2026-11-20T10:00:00Z')],
      device: [],
      keys: ['server:5', 'server:4'],
    },
    {
      name: 'lists snapshots alone when signed out',
      server: [],
      device: [snapshot('old', '2026-11-01T00:00:00Z', null), snapshot('new', '2026-11-02T00:00:00Z')],
      keys: ['device:new', 'device:old'],
    },
    { name: 'is empty when nothing is kept', server: [], device: [], keys: [] },
  ])('$name', ({ server, device, keys }) => {
    expect(mergeHistory(server, device).map((e) => e.key)).toEqual(keys);
    expect(mergeHistory([...server].reverse(), [...device].reverse()).map((e) => e.key)).toEqual(keys);
  });

  it('carries what each row shows: device, word changes, merges; a snapshot is this browser\'s with its word count', () => {
    const [merged, unknown, local] = mergeHistory(
      [version(2, '2026-11-20T10:00:00Z', { merge: { baseRevision: 1, mergedWith: 1, overlaps: [] } as never }), version(1, '2026-11-19T10:00:00Z', { device: null })],
      [snapshot('s', '2026-11-18T10:00:00Z')],
    );
    expect(merged).toMatchObject({ source: 'server', device: 'Laptop', wordsAdded: 5, wordsRemoved: 1, merge: true, revision: 2 });
    expect(unknown).toMatchObject({ source: 'server', device: null, merge: false });
    expect(local).toMatchObject({ source: 'device', snapshotId: 's', wordCount: 40, cause: 'sync', revision: 1 });
  });
});

describe('grouping the history by the writer\'s calendar day', () => {
  it.each([
    { timeZone: 'UTC', days: [['2026-11-21', 1], ['2026-11-20', 2], ['2026-11-19', 1]] },
    // 01:30 UTC on the 21st is still the 20th in New York, and 23:30 UTC on the 19th is the 19th there too.
    { timeZone: 'America/New_York', days: [['2026-11-20', 3], ['2026-11-19', 1]] },
    // In Tokyo (UTC+9) 15:00 UTC on the 20th is midnight of the 21st, and 23:30 UTC on the 19th is already the 20th.
    { timeZone: 'Asia/Tokyo', days: [['2026-11-21', 2], ['2026-11-20', 2]] },
  ])('cuts days at midnight in $timeZone', ({ timeZone, days }) => {
    const entries = mergeHistory(
      [version(3, '2026-11-21T01:30:00Z'), version(2, '2026-11-20T15:00:00Z'), version(1, '2026-11-19T23:30:00Z')],
      [snapshot('s', '2026-11-20T09:00:00Z')],
    );
    const grouped = groupByDay(entries, timeZone);
    expect(grouped.map((d) => [d.day, d.entries.length])).toEqual(days);
    // Nothing lost or reordered by the grouping.
    expect(grouped.flatMap((d) => d.entries)).toEqual(entries);
  });

  it('names a day as YYYY-MM-DD in the zone asked for', () => {
    expect(dayOf(at('2026-01-01T04:59:59Z'), 'America/New_York')).toBe('2025-12-31');
    expect(dayOf(at('2026-01-01T05:00:00Z'), 'America/New_York')).toBe('2026-01-01');
  });
});
