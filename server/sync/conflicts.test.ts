import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/protocol.ts';
import { stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import { buildBook, Client, PASSWORD, serveStore, signedInWriter, startServer, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

const T0 = 1_800_000_000_000;

describe.each(storeFactories)('last-writer-wins over HTTP ($name store)', (factory) => {
  let clock = T0;
  const served = serveStore(factory, {}, { now: () => clock });
  let client: Client;

  beforeAll(async () => {
    client = (await signedInWriter(served.server.url)).client;
  });

  /** A book stored at revision 1 with updatedAt = T0 - 60 s. */
  async function storedBook(content = '<p>server</p>') {
    const book = buildBook({ content, updatedAt: T0 - 60_000 });
    expect((await client.put(`/api/books/${book.id}`, book)).status).toBe(200);
    return book;
  }

  describe('the conflict matrix', () => {
    it('accepts a fresh book at revision 1', async () => {
      const book = buildBook({ updatedAt: T0 });
      const res = await client.put(`/api/books/${book.id}`, book);
      expect(res.body.data).toMatchObject({ revision: 1, syncedAt: T0, updatedAt: T0 });
    });

    it('fast-forwards an edit based on the current revision, whatever its clock says', async () => {
      const book = await storedBook();
      const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>mine</p>', baseRevision: 1, updatedAt: T0 - 3_600_000 });
      expect(res.status).toBe(200);
      expect(res.body.data.revision).toBe(2);
    });

    it('refuses a stale edit whose base revision the server no longer keeps with 409, keeping the server copy', async () => {
      const book = await storedBook();
      // Enough later revisions, and days later one more, that revision 1 is no longer kept: the hour of saves thins to its
      // newest and the newest kept whatever their age.
      for (let revision = 1; revision <= LIMITS.revisionsKept + 1; revision++) {
        await client.put(`/api/books/${book.id}`, { ...book, content: `<p>v${revision + 1}</p>`, baseRevision: revision, updatedAt: T0 - 30_000 });
      }
      clock = T0 + 3 * 86_400_000;
      const last = LIMITS.revisionsKept + 3;
      await client.put(`/api/books/${book.id}`, { ...book, content: `<p>v${last}</p>`, baseRevision: last - 1, updatedAt: T0 - 20_000 });
      clock = T0;
      const stale = { ...book, content: '<p>late edit</p>', baseRevision: 1, updatedAt: T0 - 10_000 };
      const res = await client.put(`/api/books/${book.id}`, stale);
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        success: false,
        conflict: true,
        code: 'conflict',
        message: 'Server has a newer version',
        serverVersion: expect.objectContaining({ id: book.id, content: `<p>v${last}</p>`, revision: last }),
        clientVersion: stale,
      });
      expect((await client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ content: `<p>v${last}</p>`, revision: last });
    });

    it.each([
      ['before', -45_000, '<p>second</p>', 'late edit'],
      ['after', -10_000, '<p>late edit</p>', 'second'],
    ])('merges a stale edit made %s the server copy: the later text wins the words both changed, the other is returned', async (_when, offset, merged, lost) => {
      const book = await storedBook();
      await client.put(`/api/books/${book.id}`, { ...book, content: '<p>second</p>', baseRevision: 1, updatedAt: T0 - 30_000 });
      const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>late edit</p>', baseRevision: 1, updatedAt: T0 + offset });
      expect(res.status).toBe(200);
      expect(res.body.data.revision).toBe(3);
      expect(res.body.merged.serverVersion).toMatchObject({ content: merged, revision: 3 });
      expect(res.body.merged.overlaps).toEqual([expect.objectContaining({ base: 'server', lost })]);
      expect((await client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ content: merged, revision: 3 });
    });

    it('accepts an edit without base revision made after the server copy and keeps the replaced text in the revisions', async () => {
      const book = await storedBook();
      await client.put(`/api/books/${book.id}`, { ...book, content: '<p>second</p>', baseRevision: 1, updatedAt: T0 - 30_000 });
      const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>later</p>', updatedAt: T0 - 10_000 });
      expect(res.status).toBe(200);
      expect(res.body.data.revision).toBe(3);
      const revisions = await client.get(`/api/books/${book.id}/revisions`);
      expect(revisions.body.data.map((r: { revision: number }) => r.revision)).toEqual([2, 1]);
      const texts = await Promise.all([2, 1].map(async (n) => (await client.get(`/api/books/${book.id}/revisions/${n}`)).body.data.content));
      expect(texts).toEqual(['<p>second</p>', '<p>server</p>']);
    });

    it('refuses an edit without base revision at the same time as the server copy but with other text', async () => {
      const book = await storedBook();
      const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>other</p>' });
      expect(res.status).toBe(409);
    });

    it('answers an identical retry with the same revision, without a new revision or feed entry', async () => {
      const book = await storedBook();
      const edit = { ...book, content: '<p>edit</p>', baseRevision: 1, updatedAt: T0 - 5_000 };
      const first = await client.put(`/api/books/${book.id}`, edit);
      const feed = await client.get('/api/books?limit=500');
      const retry = await client.put(`/api/books/${book.id}`, edit);
      expect(retry.status).toBe(200);
      expect(retry.body.data).toEqual(first.body.data);
      expect((await client.get(`/api/books/${book.id}/revisions`)).body.data).toHaveLength(1);
      expect((await client.get(`/api/books?since=${feed.body.cursor}`)).body.data).toEqual([]);
    });

    it('clamps a clock far in the future to the server clock, so an honest later edit still wins', async () => {
      const book = await storedBook();
      const future = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>future</p>', updatedAt: T0 + 24 * 3_600_000 });
      expect(future.body.data.updatedAt).toBe(T0);
      clock = T0 + 1_000;
      try {
        // Without a base revision the clocks decide (with one, the edit would fast-forward or conflict whatever they say).
        const honest = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>honest</p>', updatedAt: T0 + 500 });
        expect(honest.status).toBe(200);
        expect(honest.body.data.revision).toBe(3);
      } finally {
        clock = T0;
      }
    });

    it('keeps a clock only slightly ahead as it is', async () => {
      const book = buildBook({ updatedAt: T0 + LIMITS.futureSkewMs });
      expect((await client.put(`/api/books/${book.id}`, book)).body.data.updatedAt).toBe(T0 + LIMITS.futureSkewMs);
    });

    it('refuses an edit made before a deletion, answering with the tombstone', async () => {
      const book = await storedBook();
      await client.delete(`/api/books/${book.id}`);
      const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>offline edit</p>', baseRevision: 1, updatedAt: T0 - 30_000 });
      expect(res.status).toBe(409);
      expect(res.body.serverVersion).toMatchObject({ deleted: true, revision: 2 });
    });

    it('brings a deleted book back with an edit based on the tombstone', async () => {
      const book = await storedBook();
      await client.delete(`/api/books/${book.id}`);
      clock = T0 + 2_000;
      try {
        const res = await client.put(`/api/books/${book.id}`, { ...book, content: '<p>kept</p>', baseRevision: 2, updatedAt: T0 + 1_000 });
        expect(res.status).toBe(200);
        expect((await client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ deleted: false, revision: 3, content: '<p>kept</p>' });
      } finally {
        clock = T0;
      }
    });

    it('refuses a stale device\'s deletion of a book edited after it', async () => {
      const book = await storedBook();
      await client.put(`/api/books/${book.id}`, { ...book, content: '<p>newer</p>', baseRevision: 1, updatedAt: T0 - 10_000 });
      const res = await client.post('/api/sync', { changes: [{ ...book, deleted: true, baseRevision: 1, updatedAt: T0 - 20_000 }] });
      expect(res.body.results[0]).toMatchObject({ status: 'conflict', serverVersion: { deleted: false, content: '<p>newer</p>' } });
    });
  });

  describe('concurrency', () => {
    it('lets exactly one of 20 parallel writers on the same base revision land as written; the others are merged with it, their words set aside', async () => {
      const book = await storedBook();
      // As many as keep their base revision in the history until the last of them lands.
      const writes = Array.from({ length: LIMITS.revisionsKept }, (_, i) => ({ ...book, content: `<p>writer${i}</p>`, baseRevision: 1, updatedAt: T0 - 1_000 }));
      const answers = await Promise.all(writes.map((w) => client.put(`/api/books/${book.id}`, w)));

      expect(answers.map((a) => a.status)).toEqual(writes.map(() => 200));
      const winners = answers.filter((a) => !a.body.merged);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.body.data.revision).toBe(2);
      const winnerContent = writes[answers.indexOf(winners[0]!)]!.content;
      // Equal clocks: the stored text stays, and each other writer's words are returned and recorded.
      const losers = answers.filter((a) => a.body.merged);
      for (const loser of losers) {
        const lost = writes[answers.indexOf(loser)]!.content.slice(3, -4);
        expect(loser.body.merged).toEqual({
          serverVersion: expect.objectContaining({ content: winnerContent, revision: loser.body.data.revision }),
          overlaps: [{ base: 'server', kept: winnerContent.slice(3, -4), lost, keptSide: 'stored', before: '<p>', after: '</p>' }],
        });
      }
      // Each merge took the next revision exactly once (one compare-and-set winner per revision).
      const last = LIMITS.revisionsKept + 1;
      expect(losers.map((a) => a.body.data.revision).sort((a, b) => a - b)).toEqual(Array.from({ length: last - 2 }, (_, i) => i + 3));
      expect((await client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ revision: last, content: winnerContent });
    });

    it('keeps every one of 20 parallel writers\' paragraphs, each merged onto the revision before it', async () => {
      const book = await storedBook('<p>start</p>');
      const paragraph = (i: number) => `<p>writer ${i}</p>`;
      const accepted = await Promise.all(
        Array.from({ length: LIMITS.revisionsKept }, async (_, i) => {
          // All from revision 1, each adding its own paragraph: none overlaps another, so every one is kept.
          const res = await client.put(`/api/books/${book.id}`, { ...book, content: `<p>start</p>${paragraph(i)}`, baseRevision: 1, updatedAt: T0 - 60_000 + i });
          expect(res.status).toBe(200);
          return res.body.data.revision as number;
        }),
      );
      expect(accepted.sort((a, b) => a - b)).toEqual(Array.from({ length: LIMITS.revisionsKept }, (_, i) => i + 2));

      const current = (await client.get(`/api/books/${book.id}`)).body.data;
      for (let i = 0; i < LIMITS.revisionsKept; i++) expect(current.content).toContain(paragraph(i));
      // Every merged revision records the one it was merged with: the revision just before it.
      const history = (await client.get(`/api/books/${book.id}/revisions`)).body.data as Array<{ revision: number; merge?: { mergedWith: number } }>;
      for (const version of [current, ...history].filter((v) => v.merge)) expect(version.merge.mergedWith).toBe(version.revision - 1);
      expect([current, ...history].filter((v) => v.merge)).toHaveLength(LIMITS.revisionsKept - 1);
    });
  });
});

