// Test support for the convergence property: devices running the real sync engine against a real server (either
// store) through a network that drops, duplicates, delays and fails requests; a server process that dies mid-write
// and restarts on the same data; skewed device clocks; background workers killed mid-cycle. Time is simulated.
import { randomUUID } from 'node:crypto';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { newDeviceToken } from '../../../server/auth/device-tokens.ts';
import type { OpenedStore, StoreFactory } from '../../../server/store/testing.ts';
import type { CasWrite, PutResult, StoredBook } from '../../../server/store/book-store.ts';
import type { Store } from '../../../server/store/types.ts';
import { startServer, type RunningServer } from '../../../server/test/harness.ts';
import { createBookRepository, type BookRepository } from '../books/repository.ts';
import { AncloraDB } from '../books/db.ts';
import { ACCOUNT_KEY, CREDENTIALS_KEY, createAccountService } from './account.ts';
import { createDexieBookStore } from './dexie-store.ts';
import { createSyncEngine, type CycleResult, type SyncEngine } from './engine.ts';
import { inProcessLock } from './lock.ts';
import type { Clock, Logger } from './ports.ts';
import { createStatusStore } from './status.ts';
import { memoryKeyValue } from './testing.ts';
import { createTransport, type FetchLike } from './transport.ts';

/** The URL every device is configured with; the network routes it to wherever the server listens now. */
export const SERVER_URL = 'http://sync.test';

/** Simulated time (ms). The server reads it directly; each device reads it through its own skew. */
export class SimClock {
  constructor(public t: number) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** What can happen to one POST /api/sync on its way (queued per device, one fault per request). */
export type Fault =
  /** Dropped before the server saw it. */
  | { kind: 'network' }
  /** Handled by the server, then the answer is lost. */
  | { kind: 'lose-response' }
  /** Sent twice (the second after the first was handled); the device hears one of the two answers. */
  | { kind: 'duplicate'; answer: 'first' | 'second' }
  | { kind: 'status'; status: 500 | 503 }
  | { kind: 'rate-limit'; retryAfter: number }
  /** The server process dies after `afterWrites` book writes of this request and restarts on the same data. */
  | { kind: 'crash'; afterWrites: number }
  /** The request reaches the server only when released (other devices act meanwhile). */
  | { kind: 'hold-request' }
  /** The server handles it at once; the answer reaches the device only when released. */
  | { kind: 'hold-response' }
  /** The background worker is killed while the request is in flight (before or after the server handled it). */
  | { kind: 'kill'; when: 'before' | 'after' };

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

interface ServerProcess {
  dead: boolean;
  http: RunningServer;
  closing?: Promise<void>;
}

/** One book entry of a sync request being handled: which revision its device started from. */
interface InFlightEdit {
  id: string;
  baseRevision?: number;
}

export interface SimServerOptions {
  /**
   * Injects a wrong-winner bug, to prove the property catches one: the store reports each book at the revision the
   * incoming edit started from and writes over whatever it holds, so every edit looks like a fast-forward.
   */
  wrongWinner?: boolean;
  /** The server's MAX_PAYLOAD_BYTES (small, so an oversized book is cheap to make). */
  maxPayloadBytes?: number;
}

/** The real server (createApp over HTTP) on a real store, with a hook to kill its process in the middle of a write. */
export class SimServer {
  /** Revisions each book was written with, in commit order (across restarts). */
  readonly committed = new Map<string, number[]>();
  readonly violations: string[] = [];
  /** Accepted writes that replaced a revision their edit did not start from (a newer edit its writer never saw). */
  readonly unseenReplaced: string[] = [];
  restarts = 0;
  store!: Store;
  private process!: ServerProcess;
  private crash: { afterWrites: number; writes: number } | null = null;
  /** The book entries of the sync requests the server is handling now. */
  private readonly inFlight = new Set<readonly InFlightEdit[]>();

  private constructor(
    private readonly opened: OpenedStore,
    private readonly clock: SimClock,
    private readonly options: SimServerOptions,
  ) {}

  static async start(factory: StoreFactory, clock: SimClock, options: SimServerOptions = {}): Promise<SimServer> {
    const opened = await factory.open();
    const server = new SimServer(opened, clock, options);
    await server.serve(opened.store);
    return server;
  }

  /** The base revisions the edits of `id` being handled now started from (undefined: an edit without one). */
  private basesOf(id: string): Array<number | undefined> {
    return [...this.inFlight].flatMap((edits) => edits.filter((e) => e.id === id).map((e) => e.baseRevision));
  }

  get url(): string {
    return this.process.http.url;
  }

  private async serve(store: Store): Promise<void> {
    const process: ServerProcess = { dead: false, http: undefined as unknown as RunningServer };
    this.store = store;
    const overrides = this.options.maxPayloadBytes ? { maxPayloadBytes: this.options.maxPayloadBytes } : {};
    process.http = await startServer(this.guard(store, process), overrides, { now: this.clock.now });
    this.process = process;
  }

