import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { AncloraDB, type ConflictCopy, type LocalBook } from '../books/db.ts';
import { conflictCopyTitle, createConflictChoices, keepBoth, keepMine, listConflicts, keepServer, undoConflictChoice } from './conflicts.ts';

const BOOK = '5b0e3f63-4c1a-4f25-9f59-8d5f3c2a1e11';

function setup() {
  const db = new AncloraDB(`conflicts-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const book: LocalBook = {
    id: BOOK,
    title: 'Draft',
    author: 'Ana',
    content: '<p>server</p>',
    metadata: { wordCount: 1, charCount: 6 },
    createdAt: 1,
    updatedAt: 5_000,
    dirty: 0,
    revision: 4,
    syncedAt: 5_100,
    deleted: 0,
    syncIssue: null,
  };
  const copy: ConflictCopy = {
    id: 'copy-1',
    bookId: BOOK,
    title: 'Draft',
    author: 'Ana',
    content: '<p>mine</p>',
    metadata: { wordCount: 1, charCount: 4 },
    updatedAt: 4_000,
    createdAt: 6_000,
    serverRevision: 4,
  };
  return { db, book, copy };
}

describe('conflict choices', () => {
  it('announce the choices that write books (keep mine, keep both), not dropping a copy', async () => {
    const { db, book, copy } = setup();
    await db.books.put(book);
    let announced = 0;
    const choices = createConflictChoices(db, { now: () => 7_000, newId: () => 'new-book', announce: () => announced++ });
    await db.conflicts.bulkPut([copy, { ...copy, id: 'copy-2' }, { ...copy, id: 'copy-3' }]);
    await choices.keepServer('copy-3');
    expect(announced).toBe(0);
    await choices.keepMine(copy.id);
    expect(announced).toBe(1);
    await choices.keepBoth('copy-2');
    expect(announced).toBe(2);
    expect(await listConflicts(db)).toEqual([]);
  });

  it('keep mine treats a copy whose metadata differs from the edited book as different text', async () => {
    const { db, book, copy } = setup();
    await db.books.put({ ...book, content: copy.content, metadata: { ...copy.metadata, genre: 'sea' }, dirty: 1, updatedAt: 6_500 });
    await db.conflicts.put(copy);
    await keepMine(db, copy.id, 7_000, () => 'copy-2');
    expect(await listConflicts(db)).toEqual([expect.objectContaining({ id: 'copy-2', metadata: { ...copy.metadata, genre: 'sea' } })]);
  });

  it('keep mine puts the local text back on the book, based on the winning revision, and drops the copy', async () => {
    const { db, book, copy } = setup();
    await db.books.put(book);
    await db.conflicts.put(copy);
    await keepMine(db, copy.id, 7_000);
    expect(await db.books.get(BOOK)).toMatchObject({ content: '<p>mine</p>', revision: 4, dirty: 1, updatedAt: 7_000 });
    expect(await listConflicts(db)).toEqual([]);
  });

  it('keep mine keeps edits typed into the book since the conflict, not yet sent, as a conflict copy in turn', async () => {
    const { db, book, copy } = setup();
    await db.books.put({ ...book, content: '<p>server, then typed offline</p>', dirty: 1, updatedAt: 6_500 });
    await db.conflicts.put(copy);
    await keepMine(db, copy.id, 7_000, () => 'copy-2');
    expect(await db.books.get(BOOK)).toMatchObject({ content: '<p>mine</p>', revision: 4, dirty: 1 });
    expect(await listConflicts(db)).toEqual([
      expect.objectContaining({ id: 'copy-2', bookId: BOOK, content: '<p>server, then typed offline</p>', serverRevision: 4 }),
    ]);
  });

  it('keep mine rebuilds a book the server deleted, on top of the tombstone revision', async () => {
    const { db, copy } = setup();
    await db.conflicts.put({ ...copy, serverRevision: 9 });
    await keepMine(db, copy.id, 7_000);
    expect(await db.books.get(BOOK)).toMatchObject({ content: '<p>mine</p>', revision: 9, dirty: 1, deleted: 0 });
  });

  it('keep both adds a new unsynced book titled as a conflict copy and leaves the original alone', async () => {
    const { db, book, copy } = setup();
    await db.books.put(book);
    await db.conflicts.put(copy);
    const id = await keepBoth(db, copy.id, 7_000, () => 'new-book');
    expect(id).toBe('new-book');
    expect(await db.books.get('new-book')).toMatchObject({ title: 'Draft (conflict copy)', content: '<p>mine</p>', revision: null, dirty: 1 });
    expect(await db.books.get(BOOK)).toEqual(book);
  });

  it('use server drops only the copy, and a second choice on the same copy is refused', async () => {
    const { db, book, copy } = setup();
    await db.books.put(book);
    await db.conflicts.put(copy);
    await keepServer(db, copy.id);
    expect(await db.books.get(BOOK)).toEqual(book);
    await expect(keepMine(db, copy.id, 8_000)).rejects.toThrow(/already resolved/);
  });

  it.each([
    ['keep mine', async (db: AncloraDB, copy: ConflictCopy, book: LocalBook) => {
      await keepMine(db, copy.id, 7_000);
      return { copy, replacedBook: book };
    }],
    ['use server', async (db: AncloraDB, copy: ConflictCopy) => {
      await keepServer(db, copy.id);
      return { copy };
    }],
    ['keep both', async (db: AncloraDB, copy: ConflictCopy) => ({ copy, madeBookId: await keepBoth(db, copy.id, 7_000, () => 'new-book') })],
  ] as const)('undo of %s offers the copy again and puts the book\'s text back as a new edit', async (_name, choose) => {
    const { db, book, copy } = setup();
    await db.books.put(book);
    await db.conflicts.put(copy);
    const receipt = await choose(db, copy, book);
    await undoConflictChoice(db, receipt, 8_000);
    expect(await listConflicts(db)).toEqual([copy]);
    expect(await db.books.get(BOOK)).toMatchObject({ content: book.content, deleted: 0 });
    // The text is back as an edit (it syncs); an untouched book needs none.
    if ('replacedBook' in receipt) expect(await db.books.get(BOOK)).toMatchObject({ dirty: 1, updatedAt: 8_000 });
    // A book keep both made and that never synced is simply gone again.
    expect(await db.books.get('new-book')).toBeUndefined();
  });

  it('keeps "(conflict copy)" titles within the server limit', () => {
    const title = conflictCopyTitle('x'.repeat(LIMITS.titleMax));
    expect(title).toHaveLength(LIMITS.titleMax);
    expect(title.endsWith(' (conflict copy)')).toBe(true);
  });
});
