import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { AncloraDB, type LocalBook, type MergeOverlapRecord } from '../books/db.ts';
import { createBookRepository } from '../books/repository.ts';
import { createMergeReview, listOverlaps, OverlapReviewedError, pendingOverlapCounts } from './overlaps.ts';

const BOOK = '9d7c2a4e-1f3b-4c5d-8e6f-7a8b9c0d1e2f';

async function setup(content = '<p>The tide came in, grey as a shark.</p><p>End.</p>') {
  const db = new AncloraDB(`overlaps-${Math.random()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  let clock = 10_000;
  const announced: number[] = [];
  const repo = createBookRepository(db, { now: () => ++clock, announce: () => announced.push(clock) });
  const book: LocalBook = {
    id: BOOK,
    title: 'The Long Tide',
    author: '',
    content,
    metadata: { wordCount: 9, charCount: 40 },
    createdAt: 1,
    updatedAt: 5_000,
    dirty: 0,
    revision: 3,
    syncedAt: 5_000,
    deleted: 0,
    syncIssue: null,
  };
  await db.books.put(book);
  const record = (id: string, kept: string, lost: string): MergeOverlapRecord => ({
    id,
    bookId: BOOK,
    revision: 3,
    at: 5_000,
    base: 'fish.',
    kept,
    lost,
    keptSide: 'other-device',
  });
  await db.overlaps.bulkPut([record('o-end', 'End.', 'The end.'), record('o-shark', 'shark.', 'whale.')]);
  const review = createMergeReview(db, repo, () => clock);
  return { db, repo, review, announced };
}

const counts = pendingOverlapCounts;

describe('merge review', () => {
  it('lists a merge\'s passages in book order', async () => {
    const { db } = await setup();
    expect((await listOverlaps(db, BOOK)).map((o) => o.id)).toEqual(['o-shark', 'o-end']);
  });

  it('"keep the other" edits the book through the repository and marks the passage reviewed, not deleted', async () => {
    const { db, review, announced } = await setup();
    const result = await review.choose('o-shark', 'other');
    expect(result).toMatchObject({ kind: 'applied', replaced: 'shark.', inserted: 'whale.' });
    const book = await db.books.get(BOOK);
    expect(book).toMatchObject({ content: '<p>The tide came in, grey as a whale.</p><p>End.</p>', dirty: 1 });
    expect(announced.length).toBe(1);
    expect(await db.overlaps.get('o-shark')).toMatchObject({ lost: 'whale.', reviewed: { choice: 'other', edit: { replaced: 'shark.', inserted: 'whale.' } } });
    expect(await counts(db)).toEqual(new Map([[BOOK, 1]]));
  });

  it('"keep both" keeps both and undo puts the book back and the passage up for review again', async () => {
    const { db, review } = await setup();
    await review.choose('o-end', 'both');
    expect((await db.books.get(BOOK))?.content).toBe('<p>The tide came in, grey as a shark.</p><p>End. The end.</p>');
    await review.undo('o-end');
    expect((await db.books.get(BOOK))?.content).toBe('<p>The tide came in, grey as a shark.</p><p>End.</p>');
    expect((await db.overlaps.get('o-end'))?.reviewed).toBeUndefined();
    expect(await counts(db)).toEqual(new Map([[BOOK, 2]]));
  });

  it('keeping what the merge kept changes no text and is recorded', async () => {
    const { db, review, announced } = await setup();
    expect(await review.choose('o-shark', 'kept')).toEqual({ kind: 'unchanged' });
    expect(await db.books.get(BOOK)).toMatchObject({ dirty: 0 });
    expect(announced).toEqual([]);
    expect((await db.overlaps.get('o-shark'))?.reviewed?.choice).toBe('kept');
  });

  it('a passage that cannot be placed changes nothing and stays pending until marked by hand', async () => {
    const { db, review } = await setup('<p>Rewritten since.</p>');
    expect(await review.choose('o-shark', 'other')).toEqual({ kind: 'unplaced', placement: { kind: 'missing' }, text: 'whale.' });
    expect(await db.books.get(BOOK)).toMatchObject({ content: '<p>Rewritten since.</p>', dirty: 0 });
    expect((await db.overlaps.get('o-shark'))?.reviewed).toBeUndefined();
    await review.markReviewed('o-shark', 'other');
    expect((await db.overlaps.get('o-shark'))?.reviewed).toMatchObject({ choice: 'other' });
  });

  it('a reviewed passage stays until dismissed; a pending one cannot be dismissed', async () => {
    const { db, review } = await setup();
    await expect(review.dismiss('o-shark')).rejects.toThrow(/not reviewed/);
    await review.choose('o-shark', 'other');
    expect(await db.overlaps.get('o-shark')).toBeDefined();
    await review.dismiss('o-shark');
    expect(await db.overlaps.get('o-shark')).toBeUndefined();
  });

  it('a passage is reviewed once', async () => {
    const { review } = await setup();
    await review.choose('o-shark', 'kept');
    await expect(review.choose('o-shark', 'other')).rejects.toBeInstanceOf(OverlapReviewedError);
  });
});