  /**
   * The store as this process sees it: once the process is dead every call fails (a killed process does nothing
   * more), and book writes are counted so a crash can be placed between two store steps (a step is atomic).
   */
  private guard(store: Store, process: ServerProcess): Store {
    const putBooks = async (owner: string, given: readonly CasWrite[], quotaBytes?: number): Promise<PutResult[]> => {
      if (this.crash && this.crash.writes >= this.crash.afterWrites) this.kill(process);
      if (process.dead) throw new Error('the server process is gone');
      const writes = this.options.wrongWinner ? await this.overwriting(store, owner, given) : given;
      const results = await store.putBooks(owner, writes, quotaBytes);
      results.forEach((result, k) => {
        if (!result.ok) return;
        this.record(result.book.id, result.book.revision);
        this.checkSeen(result.book.id, writes[k]!.expectedRevision, mergeOf(writes[k]!.book)?.mergedWith);
      });
      if (this.crash) this.crash.writes += results.length;
      return results;
    };
    const getBooks = async (owner: string, ids: readonly string[]): Promise<StoredBook[]> => {
      if (process.dead) throw new Error('the server process is gone');
      const books = await store.getBooks(owner, ids);
      if (!this.options.wrongWinner) return books;
      return books.map((book) => {
        const base = this.basesOf(book.id).find((b) => b !== undefined);
        return base === undefined ? book : { ...book, revision: base };
      });
    };
    return new Proxy(store, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (prop === 'putBooks') return putBooks;
        if (prop === 'getBooks') return getBooks;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (process.dead) return Promise.reject(new Error('the server process is gone'));
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }

  /** The wrong-winner bug: each write goes over the revision the store holds now, whatever the decision was based on. */
  private async overwriting(store: Store, owner: string, writes: readonly CasWrite[]): Promise<CasWrite[]> {
    const held = new Map((await store.getBooks(owner, writes.map((w) => w.book.id))).map((b) => [b.id, b.revision]));
    return writes.map((w) => {
      const revision = held.get(w.book.id);
      if (w.expectedRevision === null || revision === undefined) return w;
      return { expectedRevision: revision, book: { ...w.book, revision: revision + 1 } };
    });
  }

  /**
   * An accepted write may replace a revision only if its edit started from that revision (or carried no base at all:
   * a book the device never got, where the later edit wins), or merged it: otherwise it silently replaced text its
   * writer never saw.
   */
  private checkSeen(id: string, replaced: number | null, mergedWith?: number): void {
    // A three-way merge keeps the replaced revision's edits and records where it set any aside: nothing silent.
    if (replaced === null || mergedWith === replaced) return;
    const bases = this.basesOf(id);
    if (bases.length === 0 || bases.some((b) => b === undefined || b === replaced)) return;
    this.unseenReplaced.push(`book ${id}: revision ${replaced + 1} replaced revision ${replaced}, but its edit started from revision ${bases.join(' or ')}`);
  }

  private record(id: string, revision: number): void {
    const list = this.committed.get(id) ?? [];
    const last = list.at(-1);
    if (last !== undefined && revision <= last) {
      this.violations.push(`book ${id} was written with revision ${revision} after revision ${last}`);
    }
    list.push(revision);
    this.committed.set(id, list);
  }

  private kill(process: ServerProcess): void {
    if (process.dead) return;
    process.dead = true;
    // Cuts every open connection at once, so the request being handled gets no answer at all.
    process.closing = process.http.close();
  }

  /** Forwards a request to the current process and reads the whole answer (so it can be held or duplicated). */
  async forward(path: string, init: RequestInit | undefined): Promise<Response> {
    const edits = path === '/api/sync' ? inFlightEdits(init) : [];
    this.inFlight.add(edits);
    try {
      const response = await fetch(this.url + path, init);
      const text = await response.text();
      return new Response(text || null, { status: response.status, headers: response.headers });
    } finally {
      this.inFlight.delete(edits);
    }
  }

  /** Runs `request` with the process set to die after `afterWrites` writes of it (or just before it answers). */
  async crashDuring(afterWrites: number, request: () => Promise<Response>): Promise<never> {
    const process = this.process;
    this.crash = { afterWrites, writes: 0 };
    try {
      await request();
    } catch {
      // The connection was cut: exactly what a client of a dying server sees.
    } finally {
      this.crash = null;
    }
    this.kill(process);
    await process.closing;
    // A new process on the same data (a new connection for SQLite, a new client for MongoDB).
    await this.serve(await this.opened.openAnother());
    this.restarts++;
    throw new TypeError('fetch failed: the server restarted');
  }

  /** Creates a user with one device token per device, straight in the store (argon2 would dominate the run time). */
  async createAccount(devices: number): Promise<{ userId: string; email: string; tokens: Array<{ id: string; token: string }> }> {
    const userId = randomUUID();
    const email = `sim-${userId}@example.test`;
    const at = this.clock.now();
    await this.store.createUser({ id: userId, email, name: null, passwordHash: '', createdAt: at });
    const tokens = [];
    for (let i = 0; i < devices; i++) {
      const { token, hash } = newDeviceToken();
      const id = randomUUID();
      const deviceName = `device ${i}`;
      await this.store.createToken({ id, userId, hash, deviceName, createdAt: at, lastUsedAt: null, sessionId: null, signIn: 'password' });
      tokens.push({ id, token });
    }
    return { userId, email, tokens };
  }

  async close(): Promise<void> {
    if (!this.process.dead) await this.process.http.close();
    await this.process.closing;
    await this.opened.cleanup();
  }
}

interface Worker {
  gen: number;
  db: AncloraDB;
  engine: SyncEngine;
}

interface Held {
  gen: number;
  release(): void;
  /** Resolves once the held request is through the network (answered, or swallowed by a dead worker). */
  done: Promise<void>;
}

interface RunningCycle {
  promise: Promise<CycleResult>;
  /** Resolved when the cycle parks on a hold or its worker is killed: the step stops waiting for it. */
  stopped: Promise<'parked' | 'killed'>;
}

/**
 * One browser profile: IndexedDB and extension storage that survive worker restarts, a side panel (its own Dexie
 * connection and the book repository) and a background worker (another connection and the sync engine).
 */
export class SimDevice {
  readonly indexedDB = new IDBFactory();
  readonly dbName: string;
  readonly kv = memoryKeyValue();
  readonly panelDb: AncloraDB;
  readonly repo: BookRepository;
  readonly clock: Clock;
  worker: Worker;
  offline = false;
  faults: Fault[] = [];
  cycle: RunningCycle | null = null;
  held: Held | null = null;
  /** Book entries carried by this device's requests that reached the network. */
  pushed = 0;
  /** Of those, entries sent as a patch from the device's base (sync v2). */
  patched = 0;
  /** How often each fault met a request (the suite checks that every kind happens). */
  readonly fired = new Map<Fault['kind'], number>();
  private stop: ((why: 'parked' | 'killed') => void) | null = null;

