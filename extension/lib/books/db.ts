// The extension's IndexedDB schema (Dexie): books, conflict copies and small transactional values, with migrations.
import Dexie, { type DexieOptions, type EntityTable, type Transaction } from 'dexie';
import type { ManuscriptPatch } from '../../../shared/manuscript/patch.ts';

export const DB_NAME = 'AncloraPress';

export interface BookCounts {
  wordCount: number;
  charCount: number;
}

export type LocalBookMetadata = BookCounts & { [key: string]: unknown };

/** Why the server refused this book; shown on the book until the next successful sync. */
export interface SyncIssue {
  /** quota: the account's storage on the server is full (the server's message says how full). */
  kind: 'invalid' | 'too_large' | 'quota';
  message: string;
  /** invalid: the server's FieldReason per refused field (shared/error-codes.ts), so the note can be localised. */
  reasons?: Record<string, string>;
  limit?: number;
  at: number;
}

/** Dexie cannot index booleans, so flags are 0 | 1. */
export type Flag = 0 | 1;

export interface LocalBook {
  id: string;
  title: string;
  author: string;
  content: string;
  metadata: LocalBookMetadata;
  createdAt: number;
  updatedAt: number;
  /** 1 while this copy has edits the server has not acknowledged. */
  dirty: Flag;
  /** The last server revision this copy is based on; null for a book the server has never seen. */
  revision: number | null;
  syncedAt: number | null;
  /** 1 for a local tombstone waiting to reach the server; hidden from the UI. */
  deleted: Flag;
  syncIssue: SyncIssue | null;
  /**
   * Marks (versionMark) of the unsynced versions this device replaced with later edits, newest last: one the server
   * turns out to hold is this device's own edit whose answer was lost, not another writer's.
   */
  ownVersions?: string[];
}

/** How many replaced versions a book remembers as its own (a lost answer is recovered within a few edits). */
const OWN_VERSIONS_KEPT = 20;

/** Identifies a version by its edit time and sizes: cheap on a whole manuscript, and a miss only costs a conflict copy. */
export function versionMark(b: Pick<LocalBook, 'updatedAt' | 'title' | 'author' | 'content'>): string {
  return `${b.updatedAt}/${b.title.length}/${b.author.length}/${b.content.length}`;
}

/** The marks to keep once `replaced` gives way to a newer local edit (only unsynced versions may be on the server unseen). */
export function ownVersionsAfter(replaced: LocalBook): string[] | undefined {
  if (!replaced.dirty || replaced.deleted) return replaced.ownVersions;
  return [...(replaced.ownVersions ?? []), versionMark(replaced)].slice(-OWN_VERSIONS_KEPT);
}

/** A book the server has never seen: dirty, without revision, created and edited at `at`. */
export function newLocalBook(
  fields: Pick<LocalBook, 'id' | 'title' | 'author' | 'content' | 'metadata'>,
  at: number,
): LocalBook {
  return { ...fields, createdAt: at, updatedAt: at, dirty: 1, revision: null, syncedAt: null, deleted: 0, syncIssue: null };
}

/** A local version that lost a last-writer-wins conflict; kept until the writer decides. */
export interface ConflictCopy {
  id: string;
  bookId: string;
  title: string;
  author: string;
  content: string;
  metadata: LocalBookMetadata;
  updatedAt: number;
  createdAt: number;
  serverRevision: number;
  /**
   * Absent: this is the writer's own version, which lost to the book's (another device's). 'replaced-by-edit': this is
   * the other text, which the writer's later edit replaced where both changed the same words (the editor's merge).
   */
  origin?: 'replaced-by-edit';
}

/**
 * The conflict copy that keeps `version`'s text (the book's losing local version), made at `createdAt`; the
 * server's winning revision was `serverRevision`.
 */
export function conflictCopyOf(
  version: Pick<LocalBook, 'id' | 'title' | 'author' | 'content' | 'metadata' | 'updatedAt'>,
  copy: { id: string; createdAt: number; serverRevision: number },
): ConflictCopy {
  const { id: bookId, title, author, content, metadata, updatedAt } = version;
  return { id: copy.id, bookId, title, author, content, metadata, updatedAt, createdAt: copy.createdAt, serverRevision: copy.serverRevision };
}

/**
 * The last version of a book this device and the server agreed on (sync v2): pushes are patches from it, pulled
 * patches apply to it. Written only by the sync engine, in the same transaction as the outcome that makes it, and in
 * its own table so that saving a draft never rewrites it.
 */
