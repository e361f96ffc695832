// Attack class "parser cost": markup that costs the sanitiser time quadratic in its nesting depth must be refused
// before any sanitising, stored books must be served without sanitising again, and sanitising must not hold the event
// loop (issue 9, finding 1).
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/limits.ts';
import { putBook, stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, Client, serveStore, signedInWriter } from '../test/harness.ts';
import { worstCaseManuscript } from '../test/markup.ts';

afterAll(stopAll);

/** The finding's payload: a megabyte of unclosed tags (30 s of a frozen server per write before the fix). */
const UNCLOSED = '<b>'.repeat(350_000);
/** Worst-case valid books per write: several, so that sanitising them on the event loop would hold it for seconds. */
const WORST_CASE_BOOKS = 3;
const WORST_CASE_BYTES = 5 * 1024 * 1024 - 1024;

describe.each(storeFactories)('parser cost ($name store)', (factory) => {
  const served = serveStore(factory, { maxPayloadBytes: (WORST_CASE_BOOKS + 1) * 5 * 1024 * 1024 });
  let writer: Client;
  let writerId: string;

  beforeAll(async () => {
    ({ client: writer, userId: writerId } = await signedInWriter(served.server.url));
  });

  it('refuses a megabyte of unclosed tags with 400 and a field error on content, and stores nothing', async () => {
    const book = buildBook({ content: UNCLOSED });
    const res = await writer.put(`/api/books/${book.id}`, book);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      code: 'invalid_request',
      error: 'Invalid book',
      details: { content: [`markup must not nest more than ${LIMITS.markupDepthMax} elements deep`] },
      reasons: { content: 'markup_too_complex' },
    });
    expect((await writer.get(`/api/books/${book.id}`)).status).toBe(404);
  });

  it('refuses the same markup sent as a gzipped body of a few hundred bytes', async () => {
    const gzipped = (content: string) => {
      const book = buildBook({ content });
      const body = gzipSync(JSON.stringify(book), { level: 9 });
      expect(body.length).toBeLessThan(4096);
      return writer.request('PUT', `/api/books/${book.id}`, body, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    };
    // The whole MiB inflates past the compression-ratio cap and is refused before it is even inflated in full...
    expect((await gzipped(UNCLOSED)).status).toBe(413);
    // ...and a smaller nest that stays under the cap is refused by the markup guard, before any sanitising.
    const smaller = await gzipped('<b>'.repeat(100_000));
    expect(smaller.status).toBe(400);
    expect(smaller.body.details.content).toHaveLength(1);
  });

  it('refuses markup with too many elements', async () => {
    const book = buildBook({ content: '<br>'.repeat(LIMITS.markupElementsMax + 1) });
    const res = await writer.put(`/api/books/${book.id}`, book);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ content: [`markup must not hold more than ${LIMITS.markupElementsMax} elements`] });
  });

  it('answers such an entry of /api/sync as invalid and applies the others', async () => {
    const before = buildBook({ content: '<p>before</p>' });
    const hostile = buildBook({ content: UNCLOSED });
    const after = buildBook({ content: '<p>after</p>' });
    const res = await writer.post('/api/sync', { changes: [before, hostile, after] });
    expect(res.status).toBe(200);
    expect(res.body.results).toEqual([
      expect.objectContaining({ id: before.id, status: 'ok', revision: 1 }),
      {
        id: hostile.id,
        status: 'invalid',
        code: 'invalid_request',
        error: 'Invalid book',
        details: { content: [expect.stringMatching(/nest/)] },
        reasons: { content: 'markup_too_complex' },
      },
      expect.objectContaining({ id: after.id, status: 'ok', revision: 1 }),
    ]);
    expect((await writer.get(`/api/books/${after.id}`)).body.data.content).toBe('<p>after</p>');
    expect((await writer.get(`/api/books/${hostile.id}`)).status).toBe(404);
  });

  it('serves a stored book as stored, without sanitising it again, and can delete it', async () => {
    // Costly markup that reached the store before the guard existed: every read used to sanitise it again.
    const content = `<p>kept as stored<br>${'<b>'.repeat(100_000)}`;
    const id = randomUUID();
    const at = Date.now();
    const book = { id, title: 'Old', author: '', content, metadata: {}, updatedAt: at, createdAt: at, syncedAt: at, revision: 1, deleted: false };
    await putBook(served.opened.store, writerId, book, null);

    expect((await writer.get(`/api/books/${id}`)).body.data.content).toBe(content);
    const feed = await writer.get('/api/books');
    expect(feed.body.data.find((b: { id: string }) => b.id === id).content).toBe(content);
    const pulled = await writer.post('/api/sync', { changes: [] });
    expect(pulled.body.changes.find((b: { id: string }) => b.id === id).content).toBe(content);
    expect((await writer.delete(`/api/books/${id}`)).body.data).toEqual({ id, revision: 2, deleted: true });
  });

  it('keeps answering /healthz while a worst-case valid write is being sanitised', async () => {
    const content = worstCaseManuscript(WORST_CASE_BYTES);
    const books = Array.from({ length: WORST_CASE_BOOKS }, () => buildBook({ content }));
    const health = new Client(served.server.url);
    // This process is the server's too: the event loop's delay is the server's.
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    let writeAnswered = false;
    const write = writer.post('/api/sync', { changes: books }).finally(() => (writeAnswered = true));
    let healthzBeforeWrite = 0;
    while (!writeAnswered) {
      expect((await health.get('/healthz')).status).toBe(200);
      if (!writeAnswered) healthzBeforeWrite++;
    }
    delay.disable();

    const res = await write;
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string }) => r.status)).toEqual(books.map(() => 'ok'));
    expect(healthzBeforeWrite).toBeGreaterThan(0);
    // Sanitising these books takes seconds (5.5 s of stalled event loop before the fix); parsing and storing them
    // holds it for about a tenth of a second.
    expect(delay.max / 1e6).toBeLessThan(2000);
  });
});
