// Reads and writes the extension's IndexedDB (database AncloraPress) from inside one of its pages, with plain
// IndexedDB calls, so the tests check what was really stored rather than what the UI shows.
import type { Page } from 'puppeteer';
import type { ConflictCopy, LocalBook } from '../../extension/lib/books/db.ts';

export type { ConflictCopy, LocalBook };

/** Every record of one table. */
function readTable<T>(page: Page, table: 'books' | 'conflicts'): Promise<T[]> {
  return page.evaluate(
    (name) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('AncloraPress');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction(name, 'readonly').objectStore(name).getAll();
          request.onsuccess = () => {
            db.close();
            resolve(request.result as T[]);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    table,
  );
}

/** Every stored book record, tombstones included. */
export function storedBooks(page: Page): Promise<LocalBook[]> {
  return readTable<LocalBook>(page, 'books');
}

/** The local versions kept after losing a conflict. */
export function storedConflicts(page: Page): Promise<ConflictCopy[]> {
  return readTable<ConflictCopy>(page, 'conflicts');
}

export function storedBook(page: Page, id: string): Promise<LocalBook | undefined> {
  // One record, not the whole table: tests poll this, and cloning every stored novel each time (a room test keeps
  // several 150k-word books) starves the page's own saves under load.
  return page.evaluate(
    (key) =>
      new Promise<LocalBook | undefined>((resolve, reject) => {
        const open = indexedDB.open('AncloraPress');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const request = db.transaction('books', 'readonly').objectStore('books').get(key);
          request.onsuccess = () => {
            db.close();
            resolve(request.result as LocalBook | undefined);
          };
          request.onerror = () => reject(request.error);
        };
      }),
    id,
  );
}

/** Writes one record into one table, outside Dexie. */
function putRecord(page: Page, table: 'books' | 'conflicts', record: LocalBook | ConflictCopy): Promise<void> {
  return page.evaluate(
    (name, value) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('AncloraPress');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(name, 'readwrite');
          tx.objectStore(name).put(value);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    table,
    record,
  );
}

/**
 * Writes a book record as the extension's repository would have. The UI's live queries do not see writes made
 * outside Dexie, so reload or navigate the page afterwards.
 */
export function putStoredBook(page: Page, book: LocalBook): Promise<void> {
  return putRecord(page, 'books', book);
}

/** Writes a conflict copy (a local version that lost to the server's) as the sync engine would have; reload afterwards. */
export function putConflictCopy(page: Page, copy: ConflictCopy): Promise<void> {
  return putRecord(page, 'conflicts', copy);
}

/** A LocalBook record with the agreed shape, as if created on this device and never synced. */
export function localBook(fields: Pick<LocalBook, 'title' | 'content'> & Partial<LocalBook>): LocalBook {
  const now = Date.now();
  const text = fields.content.replace(/<[^>]*>/g, ' ');
  return {
    id: crypto.randomUUID(),
    author: '',
    metadata: { wordCount: text.split(/\s+/).filter(Boolean).length, charCount: text.length },
    createdAt: now,
    updatedAt: now,
    dirty: 1,
    revision: null,
    syncedAt: null,
    deleted: 0,
    syncIssue: null,
    ...fields,
  };
}
