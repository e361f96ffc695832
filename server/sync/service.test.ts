import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BookInput } from '../../shared/protocol.ts';
import { createSanitizerPool } from '../sanitizer/pool.ts';
import { putBook, stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import type { CasWrite, Store } from '../store/types.ts';
import { applyBooks, WRITES_PER_STEP } from './service.ts';

const sanitizer = createSanitizerPool({ threads: 1 });
afterAll(() => sanitizer.close());
afterAll(stopAll);

const T0 = 1_800_000_000_000;
const now = () => T0;

function input(overrides: Partial<BookInput> = {}): BookInput {
  return { id: randomUUID(), title: 'Book', author: 'Writer', content: '<p>text</p>', metadata: {}, updatedAt: T0 - 1_000, ...overrides };
}

/** The store with every putBooks step recorded (the ids it wrote), and an optional hook run before a step. */
function recording(store: Store, beforeStep?: (writes: readonly CasWrite[]) => Promise<void>) {
  const steps: string[][] = [];
  const wrapped: Store = Object.assign(Object.create(store) as Store, {
    async putBooks(owner: string, writes: readonly CasWrite[], quotaBytes?: number) {
      await beforeStep?.(writes);
      steps.push(writes.map((w) => w.book.id));
      return store.putBooks(owner, writes, quotaBytes);
    },
  });
  return { store: wrapped, steps };
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

  it('writes the distinct books of a batch in one store step, and a second edit of a book in the next', async () => {
    const books = Array.from({ length: 10 }, (_, i) => input({ content: `<p>book ${i}</p>` }));
    const again = { ...books[3]!, content: '<p>book 3, edited</p>', baseRevision: 1, updatedAt: T0 - 500 };
    const { store, steps } = recording(opened.store);

    const outcomes = await applyBooks(store, owner, [...books.slice(0, 5), again, ...books.slice(5)], now, sanitizer);

    expect(steps).toEqual([books.map((b) => b.id), [again.id]]);
    expect(outcomes.map((o) => (o.status === 'ok' ? [o.book.id, o.book.revision] : o.status))).toEqual([
      ...books.slice(0, 5).map((b) => [b.id, 1]),
      [again.id, 2],
      ...books.slice(5).map((b) => [b.id, 1]),
    ]);
    expect(await opened.store.getBook(owner, again.id)).toMatchObject({ content: '<p>book 3, edited</p>', revision: 2 });
  });

  it(`splits a batch into steps of at most ${WRITES_PER_STEP} books`, async () => {
    const books = Array.from({ length: WRITES_PER_STEP * 2 + 5 }, () => input());
    const { store, steps } = recording(opened.store);

    const outcomes = await applyBooks(store, owner, books, now, sanitizer);

    expect(steps.map((s) => s.length)).toEqual([WRITES_PER_STEP, WRITES_PER_STEP, 5]);
    expect(outcomes.every((o) => o.status === 'ok')).toBe(true);
    expect((await opened.store.changesSince(owner, 0, 1_000)).books).toHaveLength(books.length);
  });

  it('decides again against the newer copy when another write lands between its read and its step', async () => {
    const first = await applyBooks(opened.store, owner, [input({ content: '<p>v1</p>' })], now, sanitizer);
    const stored = first[0]!.status === 'ok' ? first[0]!.book : undefined;
    let raced = false;
    // Another device's later edit lands after applyBooks read revision 1 and before its step.
    const { store, steps } = recording(opened.store, async () => {
      if (raced) return;
      raced = true;
      const { owner: _owner, seq: _seq, ...book } = stored!;
      await putBook(opened.store, owner, { ...book, content: '<p>theirs</p>', updatedAt: T0 - 100, revision: 2 }, 1);
    });

    const [mine, other] = await applyBooks(
      store,
      owner,
      [
        // Based on revision 1 and older than theirs: a conflict once it sees their copy.
        { ...input({ id: stored!.id, content: '<p>mine</p>', updatedAt: T0 - 200 }), baseRevision: 1 },
        input({ content: '<p>unrelated</p>' }),
      ],
      now,
      sanitizer,
    );

    expect(steps).toHaveLength(1);
    expect(mine).toMatchObject({ status: 'conflict', current: { content: '<p>theirs</p>', revision: 2 } });
    expect(other).toMatchObject({ status: 'ok', book: { content: '<p>unrelated</p>', revision: 1 } });
  });
});
