// The local book storage port backed by the extension's Dexie database (books, bases, conflicts, overlaps, unanswered
// pushes, trash, snapshots, kv).
import type { AncloraDB, SnapshotInfo, SnapshotText } from '../books/db.ts';
import { putSnapshots, snapshotOf, thinSnapshots } from '../books/snapshots.ts';
import { leaveTrash } from '../books/trash.ts';
import type { LocalBook, LocalBookStore } from './ports.ts';

// Kept in Dexie, not in extension storage, so that applying a pulled page and advancing the cursor is one
// transaction: a worker killed in between re-pulls the page instead of skipping it.
const CURSOR_KEY = 'syncCursor';

interface SavedCursor {
  scope: string;
  cursor: string;
}

/**
 * Snapshots of the stored text that `put` replaces (the safety net): sync writes only changes this device did not
 * make (a pull, a merge, the server's spelling, a conflict's winner), so any stored live text it replaces with other
 * text is kept first.
 */
function replacedTexts(current: ReadonlyMap<string, LocalBook>, put: readonly LocalBook[], at: number, newId: () => string) {
  const kept: Array<{ info: SnapshotInfo; text: SnapshotText }> = [];
  for (const next of put) {
    const before = current.get(next.id);
    if (!before || before.deleted || (before.content === next.content && before.title === next.title)) continue;
    kept.push(snapshotOf(before, 'sync', at, newId()));
  }
  return kept;
}

export function createDexieBookStore(
  db: AncloraDB,
  options: { now?: () => number; newId?: () => string } = {},
): LocalBookStore {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  return {
    listDirty: () => db.books.where('dirty').equals(1).toArray(),
    countPending: () => db.books.where('dirty').equals(1).count(),
    async getBases(ids) {
      const rows = await db.bases.bulkGet(ids);
      return new Map(rows.filter((row) => row !== undefined).map((row) => [row.bookId, row]));
    },
    listUnanswered: () => db.unanswered.toArray(),
    recordSent: async (pushes) => void (await db.unanswered.bulkPut(pushes)),
    forgetUnanswered: (ids) => db.unanswered.bulkDelete(ids),
    async getCursor(scope) {
      const row = await db.kv.get(CURSOR_KEY);
      const saved = row?.value as SavedCursor | undefined;
      return saved && saved.scope === scope ? saved.cursor : undefined;
    },
    async transact(ids, plan) {
      let snapshotsKept = 0;
      const tables = [db.books, db.bases, db.conflicts, db.overlaps, db.unanswered, db.kv, db.trash, db.snapshots, db.snapshotTexts];
      // Only Dexie promises inside the transaction: a native await there can let IndexedDB auto-commit.
      await db.transaction('rw', tables, () =>
        Promise.all([db.books.bulkGet(ids), db.trash.bulkGet(ids)]).then(([rows, trashed]) => {
          const current = new Map<string, LocalBook>();
          for (const row of rows) if (row) current.set(row.id, row);
          const changes = plan(current);
          const writes: Array<PromiseLike<unknown>> = [];
          const at = now();
          const snapshots = replacedTexts(current, changes.put, at, newId);
          snapshotsKept = snapshots.length;
          if (snapshots.length) writes.push(putSnapshots(db, snapshots));
          // A book back to life from elsewhere (restored on another device, a deletion that lost) leaves the trash.
          const live = new Map(changes.put.filter((b) => !b.deleted).map((b) => [b.id, b]));
          const back = trashed.filter((e) => e !== undefined && live.has(e.bookId)) as NonNullable<(typeof trashed)[number]>[];
          if (back.length) writes.push(leaveTrash(db, back, live, at, newId));
          if (changes.trash?.length) writes.push(db.trash.bulkPut(changes.trash));
          for (const { bookId, revision } of changes.trashRevisions ?? []) writes.push(db.trash.update(bookId, { revision }));
          if (changes.remove.length) writes.push(db.books.bulkDelete(changes.remove));
          if (changes.put.length) writes.push(db.books.bulkPut(changes.put));
          if (changes.conflicts.length) writes.push(db.conflicts.bulkPut(changes.conflicts));
          if (changes.bases?.remove.length) writes.push(db.bases.bulkDelete(changes.bases.remove));
          if (changes.bases?.put.length) writes.push(db.bases.bulkPut(changes.bases.put));
          if (changes.overlaps?.length) writes.push(db.overlaps.bulkPut(changes.overlaps));
          if (changes.answered?.length) writes.push(db.unanswered.bulkDelete(changes.answered));
          if (changes.cursor) {
            const saved: SavedCursor = { scope: changes.cursor.scope, cursor: changes.cursor.value };
            writes.push(db.kv.put({ key: CURSOR_KEY, value: saved }));
          }
          return Promise.all(writes);
        }),
      );
      if (snapshotsKept) await thinSnapshots(db, now());
    },
  };
}
