import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { testDatabases } from '../testing.ts';
import { AncloraDB, MIGRATIONS, type LocalBook, type TrashEntry } from './db.ts';
import { createBookRepository } from './repository.ts';
import { createTrash, daysLeft, purgedUpTo, restoredBook, TRASH_RETENTION_MS, trashEntryOf } from './trash.ts';

const DAY = 24 * 60 * 60 * 1000;
const freshDb = testDatabases('trash-test');

function setup(start = 1_000_000) {
  const db = freshDb();
  const clock = { now: start };
  let announced = 0;
  const options = { now: () => clock.now, announce: () => announced++ };
  return { db, clock, repo: createBookRepository(db, options), bin: createTrash(db, options), announced: () => announced };
}

const entry = (fields: Partial<TrashEntry> = {}): TrashEntry => ({
  bookId: 'b1', title: 'Tide', author: 'Ana', content: '<p>words</p>', metadata: { wordCount: 1, charCount: 5 },
  createdAt: 1, updatedAt: 2, deletedAt: 10 * DAY, deletedBy: 'this-device', revision: 3, ...fields,
});

describe('the trash rules', () => {
  it('keeps a book 30 days, one home for the number (shared/limits.ts)', () => {
    expect(LIMITS.trashRetentionDays).toBe(30);
    expect(TRASH_RETENTION_MS).toBe(30 * DAY);
  });

  it.each<[string, number, number]>([
    ['just deleted', 0, 29],
    ['a day later', DAY, 28],
    ['on its last day', 29.5 * DAY, 0],
    ['after the retention (until purged)', 31 * DAY, 0],
  ])('days left when %s', (_name, elapsed, left) => {
    expect(daysLeft({ deletedAt: 10 * DAY }, 10 * DAY + elapsed)).toBe(left);
  });

  it('purges exactly the entries whose retention has ended', async () => {
    const { db, bin, clock } = setup(100 * DAY);
    await db.trash.bulkPut([
      entry({ bookId: 'old', deletedAt: clock.now - 30 * DAY }),
      entry({ bookId: 'older', deletedAt: clock.now - 45 * DAY }),
      entry({ bookId: 'recent', deletedAt: clock.now - 30 * DAY + 1 }),
    ]);
    expect(purgedUpTo(clock.now)).toBe(clock.now - 30 * DAY);
    expect(await bin.purge()).toBe(2);
    expect((await bin.list()).map((e) => e.bookId)).toEqual(['recent']);
  });

  it.each<[string, LocalBook | undefined, number | null]>([
    ['never synced: no revision', undefined, null],
    ['its tombstone reached the server: on the tombstone', { revision: 9, updatedAt: 5, syncedAt: 4 } as LocalBook, 9],
  ])('a restore is a new dirty edit (%s)', (_name, current, revision) => {
    const book = restoredBook(entry({ revision: current ? 3 : null }), current, 50);
    expect(book).toMatchObject({ id: 'b1', content: '<p>words</p>', title: 'Tide', deleted: 0, dirty: 1, revision, updatedAt: 50 });
  });
});

