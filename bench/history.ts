// History figures (issue 11 item 6): what a 150k-word book's kept history costs after a simulated year of daily writing
// (bytes kept, versions kept, time to read the oldest kept version), and the time to list a history of 500 versions.
// The real embedded store (SQLite) in a temp dir on /dev/shm when there is one (fsyncs cost nothing there: the figures
// are of history, not of the disk); the clock is the writes' own syncedAt, as the server stamps them.
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DEFAULT_HISTORY } from '../server/history/retention.ts';
import { EMBEDDED_DB_FILE, openEmbeddedStore } from '../server/store/embedded.ts';
import type { BookWrite, StoredBook } from '../server/store/book-store.ts';
import type { Store } from '../server/store/types.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { median } from './lib/stats.ts';

export const HISTORY_BOOK_WORDS = 150_000;
/** Saves per daily session (about one every 6 minutes for two hours). */
const SAVES_PER_DAY = 20;
const DAYS = 365;
const LISTED_VERSIONS = 500;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const OWNER = 'bench-writer';

export interface HistoryFigures {
  manuscriptBytes: number;
  year: {
    days: number;
    saves: number;
    versionsKept: number;
    wholeCopies: number;
    /** Bytes of kept texts as stored (patches and whole copies). */
    textBytes: number;
    /** The database file after a checkpoint and VACUUM: the current book, its history and SQLite's own pages. */
    fileBytes: number;
    /** Today's layout: LIMITS.revisionsKept whole copies of the book. */
    wholeCopiesBytes: number;
    writeMedianMs: number;
    oldestReadMs: number[];
    oldestAgeDays: number;
  };
  listing: { versions: number; medianMs: number; runsMs: number[] };
}

const TYPED = ['sea', 'harbour', 'lantern', 'gulls', 'tide', 'morning', 'salt', 'rope'];

/** A writer's save: 25 words typed into one paragraph and 25 cut from another, so the book keeps its length. */
function save(html: string, n: number): string {
  const paragraphs = html.split('</p>');
  const typed = (n * 7_919) % (paragraphs.length - 1);
  const cut = (n * 104_729 + 13) % (paragraphs.length - 1);
  paragraphs[typed] += ' ' + Array.from({ length: 25 }, (_, i) => TYPED[(n + i) % TYPED.length]).join(' ');
  const p = paragraphs[cut]!;
  const from = p.indexOf(' ', Math.floor(p.length / 3));
  if (from > 0) paragraphs[cut] = p.slice(0, from) + p.slice(from).split(' ').slice(25).join(' ');
  return paragraphs.join('</p>');
}

function dataDir(): string {
  return mkdtempSync(path.join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'anclora-bench-history-'));
}

async function newBook(store: Store, content: string, at: number): Promise<StoredBook> {
  const book: BookWrite = { id: randomUUID(), title: 'The Long Tide', author: 'Ana', content, metadata: {}, updatedAt: at, createdAt: at, syncedAt: at, revision: 1, deleted: false, device: 'Laptop' };
  const [result] = await store.putBooks(OWNER, [{ book, expectedRevision: null }]);
  if (!result?.ok) throw new Error('bench: create failed');
  return result.book;
}

async function write(store: Store, book: StoredBook, content: string, at: number): Promise<StoredBook> {
  const { owner: _owner, seq: _seq, merge: _merge, ...version } = book;
  const [result] = await store.putBooks(OWNER, [{ book: { ...version, content, revision: book.revision + 1, syncedAt: at, updatedAt: at }, expectedRevision: book.revision }]);
  if (!result?.ok) throw new Error('bench: write failed');
  return result.book;
}

