// The local safety net: text a change from elsewhere (a pull, a merge, a restore, a conflict choice) replaced, kept on
// this device, thinned by age and bounded in space; the history view lists these as offline entries.
import { liveQuery, type Observable } from 'dexie';
import { database, type AncloraDB, type LocalBook, type SnapshotCause, type SnapshotInfo, type SnapshotText } from './db.ts';
import { countHtml } from './words.ts';

/**
 * Space the snapshots' text may take on this device (bytes, counted as IndexedDB keeps strings: see snapshotBytes).
 * About 30 whole 150k-word novels; the newest snapshot of every book is the last to go.
 */
export const SNAPSHOT_BUDGET_BYTES = 64 * 1024 * 1024;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * How many snapshots a book keeps by age: every one for a day, then the newest of each hour for a week, then the
 * newest of each day for a month; older ones go, except each book's newest (only the budget removes that).
 */
export const SNAPSHOT_TIERS: ReadonlyArray<{ upTo: number; every: number }> = [
  { upTo: DAY, every: 0 },
  { upTo: 7 * DAY, every: HOUR },
  { upTo: 30 * DAY, every: DAY },
];

/**
 * Bytes a text takes in IndexedDB: Chromium and Firefox keep a string of Latin-1 characters one byte per character
 * and any other string two bytes per character.
 */
export function snapshotBytes(content: string): number {
  return /[^\u0000-\u00ff]/.test(content) ? content.length * 2 : content.length;
}

/** The snapshot of `book`'s text as it was before a change from elsewhere replaced it. */
export function snapshotOf(
  book: Pick<LocalBook, 'id' | 'title' | 'content' | 'revision' | 'metadata'>,
  cause: SnapshotCause,
  at: number,
  id: string,
): { info: SnapshotInfo; text: SnapshotText } {
  const wordCount = typeof book.metadata.wordCount === 'number' ? book.metadata.wordCount : countHtml(book.content).wordCount;
  return {
    info: { id, bookId: book.id, at, cause, title: book.title, revision: book.revision, wordCount, bytes: snapshotBytes(book.content) },
    text: { id, content: book.content },
  };
}

/**
 * Which snapshots to drop (ids), given all of them, the time and the budget. Pure, so the rule is a table test: by
 * age per SNAPSHOT_TIERS, then, while over budget, the oldest first — every book's newest last of all.
 */
export function snapshotsToDrop(snapshots: readonly SnapshotInfo[], now: number, budget = SNAPSHOT_BUDGET_BYTES): string[] {
  const drop = new Set<string>();
  const newestFirst = [...snapshots].sort((a, b) => b.at - a.at || b.id.localeCompare(a.id));
  const newestOfBook = new Set<string>();
  const newestIds = new Set<string>();
  const seenSlots = new Set<string>();
  for (const s of newestFirst) {
    if (!newestOfBook.has(s.bookId)) {
      newestOfBook.add(s.bookId);
      newestIds.add(s.id);
      continue;
    }
    const age = Math.max(0, now - s.at);
    const tier = SNAPSHOT_TIERS.find((t) => age < t.upTo);
    if (!tier) {
      drop.add(s.id);
      continue;
    }
    if (tier.every === 0) continue;
    const slot = `${s.bookId}/${tier.every}/${Math.floor(s.at / tier.every)}`;
    // Newest first, so the first snapshot seen in a slot is the one the slot keeps.
    if (seenSlots.has(slot)) drop.add(s.id);
    else seenSlots.add(slot);
  }
  let bytes = 0;
  for (const s of snapshots) if (!drop.has(s.id)) bytes += s.bytes;
  const oldestFirst = [...newestFirst].reverse().filter((s) => !drop.has(s.id));
  for (const pass of [false, true]) {
    for (const s of oldestFirst) {
      if (bytes <= budget) break;
      if (newestIds.has(s.id) !== pass || drop.has(s.id)) continue;
      drop.add(s.id);
      bytes -= s.bytes;
    }
  }
  return [...drop];
}

/**
 * Writes snapshots (inside the caller's transaction, which must include `snapshots` and `snapshotTexts`). Only Dexie
 * promises, so an enclosing IndexedDB transaction does not auto-commit while this runs.
 */
export function putSnapshots(db: AncloraDB, snapshots: ReadonlyArray<{ info: SnapshotInfo; text: SnapshotText }>): PromiseLike<unknown> {
  return Promise.all([db.snapshots.bulkPut(snapshots.map((s) => s.info)), db.snapshotTexts.bulkPut(snapshots.map((s) => s.text))]);
}

/** Thins the snapshots by age and budget (reads only their small records, never their text). */
export async function thinSnapshots(db: AncloraDB, now: number, budget = SNAPSHOT_BUDGET_BYTES): Promise<number> {
  return db.transaction('rw', db.snapshots, db.snapshotTexts, async () => {
    const drop = snapshotsToDrop(await db.snapshots.toArray(), now, budget);
    if (drop.length) await Promise.all([db.snapshots.bulkDelete(drop), db.snapshotTexts.bulkDelete(drop)]);
    return drop.length;
  });
}

/** A snapshot with its text. */
export interface Snapshot extends SnapshotInfo {
  content: string;
}

/** A book's snapshots, newest first, without their text (the history view lists them as offline entries). */
export async function listSnapshots(bookId: string, db: AncloraDB = database()): Promise<SnapshotInfo[]> {
  const rows = await db.snapshots.where('bookId').equals(bookId).toArray();
  return rows.sort((a, b) => b.at - a.at || b.id.localeCompare(a.id));
}

/** A book's snapshots as they change (a pull or a restore keeps one while the history view is open). */
export function watchSnapshots(bookId: string, db: AncloraDB = database()): Observable<SnapshotInfo[]> {
  return liveQuery(() => listSnapshots(bookId, db));
}

/** One snapshot with its text; undefined once thinned away. */
export async function getSnapshot(id: string, db: AncloraDB = database()): Promise<Snapshot | undefined> {
  return db.transaction('r', db.snapshots, db.snapshotTexts, async () => {
    const [info, text] = await Promise.all([db.snapshots.get(id), db.snapshotTexts.get(id)]);
    return info && text ? { ...info, content: text.content } : undefined;
  });
}
