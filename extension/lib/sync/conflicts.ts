// The three choices a writer has for a conflict copy (a version of a book set aside: the writer's own that lost to
// another device's, or another device's that the writer's edit replaced), applied to Dexie, and their undo. Each runs
// in one transaction, so a choice either happens completely or not at all.
import { LIMITS } from '../../../shared/limits.ts';
import { liveQuery, type Observable } from 'dexie';
import { sameBookText } from '../../../shared/book-text.ts';
import { announceBookWrite } from '../books/repository.ts';
import { t } from '../i18n.ts';
import { conflictCopyOf, database, newLocalBook, type AncloraDB, type ConflictCopy, type LocalBook } from '../books/db.ts';

/** "Title (conflict copy)" in the writer's language, shortened so the whole title still fits the server's limit. */
export function conflictCopyTitle(title: string): string {
  const room = LIMITS.titleMax - t('conflictCopyTitle', '').length;
  return t('conflictCopyTitle', title.length > room ? title.slice(0, room) : title);
}

/** Conflict copies oldest first: the banner offers them one at a time. */
export async function listConflicts(db: AncloraDB, bookId?: string): Promise<ConflictCopy[]> {
  const copies = bookId ? await db.conflicts.where('bookId').equals(bookId).toArray() : await db.conflicts.toArray();
  return copies.sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
}

async function takeCopy(db: AncloraDB, copyId: string): Promise<ConflictCopy> {
  const copy = await db.conflicts.get(copyId);
  if (!copy) throw new Error(t('conflictAlreadyResolved'));
  await db.conflicts.delete(copyId);
  return copy;
}

/**
 * Keep mine: the local text becomes the book again, based on the revision that won, and is sent on the next cycle.
 * The server accepts it because its base revision is current; if the book moved on meanwhile, the usual
 * last-writer-wins rule applies and any loser is kept again.
 */
export async function keepMine(db: AncloraDB, copyId: string, now: number, newId: () => string = () => crypto.randomUUID()): Promise<string> {
  return db.transaction('rw', db.books, db.conflicts, async () => {
    const copy = await takeCopy(db, copyId);
    const book = await db.books.get(copy.bookId);
    const edited = book && book.dirty && !book.deleted;
    if (edited && !sameBookText(book, copy)) {
      // The book was edited after the conflict and the server has not got those edits: overwriting them would lose
      // them, so they become a conflict copy in turn (found by convergence.test.ts).
      await db.conflicts.put(conflictCopyOf(book, { id: newId(), createdAt: now, serverRevision: book.revision ?? copy.serverRevision }));
    }
    const next: LocalBook = {
      id: copy.bookId,
      createdAt: book?.createdAt ?? copy.createdAt,
      // A server tombstone removed the book locally: rebuild it on top of the tombstone's revision.
      revision: book?.revision ?? copy.serverRevision,
      syncedAt: book?.syncedAt ?? null,
      title: copy.title,
      author: copy.author,
      content: copy.content,
      metadata: copy.metadata,
      updatedAt: Math.max(now, (book?.updatedAt ?? 0) + 1),
      dirty: 1,
      deleted: 0,
      syncIssue: null,
    };
    await db.books.put(next);
    return next.id;
  });
}

/** Use server: the server's version (already the book) stays; the conflict copy is dropped. The UI confirms first. */
export async function keepServer(db: AncloraDB, copyId: string): Promise<void> {
  await db.transaction('rw', db.conflicts, () => takeCopy(db, copyId));
}

/** Keep both: the local text becomes a new book "Title (conflict copy)"; the server's version stays the original. */
export async function keepBoth(db: AncloraDB, copyId: string, now: number, newId: () => string): Promise<string> {
  return db.transaction('rw', db.books, db.conflicts, async () => {
    const copy = await takeCopy(db, copyId);
    const book = newLocalBook(
      { id: newId(), title: conflictCopyTitle(copy.title), author: copy.author, content: copy.content, metadata: copy.metadata },
      now,
    );
    await db.books.put(book);
    return book.id;
  });
}

