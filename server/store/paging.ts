// Byte-bounded answers: how many bytes a book takes in an answer, and how many books of known size fit in a page.
import { bookVersion, type BookWrite, type RevisionSummary } from './book-store.ts';

/**
 * Bytes of the book as JSON (UTF-8) in an answer: what stores record per book on every write, so that they can page
 * by size without reading the text, and what the storage quota adds up. A merge record (shown with the book and its
 * revisions) counts too, and so does the text a tombstone keeps for the trash (never in a feed answer, but stored: the
 * quota counts it until it is purged).
 */
export function bookSize(book: BookWrite): number {
  return Buffer.byteLength(JSON.stringify({ ...bookVersion(book), merge: book.merge, trashed: book.trashed }));
}

/** A revision is its book plus `,"replacedAt":<ms>`: at most this many more bytes than the version's bookSize. */
export const REPLACED_AT_BYTES = ',"replacedAt":'.length + 16;

/** Room for a listed revision's word counts, which change when thinning re-counts them (so its size need not). */
const WORD_COUNT_BYTES = ',"wordsAdded":,"wordsRemoved":'.length + 2 * 16;

/**
 * Bytes of a revision in a history listing (no text), as JSON: what the stores record per kept version to page
 * listings by size. Its word counts are counted at their widest.
 */
export function revisionSize(revision: Omit<RevisionSummary, 'wordsAdded' | 'wordsRemoved'>): number {
  return Buffer.byteLength(JSON.stringify(revision)) + WORD_COUNT_BYTES;
}

/** Room for the envelope around the items (`{"success":true,"data":[…],"cursor":…,"hasMore":…}`) and their commas. */
export const ENVELOPE_BYTES = 4 * 1024;

export interface PageBudget {
  /** The items of the page add up to at most this many bytes… */
  maxBytes: number;
  /**
   * …except that the first item is returned even when it alone is larger, so that paging always makes progress.
   * False where an empty page is fine because the caller comes back anyway (a sync answer whose results used the budget).
   */
  atLeastOne: boolean;
}

/**
 * How many of `sizes` (the candidates, in page order, at most `limit` of them counted) go in the page: the longest
 * prefix within the budget. The stores read sizes first and the items after, so they never load an item they drop.
 */
export function fitPage(sizes: readonly number[], limit: number, budget: PageBudget): number {
  let count = 0;
  let bytes = 0;
  for (const size of sizes) {
    if (count >= limit) break;
    if (bytes + size > budget.maxBytes && !(count === 0 && budget.atLeastOne)) break;
    bytes += size;
    count++;
  }
  return count;
}

/**
 * The page among `candidates` (sizes read first, in page order, at most limit + 1 of them): the ones that fit
 * (fitPage), and whether more follow. `extraBytes` is added to each size (a revision's replacedAt).
 */
export function cutPage<T extends { size: number }>(
  candidates: readonly T[],
  limit: number,
  budget: PageBudget,
  extraBytes = 0,
): { fit: T[]; hasMore: boolean } {
  const count = fitPage(candidates.map((c) => c.size + extraBytes), limit, budget);
  return { fit: candidates.slice(0, count), hasMore: candidates.length > count };
}

/** No byte bound: callers that page by count only (tests, tools). */
export const UNBOUNDED: PageBudget = { maxBytes: Number.POSITIVE_INFINITY, atLeastOne: true };
