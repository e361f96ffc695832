// One conformance suite for every Store: the embedded store and the MongoDB store (jongodb, or MONGODB_URI).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/protocol.ts';
import { bookSize, revisionSize } from './paging.ts';
import { putBook, storeFactories, stopAll, type OpenedStore } from './testing.ts';
import { EmailTakenError, type User } from './account-store.ts';
import { bookVersion, type BookWrite, type StoredBook } from './book-store.ts';
import type { TokenRecord } from './credential-store.ts';
import type { Store } from './types.ts';

afterAll(stopAll);

function bookWrite(overrides: Partial<BookWrite> = {}): BookWrite {
  return {
    id: randomUUID(),
    title: 'The Long Draft',
    author: 'Ana Clora',
    content: '<p>Once upon a time</p>',
    metadata: { wordCount: 4, charCount: 17, tags: ['novel'] },
    updatedAt: 1_700_000_000_000,
    createdAt: 1_699_000_000_000,
    syncedAt: 1_700_000_000_500,
    revision: 1,
    deleted: false,
    ...overrides,
  };
}

/** The next version of a stored book, as the sync rules would write it (a merge record belongs to one version). */
function nextVersion(current: StoredBook, overrides: Partial<BookWrite> = {}): BookWrite {
  const { owner: _owner, seq: _seq, merge: _merge, ...book } = current;
  return { ...book, revision: current.revision + 1, syncedAt: current.syncedAt + 1, ...overrides };
}

function user(overrides: Partial<User> = {}): User {
  return {
    id: randomUUID(),
    email: `writer-${randomUUID()}@example.com`,
    name: 'Writer',
    passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
    createdAt: 1_700_000_000_000,
    ...overrides,
  };
}

function token(userId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: randomUUID(),
    userId,
    hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    deviceName: 'Laptop',
    createdAt: 1_700_000_000_000,
    lastUsedAt: null,
    sessionId: null,
    signIn: 'password',
    ...overrides,
  };
}

async function create(store: Store, owner: string, overrides: Partial<BookWrite> = {}): Promise<StoredBook> {
  const result = await putBook(store, owner, bookWrite(overrides), null);
  if (!result.ok) throw new Error(`setup write failed: ${result.reason}`);
  return result.book;
}

/** Writes `versions` more versions of a book, each based on the previous one. */
async function update(store: Store, owner: string, book: StoredBook, versions: number): Promise<StoredBook> {
  let current = book;
  for (let i = 0; i < versions; i++) {
    const result = await putBook(store, owner, nextVersion(current, { content: `<p>v${current.revision + 1}</p>` }), current.revision);
    if (!result.ok) throw new Error(`setup write failed: ${result.reason}`);
    current = result.book;
  }
  return current;
}

/** All revisions of the owner's book, newest first (one page: no byte bound). */
async function revisionsOf(store: Store, owner: string, id: string) {
  const page = await store.listRevisions(owner, id);
  if (!page) throw new Error(`${owner} has no book ${id}`);
  expect(page.hasMore).toBe(false);
  return page.revisions;
}

/** Pulls the whole change feed after `since` page by page, as a device would. */
async function pullAll(store: Store, owner: string, since: number, limit: number) {
  const pages = [];
  let cursor = since;
  for (;;) {
    const page = await store.changesSince(owner, cursor, limit);
    pages.push(page);
    cursor = page.last;
    if (!page.hasMore) return { pages, cursor };
  }
}

