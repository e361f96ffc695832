// Book storage: the storage records of books and kept revisions (not the wire types), the one list of a book's
// fields, and the BookStore interface (compare-and-set writes, a per-owner change feed, retained revisions).
import type { BookMetadata, MergeRecord } from '../../shared/protocol.ts';
import type { PageBudget } from './paging.ts';

/** One version of a book: every field the server keeps of it, and what an answer carries of it. */
export interface BookVersion {
  id: string;
  title: string;
  author: string;
  content: string;
  metadata: BookMetadata;
  updatedAt: number;
  createdAt: number;
  syncedAt: number;
  revision: number;
  deleted: boolean;
}

/** The fields of a book version, in the order answers and sizes spell them: the one list every mapper uses. */
export const BOOK_FIELDS = [
  'id',
  'title',
  'author',
  'content',
  'metadata',
  'updatedAt',
  'createdAt',
  'syncedAt',
  'revision',
  'deleted',
] as const satisfies ReadonlyArray<keyof BookVersion>;

// A field added to BookVersion and forgotten in BOOK_FIELDS fails to compile here.
const everyFieldListed: Exclude<keyof BookVersion, (typeof BOOK_FIELDS)[number]> extends never ? true : never = true;
void everyFieldListed;

/** Exactly the fields of a version (a record's owner, seq, size or replacedAt left out), in BOOK_FIELDS order. */
export function bookVersion(book: BookVersion): BookVersion {
  return Object.fromEntries(BOOK_FIELDS.map((field) => [field, book[field]])) as unknown as BookVersion;
}

/**
 * The trash: a deleted book's last live version, kept with its tombstone (in the books table or collection, not among
 * the revisions) so that any device can list and restore it until the retention ends (book-writes.ts trashedText).
 */
export interface TrashedText {
  title: string;
  author: string;
  content: string;
  metadata: BookMetadata;
  /** When that version was written, and its revision. */
  updatedAt: number;
  revision: number;
}

/** A book as stored: its current version, its owner and its position in the owner's change feed. */
export interface StoredBook extends BookVersion {
  owner: string;
  /** Strictly increasing per owner; the change feed is ordered by it. */
  seq: number;
  /** Present when a three-way merge made this version (kept with it when it is archived). */
  merge?: MergeRecord;
  /** Present on a tombstone in the trash: the text it deleted. */
  trashed?: TrashedText;
  /** The device that wrote this version (its token's name, or "web"); absent when not recorded (older versions). */
  device?: string;
}

/**
 * An earlier version as a history listing shows it, without its text: kept when an accepted write replaced it, with
 * the words it added and removed against the previous kept version (counted when stored, server/history/words.ts).
 */
export interface RevisionSummary extends Omit<BookVersion, 'content'> {
  replacedAt: number;
  merge?: MergeRecord;
  /** The device that wrote it; null when not recorded (versions written before devices were). */
  device: string | null;
  wordsAdded: number;
  wordsRemoved: number;
}

/** An earlier version with its exact text (read back through its chain of patches and checked against its hash). */
export interface StoredRevision extends RevisionSummary, BookVersion {}

/**
 * What a writer supplies: a whole version (how a merge made it, and which device wrote it); the store assigns `seq`,
 * and keeps the text a deletion replaces as `trashed` (book-writes.ts trashedText).
 */
export type BookWrite = BookVersion & { merge?: MergeRecord; device?: string; trashed?: TrashedText };

export interface CasWrite {
  book: BookWrite;
  expectedRevision: number | null;
}

export type PutResult =
  | { ok: true; book: StoredBook }
  /** The stored revision was not the expected one (or the book exists when none was expected). */
  | { ok: false; reason: 'conflict'; current: StoredBook }
  /** The id belongs to another owner; nothing was written. */
  | { ok: false; reason: 'foreign' }
  /** A revision was expected but this owner has no book with that id; nothing was written. */
  | { ok: false; reason: 'missing' }
  /** The write would take the owner's stored books over the quota; nothing was written. `used`: bytes stored now. */
  | { ok: false; reason: 'quota'; used: number };

export interface ChangePage {
  books: StoredBook[];
  /** The seq of the last book returned, or the `since` given when none. */
  last: number;
  hasMore: boolean;
}

export interface RevisionPage {
  /** Newest first. */
  revisions: RevisionSummary[];
  /** More (older) revisions follow: ask again with `before` the last revision number returned. */
  hasMore: boolean;
}

export interface RevisionQuery {
  /** Only revisions numbered below this one (the next page after a page that ended there). */
  before?: number;
  limit?: number;
  budget?: PageBudget;
}

export interface BookStore {
  getBook(owner: string, id: string): Promise<StoredBook | null>;
  /** The owner's books among `ids` (tombstones included), in one query; ids the owner has no book for are absent. */
  getBooks(owner: string, ids: readonly string[]): Promise<StoredBook[]>;
  /**
   * Compare-and-set writes of distinct books, checked one by one in order (book-writes.ts checkWrite) and committed
   * together in one atomic step (one transaction: one disk flush, one MongoDB commit). For each write,
   * `expectedRevision` null means "create: must not exist" and a number means the stored revision must equal it; a
   * write whose check fails is skipped and reported, the others still land. A written book's replaced version (if
   * any) is kept in the revisions history (a reverse patch, server/history/chain.ts), thinned by
   * server/history/retention.ts, and the book gets the owner's next
   * seq. Results are in `writes` order. The store keeps each book's size (paging.ts bookSize) and each owner's total;
   * a write that would grow that total past `quotaBytes` is refused as 'quota'.
   */
  putBooks(owner: string, writes: readonly CasWrite[], quotaBytes?: number): Promise<PutResult[]>;
  /**
   * Books (tombstones included) with seq > since, in seq order: at most `limit`, and at most `budget` bytes by their
   * recorded sizes. Sizes are read before books, so no book is loaded that the page does not return.
   */
  changesSince(owner: string, since: number, limit: number, budget?: PageBudget): Promise<ChangePage>;
  /**
   * Earlier versions of the owner's book without their text, newest first, paged like the change feed (a revision
   * counts paging.ts revisionSize); null when the owner has no book with this id (another owner's id included).
   */
  listRevisions(owner: string, id: string, query?: RevisionQuery): Promise<RevisionPage | null>;
  /**
   * One kept earlier version of the owner's book (not the current one): the revision numbered `revision`, or the one
   * that was current at time `currentAt` (its syncedAt at or before it, replaced after it). Null when not kept. Its
   * text is read back through its chain of reverse patches (server/history/chain.ts) and hash-checked: a mismatch
   * throws HistoryCorruptError, never answers wrong text.
   */
  getRevision(owner: string, id: string, which: { revision: number } | { currentAt: number }): Promise<StoredRevision | null>;
  /** Bytes the owner's stored books take (the sum of their sizes, tombstones included): what the quota counts. */
  storedBytes(owner: string): Promise<number>;
  /**
   * The owner's tombstones that still hold their deleted text (the trash), deleted (syncedAt) after `deletedAfter`,
   * most recently deleted first.
   */
  listTrash(owner: string, deletedAfter: number): Promise<StoredBook[]>;
  /**
   * Forgets the deleted text of the owner's tombstones deleted at or before `deletedUpTo` (only those among `ids`,
   * when given) — the tombstones stay, so devices still learn of the deletion; sizes and the owner's stored bytes
   * shrink. Returns how many were purged.
   */
  purgeTrash(owner: string, deletedUpTo: number, ids?: readonly string[]): Promise<number>;
}
