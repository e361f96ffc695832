// One sync cycle of the REAL sync engine (extension/lib/sync, with fake-indexeddb as the local database) against the
// real server (embedded store, child process) with 1, 10, 100 and 1,000 dirty books: requests, wire bytes, wall time.
// And sync v2's figure: the bytes one edit of a 150,000-word book costs each way, on the writing and the other device.
import { randomUUID } from 'node:crypto';
import type { LocalBook } from '../extension/lib/books/db.ts';
import { createDevice } from '../extension/lib/sync/testing.ts';
import type { FetchLike } from '../extension/lib/sync/transport.ts';
import { countHtml } from '../extension/lib/books/words.ts';
import { BENCH_PASSWORD } from './lib/accounts.ts';
import { scatteredEdits } from './merge.ts';
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

export const DELTA_BOOK_WORDS = 150_000;

/** `html` with 50 words typed at the end of its middle paragraph (as bench/merge.ts measures the patch of). */
function typedInto(html: string): string {
  const middle = html.indexOf('</p>', Math.floor(html.length / 2));
  return html.slice(0, middle) + ' ' + Array.from({ length: 50 }, (_, i) => `typed${i}`).join(' ') + html.slice(middle);
}

/** What one cycle of one device cost on the wire. */
export interface WireCost {
  requests: number;
  bytesSent: number;
  bytesReceived: number;
}

export interface DeltaFigure {
  edit: string;
  /** The cycle of the device the edit was made on (pushes it). */
  writer: WireCost;
  /** The next cycle of the other device on the account (pulls it). */
  reader: WireCost;
  runs: Array<{ writer: WireCost; reader: WireCost }>;
}

/**
 * Two devices on one account share a 150,000-word book; one makes an edit and runs its cycle (what a 30-s alarm
 * does), then the other runs its cycle. Bytes on the wire of each, per edit: 50 words typed into one paragraph, and
 * 1,000 scattered offline edits.
 */
export async function measureDeltaCycles(runs: number, log: (line: string) => void): Promise<{ manuscriptBytes: number; edits: DeltaFigure[] }> {
  const server = await startServer();
  const proxy = await startByteProxy(server.url);
  const base = manuscriptHtml(DELTA_BOOK_WORDS);
  const edits: Array<[string, (html: string) => string]> = [
    ['50 words typed into one paragraph', typedInto],
    ['1,000 scattered offline edits', (html) => scatteredEdits(html, 1_000, 'w', 7)],
  ];
  const measured = new Map<string, Array<{ writer: WireCost; reader: WireCost }>>(edits.map(([name]) => [name, []]));
  try {
    for (let run = 0; run < runs; run++) {
      const writerFetch = countingFetch();
      const readerFetch = countingFetch();
      const writer = createDevice({ fetch: writerFetch.fetch, name: 'bench-writer' });
      const reader = createDevice({ fetch: readerFetch.fetch, name: 'bench-reader' });
      try {
        const credentials = { serverUrl: proxy.url, email: `bench-${randomUUID()}@example.test`, password: BENCH_PASSWORD };
        await writer.account.createAccount(credentials);
        await reader.account.signIn(credentials);
        const book = await writer.books.create({ title: 'Long novel', content: base });
        await writer.engine.runCycle({ force: true });
        await reader.engine.runCycle({ force: true });
        for (const [name, edit] of edits) {
          const current = (await writer.db.books.get(book.id))!.content;
          await writer.books.save(book.id, { content: edit(current) });
          const cost = async (device: typeof writer, counting: ReturnType<typeof countingFetch>): Promise<WireCost> => {
            counting.reset();
            proxy.reset();
            const result = await device.engine.runCycle({ force: true });
            if (result.kind !== 'synced') throw new Error(`${name}: the cycle did not complete: ${JSON.stringify(result)}`);
            const { sent, received } = proxy.counts();
            return { requests: counting.counters.requests, bytesSent: sent, bytesReceived: received };
          };
          const figure = { writer: await cost(writer, writerFetch), reader: await cost(reader, readerFetch) };
          // Not a timing check: figures of a cycle that did not carry the edit across would mean nothing.
          const [written, read] = await Promise.all([writer.db.books.get(book.id), reader.db.books.get(book.id)]);
          if (written?.dirty || written?.content !== read?.content) throw new Error(`${name}: the edit did not reach the other device`);
          measured.get(name)!.push(figure);
          log(`delta ${name} ${run + 1}/${runs}: writer ${figure.writer.bytesSent} B up, ${figure.writer.bytesReceived} B down (${figure.writer.requests} requests); reader ${figure.reader.bytesSent} B up, ${figure.reader.bytesReceived} B down`);
        }
      } finally {
        writer.db.close();
        reader.db.close();
      }
    }
  } finally {
    await proxy.close();
    await server.stop();
  }
  const medianCost = (list: WireCost[]): WireCost => ({
    requests: median(list.map((c) => c.requests)),
    bytesSent: median(list.map((c) => c.bytesSent)),
    bytesReceived: median(list.map((c) => c.bytesReceived)),
  });
  return {
    manuscriptBytes: base.length,
    edits: edits.map(([name]) => {
      const list = measured.get(name)!;
      return { edit: name, writer: medianCost(list.map((r) => r.writer)), reader: medianCost(list.map((r) => r.reader)), runs: list };
    }),
  };
}
