// The open book as its editor follows it: held on the writer's text while their own version is set aside.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openDatabase, type AncloraDB, type ConflictCopy, type LocalBook } from '../books/db.ts';
import { watchOpenBook, type OpenBook } from './conflicts.ts';

const BOOK: LocalBook = {
  id: 'b1',
  title: 'Draft',
  author: '',
  content: '<p>server</p>',
  metadata: { wordCount: 1, charCount: 6 },
  createdAt: 1,
  updatedAt: 5_000,
  dirty: 0,
  revision: 4,
  syncedAt: 5_000,
  deleted: 0,
  syncIssue: null,
};

const copy = (createdAt: number, origin?: ConflictCopy['origin']): ConflictCopy => ({
  id: `c-${createdAt}-${origin ?? 'own'}`,
  bookId: BOOK.id,
  title: 'Draft',
  author: '',
  content: '<p>mine</p>',
  metadata: { wordCount: 1, charCount: 4 },
  updatedAt: 4_000,
  createdAt,
  serverRevision: 4,
  ...(origin ? { origin } : {}),
});

/** The first value the open-book query gives. */
function openBook(db: AncloraDB, since: number): Promise<OpenBook> {
  return new Promise((resolve, reject) => {
    const subscription = watchOpenBook(db, BOOK.id, since).subscribe({
      next: (value) => {
        resolve(value);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error: reject,
    });
  });
}

describe('watchOpenBook', () => {
  it.each<[string, ConflictCopy[], LocalBook | undefined, boolean]>([
    ['no copy: follows the book', [], BOOK, false],
    ["the writer's own version set aside since the book was opened: held", [copy(6_000)], BOOK, true],
    ['a copy from before the book was opened: the book showed its text from the start', [copy(4_000)], BOOK, false],
    ["the other text the writer's edit replaced: the editor already shows the writer's", [copy(6_000, 'replaced-by-edit')], BOOK, false],
    ['the book deleted by the other device, the writer\'s version set aside: held, with no book', [copy(6_000)], undefined, true],
  ])('%s', async (_name, copies, book, held) => {
    const db = openDatabase(`hold-${Math.random()}`);
    if (book) await db.books.put(book);
    await db.conflicts.bulkPut(copies);
    expect(await openBook(db, 5_500)).toEqual({ book, held });
  });
});
