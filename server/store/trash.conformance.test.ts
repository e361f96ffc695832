// The trash in every Store (embedded and MongoDB): a tombstone keeps the text it deleted, listed by deletion time until
// purged; a restore is an ordinary write on top of the tombstone.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bookSize } from './paging.ts';
import { putBook, storeFactories, stopAll, type OpenedStore } from './testing.ts';
import type { BookWrite, StoredBook } from './book-store.ts';
import type { Store } from './types.ts';

afterAll(stopAll);

const T0 = 1_700_000_000_000;

function bookWrite(overrides: Partial<BookWrite> = {}): BookWrite {
  return {
    id: randomUUID(),
    title: 'The Long Tide',
    author: 'Ana Clora',
    content: '<p>The tide came in over the salt marsh.</p>',
    metadata: { wordCount: 8, charCount: 38, note: 'draft' },
    updatedAt: T0,
    createdAt: T0 - 1000,
    syncedAt: T0 + 10,
    revision: 1,
    deleted: false,
    ...overrides,
  };
}

/** The next version of a stored book as the sync rules would write it, `at` server time. */
function next(current: StoredBook, at: number, overrides: Partial<BookWrite> = {}): BookWrite {
  const { owner: _owner, seq: _seq, merge: _merge, trashed: _trashed, ...book } = current;
  return { ...book, revision: current.revision + 1, updatedAt: at, syncedAt: at, ...overrides };
}

async function write(store: Store, owner: string, book: BookWrite, expected: number | null): Promise<StoredBook> {
  const result = await putBook(store, owner, book, expected);
  if (!result.ok) throw new Error(`write failed: ${result.reason}`);
  return result.book;
}

describe.each(storeFactories)('the trash in the $name store', (factory) => {
  let opened: OpenedStore;
  let store: Store;
  let alice: string;

  beforeEach(async () => {
    opened = await factory.open();
    store = opened.store;
    alice = `alice-${randomUUID()}`;
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  /** A live book of Alice's, then its deletion at `deletedAt` (a tombstone written as clients send it: no content). */
  async function deleted(deletedAt: number, overrides: Partial<BookWrite> = {}) {
    const live = await write(store, alice, bookWrite(overrides), null);
    const tombstone = await write(store, alice, next(live, deletedAt, { deleted: true, content: '' }), live.revision);
    return { live, tombstone };
  }

  it('keeps the text a deletion replaced with its tombstone, and lists it most recently deleted first', async () => {
    const first = await deleted(T0 + 100, { title: 'First' });
    const second = await deleted(T0 + 200, { title: 'Second' });
    expect(first.tombstone.trashed).toEqual({
      title: 'First', author: 'Ana Clora', content: first.live.content, metadata: first.live.metadata, updatedAt: first.live.updatedAt, revision: 1,
    });
    const trash = await store.listTrash(alice, 0);
    expect(trash.map((b) => [b.id, b.deleted, b.trashed?.title, b.trashed?.content])).toEqual([
      [second.live.id, true, 'Second', second.live.content],
      [first.live.id, true, 'First', first.live.content],
    ]);
    // Only books deleted after the given time (the retention window), and only the owner's.
    expect((await store.listTrash(alice, T0 + 150)).map((b) => b.id)).toEqual([second.live.id]);
    expect(await store.listTrash(`bob-${randomUUID()}`, 0)).toEqual([]);
  });

  it('carries the deleted text over a second tombstone, and keeps none once the book is live again', async () => {
    const { live, tombstone } = await deleted(T0 + 100);
    const again = await write(store, alice, next(tombstone, T0 + 150, { deleted: true, content: '' }), tombstone.revision);
    expect(again.trashed?.content).toBe(live.content);
    const restored = await write(store, alice, next(again, T0 + 200, { deleted: false, content: again.trashed!.content }), again.revision);
    expect(restored.trashed).toBeUndefined();
    expect(await store.getBook(alice, live.id)).toMatchObject({ deleted: false, content: live.content });
    expect((await store.getBook(alice, live.id))?.trashed).toBeUndefined();
    expect(await store.listTrash(alice, 0)).toEqual([]);
  });

  it('a live book and a tombstone of a book never live keep nothing in the trash', async () => {
    const live = await write(store, alice, bookWrite(), null);
    expect(live.trashed).toBeUndefined();
    await write(store, alice, bookWrite({ deleted: true, content: '' }), null);
    expect(await store.listTrash(alice, 0)).toEqual([]);
  });

  it('counts the kept text in the quota until purged, then forgets it and shrinks the stored bytes; the tombstone stays', async () => {
    const old = await deleted(T0 + 100, { content: `<p>${'o'.repeat(4096)}</p>` });
    const recent = await deleted(T0 + 5000);
    expect(await store.storedBytes(alice)).toBe(bookSize(old.tombstone) + bookSize(recent.tombstone));
    expect(bookSize(old.tombstone)).toBeGreaterThan(4096);

    expect(await store.purgeTrash(alice, T0 + 1000)).toBe(1);
    const purged = await store.getBook(alice, old.live.id);
    expect(purged).toMatchObject({ deleted: true, revision: old.tombstone.revision, seq: old.tombstone.seq });
    expect(purged?.trashed).toBeUndefined();
    expect(await store.storedBytes(alice)).toBe(bookSize(purged!) + bookSize(recent.tombstone));
    expect((await store.listTrash(alice, 0)).map((b) => b.id)).toEqual([recent.live.id]);
    expect(await store.purgeTrash(alice, T0 + 1000)).toBe(0);
  });

  it('purges only the books named, whenever they were deleted (delete forever)', async () => {
    const one = await deleted(T0 + 100);
    const other = await deleted(T0 + 200);
    expect(await store.purgeTrash(alice, Number.MAX_SAFE_INTEGER, [one.live.id, `unknown-${randomUUID()}`])).toBe(1);
    expect((await store.listTrash(alice, 0)).map((b) => b.id)).toEqual([other.live.id]);
  });
});
