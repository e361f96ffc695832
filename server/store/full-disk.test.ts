// A full disk: the embedded store filled for real (max_page_count), MongoDB's out-of-disk codes classified, and the
// server's answer for both: 503 with Retry-After and nothing written.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MongoServerError } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBook, signedInWriter, startServer } from '../test/harness.ts';
import { EMBEDDED_DB_FILE, openEmbeddedStore } from './embedded.ts';
import { isMongoStoreFull } from './mongo.ts';
import { StoreFullError, type Store } from './types.ts';

describe('a full disk', () => {
  let dataDir: string;
  let store: Store | undefined;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'anclora-full-'));
  });

  afterEach(async () => {
    await store?.close();
    store = undefined;
    await rm(dataDir, { recursive: true, force: true });
  });

  /** The embedded store on a database that can grow by only `spare` more pages. */
  async function nearlyFullStore(spare: number): Promise<Store> {
    await (await openEmbeddedStore(dataDir)).close();
    const db = new Database(path.join(dataDir, EMBEDDED_DB_FILE));
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();
    return openEmbeddedStore(dataDir, { maxPageCount: pages + spare });
  }

  it('makes the embedded store throw StoreFullError, not a raw SQLite error, and keep what it had', async () => {
    store = await nearlyFullStore(64);
    const book = (n: number) => ({
      ...buildBook(),
      content: `<p>${String(n).repeat(64 * 1024)}</p>`,
      author: '',
      metadata: {},
      createdAt: 1,
      syncedAt: 2,
      revision: 1,
      deleted: false,
    });

    let error: unknown;
    const written: string[] = [];
    for (let n = 0; n < 20 && !error; n++) {
      const write = book(n);
      try {
        await store.putBooks('ana', [{ book: write, expectedRevision: null }]);
        written.push(write.id);
      } catch (caught) {
        error = caught;
      }
    }

    expect(error).toBeInstanceOf(StoreFullError);
    expect(written.length).toBeGreaterThan(0);
    expect((await store.getBooks('ana', written)).map((b) => b.id).sort()).toEqual([...written].sort());
  });

  it('answers a write with 503 and Retry-After when the store is full', async () => {
    store = await nearlyFullStore(40);
    const server = await startServer(store);
    try {
      const { client } = await signedInWriter(server.url);
      let answer;
      for (let n = 0; n < 20; n++) {
        const book = buildBook({ content: `<p>${String(n).repeat(64 * 1024)}</p>` });
        answer = await client.put(`/api/books/${book.id}`, book);
        if (answer.status !== 200) break;
      }

      expect(answer?.status).toBe(503);
      expect(answer?.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(answer?.body).toEqual({ code: 'storage_full', error: expect.stringMatching(/out of storage space/) });
    } finally {
      await server.close();
    }
  });

  it("classifies MongoDB's out-of-disk refusals, and nothing else, as a full store", () => {
    const error = (code: number, codeName: string) => new MongoServerError({ message: `${codeName} ${randomUUID()}`, code, codeName });

    expect(isMongoStoreFull(error(14031, 'OutOfDiskSpace'))).toBe(true);
    expect(isMongoStoreFull(error(11000, 'DuplicateKey'))).toBe(false);
    expect(isMongoStoreFull(error(112, 'WriteConflict'))).toBe(false);
    expect(isMongoStoreFull(new Error('No space left on device'))).toBe(false);
  });
});
