import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BookInput } from '../../shared/protocol.ts';
import { createSanitizerPool } from '../sanitizer/pool.ts';
import { putBook, stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import type { CasWrite } from '../store/book-store.ts';
import type { Store } from '../store/types.ts';
import { applyBooks, WRITES_PER_STEP } from './service.ts';

const sanitizer = createSanitizerPool({ threads: 1 });
afterAll(() => sanitizer.close());
afterAll(stopAll);

const T0 = 1_800_000_000_000;
const now = () => T0;

function input(overrides: Partial<BookInput> = {}): BookInput {
  return { id: randomUUID(), title: 'Book', author: 'Writer', content: '<p>text</p>', metadata: {}, updatedAt: T0 - 1_000, ...overrides };
}

/** The store with a hook run before each putBooks step, to land another device's write in between. */
function beforeEachStep(store: Store, hook: (writes: readonly CasWrite[]) => Promise<void>): Store {
  return Object.assign(Object.create(store) as Store, {
    async putBooks(owner: string, writes: readonly CasWrite[], quotaBytes?: number) {
      await hook(writes);
      return store.putBooks(owner, writes, quotaBytes);
    },
  });
}

describe.each(storeFactories)('applyBooks ($name store)', (factory) => {
  let opened: OpenedStore;
  const owner = randomUUID();

  beforeEach(async () => {
    opened = await factory.open();
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  it('applies a second edit of a book in the same batch on top of the first, answering each in order', async () => {
    const books = Array.from({ length: 10 }, (_, i) => input({ content: `<p>book ${i}</p>` }));
    const again = { ...books[3]!, content: '<p>book 3, edited</p>', baseRevision: 1, updatedAt: T0 - 500 };

    const outcomes = await applyBooks(opened.store, owner, [...books.slice(0, 5), again, ...books.slice(5)], now, sanitizer);

    expect(outcomes.map((o) => (o.status === 'ok' ? [o.book.id, o.book.revision] : o.status))).toEqual([
      ...books.slice(0, 5).map((b) => [b.id, 1]),
      [again.id, 2],
      ...books.slice(5).map((b) => [b.id, 1]),
    ]);
    expect(await opened.store.getBook(owner, again.id)).toMatchObject({ content: '<p>book 3, edited</p>', revision: 2 });
  });

  it(`writes every book of a batch larger than one store step (${WRITES_PER_STEP} books), answering each in order`, async () => {
    const books = Array.from({ length: WRITES_PER_STEP * 2 + 5 }, (_, i) => input({ content: `<p>book ${i}</p>` }));

    const outcomes = await applyBooks(opened.store, owner, books, now, sanitizer);

    expect(outcomes.map((o) => (o.status === 'ok' ? [o.book.id, o.book.revision] : o.status))).toEqual(books.map((b) => [b.id, 1]));
    const stored = (await opened.store.changesSince(owner, 0, 1_000)).books;
    expect(new Map(stored.map((b) => [b.id, b.content]))).toEqual(new Map(books.map((b) => [b.id, b.content])));
  });

  it('decides again against the newer copy when another write lands between its read and its step', async () => {
    const first = await applyBooks(opened.store, owner, [input({ content: '<p>v1</p>' })], now, sanitizer);
    const stored = first[0]!.status === 'ok' ? first[0]!.book : undefined;
    let raced = false;
    // Another device's later edit lands after applyBooks read revision 1 and before its step.
    const store = beforeEachStep(opened.store, async () => {
      if (raced) return;
      raced = true;
      const { owner: _owner, seq: _seq, ...book } = stored!;
      await putBook(opened.store, owner, { ...book, content: '<p>theirs</p>', updatedAt: T0 - 100, revision: 2 }, 1);
    });

    const [mine, other] = await applyBooks(
      store,
      owner,
      [
        // Based on revision 1 and older than theirs: merged with their copy once it sees it (theirs wins the word).
        { ...input({ id: stored!.id, content: '<p>mine</p>', updatedAt: T0 - 200 }), baseRevision: 1 },
        input({ content: '<p>unrelated</p>' }),
      ],
      now,
      sanitizer,
    );

    expect(raced).toBe(true);
    expect(mine).toMatchObject({
      status: 'merged',
      book: { content: '<p>theirs</p>', revision: 3, merge: { baseRevision: 1, mergedWith: 2, newer: 'stored' } },
      overlaps: [{ base: 'v1', kept: 'theirs', lost: 'mine', keptSide: 'stored' }],
    });
    expect(other).toMatchObject({ status: 'ok', book: { content: '<p>unrelated</p>', revision: 1 } });
  });
});