export interface SyncBase {
  bookId: string;
  /** The server revision whose text this is; a push patches from it only while the book's `revision` is the same. */
  revision: number;
  content: string;
  /** contentHash(content); null for bases migrated from version 1 (an upgrade cannot await WebCrypto). */
  hash: string | null;
}

/**
 * A passage both this device and another changed differently, as a merge settled it: the later edit (`kept`) is in
 * the book, the other (`lost`) only here, for the writer to see and restore.
 */
export interface MergeOverlapRecord {
  id: string;
  bookId: string;
  /** The merged revision. */
  revision: number;
  /** When this device learnt of it (ms since epoch). */
  at: number;
  base: string;
  kept: string;
  lost: string;
  /** Whose text the book now holds there. */
  keptSide: 'this-device' | 'other-device';
  /** The merged text just before and after `kept` (see shared/manuscript/merge.ts): finds the passage again. */
  before?: string;
  after?: string;
  /** Set once the writer chose (merge review): kept for history, no longer pending. */
  reviewed?: OverlapReview;
}

export interface OverlapReview {
  at: number;
  /** kept: the merge's text stays; other: the set-aside words replaced it; both: both are in the book. */
  choice: 'kept' | 'other' | 'both';
  /**
   * The edit the choice made to the book (`replaced` → `inserted`, with the text around it then), so it can be undone;
   * absent when none was made.
   */
  edit?: { replaced: string; inserted: string; before?: string; after?: string };
}

/**
 * A push whose answer this device has not applied yet: written before the request goes out, removed in the transaction
 * that applies its answer. One left behind means the answer was lost (or the worker died waiting): the next cycle sends
 * exactly the same input again before anything newer, so the server recognises a retry of what it may already hold
 * instead of merging this device's later text with its own earlier one.
 */
export interface UnansweredPush {
  bookId: string;
  /** The version sent (whole). */
  sent: LocalBook;
  /** The patch it was sent as, if it was. */
  patch?: ManuscriptPatch;
  /** Hash of the text sent. */
  hash: string;
}

export interface KvEntry {
  key: string;
  value: unknown;
}

/**
 * One schema step. `stores` lists only the tables whose indexes change in that version (Dexie keeps the rest);
 * `upgrade` rewrites existing records when the shape of a record changes. Never edit a released step: add one.
 */
export interface Migration {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: Transaction) => Promise<void> | void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    stores: {
      books: '&id, updatedAt, dirty, title',
      conflicts: '&id, bookId',
      kv: '&key',
    },
  },
  {
    // Sync v2: the base of every synced book, and the passages merges settled. A clean synced book's text is what
    // the server holds at its revision, so it becomes its base; a book with unsynced edits has lost that text and
    // gets none (its next push carries whole content once).
    version: 2,
    stores: { bases: '&bookId', overlaps: '&id, bookId', unanswered: '&bookId' },
    upgrade: async (tx) => {
      const clean = await tx
        .table<LocalBook, string>('books')
        .filter((b) => b.dirty === 0 && !b.deleted && b.revision !== null)
        .toArray();
      await tx
        .table<SyncBase, string>('bases')
        .bulkPut(clean.map((b) => ({ bookId: b.id, revision: b.revision!, content: b.content, hash: null })));
    },
  },
];

export class AncloraDB extends Dexie {
  books!: EntityTable<LocalBook, 'id'>;
  conflicts!: EntityTable<ConflictCopy, 'id'>;
  kv!: EntityTable<KvEntry, 'key'>;
  bases!: EntityTable<SyncBase, 'bookId'>;
  overlaps!: EntityTable<MergeOverlapRecord, 'id'>;
  unanswered!: EntityTable<UnansweredPush, 'bookId'>;

  constructor(name: string = DB_NAME, options: DexieOptions = {}, migrations: readonly Migration[] = MIGRATIONS) {
    super(name, options);
    for (const step of migrations) {
      const version = this.version(step.version).stores(step.stores);
      if (step.upgrade) version.upgrade(step.upgrade);
    }
  }
}

/** Opens a database handle; tests pass a unique name (and fake-indexeddb through `options` or `fake-indexeddb/auto`). */
export function openDatabase(name: string = DB_NAME, options: DexieOptions = {}): AncloraDB {
  return new AncloraDB(name, options);
}

let shared: AncloraDB | undefined;

/** The one handle each extension context (panel, tab, background) uses. */
export function database(): AncloraDB {
  shared ??= openDatabase();
  return shared;
}