describe.each(storeFactories)('the $name store', (factory) => {
  let opened: OpenedStore;
  let store: Store;
  let alice: string;
  let bob: string;

  beforeEach(async () => {
    opened = await factory.open();
    store = opened.store;
    alice = `alice-${randomUUID()}`;
    bob = `bob-${randomUUID()}`;
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  describe('books', () => {
    it('creates a book that its owner reads back exactly and nobody else sees', async () => {
      const write = bookWrite();
      const result = await putBook(store, alice, write, null);

      expect(result).toEqual({ ok: true, book: { ...write, owner: alice, seq: expect.any(Number) } });
      expect(await store.getBook(alice, write.id)).toEqual({ ...write, owner: alice, seq: result.ok && result.book.seq });
      expect(await store.getBook(bob, write.id)).toBeNull();
      expect(await store.getBook(alice, randomUUID())).toBeNull();
    });

    it.each([
      { situation: 'a create when the book already exists', expected: (_current: StoredBook) => null },
      { situation: 'an update based on an older revision', expected: (current: StoredBook) => current.revision - 1 },
      { situation: 'an update based on a revision the server never had', expected: (current: StoredBook) => current.revision + 1 },
    ])('refuses $situation as a conflict and returns the current version', async ({ expected }) => {
      const current = await update(store, alice, await create(store, alice), 2);

      const result = await putBook(store, alice, nextVersion(current, { content: '<p>late</p>' }), expected(current));

      expect(result).toEqual({ ok: false, reason: 'conflict', current });
      expect(await store.getBook(alice, current.id)).toEqual(current);
    });

    it('accepts an update based on the current revision and gives it a later seq', async () => {
      const first = await create(store, alice);
      const other = await create(store, alice);

      const result = await putBook(store, alice, nextVersion(first, { title: 'Renamed' }), first.revision);

      expect(result.ok && result.book).toMatchObject({ title: 'Renamed', revision: 2 });
      expect(result.ok && result.book.seq).toBeGreaterThan(other.seq);
    });

    it("reports 'missing' for an update of a book the owner does not have", async () => {
      const result = await putBook(store, alice, bookWrite({ revision: 4 }), 3);

      expect(result).toEqual({ ok: false, reason: 'missing' });
    });

    it.each([
      { write: 'a create', expected: () => null },
      { write: 'an update naming its revision', expected: (theirs: StoredBook) => theirs.revision },
    ])("refuses $write of another owner's book id as 'foreign' and leaves their book unchanged", async ({ expected }) => {
      const theirs = await create(store, bob);

      const result = await putBook(store, alice, bookWrite({ id: theirs.id, content: '<p>hijack</p>' }), expected(theirs));

      expect(result).toEqual({ ok: false, reason: 'foreign' });
      expect(await store.getBook(bob, theirs.id)).toEqual(theirs);
      expect(await store.getBook(alice, theirs.id)).toBeNull();
      expect((await store.changesSince(alice, 0, 10)).books).toEqual([]);
      expect(await revisionsOf(store, bob, theirs.id)).toEqual([]);
      expect(await store.listRevisions(alice, theirs.id)).toBeNull();
    });

    it("reads several of the owner's books at once, tombstones included, and nobody else's", async () => {
      const first = await create(store, alice);
      const deleted = await putBook(store, alice, nextVersion(await create(store, alice), { deleted: true }), 1);
      const theirs = await create(store, bob);

      const found = await store.getBooks(alice, [first.id, randomUUID(), theirs.id, deleted.ok ? deleted.book.id : '']);

      expect(found.sort((a, b) => a.seq - b.seq)).toEqual([first, deleted.ok && deleted.book]);
      expect(await store.getBooks(alice, [])).toEqual([]);
    });

    it('records a deletion written as a tombstone in the change feed', async () => {
      const book = await create(store, alice);
      const before = await store.changesSince(alice, 0, 10);

      const result = await putBook(store, alice, nextVersion(book, { deleted: true }), book.revision);

      const after = await store.changesSince(alice, before.last, 10);
      expect(after.books).toEqual([{ ...nextVersion(book, { deleted: true }), owner: alice, seq: result.ok && result.book.seq }]);
      expect(await store.getBook(alice, book.id)).toMatchObject({ deleted: true, revision: 2 });
    });
  });

  describe('several books in one step', () => {
    it('checks each write on its own: the ones that pass land with consecutive seqs, the others are reported', async () => {
      const updated = await create(store, alice);
      const stale = await update(store, alice, await create(store, alice), 2);
      const theirs = await create(store, bob);
      const created = bookWrite();
      const writes = [
        { book: created, expectedRevision: null },
        { book: nextVersion(stale, { content: '<p>late</p>' }), expectedRevision: stale.revision - 1 },
        // A create of another owner's id: on MongoDB the failed insert aborts the transaction, which runs again.
        { book: bookWrite({ id: theirs.id, content: '<p>hijack</p>' }), expectedRevision: null },
        { book: bookWrite({ revision: 4 }), expectedRevision: 3 },
        { book: nextVersion(updated, { title: 'Renamed' }), expectedRevision: updated.revision },
      ];

      const results = await store.putBooks(alice, writes);

      expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['ok', 'conflict', 'foreign', 'missing', 'ok']);
      expect(results[1]).toEqual({ ok: false, reason: 'conflict', current: stale });
      const seqs = results.flatMap((r) => (r.ok ? [r.book.seq] : []));
      expect(seqs[1]).toBe(seqs[0]! + 1);
      const feed = await store.changesSince(alice, stale.seq, 10);
      expect(feed.books).toEqual([
        { ...created, owner: alice, seq: seqs[0] },
        { ...nextVersion(updated, { title: 'Renamed' }), owner: alice, seq: seqs[1] },
      ]);
      expect(await store.getBook(alice, stale.id)).toEqual(stale);
      expect(await store.getBook(bob, theirs.id)).toEqual(theirs);
      expect((await revisionsOf(store, alice, updated.id)).map((r) => r.revision)).toEqual([updated.revision]);
    });

    it('refuses a step that names one book twice, writing nothing', async () => {
      const book = await create(store, alice);
      const write = nextVersion(book);

      await expect(
        store.putBooks(alice, [
          { book: write, expectedRevision: book.revision },
          { book: { ...write, revision: write.revision + 1 }, expectedRevision: write.revision },
        ]),
      ).rejects.toThrow(/twice/);
      expect(await store.getBook(alice, book.id)).toEqual(book);
    });

    it('answers an empty step with no results', async () => {
      expect(await store.putBooks(alice, [])).toEqual([]);
    });
  });

  describe('change feed', () => {
    it('pages through changes in seq order with limit, hasMore and last', async () => {
      const books = [];
      for (let i = 0; i < 5; i++) books.push(await create(store, alice, { title: `Book ${i}` }));
      // Rewriting the first book moves it to the end of the feed.
      const rewritten = await update(store, alice, books[0]!, 1);

      const { pages, cursor } = await pullAll(store, alice, 0, 2);

      expect(pages.map((page) => page.books.map((b) => b.title))).toEqual([
        ['Book 1', 'Book 2'],
        ['Book 3', 'Book 4'],
        ['Book 0'],
      ]);
      expect(pages.map((page) => page.hasMore)).toEqual([true, true, false]);
      expect(pages.map((page) => page.last)).toEqual(pages.map((page) => page.books.at(-1)!.seq));
      expect(cursor).toBe(rewritten.seq);
      const seqs = pages.flatMap((page) => page.books.map((b) => b.seq));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    });

    it('returns an empty page that keeps the cursor when nothing changed', async () => {
      const book = await create(store, alice);

      expect(await store.changesSince(alice, book.seq, 10)).toEqual({ books: [], last: book.seq, hasMore: false });
      expect(await store.changesSince(bob, 0, 10)).toEqual({ books: [], last: 0, hasMore: false });
    });

    it("keeps each owner's change feed to their own books", async () => {
      const mine = await create(store, alice);
      const theirs = await create(store, bob);

      expect((await store.changesSince(alice, 0, 10)).books.map((b) => b.id)).toEqual([mine.id]);
      expect((await store.changesSince(bob, 0, 10)).books.map((b) => b.id)).toEqual([theirs.id]);
    });
  });

  describe('revisions', () => {
    it(`keeps at least the newest ${LIMITS.revisionsKept} replaced versions, newest first, with exact contents`, async () => {
      const first = await create(store, alice, { content: '<p>v1</p>' });
      const latest = await update(store, alice, first, 24);
      expect(latest.revision).toBe(25);

      const revisions = await revisionsOf(store, alice, first.id);

      expect(revisions.length).toBeGreaterThanOrEqual(LIMITS.revisionsKept);
      expect(revisions.length).toBeLessThanOrEqual(24);
      for (const [i, revision] of revisions.entries()) {
        const number = 24 - i;
        const { content: _content, ...fields } = bookWrite({ id: first.id, createdAt: first.createdAt, updatedAt: first.updatedAt, metadata: first.metadata });
        const summary = {
          ...fields,
          revision: number,
          syncedAt: first.syncedAt + number - 1,
          // A version is replaced when the next one is synced.
          replacedAt: first.syncedAt + number,
          device: null,
          // Against the version before it: one word for another (v1 against the first text, four words).
          wordsAdded: 1,
          wordsRemoved: number === 1 ? 0 : 1,
        };
        expect(revision).toEqual(summary);
        expect(await store.getRevision(alice, first.id, { revision: number })).toEqual({ ...summary, content: `<p>v${number}</p>` });
      }
      expect(await store.listRevisions(bob, first.id)).toBeNull();
    });

    it('lists no revisions for a book that was never replaced', async () => {
      const book = await create(store, alice);

      expect(await store.listRevisions(alice, book.id)).toEqual({ revisions: [], hasMore: false });
    });

    it('finds one kept revision by number or by the time it was current, only for its owner and never the current one', async () => {
      const first = await create(store, alice, { content: '<p>v1</p>' });
      const latest = await update(store, alice, first, 3);
      const second = await store.getRevision(alice, first.id, { revision: 2 });
      expect(second).toMatchObject({ id: first.id, revision: 2, content: '<p>v2</p>', replacedAt: first.syncedAt + 2 });
      // Revision 2 was current from its sync (syncedAt + 1) until revision 3 replaced it (syncedAt + 2).
      expect(await store.getRevision(alice, first.id, { currentAt: first.syncedAt + 1 })).toEqual(second);
      expect((await store.getRevision(alice, first.id, { currentAt: first.syncedAt }))?.revision).toBe(1);
      expect((await store.getRevision(alice, first.id, { currentAt: first.syncedAt + 2 }))?.revision).toBe(3);
      expect(await store.getRevision(alice, first.id, { currentAt: latest.syncedAt })).toBeNull();
      expect(await store.getRevision(alice, first.id, { currentAt: first.syncedAt - 1 })).toBeNull();
      expect(await store.getRevision(alice, first.id, { revision: latest.revision })).toBeNull();
      expect(await store.getRevision(bob, first.id, { revision: 2 })).toBeNull();
    });

    it('keeps a merge record with the book it made, and with it once the book is replaced', async () => {
      const first = await create(store, alice, { content: '<p>v1</p>' });
      const merge = {
        baseRevision: 1,
        mergedWith: 1,
        newer: 'incoming' as const,
        overlaps: [{ base: 'v1', kept: 'mine', lost: 'theirs', keptSide: 'incoming' as const }],
      };
      const merged = await putBook(store, alice, nextVersion(first, { content: '<p>mine</p>', merge }), 1);
      expect(merged).toMatchObject({ ok: true, book: { revision: 2, merge } });
      // The record counts in the book's size, so pages and the quota see its bytes.
      const mergedBook = (merged as { book: StoredBook }).book;
      expect(await store.storedBytes(alice)).toBe(bookSize(mergedBook));
      expect(bookSize(mergedBook)).toBeGreaterThan(bookSize({ ...mergedBook, merge: undefined }));
      expect(await store.getBook(alice, first.id)).toMatchObject({ revision: 2, merge });
      expect((await store.changesSince(alice, 0, 10)).books[0]).toMatchObject({ revision: 2, merge });

      const after = await update(store, alice, (await store.getBook(alice, first.id))!, 1);
      expect(after.merge).toBeUndefined();
      expect(await store.getBook(alice, first.id)).not.toHaveProperty('merge');
      const [replaced, original] = await revisionsOf(store, alice, first.id);
      expect(replaced).toMatchObject({ revision: 2, merge });
      expect(await store.getRevision(alice, first.id, { revision: 2 })).toMatchObject({ content: '<p>mine</p>', merge });
      expect(original).not.toHaveProperty('merge');
      expect(await store.storedBytes(alice)).toBe(bookSize(after));
    });
  });

  describe('pages bounded by bytes', () => {
    /** A book whose answer JSON is about `kib` KiB. */
    const sized = (kib: number, overrides: Partial<BookWrite> = {}) => ({ content: `<p>${'x'.repeat(kib * 1024)}</p>`, ...overrides });

    it('cuts a change-feed page before the book that would take it over the budget, and continues from its cursor', async () => {
      const books = [];
      for (let i = 0; i < 5; i++) books.push(await create(store, alice, sized(10, { title: `Book ${i}` })));
      const size = bookSize(books[0]!);

      const first = await store.changesSince(alice, 0, 100, { maxBytes: 2 * size + size / 2, atLeastOne: true });
      const second = await store.changesSince(alice, first.last, 100, { maxBytes: 3 * size, atLeastOne: true });

      expect(first.books.map((b) => b.title)).toEqual(['Book 0', 'Book 1']);
      expect(first).toMatchObject({ hasMore: true, last: books[1]!.seq });
      expect(second.books.map((b) => b.title)).toEqual(['Book 2', 'Book 3', 'Book 4']);
      expect(second.hasMore).toBe(false);
    });

    it('returns a book larger than the whole budget alone, so that paging always moves on', async () => {
      const big = await create(store, alice, sized(20));
      const small = await create(store, alice);

      const page = await store.changesSince(alice, 0, 100, { maxBytes: 1024, atLeastOne: true });

      expect(page).toEqual({ books: [big], last: big.seq, hasMore: true });
      expect((await store.changesSince(alice, page.last, 100, { maxBytes: 1024, atLeastOne: true })).books).toEqual([small]);
    });

    it('answers an empty page with hasMore when allowed to and the first book does not fit', async () => {
      await create(store, alice, sized(20));

      expect(await store.changesSince(alice, 0, 100, { maxBytes: 1024, atLeastOne: false })).toEqual({
        books: [],
        last: 0,
        hasMore: true,
      });
    });

    it('pages revisions newest first by bytes, continuing below the last revision returned', async () => {
      // A listing holds no text: what takes bytes there is a version's fields (here its metadata).
      const noted = (title: string) => ({ title, metadata: { note: 'x'.repeat(10 * 1024) } });
      const book = await create(store, alice, noted('v1'));
      let current = book;
      for (let i = 0; i < 5; i++) {
        const next = await putBook(store, alice, nextVersion(current, noted(`v${current.revision + 1}`)), current.revision);
        current = next.ok ? next.book : current;
      }
      const { content: _content, ...fields } = bookVersion(book);
      const budget = { maxBytes: 2 * revisionSize({ ...fields, replacedAt: book.syncedAt, device: null }), atLeastOne: true };

      const pages = [];
      let before: number | undefined;
      for (;;) {
        const page = await store.listRevisions(alice, book.id, { before, budget });
        pages.push(page!.revisions.map((r) => r.revision));
        if (!page!.hasMore) break;
        before = page!.revisions.at(-1)!.revision;
      }

      expect(pages).toEqual([[5, 4], [3, 2], [1]]);
      expect((await store.listRevisions(alice, book.id, { budget: { maxBytes: 10, atLeastOne: true } }))!.revisions).toHaveLength(1);
    });
  });

  describe('storage quota', () => {
    const kib = (n: number) => ({ content: `<p>${'q'.repeat(n * 1024)}</p>` });

    it('counts the size of every stored book, tombstones included, and follows updates', async () => {
      const a = await create(store, alice, kib(4));
      const b = await create(store, alice, kib(8));
      await create(store, bob, kib(16));
      expect(await store.storedBytes(alice)).toBe(bookSize(a) + bookSize(b));

      const shrunk = await putBook(store, alice, nextVersion(b, kib(1)), b.revision);
      const deleted = await putBook(store, alice, nextVersion(a, { deleted: true }), a.revision);

      expect(await store.storedBytes(alice)).toBe(bookSize(shrunk.ok ? shrunk.book : b) + bookSize(deleted.ok ? deleted.book : a));
      expect(await store.storedBytes(`nobody-${randomUUID()}`)).toBe(0);
    });

    it("refuses a write that would take the owner's books over the quota, and still takes writes that do not grow them", async () => {
      const first = await create(store, alice, kib(6));
      const quota = bookSize(first) + 5 * 1024;
      const used = await store.storedBytes(alice);

      const [tooBig, fits] = await store.putBooks(
        alice,
        [
          { book: bookWrite(kib(6)), expectedRevision: null },
          { book: bookWrite(kib(2)), expectedRevision: null },
        ],
        quota,
      );
      const grown = await store.putBooks(alice, [{ book: nextVersion(first, kib(9)), expectedRevision: first.revision }], quota);
      const shrunk = await store.putBooks(alice, [{ book: nextVersion(first, kib(1)), expectedRevision: first.revision }], 1);

      expect(tooBig).toEqual({ ok: false, reason: 'quota', used });
      expect(fits!.ok).toBe(true);
      expect(grown[0]).toMatchObject({ ok: false, reason: 'quota' });
      expect(shrunk[0]!.ok).toBe(true);
      expect((await store.changesSince(alice, 0, 10)).books).toHaveLength(2);
    });
  });

  describe('another owner', () => {
    it("answers another owner's book id like an unknown one, everywhere a book is read", async () => {
      const theirs = await create(store, bob);

      expect(await store.getBook(alice, theirs.id)).toBeNull();
      expect(await store.getBooks(alice, [theirs.id])).toEqual([]);
      expect(await store.listRevisions(alice, theirs.id)).toBeNull();
      expect(await store.listRevisions(alice, randomUUID())).toBeNull();
    });
  });

  describe('users and device tokens', () => {
    it('creates a user found by id and by email in any case', async () => {
      const writer = user({ email: 'Writer.One@Example.com' });
      await store.createUser(writer);

      const stored = { ...writer, email: 'writer.one@example.com' };
      expect(await store.findUserById(writer.id)).toEqual(stored);
      expect(await store.findUserByEmail('WRITER.ONE@example.COM')).toEqual(stored);
      expect(await store.findUserByEmail('nobody@example.com')).toBeNull();
      expect(await store.findUserById(randomUUID())).toBeNull();
    });

    it('refuses a second user whose email differs only in case with EmailTakenError', async () => {
      await store.createUser(user({ email: 'taken@example.com' }));

      await expect(store.createUser(user({ email: 'Taken@Example.COM' }))).rejects.toBeInstanceOf(EmailTakenError);
    });

    it('creates, finds by hash, touches, lists and revokes device tokens', async () => {
      const writer = user();
      await store.createUser(writer);
      const laptop = token(writer.id, { deviceName: 'Laptop', createdAt: 1 });
      const phone = token(writer.id, { deviceName: 'Phone', createdAt: 2 });
      await store.createToken(laptop);
      await store.createToken(phone);

      expect(await store.findTokenByHash(laptop.hash)).toEqual(laptop);
      await store.touchToken(laptop.id, 1_800_000_000_000);
      expect(await store.findTokenByHash(laptop.hash)).toEqual({ ...laptop, lastUsedAt: 1_800_000_000_000 });
      expect((await store.listTokens(writer.id)).map((t) => t.deviceName)).toEqual(['Laptop', 'Phone']);

      expect(await store.revokeToken(writer.id, laptop.id)).toBe(true);
      expect(await store.findTokenByHash(laptop.hash)).toBeNull();
      expect(await store.listTokens(writer.id)).toEqual([phone]);
      expect(await store.revokeToken(writer.id, laptop.id)).toBe(false);
    });

    it("does not let one user revoke another user's token", async () => {
      const owner = user();
      const intruder = user();
      await store.createUser(owner);
      await store.createUser(intruder);
      const owned = token(owner.id);
      await store.createToken(owned);

      expect(await store.revokeToken(intruder.id, owned.id)).toBe(false);
      expect(await store.findTokenByHash(owned.hash)).toEqual(owned);
    });
  });

  describe('rate-limit counters', () => {
    it('counts hits per key and per window, keeping keys and windows apart', async () => {
      const window = Math.floor(Date.now() / 60_000) * 60_000;

      expect(await store.hit('user:a', window, 60_000)).toBe(1);
      expect(await store.hit('user:a', window, 60_000)).toBe(2);
      expect(await store.hit('user:b', window, 60_000)).toBe(1);
      expect(await store.hit('user:a', window + 60_000, 60_000)).toBe(1);
      expect(await store.hit('user:a', window, 60_000)).toBe(3);
    });

    it('loses no hit when many arrive at once from two server processes', async () => {
      const window = Math.floor(Date.now() / 60_000) * 60_000;
      const second = await opened.openAnother();

      await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? second : store).hit('ip:1', window, 60_000)));

      expect(await store.hit('ip:1', window, 60_000)).toBe(31);
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 50 parallel writers based on the same revision win', async () => {
      const second = await opened.openAnother();
      const original = await create(store, alice);

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          putBook(i % 2 ? second : store, alice, nextVersion(original, { content: `<p>writer ${i}</p>` }), original.revision),
        ),
      );

      const winners = results.filter((r) => r.ok);
      expect(winners).toHaveLength(1);
      const winner = winners[0]!.ok ? winners[0]!.book : undefined;
      for (const loser of results.filter((r) => !r.ok)) expect(loser).toEqual({ ok: false, reason: 'conflict', current: winner });
      expect(await store.getBook(alice, original.id)).toEqual(winner);
      expect((await revisionsOf(store, alice, original.id)).map((r) => r.revision)).toEqual([original.revision]);
    });

    it('never skips or reorders a change for a reader pulling while many writers on two processes write', async () => {
      const processes = [store, await opened.openAnother()];
      const ids = Array.from({ length: 20 }, () => randomUUID());
      const totalWrites = 200;
      const accepted: StoredBook[] = [];
      let nextWrite = 0;
      // The reader pulls again as soon as a write is accepted (while others are still in flight) instead of spinning.
      let wakeReader = () => {};
      const nextAcceptedWrite = () => new Promise<void>((resolve) => (wakeReader = resolve));

      async function writer(target: Store) {
        while (nextWrite < totalWrites) {
          const n = nextWrite++;
          const id = ids[n % ids.length]!;
          // Compare-and-set loop: re-read and retry until this write is accepted on top of the latest version.
          for (;;) {
            const current = await target.getBook(alice, id);
            const write = current
              ? nextVersion(current, { content: `<p>write ${n}</p>` })
              : bookWrite({ id, content: `<p>write ${n}</p>` });
            const result = await putBook(target, alice, write, current?.revision ?? null);
            if (result.ok) {
              accepted.push(result.book);
              wakeReader();
              break;
            }
            expect(result.reason).toBe('conflict');
          }
        }
      }

      const seen = new Map<string, StoredBook>();
      const seenSeqs: number[] = [];
      let cursor = 0;
      async function pull(): Promise<{ hasMore: boolean; empty: boolean }> {
        const page = await processes[seenSeqs.length % 2]!.changesSince(alice, cursor, 7);
        for (const book of page.books) {
          // Strictly increasing within a page and across pages: the cursor never has to go back.
          expect(book.seq).toBeGreaterThan(seenSeqs.at(-1) ?? cursor);
          seenSeqs.push(book.seq);
          seen.set(book.id, book);
        }
        expect(page.last).toBe(page.books.at(-1)?.seq ?? cursor);
        cursor = page.last;
        return { hasMore: page.hasMore, empty: page.books.length === 0 };
      }

      let writing = true;
      const writers = Promise.all(Array.from({ length: 10 }, (_, i) => writer(processes[i % 2]!))).finally(() => {
        writing = false;
      });
      let pullsWhileWriting = 0;
      while (writing) {
        const woken = nextAcceptedWrite();
        const { empty } = await pull();
        pullsWhileWriting++;
        if (empty) await Promise.race([woken, writers.catch(() => undefined)]);
      }
      await writers;
      while ((await pull()).hasMore);

      expect(accepted).toHaveLength(totalWrites);
      expect(new Set(accepted.map((b) => b.seq)).size).toBe(totalWrites);
      expect(pullsWhileWriting).toBeGreaterThan(1);
      // The reader ends with exactly the latest accepted version of every book, so no final change was skipped.
      const latest = new Map<string, StoredBook>();
      for (const book of accepted) {
        if ((latest.get(book.id)?.revision ?? 0) < book.revision) latest.set(book.id, book);
      }
      expect(seen).toEqual(latest);
      for (const id of ids) expect(await store.getBook(alice, id)).toEqual(latest.get(id));
      // Every accepted write the reader did not see was superseded by a later write of the same book it did see.
      const seenSeqSet = new Set(seenSeqs);
      for (const book of accepted) {
        if (!seenSeqSet.has(book.seq)) expect(latest.get(book.id)!.seq).toBeGreaterThan(book.seq);
      }
    }, 60_000);

    it('keeps every write and a unique seq per owner when writers of many owners write at once on two processes', async () => {
      // Writes of different owners never conflict, so they are where a store may run them side by side (jongodb once
      // lost writes and handed out a seq twice when commits of two owners overlapped).
      const processes = [store, await opened.openAnother()];
      const owners = Array.from({ length: 8 }, () => `writer-${randomUUID()}`);
      const books = owners.flatMap((owner) => Array.from({ length: 5 }, () => ({ owner, latest: null as StoredBook | null })));
      const accepted: StoredBook[] = [];

      // Each round writes every book once, all at the same time, each write based on the book's previous version.
      for (let round = 0; round < 6; round++) {
        const results = await Promise.all(
          books.map(({ owner, latest }, i) =>
            putBook(
              processes[(i + round) % 2]!,
              owner,
              latest ? nextVersion(latest, { content: `<p>round ${round}</p>` }) : bookWrite({ content: '<p>round 0</p>' }),
              latest?.revision ?? null,
            ),
          ),
        );
        results.forEach((result, i) => {
          if (!result.ok) throw new Error(`write of a book nobody else writes was refused: ${result.reason}`);
          books[i]!.latest = result.book;
          accepted.push(result.book);
        });
      }

      for (const owner of owners) {
        const seqs = accepted.filter((b) => b.owner === owner).map((b) => b.seq);
        expect(new Set(seqs).size).toBe(seqs.length);
        const expected = books.filter((b) => b.owner === owner).map((b) => b.latest!);
        const feed = (await pullAll(processes[1]!, owner, 0, 100)).pages.flatMap((page) => page.books);
        expect(feed).toEqual([...expected].sort((a, b) => a.seq - b.seq));
        for (const book of expected) expect(await store.getBook(owner, book.id)).toEqual(book);
      }
    }, 60_000);
  });

  describe('durability', () => {
    it('keeps books, revisions, users and tokens when the store is closed and opened again', async () => {
      const book = await update(store, alice, await create(store, alice), 2);
      const writer = user();
      await store.createUser(writer);
      const device = token(writer.id);
      await store.createToken(device);
      const revisions = await revisionsOf(store, alice, book.id);
      await store.close();

      const reopened = await opened.openAnother();

      expect(await reopened.getBook(alice, book.id)).toEqual(book);
      expect(await revisionsOf(reopened, alice, book.id)).toEqual(revisions);
      expect((await reopened.changesSince(alice, 0, 10)).books).toEqual([book]);
      expect(await reopened.findUserByEmail(writer.email)).toEqual(writer);
      expect(await reopened.findTokenByHash(device.hash)).toEqual(device);
      const next = await putBook(reopened, alice, nextVersion(book), book.revision);
      expect(next.ok && next.book.seq).toBeGreaterThan(book.seq);
    });
  });
});
