import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing.ts';
import type { SnapshotInfo } from './db.ts';
import { getSnapshot, listSnapshots, putSnapshots, snapshotBytes, snapshotOf, snapshotsToDrop, thinSnapshots } from './snapshots.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const NOW = 1000 * DAY;
const freshDb = testDatabases('snapshots-test');

let n = 0;
const snap = (bookId: string, age: number, bytes = 10): SnapshotInfo => ({
  id: `s${String(++n).padStart(4, '0')}`, bookId, at: NOW - age, cause: 'sync', title: bookId, revision: 1, wordCount: 1, bytes,
});

describe('which snapshots are thinned (by age, then by budget)', () => {
  it('keeps every snapshot of the last day', () => {
    const all = [snap('a', 0), snap('a', HOUR), snap('a', 23 * HOUR), snap('a', 23.5 * HOUR)];
    expect(snapshotsToDrop(all, NOW)).toEqual([]);
  });

  it('keeps the newest of each hour for a week, of each day for a month, none older but a book\'s newest', () => {
    // Two in one hour three days ago, two on one day ten days ago, one 40 days ago.
    const threeDays = 3 * DAY + 10 * 60 * 1000 - ((NOW - 3 * DAY) % HOUR);
    const tenDays = 10 * DAY + 2 * HOUR - ((NOW - 10 * DAY) % DAY);
    const keptHour = snap('a', threeDays);
    const droppedHour = snap('a', threeDays + 5 * 60 * 1000);
    const keptDay = snap('a', tenDays);
    const droppedDay = snap('a', tenDays + HOUR);
    const tooOld = snap('a', 40 * DAY);
    const onlyOfItsBook = snap('b', 90 * DAY);
    const all = [snap('a', 0), keptHour, droppedHour, keptDay, droppedDay, tooOld, onlyOfItsBook];
    expect(snapshotsToDrop(all, NOW).sort()).toEqual([droppedHour.id, droppedDay.id, tooOld.id].sort());
  });

  it('over budget, drops the oldest first and every book\'s newest last', () => {
    const newestA = snap('a', 0, 40);
    const olderA = snap('a', HOUR, 40);
    const newestB = snap('b', 2 * HOUR, 40);
    expect(snapshotsToDrop([newestA, olderA, newestB], NOW, 100)).toEqual([olderA.id]);
    expect(snapshotsToDrop([newestA, olderA, newestB], NOW, 50).sort()).toEqual([olderA.id, newestB.id].sort());
  });

  it('counts bytes as browsers keep strings: one per Latin-1 character, else two', () => {
    expect(snapshotBytes('<p>señora</p>')).toBe(13);
    expect(snapshotBytes('<p>“quoted”</p>')).toBe(30);
  });
});

describe('the snapshot store', () => {
  it('lists a book\'s snapshots newest first without their text, reads one with it, and thins within the budget', async () => {
    const db = freshDb();
    const book = { id: 'b1', title: 'Tide', content: '<p>one</p>', revision: 2, metadata: { wordCount: 1, charCount: 3 } };
    await putSnapshots(db, [snapshotOf(book, 'sync', NOW - HOUR, 'x1'), snapshotOf({ ...book, content: '<p>two two</p>' }, 'conflict', NOW, 'x2')]);
    const listed = await listSnapshots('b1', db);
    expect(listed.map((s) => [s.id, s.cause])).toEqual([['x2', 'conflict'], ['x1', 'sync']]);
    expect(listed[0]).not.toHaveProperty('content');
    expect(await getSnapshot('x1', db)).toMatchObject({ bookId: 'b1', content: '<p>one</p>', revision: 2 });
    expect(await thinSnapshots(db, NOW, 14)).toBe(1);
    expect((await listSnapshots('b1', db)).map((s) => s.id)).toEqual(['x2']);
    expect(await getSnapshot('x1', db)).toBeUndefined();
    expect(await db.snapshotTexts.count()).toBe(1);
  });
});