  constructor(
    readonly index: number,
    readonly skewMs: number,
    private readonly server: SimServer,
    simClock: SimClock,
    private readonly newId: () => string,
  ) {
    this.dbName = `sim-device-${index}`;
    this.clock = { now: () => simClock.now() + skewMs };
    this.panelDb = new AncloraDB(this.dbName, { indexedDB: this.indexedDB, IDBKeyRange });
    this.repo = createBookRepository(this.panelDb, { now: this.clock.now, newId });
    this.worker = this.startWorker(0);
  }

  async signIn(email: string, token: { id: string; token: string }): Promise<void> {
    await this.kv.set(CREDENTIALS_KEY, { token: token.token, tokenId: token.id });
    await this.kv.set(ACCOUNT_KEY, { serverUrl: SERVER_URL, email, deviceName: `device ${this.index}`, signedIn: true });
  }

  private startWorker(gen: number): Worker {
    const db = new AncloraDB(this.dbName, { indexedDB: this.indexedDB, IDBKeyRange });
    const transport = createTransport({ fetch: this.fetchFor(gen) });
    const account = createAccountService({ kv: this.kv, transport, userAgent: 'Chrome/130.0', random: () => 0.5 });
    const engine = createSyncEngine({
      books: createDexieBookStore(db),
      transport,
      account,
      kv: this.kv,
      status: createStatusStore(this.kv, () => undefined, silent),
      lock: inProcessLock(),
      clock: this.clock,
      random: () => 0.5,
      newId: this.newId,
      log: silent,
      // Small batches, so one cycle makes several requests and faults can land between them.
      batch: { maxBooks: 2 },
    });
    return { gen, db, engine };
  }

  /** The worker is killed: its memory is gone, storage stays; a new worker starts on the same storage. */
  async restartWorker(): Promise<void> {
    const old = this.worker;
    this.cycle = null;
    this.faults = [];
    this.worker = this.startWorker(old.gen + 1);
    old.db.close();
    await this.worker.engine.recover();
  }

  /** One sync cycle with `faults` queued for its requests. Returns when it ends, parks on a hold, or is killed. */
  async runCycle(force: boolean, faults: Fault[]): Promise<void> {
    if (this.cycle) {
      // A cycle is held in flight: this alarm finds the lock taken.
      const result = await this.worker.engine.runCycle({ force });
      if (result.kind !== 'busy') throw new Error(`a second cycle ran while one was in flight: ${result.kind}`);
      return;
    }
    this.faults = [...faults];
    const stopped = new Promise<'parked' | 'killed'>((resolve) => (this.stop = resolve));
    this.cycle = { promise: this.worker.engine.runCycle({ force }), stopped };
    await this.follow();
  }

