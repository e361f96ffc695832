// The compare-and-set rules below the sync decision, one definition for both stores: which writes of a step may land,
// and how they change the owner's stored bytes. The stores only read and write; they decide nothing here themselves.
import { bookSize } from './paging.ts';
import { bookVersion, type BookVersion, type BookWrite, type CasWrite, type PutResult, type StoredBook, type TrashedText } from './book-store.ts';

/** The book a write replaces, as the store found it, with its recorded size. */
export interface CurrentBook {
  book: StoredBook;
  size: number;
}

/** The owner's stored bytes as a step goes along, and the quota they are checked against. */
export interface StepUsage {
  bytes: number;
  quota: number;
}

export type WriteCheck =
  /** The write may land: its size, and how much it grows the owner's total (negative when it shrinks). */
  | { ok: true; size: number; growth: number }
  | Exclude<PutResult, { ok: true }>;

/** What an edit writes of a book; the rest of the new version follows from the stored copy and the time. */
export type EditedFields = Pick<BookVersion, 'title' | 'author' | 'content' | 'metadata' | 'deleted'>;

/**
 * The version an accepted edit writes on top of `current` (null: the book is new) at `at`, stamped `updatedAt` (as
 * the sync rules settled it): the next revision, the original creation time, synced now.
 */
export function nextVersion(id: string, current: BookVersion | null, edit: EditedFields, updatedAt: number, at: number): BookWrite {
  return bookVersion({ ...edit, id, updatedAt, createdAt: current?.createdAt ?? at, syncedAt: at, revision: (current?.revision ?? 0) + 1 });
}

/** putBooks takes each book once: a second write of one book in the same step would be checked against a guess. */
export function assertDistinctBooks(writes: readonly CasWrite[]): void {
  const ids = new Set(writes.map((w) => w.book.id));
  if (ids.size !== writes.length) throw new Error('putBooks: a book appears twice in one step');
}

/**
 * Whether `write` may replace `current` (this owner's copy, or null when the owner has none). `foreign`: the id is
 * another owner's, which each store finds its own way (the embedded store by a lookup, MongoDB by its unique _id).
 * A write that does not grow the total, and a tombstone, always pass the quota.
 */
export function checkWrite(current: CurrentBook | null, write: CasWrite, usage: StepUsage, foreign = false): WriteCheck {
  const { book, expectedRevision } = write;
  if (!current) {
    if (foreign) return { ok: false, reason: 'foreign' };
    if (expectedRevision !== null) return { ok: false, reason: 'missing' };
  } else if (expectedRevision === null || current.book.revision !== expectedRevision) {
    return { ok: false, reason: 'conflict', current: current.book };
  }
  const size = bookSize(book);
  const growth = size - (current?.size ?? 0);
  if (growth > 0 && !book.deleted && usage.bytes + growth > usage.quota) return { ok: false, reason: 'quota', used: usage.bytes };
  return { ok: true, size, growth };
}

/**
 * The text a write keeps for the trash: a deletion of a live book keeps that book's version; a tombstone written over
 * a tombstone carries its kept text on (a retried or repeated deletion); a live book keeps none.
 */
export function trashedText(current: StoredBook | null, next: Pick<BookVersion, 'deleted'>): TrashedText | undefined {
  if (!next.deleted || !current) return undefined;
  if (current.deleted) return current.trashed;
  const { title, author, content, metadata, updatedAt, revision } = current;
  return { title, author, content, metadata, updatedAt, revision };
}

/** The write as the store keeps it: with the text it sends to the trash, if any. */
export function withTrash(current: StoredBook | null, book: BookWrite): BookWrite {
  const { trashed: _ignored, ...rest } = book;
  const trashed = trashedText(current, book);
  return trashed ? { ...rest, trashed } : rest;
}
