// The passages merges settled on this device (sync v2): what the book list notes, and the merge review's reads and
// choices. A choice is an ordinary edit of the book through the repository (it syncs, and can be undone), then the
// record is marked reviewed: it stays, so the text the writer did not keep is still there.
import { liveQuery, type Observable } from 'dexie';
import { bookRepository, type BookRepository } from '../books/repository.ts';
import { database, type AncloraDB, type MergeOverlapRecord, type OverlapReview } from '../books/db.ts';
import { applyChoice, undoChoice, type ChoiceResult, type ReviewChoice } from './merge-review.ts';

const pending = (o: MergeOverlapRecord) => !o.reviewed;

/** How many overlaps each book has left to review (books without any are absent). */
export async function pendingOverlapCounts(db: AncloraDB): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const o of await db.overlaps.filter(pending).toArray()) counts.set(o.bookId, (counts.get(o.bookId) ?? 0) + 1);
  return counts;
}

export function watchOverlapCounts(db: AncloraDB = database()): Observable<Map<string, number>> {
  return liveQuery(() => pendingOverlapCounts(db));
}

/** A book's overlaps, earliest merge first and, within one merge, in the order their passages are in the book. */
export async function listOverlaps(db: AncloraDB, bookId: string): Promise<MergeOverlapRecord[]> {
  const records = await db.overlaps.where('bookId').equals(bookId).toArray();
  if (records.length < 2) return records;
  // Read only when there is an order to find: this query re-runs on every save of the open book.
  const content = (await db.books.get(bookId))?.content ?? '';
  const place = new Map(records.map((r) => [r.id, r.kept ? content.indexOf(r.kept) : -1]));
  const position = (r: MergeOverlapRecord) => (place.get(r.id)! < 0 ? Infinity : place.get(r.id)!);
  return records.sort((a, b) => a.at - b.at || a.revision - b.revision || position(a) - position(b));
}

export class OverlapReviewedError extends Error {
  constructor() {
    super('This passage was already reviewed');
    this.name = 'OverlapReviewedError';
  }
}

export interface MergeReview {
  watch(bookId: string): Observable<MergeOverlapRecord[]>;
  /** Applies the writer's choice to the book; `unplaced` leaves everything as it was (the writer decides by hand). */
  choose(overlapId: string, choice: ReviewChoice): Promise<ChoiceResult>;
  /** Marks an overlap reviewed without changing the book (the writer copied or inserted the words themselves). */
  markReviewed(overlapId: string, choice: ReviewChoice): Promise<void>;
  /** Reverses a choice's edit of the book and makes the overlap pending again. */
  undo(overlapId: string): Promise<ChoiceResult>;
  /** Forgets a reviewed overlap: the words the writer did not keep are gone from this device (history still has them). */
  dismiss(overlapId: string): Promise<void>;
}

export function createMergeReview(db: AncloraDB, repo: BookRepository, now: () => number = Date.now): MergeReview {
  async function pendingRecord(id: string): Promise<MergeOverlapRecord> {
    const record = await db.overlaps.get(id);
    if (!record || record.reviewed) throw new OverlapReviewedError();
    return record;
  }

  const review = (choice: ReviewChoice, result: ChoiceResult): OverlapReview => ({
    at: now(),
    choice,
    ...(result.kind === 'applied'
      ? { edit: { replaced: result.replaced, inserted: result.inserted, before: result.before, after: result.after } }
      : {}),
  });

  return {
    watch: (bookId) => liveQuery(() => listOverlaps(db, bookId)),

    async choose(id, choice) {
      const record = await pendingRecord(id);
      const book = await repo.get(record.bookId);
      if (!book) return { kind: 'unplaced', placement: { kind: 'missing' }, text: record.lost };
      const result = applyChoice(book.content, record, choice);
      if (result.kind === 'unplaced') return result;
      // The edit is based on the text the choice was made on: anything written meanwhile is merged, never overwritten.
      if (result.kind === 'applied') await repo.save(book.id, { content: result.content }, { baseContent: book.content });
      await db.overlaps.update(id, { reviewed: review(choice, result) });
      return result;
    },

    async markReviewed(id, choice) {
      await db.transaction('rw', db.overlaps, async () => {
        await pendingRecord(id);
        await db.overlaps.update(id, { reviewed: { at: now(), choice } });
      });
    },

    async undo(id) {
      const record = await db.overlaps.get(id);
      if (!record?.reviewed) throw new Error('This passage is not reviewed');
      const edit = record.reviewed.edit;
      let result: ChoiceResult = { kind: 'unchanged' };
      if (edit) {
        const book = await repo.get(record.bookId);
        if (!book) return { kind: 'unplaced', placement: { kind: 'missing' }, text: edit.replaced };
        result = undoChoice(book.content, edit);
        if (result.kind === 'unplaced') return result;
        if (result.kind === 'applied') await repo.save(book.id, { content: result.content }, { baseContent: book.content });
      }
      // Dexie removes a property updated to undefined: the overlap is pending again.
      await db.overlaps.update(id, { reviewed: undefined });
      return result;
    },

    async dismiss(id) {
      await db.transaction('rw', db.overlaps, async () => {
        const record = await db.overlaps.get(id);
        // A pending passage is never dismissed unseen: it is reviewed first.
        if (record && !record.reviewed) throw new Error('This passage is not reviewed yet');
        await db.overlaps.delete(id);
      });
    },
  };
}

let shared: MergeReview | undefined;

/** The merge review on this context's shared database and repository. */
export function mergeReview(): MergeReview {
  shared ??= createMergeReview(database(), bookRepository());
  return shared;
}
