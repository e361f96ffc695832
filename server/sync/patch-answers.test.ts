import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyPatch } from '../../shared/manuscript/patch.ts';
import { putBook, stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import type { BookWrite, StoredBook } from '../store/book-store.ts';
import { presentFeed } from './patch-answers.ts';

afterAll(stopAll);

const T0 = 1_800_000_000_000;
const text = (edit: string) => Array.from({ length: 100 }, (_, i) => `<p>Paragraph ${i}${i === 50 ? edit : ''}.</p>`).join('');

describe.each(storeFactories)('presentFeed ($name store)', (factory) => {
  let opened: OpenedStore;
  const owner = randomUUID();
  let book: StoredBook;
  beforeAll(async () => {
    opened = await factory.open();
    // Revision n was current from T0 + n (its sync) until the next one was synced.
    const write: BookWrite = { id: randomUUID(), title: 'T', author: '', content: text(''), metadata: {}, updatedAt: T0, createdAt: T0, syncedAt: T0 + 1, revision: 1, deleted: false };
    let result = await putBook(opened.store, owner, write, null);
    for (const revision of [2, 3]) {
      result = await putBook(opened.store, owner, { ...write, content: text(` v${revision}`), syncedAt: T0 + revision, revision }, revision - 1);
    }
    if (!result.ok) throw new Error('setup failed');
    book = result.book;
  });
  afterAll(() => opened?.cleanup());

  it('patches from the revision current when the cursor was issued', async () => {
    const [change] = await presentFeed(opened.store, owner, [book], { answered: new Map(), cursorIssuedAt: T0 + 1 });
    expect(change).toMatchObject({ revision: 3, patchBase: 1 });
    expect(change!.content).toBeUndefined();
    expect(await applyPatch(text(''), change!.patch!)).toBe(text(' v3'));
  });

  it('patches from the revision this request answered the device with, even when a later one landed since', async () => {
    const answered = new Map([[book.id, { revision: 2, text: text(' v2') }]]);
    const [change] = await presentFeed(opened.store, owner, [book], { answered, cursorIssuedAt: T0 + 1 });
    expect(change).toMatchObject({ revision: 3, patchBase: 2 });
    expect(await applyPatch(text(' v2'), change!.patch!)).toBe(text(' v3'));
    const same = new Map([[book.id, { revision: 3, text: book.content }]]);
    expect((await presentFeed(opened.store, owner, [book], { answered: same }))[0]).toMatchObject({ patchBase: 3, patch: { ops: [] } });
  });

  it('sends the whole book without a known base, or when the base is not kept', async () => {
    expect((await presentFeed(opened.store, owner, [book], { answered: new Map() }))[0]).toMatchObject({ revision: 3, content: book.content });
    const before = await presentFeed(opened.store, owner, [book], { answered: new Map(), cursorIssuedAt: T0 });
    expect(before[0]).toMatchObject({ content: book.content });
    expect(before[0]!.patch).toBeUndefined();
  });
});
