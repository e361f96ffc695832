// Test harness for both real stores: fresh embedded stores on temp dirs, MongoDB stores on jongodb or MONGODB_URI.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { BookWrite, PutResult } from './book-store.ts';
import { openEmbeddedStore } from './embedded.ts';
import type { Store } from './types.ts';

/** One compare-and-set write as a step of its own: the single-book contract most store tests exercise. */
export async function putBook(store: Store, owner: string, book: BookWrite, expectedRevision: number | null): Promise<PutResult> {
  const [result] = await store.putBooks(owner, [{ book, expectedRevision }]);
  return result!;
}

export interface OpenedStore {
  store: Store;
  /**
   * Opens another Store on the same data, as a second server process (or a restart) would: for MongoDB a new
   * client on the same database, for the embedded store a new connection to the same DATA_DIR.
   */
  openAnother(): Promise<Store>;
  /** Closes every store opened here and deletes the data (temp dir or database). */
  cleanup(): Promise<void>;
}

export interface StoreFactory {
  name: 'embedded' | 'mongodb';
  open(): Promise<OpenedStore>;
}

// One jongodb per test file (each vitest file gets its own module instance), started on first use.
let sharedJongodb: Promise<{ uri: string; stop(): Promise<void> }> | null = null;
// Safety net for a worker that exits without calling stopAll(): never leave a server process behind.
let killOnExit: (() => void) | null = null;

/** Stops the jongodb this test file started (call from afterAll); a later open() starts a new one. */
export async function stopAll(): Promise<void> {
  const running = sharedJongodb;
  sharedJongodb = null;
  if (killOnExit) process.off('exit', killOnExit);
  killOnExit = null;
  if (running) await (await running).stop();
}

/** Where MongoDB tests run: the server MONGODB_URI names, taken as it is, or else this file's jongodb. */
async function mongoTarget(): Promise<{ uri: string; jongodb: boolean }> {
  const external = process.env.MONGODB_URI;
  if (external) return { uri: external, jongodb: false };
  const { startJongodb, pollingUri } = await import('./jongodb.testing.ts');
  sharedJongodb ??= startJongodb().then((server) => {
    killOnExit = () => void server.stop();
    process.once('exit', killOnExit);
    return server;
  });
  return { uri: pollingUri((await sharedJongodb).uri), jongodb: true };
}

/** Drops a test database on a real MongoDB. */
async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const { MongoClient } = await import('mongodb');
  const client = new MongoClient(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

async function openEmbedded(): Promise<OpenedStore> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'anclora-store-'));
  const opened: Store[] = [await openEmbeddedStore(dataDir)];
  return {
    store: opened[0]!,
    async openAnother() {
      const store = await openEmbeddedStore(dataDir);
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((store) => store.close()));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function openMongo(): Promise<OpenedStore> {
  // Loaded lazily so embedded-only runs never load the driver. On jongodb the harness adds what the stand-in needs
  // (jongodb.testing.ts); on MONGODB_URI the store runs exactly as in production.
  const { openMongoStore } = await import('./mongo.ts');
  const { openJongodbStore, emptyJongodbDatabase } = await import('./jongodb.testing.ts');
  const { uri, jongodb } = await mongoTarget();
  // A fresh database per open keeps tests independent on a shared (or real) server.
  const dbName = `anclora_test_${randomUUID().replaceAll('-', '')}`;
  const open = () => (jongodb ? openJongodbStore(uri, dbName) : openMongoStore(uri, dbName));
  const opened: Store[] = [await open()];
  return {
    store: opened[0]!,
    async openAnother() {
      const store = await open();
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((store) => store.close()));
      await (jongodb ? emptyJongodbDatabase(uri, dbName) : dropDatabase(uri, dbName));
    },
  };
}

/** The embedded store: what tests of the extension against a real server use (fast, no database process). */
export const embeddedStore: StoreFactory = { name: 'embedded', open: openEmbedded };

export const storeFactories: StoreFactory[] = [embeddedStore, { name: 'mongodb', open: openMongo }];
