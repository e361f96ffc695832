// Server throughput at 50 connections (autocannon): single-book PUT and POST /api/sync with 10 books, on the embedded
// store and on MongoDB (jongodb), with a bare Koa JSON endpoint measured in the same run as the ceiling, and beside
// each scenario a "Koa + one durable SQLite write of the same bytes" ceiling (the write path's floor).
import autocannon from 'autocannon';
import { MongoClient } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { pollingUri, startJongodb } from '../server/store/jongodb.testing.ts';
import { signUpWriters, type Writer } from './lib/accounts.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { startCeiling, startServer, type Child } from './lib/processes.ts';
import { waitForQuietChildren } from './lib/quiet.ts';
import { median, round } from './lib/stats.ts';

export interface ThroughputOptions {
  runs: number;
  durationSeconds: number;
  connections: number;
}

export interface RunFigures {
  /** 2xx answers per second. */
  reqPerSec: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  non2xx: number;
  errors: number;
  /** Count per HTTP status, and the first few bodies of non-2xx answers (to explain them). */
  statuses: Record<string, number>;
  samples: string[];
}

export interface ScenarioFigures extends RunFigures {
  scenario: string;
  store: 'embedded' | 'mongodb' | 'none';
  /** What the scenario writes to: accounts and books, and (MongoDB) documents in the database before and after. */
  dataSet: string;
  runs: RunFigures[];
  /** Median req/s over the median ceiling req/s. */
  ratioToCeiling: number;
  /** Median req/s over the median req/s of Koa + one durable SQLite write of the same request bodies. */
  ratioToWriteCeiling?: number;
}

/** Books per sync request (the scenario's name says 10). */
const SYNC_BOOKS = 10;

interface DataSet {
  /** Accounts for PUT, each with `putBooksPerWriter` books; at least as many books as connections, so none is shared. */
  writers: number;
  putBooksPerWriter: number;
  /** Accounts for sync, each one device owning SYNC_BOOKS books. */
  syncDevices: number;
}

const DATA_SETS: Record<'embedded' | 'mongodb', DataSet> = {
  // More accounts than connections: no two connections ever write the same book or sync the same account at once.
  embedded: { writers: 64, putBooksPerWriter: 10, syncDevices: 64 },
  // jongodb copies the collections a transaction touches (≈ 0.5 ms per 3 kB document: see measureJongodbCost), and
  // the store runs book writes one at a time on it. At the embedded data set (≈ 1,300 books and their revisions)
  // one write takes about a second and no run completes. This set keeps the database near a few hundred documents:
  // one book per connection for PUT; five sync accounts shared by the 50 connections (their pushes carry no
  // baseRevision and a newer updatedAt, so a shared account's writes all land, as later edits).
  mongodb: { writers: 50, putBooksPerWriter: 1, syncDevices: 5 },
};
/** ~520 words, ~3 kB of HTML: the middle of the seed's 1–5 KB per book. */
const BOOK_WORDS = 520;

interface PoolBook {
  id: string;
  writer: Writer;
  revision?: number;
  busy: boolean;
}

/** A strictly increasing edit clock shared by all connections, so every write is newer than the one before. */
function editClock() {
  let last = 0;
  return () => (last = Math.max(Date.now(), last + 1));
}

/** One bench book's successive writes: `base` plus a numbered edit, stamped by `now`, based on `baseRevision` if known. */
function bookEdits(base: string, now: () => number) {
  let sequence = 0;
  return (id: string, baseRevision?: number) => ({
    id,
    title: 'Bench book',
    author: 'Bench Writer',
    content: `${base}<p>Edit ${++sequence}</p>`,
    metadata: { wordCount: BOOK_WORDS + 2, charCount: base.length },
    updatedAt: now(),
    ...(baseRevision === undefined ? {} : { baseRevision }),
  });
}

/**
 * Round-robin over items that are not in flight; a busy item is not handed to a second connection unless all are
 * busy (fewer items than connections, or after timeouts).
 */
function roundRobin<T extends { busy: boolean }>(items: T[]) {
  let next = 0;
  return (): T => {
    for (let i = 0; i < items.length; i++) {
      const item = items[(next + i) % items.length]!;
      if (!item.busy) {
        next = (next + i + 1) % items.length;
        item.busy = true;
        return item;
      }
    }
    // All busy (fewer items than connections, or autocannon reconnected after a timeout and never released one):
    // share the next; its newer updatedAt still makes the write land.
    const item = items[next]!;
    next = (next + 1) % items.length;
    return item;
  };
}