describe.each(storeFactories)('the change feed under concurrent writes through two server processes ($name store)', (factory) => {
  let opened: OpenedStore;
  let servers: RunningServer[] = [];

  beforeAll(async () => {
    opened = await factory.open();
    servers = [await startServer(opened.store), await startServer(await opened.openAnother())];
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await opened?.cleanup();
  });

  it('never skips or reorders a change for a reader polling while devices write', async () => {
    const { client, email } = await signedInWriter(servers[0]!.url);
    const second = await new Client(servers[1]!.url).post('/api/tokens', { email, password: PASSWORD, deviceName: 'second' });
    const devices = [client, new Client(servers[1]!.url, second.body.data.token)];

    // What the reader saw: for each book, the revisions in the order it saw them.
    const seen = new Map<string, number[]>();
    let cursor: string | undefined;
    const pull = async () => {
      for (;;) {
        const res = await devices[0]!.get(`/api/books?limit=7${cursor ? `&since=${cursor}` : ''}`);
        for (const b of res.body.data) seen.set(b.id, [...(seen.get(b.id) ?? []), b.revision]);
        cursor = res.body.cursor;
        if (!res.body.hasMore) return;
      }
    };

    let writing = true;
    const reader = (async () => {
      while (writing) await pull();
    })();
    const books = Array.from({ length: 24 }, () => buildBook());
    await Promise.all(
      books.map(async (book, i) => {
        const device = devices[i % 2]!;
        await device.put(`/api/books/${book.id}`, book);
        const second = await device.put(`/api/books/${book.id}`, { ...book, content: '<p>edited</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
        expect(second.status).toBe(200);
      }),
    );
    writing = false;
    await reader;
    await pull();

    expect([...seen.keys()].sort()).toEqual(books.map((b) => b.id).sort());
    for (const revisions of seen.values()) {
      // Never an older revision after a newer one, and always ending at the latest.
      expect(revisions).toEqual([...new Set(revisions)].sort((a, b) => a - b));
      expect(revisions.at(-1)).toBe(2);
    }
  });
});
