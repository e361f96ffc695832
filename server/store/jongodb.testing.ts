// Test support: jongodb, the in-memory MongoDB stand-in that npm test and the bench run on, and everything it needs
// that a real MongoDB does not. The MongoDB store (mongo.ts) is written for MongoDB as documented; the harness
// (testing.ts, and the bench's stand-in server) chooses these accommodations only when it runs on jongodb, never on
// MONGODB_URI. Each gap is pinned in jongodb.test.ts, so an accommodation can go once jongodb closes its gap.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { MongoClient, MongoServerError } from 'mongodb';
import { MONGO_COLLECTIONS, openMongoStore } from './mongo.ts';
import type { Store } from './types.ts';

const JONGODB_START_TIMEOUT_MS = 30_000;

/** Path of the jongodb launcher installed as a dev dependency. */
function jongodbBinary(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  return path.join(path.dirname(pkg), 'bin', 'jongodb');
}

/**
 * Starts an in-memory jongodb server on a free port and resolves once it prints its URI. By default it runs as a
 * one-node replica set, like production (see compose.yaml), so the driver uses the same topology and transactions;
 * 'standalone' is a MongoDB without transactions, which the store must refuse.
 */
export async function startJongodb(
  topology: 'singleNodeReplicaSet' | 'standalone' = 'singleNodeReplicaSet',
): Promise<{ uri: string; stop(): Promise<void> }> {
  const replicaSet = topology === 'standalone' ? [] : ['--replica-set-name=rs0'];
  const child = spawn(jongodbBinary(), ['--port=0', `--topology-profile=${topology}`, ...replicaSet], {
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

/**
 * The URI a client of this jongodb should use. jongodb breaks the driver's streaming heartbeat ("Server ended
 * moreToCome unexpectedly") and each break clears the connection pool, failing whatever is in flight: clients poll.
 */
export function pollingUri(uri: string): string {
  return `${uri}${uri.includes('?') ? '&' : '?'}serverMonitoringMode=poll`;
}

/**
 * Gap: jongodb reports a duplicate key only in its message ("E11000 duplicate key error index: email_1 dup key:
 * { email: a@b }"), without the `keyPattern` and `keyValue` fields MongoDB sends. This gives every MongoServerError of
 * this process those two fields, read from the message, where the server did not send them (a real server's own
 * fields still win: the driver copies them onto the error, which the setter below allows).
 */
export function readDuplicateKeysFromMessages(): void {
  if (Object.getOwnPropertyDescriptor(MongoServerError.prototype, 'keyPattern')) return;
  const fromMessage = (error: MongoServerError): Record<string, string> | undefined => {
    if (error.code !== 11000) return undefined;
    const key = /dup key: \{ (.*) \}$/.exec(error.message)?.[1];
    if (key === undefined) return undefined;
    return Object.fromEntries(key.split(', ').map((pair) => [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 2)]));
  };
  const accessor = (read: (key: Record<string, string>) => Record<string, unknown>, name: string): PropertyDescriptor => ({
    configurable: true,
    get(this: MongoServerError) {
      const key = fromMessage(this);
      return key && read(key);
    },
    set(this: MongoServerError, value: unknown) {
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
    },
  });
  Object.defineProperty(MongoServerError.prototype, 'keyPattern', accessor((key) => Object.fromEntries(Object.keys(key).map((k) => [k, 1])), 'keyPattern'));
  Object.defineProperty(MongoServerError.prototype, 'keyValue', accessor((key) => key, 'keyValue'));
}

// Gap: jongodb's transactions are not isolated from each other. It detects no write conflicts (two overlapping
// transactions that update one document both commit), and a commit merges its changes into a copy of the collections
// it took before locking, so two commits that overlap in time (of ANY owners) can silently drop each other's writes:
// an acknowledged book vanishes, or an owner's counter goes back and hands out a seq twice. So on jongodb every
// putBooks step of this process takes its turn. One process per jongodb is enough for this: each test file starts its
// own jongodb, and the bench runs one server process on its own.
// Gap: its commits are not atomic to readers either: a book already at its next revision can be read while the
// revision it replaced is not yet in the revisions collection, so getRevision (a merge's base) reads in turn too.
let turn: Promise<unknown> = Promise.resolve();

/** The calls that take turns: putBooks, the store's only transaction, and getRevision, which must see whole commits. */
const IN_TURN = ['putBooks', 'getRevision'] as const satisfies ReadonlyArray<keyof Store>;

/** The store with its IN_TURN calls run one at a time across every store of this process. */
export function takingTurns(store: Store): Store {
  const wrapped = { ...store };
  for (const name of IN_TURN) {
    const call = store[name] as (...args: unknown[]) => Promise<unknown>;
    (wrapped as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const mine = turn.catch(() => undefined).then(() => call.apply(store, args));
      turn = mine;
      return mine;
    };
  }
  return wrapped;
}

/** The MongoDB store on jongodb, with the accommodations above. */
export async function openJongodbStore(uri: string, dbName: string): Promise<Store> {
  readDuplicateKeysFromMessages();
  return takingTurns(await openMongoStore(uri, dbName));
}

/** Gap: jongodb has neither dropDatabase nor listCollections; a test database is removed by emptying the store's. */
export async function emptyJongodbDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    const db = client.db(dbName);
    await Promise.all(MONGO_COLLECTIONS.map((name) => db.collection(name).deleteMany({})));
  } finally {
    await client.close();
  }
}
