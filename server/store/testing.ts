// Test harness for both real stores: fresh embedded stores on temp dirs, MongoDB stores on jongodb or MONGODB_URI.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { openEmbeddedStore } from './embedded.ts';
import type { BookWrite, PutResult, Store } from './types.ts';

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

const JONGODB_START_TIMEOUT_MS = 30_000;

/** Path of the jongodb launcher installed as a dev dependency. */
function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(pkg), 'bin', 'jongodb');
}

/**
 * Starts an in-memory jongodb server on a free port and resolves once it prints its URI. It runs as a one-node
 * replica set, like production (see compose.yaml), so the driver uses the same topology and transactions.
 */
export async function startJongodb(): Promise<{ uri: string; stop(): Promise<void> }> {
  const child = spawn(jongodbBinary(), ['--port=0', '--topology-profile=singleNodeReplicaSet', '--replica-set-name=rs0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const uri = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => settle(new Error('jongodb did not print its URI in time')), JONGODB_START_TIMEOUT_MS);
    let settled = false;
    function settle(outcome: string | Error) {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      lines.close();
      if (typeof outcome === 'string') {
        // Keep draining stdout so a chatty server never blocks on a full pipe.
        child.stdout.resume();
        resolve(outcome);
      } else {
        child.kill('SIGKILL');
        reject(outcome);
      }
    }
    lines.on('line', (line) => {
      const match = /^JONGODB_URI=(\S+)/.exec(line);
      if (match) settle(match[1]!);
    });
    child.once('error', (error) => settle(error));
    child.once('exit', (code, signal) =>
      settle(new Error(`jongodb exited before it was ready (${code ?? signal}): ${stderr.trim()}`)),
    );
  });

  return {
    uri,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

// One jongodb per test file (each vitest file gets its own module instance), started on first use.
let sharedJongodb: ReturnType<typeof startJongodb> | null = null;
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

async function mongoUri(): Promise<string> {
  const external = process.env.MONGODB_URI;
  if (external) return external;
  sharedJongodb ??= startJongodb().then((server) => {
    killOnExit = () => void server.stop();
    process.once('exit', killOnExit);
    return server;
  });
  const { uri } = await sharedJongodb;
  // jongodb breaks the driver's streaming heartbeat ("Server ended moreToCome unexpectedly", see jongodb.test.ts) and
  // each break clears the connection pool, failing whatever a test has in flight: the driver polls instead.
  return `${uri}${uri.includes('?') ? '&' : '?'}serverMonitoringMode=poll`;
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
  // Loaded lazily so embedded-only runs never load the driver.
  const { openMongoStore, dropMongoDatabase } = await import('./mongo.ts');
  const uri = await mongoUri();
  // A fresh database per open keeps tests independent on a shared (or real) server.
  const dbName = `anclora_test_${randomUUID().replaceAll('-', '')}`;
  const opened: Store[] = [await openMongoStore(uri, dbName)];
  return {
    store: opened[0]!,
    async openAnother() {
      const store = await openMongoStore(uri, dbName);
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.all(opened.map((store) => store.close()));
      await dropMongoDatabase(uri, dbName);
    },
  };
}

export const storeFactories: StoreFactory[] = [
  { name: 'embedded', open: openEmbedded },
  { name: 'mongodb', open: openMongo },
];