async function simulateYear(runs: number, log: (line: string) => void): Promise<HistoryFigures['year']> {
  const dir = dataDir();
  const store = await openEmbeddedStore(dir);
  try {
    let content = manuscriptHtml(HISTORY_BOOK_WORDS);
    const start = Date.UTC(2026, 0, 1);
    let book = await newBook(store, content, start);
    const writesMs: number[] = [];
    let n = 0;
    for (let day = 0; day < DAYS; day++) {
      for (let k = 0; k < SAVES_PER_DAY; k++) {
        content = save(content, ++n);
        const began = performance.now();
        book = await write(store, book, content, start + day * DAY + 9 * 60 * MINUTE + k * 6 * MINUTE);
        writesMs.push(performance.now() - began);
      }
      if (day % 30 === 29) log(`history: day ${day + 1} of ${DAYS}, ${n} saves, median write ${median(writesMs).toFixed(1)} ms`);
    }
    const kept = [];
    for (let before: number | undefined; ; ) {
      const page = (await store.listRevisions(OWNER, book.id, { before }))!;
      kept.push(...page.revisions);
      if (!page.hasMore) break;
      before = page.revisions.at(-1)!.revision;
    }
    const oldest = kept.at(-1)!;
    const oldestReadMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const began = performance.now();
      const read = await store.getRevision(OWNER, book.id, { revision: oldest.revision });
      oldestReadMs.push(performance.now() - began);
      if (!read) throw new Error('bench: the oldest kept version did not read back');
    }
    await store.close();
    const db = new Database(path.join(dir, EMBEDDED_DB_FILE));
    const stored = db.prepare('SELECT COUNT(*) AS rows, SUM(bytes) AS bytes, SUM(snapshot IS NOT NULL) AS whole FROM revisions').get() as {
      rows: number;
      bytes: number;
      whole: number;
    };
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.exec('VACUUM');
    db.close();
    return {
      days: DAYS,
      saves: n,
      versionsKept: stored.rows,
      wholeCopies: stored.whole,
      textBytes: stored.bytes,
      fileBytes: statSync(path.join(dir, EMBEDDED_DB_FILE)).size,
      wholeCopiesBytes: Buffer.byteLength(content) * 20,
      writeMedianMs: median(writesMs),
      oldestReadMs,
      oldestAgeDays: Math.round((book.syncedAt - oldest.replacedAt) / DAY),
    };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function listing(runs: number): Promise<HistoryFigures['listing']> {
  const dir = dataDir();
  const store = await openEmbeddedStore(dir);
  try {
    let content = manuscriptHtml(HISTORY_BOOK_WORDS);
    const start = Date.UTC(2026, 5, 1);
    let book = await newBook(store, content, start);
    // Saves a minute apart: all younger than two days, so every one is kept.
    for (let n = 1; n <= LISTED_VERSIONS; n++) book = await write(store, book, (content = save(content, n)), start + n * MINUTE);
    const runsMs: number[] = [];
    for (let run = 0; run < runs; run++) {
      const began = performance.now();
      const page = await store.listRevisions(OWNER, book.id, { limit: LISTED_VERSIONS });
      runsMs.push(performance.now() - began);
      if (page?.revisions.length !== LISTED_VERSIONS) throw new Error(`bench: listed ${page?.revisions.length} versions`);
    }
    return { versions: LISTED_VERSIONS, medianMs: median(runsMs), runsMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureHistory(runs: number, log: (line: string) => void): Promise<HistoryFigures> {
  log(`history: listing ${LISTED_VERSIONS} versions of a ${HISTORY_BOOK_WORDS.toLocaleString('en-US')}-word book`);
  const listed = await listing(Math.max(runs, 5));
  log(`history: a simulated year, ${DAYS} days × ${SAVES_PER_DAY} saves, default tiers (${DEFAULT_HISTORY.tiers.length} steps, newest ${DEFAULT_HISTORY.keepNewest} kept)`);
  const year = await simulateYear(Math.max(runs, 5), log);
  return { manuscriptBytes: Buffer.byteLength(manuscriptHtml(HISTORY_BOOK_WORDS)), year, listing: listed };
}
