// Attack class "answer size": one account's books must not make any answer (and so the server's memory) grow past the
// configured budget, and no account may store more than its quota. Against both stores, with small limits to stay fast.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, Client, serveStore, signedInWriter, type Answer } from '../test/harness.ts';

afterAll(stopAll);

const KIB = 1024;
const MAX_PAYLOAD = 256 * KIB;
const BUDGET = 1024 * KIB;
/** Per account: room for the paging tests' books, not for the quota test's. */
const QUOTA = 3 * 1024 * KIB;
const SMALL_QUOTA = 900 * KIB;

/** Manuscript text of about `kib` KiB. */
const text = (kib: number, mark = 'x') => `<p>${mark.repeat(kib * KIB)}</p>`;

/** The answer's size as the server sent it (uncompressed JSON bytes). */
const bytesOf = (answer: Answer) => Buffer.byteLength(JSON.stringify(answer.body));

describe.each(storeFactories)('answer size ($name store)', (factory) => {
  const served = serveStore(factory, { maxPayloadBytes: MAX_PAYLOAD, answerBudgetBytes: BUDGET, storageQuotaBytes: QUOTA });
  let writer: Client;

  beforeAll(async () => {
    writer = (await signedInWriter(served.server.url)).client;
  });

  /** A fresh account holding `count` books of about `kib` KiB each (under the quota). */
  async function accountWith(count: number, kib: number) {
    const { client } = await signedInWriter(served.server.url);
    const books = [];
    for (let i = 0; i < count; i++) {
      const book = buildBook({ title: `Book ${i}`, content: text(kib) });
      const put = await client.put(`/api/books/${book.id}`, book);
      expect(put.status).toBe(200);
      books.push({ ...book, revision: put.body.data.revision as number });
    }
    return { client, books };
  }

  it('keeps every change-feed page within the budget, however large the limit, and pages to the end', async () => {
    const { client, books } = await accountWith(12, 200);

    const sizes: number[] = [];
    const seen: string[] = [];
    let since = '';
    for (let more = true; more; ) {
      const page = await client.get(`/api/books?limit=500${since ? `&since=${since}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeGreaterThan(0);
      sizes.push(bytesOf(page));
      seen.push(...page.body.data.map((b: { id: string }) => b.id));
      since = page.body.cursor;
      more = page.body.hasMore;
    }

    expect(Math.max(...sizes)).toBeLessThanOrEqual(BUDGET);
    expect(sizes.length).toBeGreaterThan(2);
    expect(seen).toEqual(books.map((b) => b.id));
  });

  it('bounds a sync answer, results and changes together: later serverVersions are left out for GET /api/books/:id', async () => {
    const { client, books } = await accountWith(8, 200);
    // Stale edits of every book (older clock, no base revision): each loses and wants the 200 KiB server version back.
    const stale = books.map((b) => ({ ...b, content: '<p>old</p>', updatedAt: b.updatedAt - 60_000, revision: undefined }));

    const answer = await client.post('/api/sync', { changes: stale });

    expect(answer.status).toBe(200);
    expect(bytesOf(answer)).toBeLessThanOrEqual(BUDGET);
    const results = answer.body.results as Array<{
      id: string;
      status: string;
      revision: number;
      serverVersion?: unknown;
      serverVersionOmitted?: true;
    }>;
    expect(results.map((r) => r.status)).toEqual(books.map(() => 'conflict'));
    const withVersion = results.filter((r) => r.serverVersion).length;
    expect(withVersion).toBeGreaterThan(0);
    expect(withVersion).toBeLessThan(results.length);
    // Those left out come in request order after the ones sent, each with its revision, and can be read on their own.
    expect(results.map((r) => Boolean(r.serverVersion))).toEqual(results.map((_, i) => i < withVersion));
    expect(results.map((r) => r.serverVersionOmitted)).toEqual(results.map((_, i) => (i < withVersion ? undefined : true)));
    const missing = results[withVersion]!;
    const read = await client.get(`/api/books/${missing.id}`);
    expect(read.body.data).toMatchObject({ id: missing.id, revision: missing.revision, content: text(200) });
    // The changes did not fit this time: the client keeps asking while hasMore, and each answer stays in budget.
    expect(answer.body.hasMore).toBe(true);
    let cursor = answer.body.cursor as string;
    const pulled: string[] = answer.body.changes.map((b: { id: string }) => b.id);
    for (let more = true; more; ) {
      const next = await client.post('/api/sync', { changes: [], cursor });
      expect(bytesOf(next)).toBeLessThanOrEqual(BUDGET);
      pulled.push(...next.body.changes.map((b: { id: string }) => b.id));
      cursor = next.body.cursor;
      more = next.body.hasMore;
    }
    expect(pulled).toEqual(books.map((b) => b.id));
  });

  it('lists the revisions of a large book without their text, and answers each version alone within the budget', async () => {
    const { client, books } = await accountWith(1, 200);
    let book = books[0]!;
    for (let i = 1; i <= 6; i++) {
      const { revision, ...input } = book;
      const next = { ...input, content: text(200, String(i)), baseRevision: revision, updatedAt: book.updatedAt + i };
      const put = await client.put(`/api/books/${book.id}`, next);
      expect(put.status).toBe(200);
      book = { ...next, revision: put.body.data.revision };
    }

    const listing = await client.get(`/api/books/${book.id}/revisions`);
    expect(listing.status).toBe(200);
    // Six versions of 200 KiB list in a few hundred bytes each: the listing never carries a book's text.
    expect(bytesOf(listing)).toBeLessThan(6 * KIB);
    expect(listing.body.data.map((r: { revision: number }) => r.revision)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(listing.body.hasMore).toBe(false);
    const one = await client.get(`/api/books/${book.id}/revisions/3`);
    expect(one.body.data.content).toBe(text(200, '2'));
    expect(bytesOf(one)).toBeLessThanOrEqual(BUDGET);
  });

  describe('with a small storage quota', () => {
    const quotaServed = serveStore(factory, { maxPayloadBytes: MAX_PAYLOAD, answerBudgetBytes: BUDGET, storageQuotaBytes: SMALL_QUOTA });

  it('refuses a write past the storage quota with 413 and a stable code, in PUT and as a sync result, storing nothing', async () => {
    const { client } = await signedInWriter(quotaServed.server.url);
    const stored: string[] = [];
    let refused: Answer | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const book = buildBook({ content: text(200) });
      const put = await client.put(`/api/books/${book.id}`, book);
      if (put.status === 200) stored.push(book.id);
      else refused = put;
    }
    const over = buildBook({ content: text(200) });
    const small = buildBook({ content: '<p>a note</p>' });
    const sync = await client.post('/api/sync', { changes: [over, small] });

    expect(refused?.status).toBe(413);
    expect(refused?.body).toMatchObject({ code: 'quota_exceeded', limit: SMALL_QUOTA, used: expect.any(Number) });
    expect(refused?.body.error).toMatch(/quota/i);
    expect(refused!.body.used).toBeLessThanOrEqual(SMALL_QUOTA);
    expect(sync.body.results).toEqual([
      { id: over.id, status: 'invalid', code: 'quota_exceeded', error: expect.stringMatching(/quota/i) },
      { id: small.id, status: 'ok', revision: 1, syncedAt: expect.any(Number) },
    ]);
    expect((await client.get(`/api/books/${over.id}`)).status).toBe(404);
    // Deleting still works at the quota, so a writer can always make room.
    expect((await client.delete(`/api/books/${stored[0]}`)).status).toBe(200);
  });
  });

  it('answers a foreign book like a missing one on every read, revisions included', async () => {
    const { books } = await accountWith(1, 1);
    const theirs = books[0]!.id;

    for (const path of [`/api/books/${theirs}`, `/api/books/${theirs}/revisions`]) {
      const answer = await writer.get(path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toEqual({ code: 'not_found', error: 'Book not found' });
    }
  });
});
