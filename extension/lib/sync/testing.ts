// Test support for the sync engine: a "device" (fake-indexeddb Dexie, in-memory extension storage, the real engine,
// transport and account service) and a fault-injecting fetch to put in front of the real server.
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { eventCounter } from '../../../shared/wait.testing.ts';
import { createBookRepository } from '../books/repository.ts';
import { AncloraDB } from '../books/db.ts';
import { createAccountService } from './account.ts';
import { createDexieBookStore } from './dexie-store.ts';
import { createSyncEngine } from './engine.ts';
import { inProcessLock } from './lock.ts';
import type { KeyValue } from './ports.ts';
import { createStatusStore, type SyncStatus } from './status.ts';
import { createTransport, type FetchLike } from './transport.ts';

export type FetchFault =
  | { kind: 'network' }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** The server handles the request, then the answer is lost (a dropped connection, or a worker killed). */
  | { kind: 'lose-response' }
  /** The request reaches the server only when `release` resolves (to observe a cycle in flight). */
  | { kind: 'hold'; release: Promise<void> }
  /** The request is handled by the server but the caller never hears back (the worker died waiting). */
  | { kind: 'hang' }
  /** The request body is rewritten before it reaches the server. */
  | { kind: 'rewrite'; rewrite: (body: { changes: Array<Record<string, unknown>>; cursor?: string }) => unknown };

/** The JSON text of a request body, inflating it when the transport gzip-compressed it. */
async function bodyText(init: RequestInit | undefined): Promise<string> {
  if (new Headers(init?.headers).get('content-encoding') !== 'gzip') return String(init?.body);
  const stream = new Blob([init!.body as ArrayBuffer]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).text();
}

/** Wraps fetch so that POST /api/sync requests meet the queued faults first, one fault per request. */
export function faultyFetch(base: FetchLike = (input, init) => fetch(input, init)) {
  const faults: FetchFault[] = [];
  /** Per POST /api/sync: whether the body was sent gzip-compressed. */
  const gzipped: boolean[] = [];
  const syncBodies: Array<{ changes: Array<{ id: string; baseRevision?: number }>; cursor?: string }> = [];
  const arrived = eventCounter('POST /api/sync');
  const call: FetchLike = async (input, init) => {
    if (!input.endsWith('/api/sync')) return base(input, init);
    gzipped.push(new Headers(init?.headers).get('content-encoding') === 'gzip');
    const body = JSON.parse(await bodyText(init)) as (typeof syncBodies)[number];
    const fault = faults.shift();
    if (fault?.kind === 'rewrite') {
      const rewritten = fault.rewrite(body as Parameters<typeof fault.rewrite>[0]);
      syncBodies.push(rewritten as (typeof syncBodies)[number]);
      arrived.bump();
      const headers = new Headers(init?.headers);
      headers.delete('content-encoding');
      return base(input, { ...init, headers, body: JSON.stringify(rewritten) });
    }
    syncBodies.push(body);
    arrived.bump();
    switch (fault?.kind) {
      case undefined:
        return base(input, init);
      case 'network':
        throw new TypeError('fetch failed');
      case 'status':
        return new Response(JSON.stringify(fault.body ?? { error: `Injected ${fault.status}` }), {
          status: fault.status,
          headers: { 'content-type': 'application/json', ...fault.headers },
        });
      case 'lose-response':
        await (await base(input, init)).text();
        throw new TypeError('fetch failed: connection reset');
      case 'hold':
        await fault.release;
        return base(input, init);
      case 'hang':
        await (await base(input, init)).text();
        return new Promise<Response>(() => undefined);
    }
  };
  return {
    fetch: call,
    inject: (...more: FetchFault[]) => faults.push(...more),
    /** Bodies of every POST /api/sync, in order (after rewriting). */
    syncBodies,
    /** Resolves once `n` POST /api/sync requests in all have reached this fetch (their faults applied next). */
    requested: (n = 1) => arrived.reached(n),
    gzipped,
  };
}

export function memoryKeyValue(initial?: Map<string, unknown>): KeyValue & { data: Map<string, unknown> } {
  const data = initial ?? new Map<string, unknown>();
  return {
    data,
    get: async (key) => structuredClone(data.get(key)),
    set: async (key, value) => void data.set(key, structuredClone(value)),
    remove: async (key) => void data.delete(key),
  };
}

export interface DeviceOptions {
  fetch: FetchLike;
  /** Shared storage and database of a device whose worker was killed: the new worker starts from them. */
  restartOf?: { indexedDB: IDBFactory; dbName: string; kv: { data: Map<string, unknown> } };
  name?: string;
}

let deviceSeq = 0;

export function createDevice(options: DeviceOptions) {
  const previous = options.restartOf;
  const indexedDB = previous?.indexedDB ?? new IDBFactory();
  const dbName = previous?.dbName ?? `device-${++deviceSeq}-${Date.now()}`;
  const db = new AncloraDB(dbName, { indexedDB, IDBKeyRange });
  const kv = memoryKeyValue(previous?.kv.data);
  const logs: string[] = [];
  const log = {
    info: (m: string) => void logs.push(m),
    warn: (m: string) => void logs.push(m),
    error: (m: string) => void logs.push(m),
  };
  const clock = { offsetMs: 0, now: () => Date.now() + clock.offsetMs };
  const published: SyncStatus[] = [];
  const transport = createTransport({ fetch: options.fetch });
  let randomSeq = 0;
  const account = createAccountService({
    kv,
    transport,
    userAgent: 'Mozilla/5.0 Chrome/130.0',
    random: () => ((randomSeq = (randomSeq * 7 + 3) % 36) / 36),
  });
  const status = createStatusStore(kv, (s) => void published.push(s), log);
  const engine = createSyncEngine({
    books: createDexieBookStore(db),
    transport,
    account,
    kv,
    status,
    lock: inProcessLock(),
    clock,
    random: () => 0.5,
    newId: () => crypto.randomUUID(),
    log,
  });
  const books = createBookRepository(db);
  return { db, dbName, indexedDB, kv, logs, clock, published, transport, account, status, engine, books };
}

export type Device = ReturnType<typeof createDevice>;