/** What a choice changed, so it can be undone: the copy it took, the book's text it replaced, the book it made. */
export interface ConflictReceipt {
  copy: ConflictCopy;
  /** The book as it was when its text was replaced by the copy's (keep mine). */
  replacedBook?: LocalBook;
  /** The new book keep both made. */
  madeBookId?: string;
}

/**
 * Undoes a choice: the copy is offered again, a replaced text comes back as a new edit of the book (so it syncs), and
 * a book made by keep both goes (as a deletion the server learns of, when it had reached it).
 */
export async function undoConflictChoice(db: AncloraDB, receipt: ConflictReceipt, now: number): Promise<void> {
  await db.transaction('rw', db.books, db.conflicts, async () => {
    await db.conflicts.put(receipt.copy);
    const before = receipt.replacedBook;
    if (before) {
      const current = await db.books.get(before.id);
      const { title, author, content, metadata } = before;
      await db.books.put({
        ...(current ?? before),
        title,
        author,
        content,
        metadata,
        deleted: 0,
        dirty: 1,
        syncIssue: null,
        updatedAt: Math.max(now, (current?.updatedAt ?? before.updatedAt) + 1),
      });
    }
    if (receipt.madeBookId) {
      const made = await db.books.get(receipt.madeBookId);
      if (made && made.revision === null) await db.books.delete(made.id);
      else if (made) await db.books.put({ ...made, deleted: 1, dirty: 1, updatedAt: Math.max(now, made.updatedAt + 1) });
    }
  });
}

/** What pages do with conflict copies: watch them and apply a choice; choices that write books are announced. */
export interface ConflictChoices {
  watch(): Observable<ConflictCopy[]>;
  keepMine(copyId: string): Promise<string>;
  keepServer(copyId: string): Promise<void>;
  keepBoth(copyId: string): Promise<string>;
  undo(receipt: ConflictReceipt): Promise<void>;
  watchOpenBook(bookId: string, since: number): Observable<OpenBook>;
}

export function createConflictChoices(
  db: AncloraDB,
  options: { now?: () => number; newId?: () => string; announce?: () => void } = {},
): ConflictChoices {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const announce = options.announce ?? (() => {});
  return {
    watch: () => liveQuery(() => listConflicts(db)),
    async keepMine(copyId) {
      const id = await keepMine(db, copyId, now(), newId);
      announce();
      return id;
    },
    // Dropping a copy writes no book: nothing to sync.
    keepServer: (copyId) => keepServer(db, copyId),
    async keepBoth(copyId) {
      const id = await keepBoth(db, copyId, now(), newId);
      announce();
      return id;
    },
    async undo(receipt) {
      await undoConflictChoice(db, receipt, now());
      announce();
    },
    watchOpenBook: (bookId, since) => watchOpenBook(db, bookId, since),
  };
}

/** The open book as its editor follows it, and whether the editor must hold still (see `holdsEditor`). */
export interface OpenBook {
  /** The live book; undefined once deleted. */
  book: LocalBook | undefined;
  held: boolean;
}

/**
 * A conflict copy holding the writer's own version (not the other text their edit replaced) means the book now holds
 * another device's text the writer has not chosen: their editor keeps showing what they wrote until they choose.
 */
export function holdsEditor(copy: ConflictCopy): boolean {
  return copy.origin !== 'replaced-by-edit';
}

/**
 * The book and its conflict copies read together, so the editor never sees the other text before the copy. Only
 * copies made since `since` (the editor opened) hold it: a book opened later shows the book's text from the start.
 */
export function watchOpenBook(db: AncloraDB, bookId: string, since: number): Observable<OpenBook> {
  // One read transaction: two separate reads could fall either side of the sync engine's write of both.
  return liveQuery(() =>
    db.transaction('r', db.books, db.conflicts, async () => {
      const [book, copies] = await Promise.all([db.books.get(bookId), db.conflicts.where('bookId').equals(bookId).toArray()]);
      return { book: book && !book.deleted ? book : undefined, held: copies.some((c) => c.createdAt >= since && holdsEditor(c)) };
    }),
  );
}

let shared: ConflictChoices | undefined;

/** The conflict choices on this context's shared database handle. */
export function conflictChoices(): ConflictChoices {
  shared ??= createConflictChoices(database(), { announce: announceBookWrite });
  return shared;
}
