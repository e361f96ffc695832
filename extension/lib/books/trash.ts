// The trash on this device: books deleted here or on another device, kept with their last text until the retention
// ends; restoring one is a new edit of the book (it syncs, on top of the server's tombstone).
import { liveQuery, type Observable } from 'dexie';
import { sameBookText } from '../../../shared/book-text.ts';
import { LIMITS } from '../../../shared/limits.ts';
import { conflictCopyOf, type AncloraDB, type LocalBook, type TrashEntry } from './db.ts';
import { putSnapshots, snapshotOf } from './snapshots.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** How long a deleted book stays in the trash on this device (ms). */
export const TRASH_RETENTION_MS = LIMITS.trashRetentionDays * DAY_MS;

/** The trash entry that keeps `book`'s text, deleted at `deletedAt`. */
export function trashEntryOf(
  book: Pick<LocalBook, 'id' | 'title' | 'author' | 'content' | 'metadata' | 'createdAt' | 'updatedAt' | 'revision'>,
  deletion: { deletedAt: number; deletedBy: TrashEntry['deletedBy']; revision?: number | null },
): TrashEntry {
  const { id: bookId, title, author, content, metadata, createdAt, updatedAt } = book;
  return {
    bookId,
    title,
    author,
    content,
    metadata,
    createdAt,
    updatedAt,
    deletedAt: deletion.deletedAt,
    deletedBy: deletion.deletedBy,
    revision: deletion.revision === undefined ? book.revision : deletion.revision,
  };
}

/** Whole days left before `entry` is purged (0 on its last day). */
export function daysLeft(entry: Pick<TrashEntry, 'deletedAt'>, now: number, retentionMs = TRASH_RETENTION_MS): number {
  return Math.max(0, Math.ceil((entry.deletedAt + retentionMs - now) / DAY_MS) - 1);
}

/** Entries deleted at or before this time have had their retention: they are purged. */
export function purgedUpTo(now: number, retentionMs = TRASH_RETENTION_MS): number {
  return now - retentionMs;
}

/**
 * The book a restore writes: the trashed text as a new edit, on the revision the server's copy reached (a tombstone
 * this device pushed or pulled), so the server takes it as an ordinary update; dirty, to be sent.
 */
export function restoredBook(entry: TrashEntry, current: LocalBook | undefined, now: number): LocalBook {
  return {
    id: entry.bookId,
    title: entry.title,
    author: entry.author,
    content: entry.content,
    metadata: entry.metadata,
    createdAt: entry.createdAt,
    updatedAt: Math.max(now, entry.updatedAt + 1, (current?.updatedAt ?? 0) + 1),
    dirty: 1,
    revision: current?.revision ?? entry.revision,
    syncedAt: current?.syncedAt ?? null,
    deleted: 0,
    syncIssue: null,
  };
}

export interface Trash {
  /** Books in the trash, most recently deleted first. */
  list(): Promise<TrashEntry[]>;
  watch(): Observable<TrashEntry[]>;
  /** How many books are in the trash (their texts are not read). */
  watchCount(): Observable<number>;
  /** Brings a book back as it was when deleted (a new edit that syncs); false when it is no longer in the trash. */
  restore(bookId: string): Promise<boolean>;
  /** Forgets a trashed book's text on this device (the server purges its copy when its own retention ends). */
  deleteForever(bookId: string): Promise<void>;
  /** Deletes every book in the trash forever. */
  empty(): Promise<void>;
  /** Purges entries whose retention has ended; returns how many went. */
  purge(): Promise<number>;
}

export interface TrashOptions {
  now?: () => number;
  newId?: () => string;
  announce?: () => void;
}

export function createTrash(db: AncloraDB, options: TrashOptions = {}): Trash {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const list = async () => (await db.trash.orderBy('deletedAt').reverse().toArray());
  return {
    list,
    watch: () => liveQuery(list),
    watchCount: () => liveQuery(() => db.trash.count()),
    async restore(bookId) {
      const restored = await db.transaction('rw', [db.books, db.trash, db.conflicts, db.snapshots, db.snapshotTexts], async () => {
        const entry = await db.trash.get(bookId);
        if (!entry) return false;
        await db.trash.delete(bookId);
        const current = await db.books.get(bookId);
        const at = now();
        if (current && !current.deleted) {
          // Already back (restored on another device and pulled): its text stays; a different trashed text is kept
          // beside it as a conflict copy, never dropped.
          if (!sameBookText(current, entry)) {
            await db.conflicts.put(conflictCopyOf({ ...entry, id: entry.bookId }, { id: newId(), createdAt: at, serverRevision: current.revision ?? 0 }));
          }
          return true;
        }
        await db.books.put(restoredBook(entry, current, at));
        return true;
      });
      if (restored) options.announce?.();
      return restored;
    },
    async deleteForever(bookId) {
      await db.trash.delete(bookId);
    },
    async empty() {
      await db.trash.clear();
    },
    async purge() {
      // By the deletedAt index: only the keys of what goes are read, never the texts.
      return db.transaction('rw', db.trash, async () => {
        const gone = await db.trash.where('deletedAt').belowOrEqual(purgedUpTo(now())).primaryKeys();
        await db.trash.bulkDelete(gone);
        return gone.length;
      });
    },
  };
}

/**
 * What sync does to the trash when a book comes back to life from elsewhere (restored on another device): the entry
 * goes, and its text, if the book came back different, is kept as a snapshot. Inside the caller's transaction.
 */
export function leaveTrash(db: AncloraDB, entries: readonly TrashEntry[], back: ReadonlyMap<string, LocalBook>, at: number, newId: () => string): PromiseLike<unknown> {
  const snapshots = entries
    .filter((e) => back.get(e.bookId)?.content !== e.content)
    .map((e) => snapshotOf({ ...e, id: e.bookId }, 'restore', at, newId()));
  return Promise.all([db.trash.bulkDelete(entries.map((e) => e.bookId)), snapshots.length ? putSnapshots(db, snapshots) : undefined]);
}
