// The passages merges settled on this device (sync v2): what the book list notes, and what the review of merges reads.
import { liveQuery, type Observable } from 'dexie';
import { database, type AncloraDB } from '../books/db.ts';

/** How many recorded overlaps each book has (books without any are absent). */
export function watchOverlapCounts(db: AncloraDB = database()): Observable<Map<string, number>> {
  return liveQuery(async () => {
    const counts = new Map<string, number>();
    // Keys only: the passages' texts are not read to count them.
    for (const bookId of await db.overlaps.orderBy('bookId').keys()) {
      counts.set(String(bookId), (counts.get(String(bookId)) ?? 0) + 1);
    }
    return counts;
  });
}
