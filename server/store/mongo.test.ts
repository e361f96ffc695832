import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openJongodbStore, pollingUri, startJongodb } from './jongodb.testing.ts';
import { openMongoStore } from './mongo.ts';

// What the conformance suites cannot show: start-up checks and conversions of data an older server wrote.
describe('the MongoDB store on a MongoDB without transactions', () => {
  let server: Awaited<ReturnType<typeof startJongodb>>;

  beforeAll(async () => {
    server = await startJongodb('standalone');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses to open, saying to run MongoDB as a replica set, before it serves any write', async () => {
    await expect(openMongoStore(pollingUri(server.uri), 'standalone')).rejects.toThrow(/needs transactions: run MongoDB as a replica set/);
  });
});

describe('the MongoDB store on a database written before history was a chain of patches', () => {
  let server: Awaited<ReturnType<typeof startJongodb>>;

  beforeAll(async () => {
    server = await startJongodb();
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('converts the whole copies it kept into patches that read back exactly, once, keeping merge records', async () => {
    const uri = pollingUri(server.uri);
    const dbName = 'whole_copies';
    const client = new MongoClient(uri);
    const texts = ['<p>One.</p>', '<p>One. Two.</p>', '<p>One. Two.</p><p>Three.</p>', '<p>One, two.</p><p>Three.</p><p>Four.</p>'];
    const merge = { baseRevision: 1, mergedWith: 2, newer: 'incoming', overlaps: [{ base: 'Two.', kept: 'Two', lost: 'Deux', keptSide: 'incoming' }] };
    const fields = { title: 'Tide', author: 'Ana', metadata: {}, updatedAt: 40, createdAt: 1, deleted: false };
    try {
      const db = client.db(dbName);
      await db.collection('books').insertOne({ _id: 'b1' as never, ...fields, content: texts[3], syncedAt: 40, revision: 4, owner: 'ana', seq: 4, size: 100 });
      await db.collection('revisions').insertMany(
        [1, 2, 3].map((revision) => ({
          _id: `ana:b1:${revision}` as never,
          ...fields,
          title: `Tide ${revision}`,
          content: texts[revision - 1],
          syncedAt: revision * 10,
          revision,
          owner: 'ana',
          bookId: 'b1',
          replacedAt: revision * 10 + 10,
          size: 100,
          ...(revision === 3 ? { merge } : {}),
        })),
      );
      await db.collection('counters').insertOne({ _id: 'ana' as never, seq: 4, bytes: 100 });
    } finally {
      await client.close();
    }

    for (let open = 0; open < 2; open++) {
      const store = await openJongodbStore(uri, dbName);
      try {
        const listed = (await store.listRevisions('ana', 'b1'))!.revisions;
        expect(listed.map((r) => [r.revision, r.title, r.wordsAdded, r.wordsRemoved, r.device])).toEqual([
          [3, 'Tide 3', 1, 0, null],
          [2, 'Tide 2', 1, 0, null],
          [1, 'Tide 1', 1, 0, null],
        ]);
        expect(listed[0]!.merge).toEqual(merge);
        for (let revision = 1; revision <= 3; revision++) {
          expect((await store.getRevision('ana', 'b1', { revision }))?.content).toBe(texts[revision - 1]);
        }
      } finally {
        await store.close();
      }
    }
  });
});
