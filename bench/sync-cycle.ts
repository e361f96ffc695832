// One sync cycle of the REAL sync engine (extension/lib/sync, with fake-indexeddb as the local database) against the
// real server (embedded store, child process) with 1, 10, 100 and 1,000 dirty books: requests, wire bytes, wall time.
import { randomUUID } from 'node:crypto';
import type { LocalBook } from '../extension/lib/books/db.ts';
import { createDevice } from '../extension/lib/sync/testing.ts';
import type { FetchLike } from '../extension/lib/sync/transport.ts';
import { countHtml } from '../extension/lib/books/words.ts';
import { BENCH_PASSWORD } from './lib/accounts.ts';
import { startByteProxy } from './lib/byte-proxy.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { startServer } from './lib/processes.ts';
import { median } from './lib/stats.ts';

export const BOOK_COUNTS = [1, 10, 100, 1000] as const;
/** ~520 words, ~3 kB of HTML per book: the middle of the seed's 1–5 KB per book. */
const BOOK_WORDS = 520;

export interface CycleRun {
  requests: number;
  /** Bytes on the wire, client → server and back (HTTP headers included, bodies as sent: gzip where used). */
  bytesSent: number;
  bytesReceived: number;
  /** runCycle() from call to return: requests, server work, and applying answers to the local database. */
  wallMs: number;
  /** Sum of the time spent in fetch (request sent → answer body read), the rest being local work. */
  networkMs: number;
  gzippedRequests: number;
  gzippedResponses: number;
}

export interface CycleFigures extends CycleRun {
  books: number;
  runs: CycleRun[];
  perBookMs: number;
  perBookBytes: number;
}

/** Wraps fetch to count requests and the time spent in them, and which ones travelled gzip-compressed. */
function countingFetch() {
  const counters = { requests: 0, networkMs: 0, gzippedRequests: 0, gzippedResponses: 0 };
  const call: FetchLike = async (input, init) => {
    counters.requests++;
    if (new Headers(init?.headers).get('content-encoding') === 'gzip') counters.gzippedRequests++;
    const started = performance.now();
    const response = await fetch(input, init);
    const body = await response.arrayBuffer();
    counters.networkMs += performance.now() - started;
    if (response.headers.get('content-encoding') === 'gzip') counters.gzippedResponses++;
    // fetch already inflated the body; hand the engine the same bytes and status.
    const headers = new Headers(response.headers);
    headers.delete('content-encoding');
    headers.delete('content-length');
    return new Response(body, { status: response.status, statusText: response.statusText, headers });
  };
  return {
    fetch: call,
    counters,
    reset: () => Object.assign(counters, { requests: 0, networkMs: 0, gzippedRequests: 0, gzippedResponses: 0 }),
  };
}

function dirtyBooks(count: number): LocalBook[] {
  const at = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const content = manuscriptHtml(BOOK_WORDS, i + 1);
    return {
      id: randomUUID(),
      title: `Book ${i + 1}`,
      author: 'Bench Writer',
      content,
      metadata: { ...countHtml(content) },
      createdAt: at,
      updatedAt: at + i,
      dirty: 1,
      revision: null,
      syncedAt: null,
      deleted: 0,
      syncIssue: null,
    };
  });
}

async function oneCycle(serverUrl: string, proxy: Awaited<ReturnType<typeof startByteProxy>>, books: number): Promise<CycleRun> {
  const counting = countingFetch();
  const device = createDevice({ fetch: counting.fetch, name: `bench-${books}` });
  try {
    await device.account.createAccount({ serverUrl, email: `bench-${randomUUID()}@example.test`, password: BENCH_PASSWORD });
    // A first, empty cycle: the device already syncs and holds a cursor, as it would after installing.
    await device.engine.runCycle({ force: true });
    await device.db.books.bulkAdd(dirtyBooks(books));

    counting.reset();
    proxy.reset();
    const started = performance.now();
    const result = await device.engine.runCycle({ force: true });
    const wallMs = performance.now() - started;
    const pending = await device.db.books.where('dirty').equals(1).count();
    // Not a timing check: a cycle that did not sync everything would make every figure meaningless.
    if (result.kind !== 'synced' || pending !== 0) {
      throw new Error(`the sync cycle with ${books} books did not complete: ${JSON.stringify(result)}, ${pending} still dirty; ${device.logs.slice(-3).join(' | ')}`);
    }
    const { sent, received } = proxy.counts();
    return { ...counting.counters, bytesSent: sent, bytesReceived: received, wallMs };
  } finally {
    device.db.close();
  }
}

export async function measureSyncCycles(runs: number, log: (line: string) => void): Promise<CycleFigures[]> {
  const server = await startServer();
  const proxy = await startByteProxy(server.url);
  try {
    const figures: CycleFigures[] = [];
    for (const books of BOOK_COUNTS) {
      const list: CycleRun[] = [];
      for (let run = 0; run < runs; run++) {
        const r = await oneCycle(proxy.url, proxy, books);
        list.push(r);
        log(`sync ${books} books ${run + 1}/${runs}: ${r.requests} requests, ${r.bytesSent} B sent, ${r.bytesReceived} B received, ${r.wallMs.toFixed(0)} ms (${r.networkMs.toFixed(0)} ms in fetch)`);
      }
      const m = (pick: (r: CycleRun) => number) => median(list.map(pick));
      const wallMs = m((r) => r.wallMs);
      const bytesSent = m((r) => r.bytesSent);
      const bytesReceived = m((r) => r.bytesReceived);
      figures.push({
        books,
        runs: list,
        requests: m((r) => r.requests),
        bytesSent,
        bytesReceived,
        wallMs,
        networkMs: m((r) => r.networkMs),
        gzippedRequests: m((r) => r.gzippedRequests),
        gzippedResponses: m((r) => r.gzippedResponses),
        perBookMs: wallMs / books,
        perBookBytes: (bytesSent + bytesReceived) / books,
      });
    }
    return figures;
  } finally {
    await proxy.close();
    await server.stop();
  }
}
