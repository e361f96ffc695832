import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/protocol.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, Client, serveStore, signedInWriter, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('POST /api/sync ($name store)', (factory) => {
  const served = serveStore(factory);
  let server: RunningServer;
  beforeAll(() => {
    server = served.server;
  });

  it('pushes every change, judging each on its own, then pulls what changed', async () => {
    const { client } = await signedInWriter(server.url);
    const existing = buildBook({ content: '<p>server</p>' });
    await client.put(`/api/books/${existing.id}`, existing);

    const fresh = buildBook({ title: 'Fresh' });
    const stale = { ...existing, content: '<p>older edit</p>', baseRevision: 0, updatedAt: existing.updatedAt - 1000 };
    const broken = { id: randomUUID(), title: '', content: 1 };
    const res = await client.post('/api/sync', { changes: [fresh, stale, broken] });

    expect(res.status).toBe(200);
    expect(res.body.success).toBe(true);
    expect(res.body.results).toEqual([
      { id: fresh.id, status: 'ok', revision: 1, syncedAt: expect.any(Number) },
      {
        id: existing.id,
        status: 'conflict',
        revision: 1,
        serverVersion: expect.objectContaining({ id: existing.id, content: '<p>server</p>', revision: 1 }),
      },
      {
        id: broken.id,
        status: 'invalid',
        code: 'invalid_request',
        error: 'Invalid book',
        details: { title: expect.any(Array), content: expect.any(Array), updatedAt: expect.any(Array) },
        reasons: { title: 'required', content: 'invalid', updatedAt: 'invalid' },
      },
    ]);
    expect(res.body.changes.map((b: { id: string }) => b.id)).toEqual([existing.id, fresh.id]);
    expect(res.body.hasMore).toBe(false);

    // Nothing new since the returned cursor.
    const next = await client.post('/api/sync', { cursor: res.body.cursor });
    expect(next.body).toEqual({ success: true, results: [], changes: [], cursor: res.body.cursor, hasMore: false });
  });

  it('hands back the stored version with an ok result only when sanitising changed the content, retries included', async () => {
    const { client } = await signedInWriter(server.url);
    const plain = buildBook({ content: '<p>as is</p>' });
    const spelled = buildBook({ content: '<p>one<br>two&nbsp; it&#39;s</p>' });
    for (let attempt = 0; attempt < 2; attempt++) {
      // The second attempt is an identical retry (its answer was lost): it must say the same.
      const res = await client.post('/api/sync', { changes: [plain, spelled] });
      expect(res.body.results).toEqual([
        { id: plain.id, status: 'ok', revision: 1, syncedAt: expect.any(Number) },
        {
          id: spelled.id,
          status: 'ok',
          revision: 1,
          syncedAt: expect.any(Number),
          serverVersion: expect.objectContaining({ id: spelled.id, revision: 1, content: "<p>one<br />two\u00a0 it's</p>" }),
        },
      ]);
    }
  });

  it('applies several edits of one book in order within a batch', async () => {
    const { client } = await signedInWriter(server.url);
    const book = buildBook({ content: '<p>v1</p>' });
    const res = await client.post('/api/sync', {
      changes: [book, { ...book, content: '<p>v2</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 }],
    });
    expect(res.body.results.map((r: { status: string; revision: number }) => [r.status, r.revision])).toEqual([
      ['ok', 1],
      ['ok', 2],
    ]);
    expect(res.body.changes).toEqual([expect.objectContaining({ id: book.id, content: '<p>v2</p>', revision: 2 })]);
  });

  it('pages the pull with limit and cursor until hasMore is false', async () => {
    const { client } = await signedInWriter(server.url);
    const books = Array.from({ length: 5 }, () => buildBook());
    await client.post('/api/sync', { changes: books });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 10; round++) {
      const res = await client.post('/api/sync', { cursor, limit: 2 });
      seen.push(...res.body.changes.map((b: { id: string }) => b.id));
      cursor = res.body.cursor;
      if (!res.body.hasMore) break;
    }
    expect(seen).toEqual(books.map((b) => b.id));
  });

  it('reports an entry with an unknown field or operator as invalid without failing the batch', async () => {
    const { client } = await signedInWriter(server.url);
    const good = buildBook();
    const res = await client.post('/api/sync', { changes: [{ ...buildBook(), $set: { owner: 'x' } }, good] });
    expect(res.body.results[0]).toMatchObject({ status: 'invalid', details: { _: expect.any(Array) } });
    expect(res.body.results[1]).toMatchObject({ id: good.id, status: 'ok' });
  });

  it.each([
    ['changes that are not a list', { changes: {} }, 'changes'],
    ['more changes than one batch allows', { changes: Array.from({ length: LIMITS.syncBatchMax + 1 }, () => ({})) }, 'changes'],
    ['an unknown top-level field', { changes: [], force: true }, '_'],
    ['a cursor this server never issued', { cursor: 'seq:12' }, 'cursor'],
  ])('answers 400 for %s', async (_name, body, field) => {
    const { client } = await signedInWriter(server.url);
    const res = await client.post('/api/sync', body);
    expect(res.status).toBe(400);
    expect(res.body.details).toHaveProperty(field);
  });

  it('answers 401 without a token', async () => {
    const res = await new Client(server.url).post('/api/sync', { changes: [] });
    expect(res.status).toBe(401);
  });
});