/** The message of the last error the server logged (pino JSON lines), without its stack. */
function lastError(output: string): string {
  const messages = [...output.matchAll(/"message":"((?:[^"\\]|\\.){0,200})/g)].map((m) => m[1]);
  return messages.at(-1) ?? output.slice(-300);
}

/** Keeps the first few non-2xx answer bodies of a run, so a failing scenario says why. */
const failureSamples: string[] = [];
function noteFailure(status: number, body: string) {
  if (status >= 300 && failureSamples.length < 3) failureSamples.push(`${status} ${body.slice(0, 300)}`);
}

function figures(result: autocannon.Result): RunFigures {
  return {
    // Successful answers per second over the whole run: a fast 500 must not count as throughput.
    reqPerSec: result['2xx'] / result.duration,
    seconds: result.duration,
    statuses: Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0])),
    samples: failureSamples.splice(0),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

/**
 * A run is either `amount` requests, stopped after `capMs` at the latest (a store far slower than its warm-up
 * suggested), or a fixed number of `seconds`.
 */
type RunLength = { amount: number; capMs: number } | { seconds: number };

function fire(options: autocannon.Options, length: RunLength): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let cap: NodeJS.Timeout | undefined;
    const instance = autocannon(
      // A request unanswered after two minutes counts as an error; slow stores (jongodb) answer in tens of seconds.
      { timeout: 120, ...options, ...('amount' in length ? { amount: length.amount } : { duration: length.seconds }) },
      (error, result) => {
        clearTimeout(cap);
        if (error) reject(error);
        else resolve(result);
      },
    );
    if ('capMs' in length) cap = setTimeout(() => instance.stop(), length.capMs);
  });
}

interface Target {
  label: string;
  store: ScenarioFigures['store'];
  scenario: string;
  dataSet: string;
  /** Sends exactly `amount` requests and waits for every answer (no cut-off request leaves work behind), or runs for `seconds`. */
  run(length: RunLength): Promise<RunFigures>;
  serverLog?: () => string;
  /** For a write scenario: its rows (books or devices) and a body like the ones it sends, for its write ceiling. */
  writeCeiling?: { keys: string[]; body: () => string };
}

function ceilingTarget(ceiling: Child, connections: number): Target {
  return {
    label: 'ceiling',
    store: 'none',
    scenario: 'bare Koa GET (ceiling)',
    dataSet: '',
    run: async (length) => figures(await fire({ url: `${ceiling.url}/ceiling`, connections }, length)),
  };
}

/**
 * The write ceiling of a scenario: the same request bodies (`body` makes them as the scenario does) sent to Koa,
 * which makes one durable SQLite write of each (one row per book or device, replaced, as the store replaces books).
 */
function writeCeilingTarget(ceiling: Child, connections: number, of: string, keys: string[], body: () => string): Target {
  const take = roundRobin(keys.map((key) => ({ key, busy: false })));
  const request: autocannon.Request = {
    method: 'PUT',
    setupRequest: (req, context) => {
      const slot = take();
      (context as { slot?: { busy: boolean } }).slot = slot;
      return { ...req, path: `/ceiling-write/${slot.key}`, headers: { 'content-type': 'application/json' }, body: body() };
    },
    onResponse: (_status, _body, context) => {
      const slot = (context as { slot?: { busy: boolean } }).slot;
      if (slot) slot.busy = false;
    },
  };
  return {
    label: `write-ceiling ${of}`,
    store: 'none',
    scenario: `Koa + one durable SQLite write of the same bytes (ceiling of ${of})`,
    dataSet: '',
    run: async (length) => figures(await fire({ url: ceiling.url, connections, requests: [request] }, length)),
  };
}

/**
 * PUT /api/books/:id, each request a real write: new text and a newer updatedAt, based on the revision the previous
 * answer for that book returned (a fast-forward, as the extension does). Books are handed out round-robin and never
 * to two connections at once, so no write meets a 409.
 */
