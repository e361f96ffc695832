// The edges the sync engine is given: local book storage, key-value persistence, clock and logger.
import type { BookMetadata } from '../../../shared/protocol.ts';
import type { ConflictCopy, LocalBook, MergeOverlapRecord, SyncBase, SyncIssue, TrashEntry, UnansweredPush } from '../books/db.ts';
import { countHtml } from '../books/words.ts';

export type { ConflictCopy, LocalBook, MergeOverlapRecord, SyncBase, SyncIssue, TrashEntry, UnansweredPush };

/**
 * What one local transaction writes: the final state of the books it touched, their bases (put, or dropped by book
 * id), new conflict copies and merge overlaps, books deleted elsewhere for the trash, the cursor. The store keeps a
 * snapshot of any stored text a put replaces (the safety net) and takes a book that comes back out of the trash.
 */
export interface LocalChanges {
  put: LocalBook[];
  remove: string[];
  conflicts: ConflictCopy[];
  bases?: { put: SyncBase[]; remove: string[] };
  overlaps?: MergeOverlapRecord[];
  /** Books deleted elsewhere, with the text this device held. */
  trash?: TrashEntry[];
  /** The tombstone revisions this device's deletions reached (a restore builds on them). */
  trashRevisions?: Array<{ bookId: string; revision: number }>;
  /** Books whose push was answered (their UnansweredPush is removed). */
  answered?: string[];
  cursor?: { scope: string; value: string };
}

/** The local book storage port. The Dexie implementation is in dexie-store.ts. */
export interface LocalBookStore {
  /** Dirty books (local tombstones included). */
  listDirty(): Promise<LocalBook[]>;
  countPending(): Promise<number>;
  /** The bases of these books (those that have one). */
  getBases(ids: string[]): Promise<Map<string, SyncBase>>;
  /** Every push whose answer was never applied. */
  listUnanswered(): Promise<UnansweredPush[]>;
  /** Records pushes about to be sent (replacing earlier records of the same books). */
  recordSent(pushes: UnansweredPush[]): Promise<void>;
  /** Forgets these books' unanswered pushes (settled otherwise). */
  forgetUnanswered(ids: string[]): Promise<void>;
  /** The pull cursor saved for an account; a cursor of another account is ignored. */
  getCursor(scope: string): Promise<string | undefined>;
  /**
   * One read-write transaction: reads the books `ids`, asks `plan` (synchronous, so the transaction cannot
   * commit while it waits) what to write given their current state, and writes it. Deciding on the state read in
   * the same transaction is what keeps an edit saved meanwhile from being overwritten.
   */
  transact(ids: string[], plan: (current: Map<string, LocalBook>) => LocalChanges): Promise<void>;
}

/** Small persisted values that do not have to be transactional with books (browser.storage.local). */
export interface KeyValue {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface Clock {
  now(): number;
}

/** Metadata the server returns may lack the counts the panel shows; fill them from the text. */
export function withCounts(metadata: BookMetadata | LocalBook['metadata'], content: string): LocalBook['metadata'] {
  if (typeof metadata.wordCount === 'number' && typeof metadata.charCount === 'number') {
    return metadata as LocalBook['metadata'];
  }
  return { ...metadata, ...countHtml(content) };
}
