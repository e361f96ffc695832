// The local book storage port backed by the extension's Dexie database (books, bases, conflicts, overlaps, unanswered
// pushes, kv).
import type { AncloraDB } from '../books/db.ts';
import type { LocalBook, LocalBookStore } from './ports.ts';

// Kept in Dexie, not in extension storage, so that applying a pulled page and advancing the cursor is one
// transaction: a worker killed in between re-pulls the page instead of skipping it.
const CURSOR_KEY = 'syncCursor';

interface SavedCursor {
  scope: string;
  cursor: string;
}

export function createDexieBookStore(db: AncloraDB): LocalBookStore {
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
      // Only Dexie promises inside the transaction: a native await there can let IndexedDB auto-commit.
      await db.transaction('rw', [db.books, db.bases, db.conflicts, db.overlaps, db.unanswered, db.kv], () =>
        db.books.bulkGet(ids).then((rows) => {
          const current = new Map<string, LocalBook>();
          for (const row of rows) if (row) current.set(row.id, row);
          const changes = plan(current);
          const writes: Array<PromiseLike<unknown>> = [];
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
    },
  };
}