async function putTarget(
  server: Child,
  store: 'embedded' | 'mongodb',
  writers: Writer[],
  perWriter: number,
  connections: number,
): Promise<Target> {
  const base = manuscriptHtml(BOOK_WORDS, 7);
  const books: PoolBook[] = writers.flatMap((writer) =>
    Array.from({ length: perWriter }, () => ({ id: randomUUID(), writer, busy: false })),
  );
  const take = roundRobin(books);
  const edited = bookEdits(base, editClock());
  const byId = new Map(books.map((b) => [b.id, b]));
  const request: autocannon.Request = {
    method: 'PUT',
    setupRequest: (req, context) => {
      const book = take();
      (context as { id?: string }).id = book.id;
      const body = edited(book.id, book.revision);
      return {
        ...req,
        path: `/api/books/${book.id}`,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${book.writer.token}` },
        body: JSON.stringify(body),
      };
    },
    onResponse: (status, body, context) => {
      noteFailure(status, body);
      const book = byId.get((context as { id?: string }).id ?? '');
      if (!book) return;
      book.busy = false;
      if (status === 200) book.revision = (JSON.parse(body) as { data: { revision: number } }).data.revision;
    },
  };
  const sampleBook = books[0]!;
  return {
    writeCeiling: {
      keys: books.map((b) => b.id),
      body: () => JSON.stringify(edited(sampleBook.id, 1)),
    },
    label: `${store}-put`,
    serverLog: server.output,
    store,
    scenario: `PUT /api/books/:id (${store})`,
    dataSet: `${writers.length} accounts × ${perWriter} book${perWriter === 1 ? '' : 's'}`,
    run: async (length) => {
      for (const book of books) book.busy = false;
      return figures(await fire({ url: server.url, connections, excludeErrorStats: true, requests: [request] }, length));
    },
  };
}

/**
 * POST /api/sync pushing 10 books (new text, newer updatedAt) and pulling one page, with gzip accepted as the extension
 * does. Each writer is one device owning exactly 10 books; its cursor is the one from before its books existed, so
 * every pull answers exactly those 10 books — the same page a device's own fresh cursor would give right after its
 * push. Answers are gzip-compressed, so they are not parsed here: the edits carry no baseRevision and land as
 * later edits (newer updatedAt), which costs the server the same read, decision and compare-and-set as a fast-forward.
 */
async function syncTarget(server: Child, store: 'embedded' | 'mongodb', writers: Writer[], connections: number): Promise<Target> {
  const base = manuscriptHtml(BOOK_WORDS, 11);
  const devices = await Promise.all(
    writers.map(async (writer) => {
      const start = await fetch(`${server.url}/api/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}` },
        body: JSON.stringify({ changes: [] }),
      });
      const { cursor } = (await start.json()) as { cursor: string };
      return { writer, cursor, ids: Array.from({ length: SYNC_BOOKS }, () => randomUUID()), busy: false };
    }),
  );
  const byToken = new Map(devices.map((d) => [d.writer.token, d]));
  const take = roundRobin(devices);
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/sync',
    setupRequest: (req, context) => {
      const device = take();
      (context as { token?: string }).token = device.writer.token;
      const changes = changesOf(device.ids);
      return {
        ...req,
        headers: {
          'content-type': 'application/json',
          'accept-encoding': 'gzip',
          authorization: `Bearer ${device.writer.token}`,
        },
        body: JSON.stringify({ changes, cursor: device.cursor }),
      };
    },
    onResponse: (status, body, context) => {
      noteFailure(status, body);
      const device = byToken.get((context as { token?: string }).token ?? '');
      if (device) device.busy = false;
    },
  };
  const edited = bookEdits(base, editClock());
  const changesOf = (ids: string[]) => ids.map((id) => edited(id));
  return {
    writeCeiling: {
      keys: devices.map((d) => d.writer.token.slice(-16)),
      body: () => JSON.stringify({ changes: changesOf(devices[0]!.ids), cursor: devices[0]!.cursor }),
    },
    label: `${store}-sync`,
    serverLog: server.output,
    store,
    scenario: `POST /api/sync, 10 books (${store})`,
    dataSet: `${writers.length} accounts × ${SYNC_BOOKS} books`,
    run: async (length) => {
      for (const device of devices) device.busy = false;
      return figures(await fire({ url: server.url, connections, excludeErrorStats: true, requests: [request] }, length));
    },
  };
}

const medianOf = (list: RunFigures[]): RunFigures => ({
  reqPerSec: median(list.map((r) => r.reqPerSec)),
  seconds: median(list.map((r) => r.seconds)),
  p50Ms: median(list.map((r) => r.p50Ms)),
  p99Ms: median(list.map((r) => r.p99Ms)),
  total: list.reduce((sum, r) => sum + r.total, 0),
  non2xx: list.reduce((sum, r) => sum + r.non2xx, 0),
  errors: list.reduce((sum, r) => sum + r.errors, 0),
  statuses: {},
  samples: list.flatMap((r) => r.samples).slice(0, 3),
});

/** How long to wait for the children to go idle after a run: a slow store may work through a backlog for a while. */
const QUIET_WAIT_MS = 120_000;

async function settle(label: string, log: (line: string) => void): Promise<void> {
  const quiet = await waitForQuietChildren(QUIET_WAIT_MS);
  if (quiet.waitedMs > 1_000) log(`${label}: children busy for ${quiet.waitedMs} ms after the run (mostly ${quiet.busiest})`);
}

/**
 * Warms up and measures a set of targets whose first is the ceiling; returns figures with the ratio to that ceiling.
 * Warm-up (tsx compilation, JIT, caches, connection pools) is a 2-second run that also measures the rate of answers;
 * a target too slow to answer each connection twice in it (jongodb) gets a second warm-up of one request per
 * connection, waited for, to measure its rate. Each measured run then sends as many requests as that rate answers in
 * the run's duration (at least one per connection) and waits for all of them; a run stopped by the clock would cut
 * off requests the server still has to process, slowing down whatever runs next. After every run the children are
 * left to go idle.
 */
async function measureTargets(targets: Target[], options: ThroughputOptions, log: (line: string) => void): Promise<ScenarioFigures[]> {
  const amounts = new Map<string, number>();
  const rates = new Map<string, number>();
  for (const target of targets) {
    let warm = await target.run({ seconds: 2 });
    await settle(`${target.label} warm-up`, log);
    if (warm.total < 2 * options.connections) {
      warm = await target.run({ amount: options.connections, capMs: QUIET_WAIT_MS });
      await settle(`${target.label} second warm-up`, log);
    }
    const rate = Math.max(warm.total, 1) / warm.seconds;
    rates.set(target.label, rate);
    amounts.set(target.label, Math.max(options.connections, Math.round((rate * options.durationSeconds) / options.connections) * options.connections));
  }

  const runs = new Map<string, RunFigures[]>(targets.map((t) => [t.label, []]));
  // Interleaved (ceiling, then every scenario, then again), so a burst of load from elsewhere hits all alike.
  for (let run = 0; run < options.runs; run++) {
    for (const target of targets) {
      // Stopped at twice the expected duration: a store far slower than its warm-up suggested must not stall the bench.
      const amount = amounts.get(target.label)!;
      const expectedSeconds = Math.max(options.durationSeconds, amount / rates.get(target.label)!);
      const figures = await target.run({ amount, capMs: expectedSeconds * 2_000 });
      runs.get(target.label)!.push(figures);
      if (figures.statuses['500'] && target.serverLog) log(`last server error (${target.label}): ${lastError(target.serverLog())}`);
      log(`run ${run + 1}/${options.runs} ${target.label}: ${figures.total} requests in ${figures.seconds} s, ${round(figures.reqPerSec)} ok/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms, non-2xx ${figures.non2xx}${figures.samples.length ? ` e.g. ${figures.samples[0]}` : ''}`);
      await settle(target.label, log);
    }
  }

  const ceilingRate = medianOf(runs.get(targets[0]!.label)!).reqPerSec;
  return targets.map((target) => {
    const list = runs.get(target.label)!;
    const m = medianOf(list);
    return { scenario: target.scenario, store: target.store, dataSet: target.dataSet, ...m, runs: list, ratioToCeiling: m.reqPerSec / ceilingRate };
  });
}

/** Documents in the MongoDB store's books and revisions collections: what a jongodb transaction copies grows with them. */
/** Drops the bench's database on a real MongoDB (MONGODB_URI), which keeps what the bench wrote. */
async function dropDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    await client.db(dbName).dropDatabase();
  } finally {
    await client.close();
  }
}

async function bookDocuments(uri: string, dbName: string): Promise<number> {
  const client = new MongoClient(uri);
  try {
    const db = client.db(dbName);
    const counts = await Promise.all(['books', 'revisions'].map((name) => db.collection(name).countDocuments()));
    return counts.reduce((a, b) => a + b, 0);
  } finally {
    await client.close();
  }
}

export interface JongodbCost {
  /** Median time of a transaction updating one small document, by number of ~3 kB documents in its collection. */
  transactionMs: Array<{ documents: number; ms: number }>;
}

/**
 * jongodb's own cost, measured with the driver alone in a scratch database before the server starts: a transaction
 * that updates one small document, with 0 and with 1,000 other documents of ~3 kB (a book's size) in its collection.
 * It explains the MongoDB rows: jongodb's transaction cost grows with the collections it touches (it copies them),
 * a real mongod's does not.
 */
export async function measureJongodbCost(uri: string): Promise<JongodbCost> {
  const client = new MongoClient(uri);
  const db = client.db(`anclora_bench_cost_${Date.now()}`);
  const collection = db.collection<{ _id: string; n?: number; pad?: string }>('books');
  const transactionMs: JongodbCost['transactionMs'] = [];
  try {
    await collection.insertOne({ _id: 'counter', n: 0 });
    for (const documents of [0, 1_000]) {
      const missing = documents + 1 - (await collection.countDocuments());
      if (missing > 0) {
        await collection.insertMany(Array.from({ length: missing }, () => ({ _id: randomUUID(), pad: 'x'.repeat(3_000) })));
      }
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const session = client.startSession();
        const started = performance.now();
        await session.withTransaction(() => collection.updateOne({ _id: 'counter' }, { $inc: { n: 1 } }, { session }));
        times.push(performance.now() - started);
        await session.endSession();
      }
      transactionMs.push({ documents, ms: median(times) });
    }
    // jongodb has no dropDatabase: empty the scratch collection instead.
    await collection.deleteMany({});
    return { transactionMs };
  } finally {
    await client.close();
  }
}

export interface ThroughputFigures {
  scenarios: ScenarioFigures[];
  /** Which MongoDB the mongodb phase ran on: jongodb (started here) or MONGODB_URI. */
  mongodb: 'jongodb' | 'MONGODB_URI';
  jongodbCost?: JongodbCost;
}

/**
 * One phase per store, each measuring the ceiling again beside that store's scenarios (the ratio is to the ceiling of
 * the same phase). The MongoDB phase runs on jongodb, started for that phase only so it never competes with the
 * embedded-store figures, or on the server MONGODB_URI names (a real mongod then gets the embedded data set).
 */
export async function measureThroughput(options: ThroughputOptions, log: (line: string) => void): Promise<ThroughputFigures> {
  const external = process.env.MONGODB_URI;
  const result: ThroughputFigures = { scenarios: [], mongodb: external ? 'MONGODB_URI' : 'jongodb' };
  const ceiling = await startCeiling();
  try {
    for (const store of ['embedded', 'mongodb'] as const) {
      const started: Array<{ stop(): Promise<void> }> = [];
      let mongodb: { uri: string; dbName: string } | undefined;
      try {
        if (store === 'mongodb') {
          let uri = external;
          if (!uri) {
            const jongodb = await startJongodb();
            started.push(jongodb);
            uri = pollingUri(jongodb.uri);
            result.jongodbCost = await measureJongodbCost(uri);
            log(`jongodb: one-update transaction ${result.jongodbCost.transactionMs.map((c) => `${round(c.ms, 1)} ms with ${c.documents} documents`).join(', ')}`);
          }
          mongodb = { uri, dbName: `anclora_bench_${Date.now()}` };
        }
        const dataSet = store === 'mongodb' && external ? DATA_SETS.embedded : DATA_SETS[store];
        // On jongodb the server runs with the test harness's accommodations (server/test/jongodb-server.ts).
        const server = await startServer(mongodb && { ...mongodb, jongodb: !external });
        started.unshift(server);
        const accounts = Math.max(dataSet.writers, dataSet.syncDevices);
        log(`${store}: server pid ${server.pid}, ceiling pid ${ceiling.pid}; signing up ${accounts} writers`);
        const writers = await signUpWriters(server.url, accounts);
        const scenarios = [
          await putTarget(server, store, writers.slice(0, dataSet.writers), dataSet.putBooksPerWriter, options.connections),
          await syncTarget(server, store, writers.slice(0, dataSet.syncDevices), options.connections),
        ];
        // Each write scenario is followed by its write ceiling (the same bodies, one durable SQLite write each).
        const targets: Target[] = [
          { ...ceilingTarget(ceiling, options.connections), label: `ceiling (${store} phase)`, scenario: `bare Koa GET (ceiling, ${store} phase)` },
          ...scenarios.flatMap((target) => [
            target,
            writeCeilingTarget(ceiling, options.connections, target.scenario, target.writeCeiling!.keys, target.writeCeiling!.body),
          ]),
        ];
        const documentsBefore = mongodb ? await bookDocuments(mongodb.uri, mongodb.dbName) : 0;
        const phase = await measureTargets(targets, options, log);
        if (mongodb) {
          const documentsAfter = await bookDocuments(mongodb.uri, mongodb.dbName);
          for (const f of phase) if (f.dataSet) f.dataSet += `; ${documentsBefore} → ${documentsAfter} book/revision documents in the phase`;
        }
        phase.forEach((figure, i) => {
          if (targets[i]!.writeCeiling) figure.ratioToWriteCeiling = figure.reqPerSec / phase[i + 1]!.reqPerSec;
        });
        result.scenarios.push(...phase);
      } finally {
        for (const child of started) await child.stop().catch(() => undefined);
        // A real server keeps what the bench wrote; jongodb's data goes with its process.
        if (mongodb && external) await dropDatabase(mongodb.uri, mongodb.dbName);
      }
    }
    return result;
  } finally {
    await ceiling.stop();
  }
}
