// The history both stores keep (issue 11 item 6): every kept version reads back exactly, thinned by age the same way,
// with its fields, merge record, device and word counts, whatever the store.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MergeRecord } from '../../shared/protocol.ts';
import { DEFAULT_HISTORY } from '../history/retention.ts';
import { wordChange } from '../history/words.ts';
import { diffManuscripts } from '../../shared/manuscript/patch.ts';
import type { BookWrite, RevisionSummary, StoredBook } from './book-store.ts';
import { putBook, storeFactories, stopAll, type OpenedStore } from './testing.ts';
import type { Store } from './types.ts';

afterAll(stopAll);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 5, 9);

/** Mulberry32: a seeded generator, so a failing history replays. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A writer's edit of a chapter: a word added to a paragraph, a heading inserted, or a paragraph removed. */
function edit(blocks: string[], random: () => number): string[] {
  const next = [...blocks];
  const at = Math.floor(random() * next.length);
  const roll = random();
  if (roll < 0.6) next[at] = next[at]!.replace('</p>', ` tide${Math.floor(random() * 1000)}</p>`);
  else if (roll < 0.8) next.splice(at, 0, `<h2>Part ${Math.floor(random() * 100)}</h2>`);
  else if (next.length > 2) next.splice(at, 1);
  return next;
}

async function allRevisions(store: Store, owner: string, id: string): Promise<RevisionSummary[]> {
  const all: RevisionSummary[] = [];
  let before: number | undefined;
  for (;;) {
    const page = (await store.listRevisions(owner, id, { before, limit: 50 }))!;
    all.push(...page.revisions);
    if (!page.hasMore) return all;
    before = page.revisions.at(-1)!.revision;
  }
}

describe.each(storeFactories)('history in the $name store', (factory) => {
  let opened: OpenedStore;
  let store: Store;
  const owner = `writer-${randomUUID()}`;

  beforeEach(async () => {
    opened = await factory.open();
    store = opened.store;
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  /** Writes `content` as the next version of `book` at time `at`. */
  async function write(book: StoredBook, fields: Partial<BookWrite>, at: number): Promise<StoredBook> {
    const { owner: _owner, seq: _seq, merge: _merge, device: _device, ...version } = book;
    const result = await putBook(store, owner, { ...version, ...fields, revision: book.revision + 1, syncedAt: at, updatedAt: at }, book.revision);
    if (!result.ok) throw new Error(`write failed: ${result.reason}`);
    return result.book;
  }

  it('reads back every kept version of a long random history exactly, with its fields, as months pass', async () => {
    const random = seeded(7);
    let blocks = Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i}: the sea was grey and the gulls were loud.</p>`);
    const first = await putBook(store, owner, {
      id: randomUUID(), title: 'The Long Tide', author: 'Ana', content: blocks.join(''), metadata: { n: 0 },
      updatedAt: T0, createdAt: T0, syncedAt: T0, revision: 1, deleted: false, device: 'Laptop',
    }, null);
    if (!first.ok) throw new Error('setup');
    let book = first.book;
    const written = new Map<number, StoredBook>([[1, book]]);
    const merge: MergeRecord = { baseRevision: 1, mergedWith: 1, newer: 'incoming', overlaps: [{ base: 'a', kept: 'b', lost: 'c', keptSide: 'incoming' }] };
    let at = T0;
    // About 60 days of sessions: saves minutes apart, a day between sessions.
    for (let save = 1; save < 240; save++) {
      at += save % 8 === 0 ? DAY + Math.floor(random() * 4 * HOUR) : Math.floor(random() * 9 * MINUTE) + 1;
      blocks = edit(blocks, random);
      const fields: Partial<BookWrite> = {
        content: blocks.join(''),
        title: `The Long Tide (${save})`,
        metadata: { n: save },
        device: random() < 0.5 ? 'Laptop' : 'web',
        ...(save === 20 ? { merge } : {}),
      };
      book = await write(book, fields, at);
      written.set(book.revision, book);
    }

    const kept = await allRevisions(store, owner, book.id);
    const numbers = kept.map((r) => r.revision);
    expect(numbers).toEqual([...numbers].sort((a, b) => b - a));
    // Thinned: every version of the last two days, fewer further back, and the merge that set text aside (pinned).
    expect(kept.length).toBeLessThan(200);
    expect(kept.length).toBeGreaterThan(DEFAULT_HISTORY.keepNewest);
    const merged = written.get(21)!;
    expect(kept.find((r) => r.revision === 21)).toMatchObject({ merge, title: merged.title, device: merged.device });
    for (const [i, summary] of kept.entries()) {
      const version = written.get(summary.revision)!;
      const { content, owner: _o, seq: _s, merge: _m, device, ...fields } = version;
      expect(summary, `revision ${summary.revision}`).toMatchObject({ ...fields, device: device ?? null });
      const read = await store.getRevision(owner, book.id, { revision: summary.revision });
      expect(read?.content, `revision ${summary.revision} reads back exactly`).toBe(content);
      // Word counts against the previous kept version (the oldest's against the version before it when written).
      const older = kept[i + 1];
      if (older) {
        const olderText = written.get(older.revision)!.content;
        const words = wordChange(content, diffManuscripts(content, olderText));
        expect({ added: summary.wordsAdded, removed: summary.wordsRemoved }, `words of ${summary.revision}`).toEqual(words);
      }
    }
  });

  it('keeps every version of the last two days, then the newest of each hour besides the newest few', async () => {
    const created = await putBook(store, owner, {
      id: randomUUID(), title: 't', author: '', content: '<p>0</p>', metadata: {},
      updatedAt: T0, createdAt: T0, syncedAt: T0, revision: 1, deleted: false,
    }, null);
    if (!created.ok) throw new Error('setup');
    let book = created.book;
    // 60 saves three minutes apart from 9:03: revision r (text r - 1) is replaced at 9:00 + 3r minutes.
    for (let i = 1; i <= 60; i++) book = await write(book, { content: `<p>${i}</p>` }, T0 + 3 * i * MINUTE);
    expect((await allRevisions(store, owner, book.id)).length).toBe(60);
    // Three days on: the newest of hour 9 (19) and of hour 10 (39), and the newest 20 whatever their age (61 to 42).
    book = await write(book, { content: '<p>later</p>' }, T0 + 3 * DAY);
    const kept = (await allRevisions(store, owner, book.id)).map((r) => r.revision);
    const newest = Array.from({ length: DEFAULT_HISTORY.keepNewest }, (_, i) => 61 - i);
    expect(kept).toEqual([...newest, 39, 19]);
    for (const revision of kept) expect((await store.getRevision(owner, book.id, { revision }))?.content).toBe(`<p>${revision - 1}</p>`);
  });
});