describe('the trash on this device', () => {
  it('keeps a never-synced deleted book with its text, and restores it', async () => {
    const { db, repo, bin, clock } = setup();
    const book = await repo.create({ title: 'Draft', content: '<p>only here</p>' });
    clock.now += 1000;
    await repo.remove(book.id);
    expect(await db.books.get(book.id)).toBeUndefined();
    expect(await repo.list()).toEqual([]);
    // A new handle on the same database: what a panel reload sees.
    const handle = new AncloraDB(db.name);
    const reloaded = createTrash(handle);
    expect(await reloaded.list()).toMatchObject([{ bookId: book.id, title: 'Draft', content: '<p>only here</p>', deletedBy: 'this-device', revision: null, deletedAt: clock.now }]);
    expect(await reloaded.restore(book.id)).toBe(true);
    handle.close();
    expect(await repo.get(book.id)).toMatchObject({ title: 'Draft', content: '<p>only here</p>', dirty: 1, revision: null });
    expect(await bin.list()).toEqual([]);
  });

  it('restores a synced book on top of the tombstone it reached, and announces it (it syncs)', async () => {
    const { db, repo, bin, clock, announced } = setup();
    const book = await repo.create({ title: 'Tide', content: '<p>text</p>' });
    await db.books.update(book.id, { revision: 4, dirty: 0, syncedAt: 5 });
    await repo.remove(book.id);
    expect(await db.books.get(book.id)).toMatchObject({ deleted: 1, dirty: 1, revision: 4 });
    // The sync engine removed the pushed tombstone, whose revision was 5.
    await db.books.delete(book.id);
    await db.trash.update(book.id, { revision: 5 });
    clock.now += 10;
    const before = announced();
    await bin.restore(book.id);
    expect(announced()).toBe(before + 1);
    expect(await repo.get(book.id)).toMatchObject({ content: '<p>text</p>', revision: 5, dirty: 1, deleted: 0 });
  });

  it('keeps the trashed text as a conflict copy when the book is already back with other text', async () => {
    const { db, repo, bin } = setup();
    const book = await repo.create({ title: 'Tide', content: '<p>mine</p>' });
    await repo.remove(book.id);
    await db.books.put({ ...book, content: '<p>restored elsewhere and edited</p>', revision: 7, dirty: 0 });
    expect(await bin.restore(book.id)).toBe(true);
    expect(await repo.get(book.id)).toMatchObject({ content: '<p>restored elsewhere and edited</p>' });
    expect((await db.conflicts.toArray()).map((c) => c.content)).toEqual(['<p>mine</p>']);
    expect(await bin.list()).toEqual([]);
  });

  it('lists the most recently deleted first; deletes forever, empties, and purges after the retention', async () => {
    const { repo, bin, clock } = setup();
    const a = await repo.create({ title: 'A' });
    const b = await repo.create({ title: 'B' });
    const c = await repo.create({ title: 'C' });
    await repo.remove(a.id);
    clock.now += DAY;
    await repo.remove(b.id);
    clock.now += DAY;
    await repo.remove(c.id);
    expect((await bin.list()).map((e) => e.title)).toEqual(['C', 'B', 'A']);
    await bin.deleteForever(b.id);
    expect((await bin.list()).map((e) => e.title)).toEqual(['C', 'A']);
    clock.now += 29 * DAY;
    expect(await bin.purge()).toBe(1);
    expect((await bin.list()).map((e) => e.title)).toEqual(['C']);
    await bin.empty();
    expect(await bin.list()).toEqual([]);
    expect(await bin.restore(c.id)).toBe(false);
  });

  it('undo after a deletion brings the book back from the trash', async () => {
    const { repo, bin } = setup();
    const book = await repo.create({ title: 'Tide', content: '<p>x</p>' });
    const removed = await repo.remove(book.id);
    await repo.restore(removed);
    expect(await repo.get(book.id)).toMatchObject({ content: '<p>x</p>', deleted: 0 });
    expect(await bin.list()).toEqual([]);
  });

  it('builds the entry from the book the device held', () => {
    const book = { id: 'b1', title: 'T', author: 'A', content: '<p>c</p>', metadata: { wordCount: 1, charCount: 1 }, createdAt: 1, updatedAt: 2, revision: 3 };
    expect(trashEntryOf(book, { deletedAt: 9, deletedBy: 'other-device', revision: 4 })).toEqual({
      bookId: 'b1', title: 'T', author: 'A', content: '<p>c</p>', metadata: { wordCount: 1, charCount: 1 }, createdAt: 1, updatedAt: 2,
      deletedAt: 9, deletedBy: 'other-device', revision: 4,
    });
  });
});

describe('migration 3 (the trash and the safety net)', () => {
  it('opens a version 2 database with empty trash and snapshot tables and every book as it was', async () => {
    const name = `migration-3-${crypto.randomUUID()}`;
    const v2 = new AncloraDB(name, {}, MIGRATIONS.slice(0, 2));
    await v2.books.add({ id: 'b1', title: 'Old', author: '', content: '<p>old</p>', metadata: { wordCount: 1, charCount: 3 }, createdAt: 1, updatedAt: 2, dirty: 0, revision: 1, syncedAt: 2, deleted: 0, syncIssue: null });
    v2.close();
    const v3 = new AncloraDB(name);
    expect(v3.verno).toBe(3);
    expect(await v3.books.get('b1')).toMatchObject({ content: '<p>old</p>' });
    expect([await v3.trash.count(), await v3.snapshots.count(), await v3.snapshotTexts.count()]).toEqual([0, 0, 0]);
    v3.close();
    await Dexie.delete(name);
  });
});