  /** Waits for the current cycle to end or stop; a killed worker is restarted at once. */
  private async follow(): Promise<void> {
    const cycle = this.cycle!;
    const outcome = await Promise.race([cycle.promise.then(() => 'ended' as const), cycle.stopped]);
    if (outcome === 'ended') {
      this.cycle = null;
      this.faults = [];
    } else if (outcome === 'killed') {
      await this.restartWorker();
    }
  }

  /** Lets a held request (or answer) go and waits for the cycle it belongs to, if its worker is still alive. */
  async release(): Promise<void> {
    const held = this.held;
    if (!held) return;
    this.held = null;
    if (held.gen === this.worker.gen && this.cycle) {
      this.cycle.stopped = new Promise<'parked' | 'killed'>((resolve) => (this.stop = resolve));
      held.release();
      await held.done;
      await this.follow();
    } else {
      held.release();
      await held.done;
    }
  }

  private fetchFor(gen: number): FetchLike {
    return async (input, init) => {
      const path = input.startsWith(SERVER_URL) ? input.slice(SERVER_URL.length) : input;
      if (this.offline) throw new TypeError('fetch failed: offline');
      if (path === '/api/sync') {
        const { changes } = JSON.parse(String(init?.body)) as { changes: Array<{ patch?: unknown }> };
        this.pushed += changes.length;
        this.patched += changes.filter((c) => c.patch !== undefined).length;
      }
      const forward = () => this.server.forward(path, init);
      const fault = path === '/api/sync' ? this.faults.shift() : undefined;
      if (fault) this.fired.set(fault.kind, (this.fired.get(fault.kind) ?? 0) + 1);
      switch (fault?.kind) {
        case undefined:
          return forward();
        case 'network':
          throw new TypeError('fetch failed');
        case 'status':
          return Response.json({ error: `Injected ${fault.status}` }, { status: fault.status });
        case 'rate-limit':
          return Response.json(
            { error: 'Too many requests' },
            { status: 429, headers: { 'retry-after': String(fault.retryAfter) } },
          );
        case 'lose-response':
          await forward();
          throw new TypeError('fetch failed: connection reset');
        case 'duplicate': {
          const first = await forward();
          const second = await forward();
          return fault.answer === 'first' ? first : second;
        }
        case 'crash':
          return this.server.crashDuring(fault.afterWrites, forward);
        case 'hold-request': {
          const finish = await this.park(gen);
          try {
            const response = await forward();
            return this.deliver(gen, response);
          } finally {
            finish();
          }
        }
        case 'hold-response': {
          const response = await forward();
          const finish = await this.park(gen);
          finish();
          return this.deliver(gen, response);
        }
        case 'kill':
          if (fault.when === 'after') await forward();
          if (gen === this.worker.gen) this.stop?.('killed');
          return never();
      }
    };
  }

  /** Parks the calling request until released; returns the function that marks it through the network. */
  private async park(gen: number): Promise<() => void> {
    let release!: () => void;
    let finish!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const done = new Promise<void>((resolve) => (finish = resolve));
    this.held = { gen, release, done };
    this.stop?.('parked');
    await released;
    return finish;
  }

  /** An answer reaches only the worker that asked: a killed worker never resumes. */
  private deliver(gen: number, response: Response): Promise<Response> {
    return gen === this.worker.gen ? Promise.resolve(response) : never();
  }

  close(): void {
    this.panelDb.close();
    this.worker.db.close();
  }
}

/** The book entries of a sync request body, as the server will read them. */
function inFlightEdits(init: RequestInit | undefined): InFlightEdit[] {
  try {
    const { changes } = JSON.parse(String(init?.body)) as { changes?: InFlightEdit[] };
    return Array.isArray(changes) ? changes.map(({ id, baseRevision }) => ({ id, baseRevision })) : [];
  } catch {
    return [];
  }
}

/**
 * How a three-way merge made a stored book or revision, if one did: the merge record a merging store keeps with it
 * (read structurally, so the property runs against a store with or without merges).
 */
export function mergeOf(book: object): { mergedWith: number; overlaps: Array<{ lost: string }> } | undefined {
  return (book as { merge?: { mergedWith: number; overlaps: Array<{ lost: string }> } }).merge;
}

/** Ids that are valid v4 UUIDs yet reproducible from run to run (the order of dirty books depends on them). */
export function sequentialIds(): () => string {
  let n = 0;
  return () => `00000000-0000-4000-8000-${(++n).toString(16).padStart(12, '0')}`;
}
