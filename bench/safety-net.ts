// Figures of the local safety net (issue 12 item 4): a month of changes from other devices landing in 50 novels of
// 150,000 words through the real sync store (extension/lib/sync/dexie-store.ts, fake-indexeddb standing in for
// IndexedDB), which keeps a snapshot of every text it replaces and thins them by age and budget.
import 'fake-indexeddb/auto';
import { AncloraDB } from '../extension/lib/books/db.ts';
import { newLocalBook, type LocalBook } from '../extension/lib/books/db.ts';
import { SNAPSHOT_BUDGET_BYTES, snapshotBytes } from '../extension/lib/books/snapshots.ts';
import { countHtml } from '../extension/lib/books/words.ts';
import { createDexieBookStore } from '../extension/lib/sync/dexie-store.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { median, percentile } from './lib/stats.ts';

export const SAFETY_NET_BOOKS = 50;
export const SAFETY_NET_WORDS = 150_000;
const DAYS = 30;
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Pulls per book per day; one day of the month has a burst (a writer working on another device all afternoon). */
const PULLS_PER_DAY = 2;
const BURST_BOOKS = 5;
const BURST_PULLS = 12;

export interface SafetyNetFigures {
  books: number;
  wordsPerBook: number;
  pulls: number;
  snapshotsKept: number;
  snapshotBytes: number;
  budgetBytes: number;
  /** Books, their bases and the snapshots' texts: what the device's IndexedDB holds of text at the end. */
  totalBytes: number;
  booksBytes: number;
  pullMs: { median: number; p95: number };
}

export async function measureSafetyNet(log: (line: string) => void): Promise<SafetyNetFigures> {
  const db = new AncloraDB(`bench-safety-net-${Date.now()}`);
  const clock = { now: Date.UTC(2026, 0, 1) };
  let ids = 0;
  const store = createDexieBookStore(db, { now: () => clock.now, newId: () => `snapshot-${++ids}` });
  const books: LocalBook[] = [];
  for (let i = 0; i < SAFETY_NET_BOOKS; i++) {
    const content = manuscriptHtml(SAFETY_NET_WORDS, 500 + i);
    books.push({ ...newLocalBook({ id: `book-${i}`, title: `Novel ${i + 1}`, author: '', content, metadata: { ...countHtml(content) } }, clock.now), dirty: 0, revision: 1 });
  }
  await db.books.bulkPut(books);
  await db.bases.bulkPut(books.map((b) => ({ bookId: b.id, revision: 1, content: b.content, hash: null })));
  log(`safety net: ${SAFETY_NET_BOOKS} novels of ${SAFETY_NET_WORDS.toLocaleString('en-US')} words stored`);

  const times: number[] = [];
  let pulls = 0;
  /** A change from another device lands in book `i`: a sentence added to one paragraph, as a pull applies it. */
  async function pull(i: number) {
    const edit = ` Another device's sentence ${++pulls}.`;
    const started = performance.now();
    await store.transact([books[i]!.id], (current) => {
      const book = current.get(books[i]!.id)!;
      const at = (pulls * 7919) % Math.max(1, book.content.length - 10);
      const cut = book.content.indexOf('</p>', at);
      const content = cut < 0 ? book.content + `<p>${edit}</p>` : book.content.slice(0, cut) + edit + book.content.slice(cut);
      return { put: [{ ...book, content, revision: (book.revision ?? 0) + 1 }], remove: [], conflicts: [] };
    });
    times.push(performance.now() - started);
  }
  const start = clock.now;
  for (let day = 0; day < DAYS; day++) {
    for (let p = 0; p < PULLS_PER_DAY; p++) {
      for (let i = 0; i < SAFETY_NET_BOOKS; i++) {
        clock.now = start + day * DAY + (9 + p * 6) * HOUR + i * 60_000;
        await pull(i);
      }
    }
    if (day === DAYS - 3) {
      for (let k = 0; k < BURST_PULLS; k++) {
        for (let i = 0; i < BURST_BOOKS; i++) {
          clock.now = start + day * DAY + 14 * HOUR + k * 15 * 60_000 + i * 1000;
          await pull(i);
        }
      }
    }
  }
  const infos = await db.snapshots.toArray();
  const texts = await db.snapshotTexts.toArray();
  const textBytes = texts.reduce((sum, t) => sum + snapshotBytes(t.content), 0);
  const booksBytes = (await db.books.toArray()).reduce((sum, b) => sum + snapshotBytes(b.content), 0);
  const basesBytes = (await db.bases.toArray()).reduce((sum, b) => sum + snapshotBytes(b.content), 0);
  db.close();
  log(`safety net: ${pulls} pulls, ${infos.length} snapshots kept, ${(textBytes / 2 ** 20).toFixed(1)} MiB of ${SNAPSHOT_BUDGET_BYTES / 2 ** 20} MiB`);
  return {
    books: SAFETY_NET_BOOKS,
    wordsPerBook: SAFETY_NET_WORDS,
    pulls,
    snapshotsKept: infos.length,
    snapshotBytes: textBytes,
    budgetBytes: SNAPSHOT_BUDGET_BYTES,
    totalBytes: booksBytes + basesBytes + textBytes,
    booksBytes,
    pullMs: { median: median(times), p95: percentile(times, 95) },
  };
}
