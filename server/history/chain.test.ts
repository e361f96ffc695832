import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY, type HistoryPolicy } from './retention.ts';
import {
  archiveStep,
  encodeHistory,
  HistoryCorruptError,
  ChainMovedError,
  readText,
  textBytes,
  textHash,
  type KeptEntry,
  type KeptText,
} from './chain.ts';
import { wordChange } from './words.ts';
import { diffManuscripts } from '../../shared/manuscript/patch.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2026, 0, 1, 9);

/** A book's history kept in memory exactly as the stores keep it: rows of entry + text, and the current version. */
class MemoryHistory {
  rows = new Map<number, KeptEntry & KeptText & { words: { added: number; removed: number } }>();
  current = { revision: 1, content: '' };
  constructor(readonly policy: HistoryPolicy) {}

  write(content: string, at: number, pinned = false): void {
    const step = {
      kept: [...this.rows.values()],
      replaced: { revision: this.current.revision, replacedAt: at, pinned, content: this.current.content },
      next: { revision: this.current.revision + 1, content },
      now: at,
      policy: this.policy,
    };
    const out = archiveStep(step, (read) => new Map(read.map((r) => [r, this.rows.get(r)!])));
    for (const r of out.drop) this.rows.delete(r);
    for (const u of out.updates) {
      const row = this.rows.get(u.revision)!;
      if (u.text) Object.assign(row, { text: u.text.text, bytes: u.text.bytes, snapshot: 'snapshot' in u.text.text });
      if (u.words) row.words = u.words;
    }
    const { archived } = out;
    this.rows.set(archived.revision, {
      ...archived,
      replacedAt: at,
      pinned,
      snapshot: 'snapshot' in archived.text,
    });
    this.current = step.next;
  }

  links(revision: number): KeptText[] {
    const up = [...this.rows.values()].filter((r) => r.revision >= revision).sort((a, b) => a.revision - b.revision);
    const whole = up.findIndex((r) => r.snapshot);
    return whole === -1 ? up : up.slice(0, whole + 1);
  }

  read(revision: number): string {
    return readText(this.links(revision), this.current);
  }
}

/** A 40-paragraph chapter; `edit` changes paragraph `at` (one word more), appends, or removes one. */
function chapter(n = 40): string[] {
  return Array.from({ length: n }, (_, i) => `<p>Paragraph ${i} of the tide, and the sea was grey.</p>`);
}

function randomEdit(blocks: string[], random: () => number): string[] {
  const next = [...blocks];
  const at = Math.floor(random() * next.length);
  const roll = random();
  if (roll < 0.6 && next.length > 0) next[at] = next[at]!.replace('</p>', ` word${Math.floor(random() * 1000)}</p>`);
  else if (roll < 0.8) next.splice(at, 0, `<h2>Chapter ${Math.floor(random() * 100)}</h2>`);
  else if (next.length > 1) next.splice(at, 1);
  return next;
}

/** Mulberry32: a seeded generator, so a failing history can be replayed. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('a history of reverse patches', () => {
  it('reads back every kept version exactly through months of thinning, with bounded chains', () => {
    const policy = { ...DEFAULT_HISTORY, keepNewest: 5, chainMax: 6 };
    const history = new MemoryHistory(policy);
    const random = seeded(11);
    const texts = new Map<number, string>();
    let blocks = chapter();
    let at = T0;
    for (let save = 0; save < 900; save++) {
      texts.set(history.current.revision, history.current.content);
      blocks = randomEdit(blocks, random);
      // Sessions of saves a few minutes apart, a day or so between sessions.
      at += save % 30 === 29 ? DAY + Math.floor(random() * 6 * HOUR) : Math.floor(random() * 10 * MINUTE) + 1;
      history.write(blocks.join(''), at, random() < 0.01);
    }
    expect(history.rows.size).toBeGreaterThan(20);
    expect(history.rows.size).toBeLessThan(900);
    for (const row of history.rows.values()) {
      expect(history.read(row.revision), `revision ${row.revision}`).toBe(texts.get(row.revision));
      expect(history.links(row.revision).filter((l) => 'patch' in l.text).length).toBeLessThanOrEqual(policy.chainMax + 1);
    }
  });

  it('counts the words each kept version added and removed against the previous kept one', () => {
    const history = new MemoryHistory(DEFAULT_HISTORY);
    history.write('<p>one two three</p>', T0);
    history.write('<p>one two three four five</p><p>six</p>', T0 + MINUTE);
    history.write('<p>one three four five</p><p>six seven</p>', T0 + 2 * MINUTE);
    history.write('<p>the end</p>', T0 + 3 * MINUTE);
    expect(history.rows.get(2)!.words).toEqual({ added: 3, removed: 0 });
    expect(history.rows.get(3)!.words).toEqual({ added: 3, removed: 0 });
    expect(history.rows.get(4)!.words).toEqual({ added: 1, removed: 1 });
    // Revision 1 was empty: nothing to count against.
    expect(history.rows.get(1)!.words).toEqual({ added: 0, removed: 0 });
  });

  it('keeps the words of a version against the one kept before it once the versions between are thinned away', () => {
    const history = new MemoryHistory({ ...DEFAULT_HISTORY, keepNewest: 1 });
    history.write('<p>a</p>', T0);
    history.write('<p>a b</p>', T0 + MINUTE);
    history.write('<p>a b c</p>', T0 + 2 * MINUTE);
    history.write('<p>a b c d</p>', T0 + 3 * MINUTE);
    // Three days on, the versions of that one hour thin to its newest (revision 4).
    history.write('<p>a b c d e</p>', T0 + 3 * DAY);
    expect([...history.rows.keys()].sort()).toEqual([4, 5]);
    expect(history.rows.get(5)!.words).toEqual({ added: 1, removed: 0 });
    expect(history.read(4)).toBe('<p>a b c</p>');
  });

  it('refuses to read a version whose text does not come back as it was', () => {
    const history = new MemoryHistory(DEFAULT_HISTORY);
    history.write('<p>first</p>', T0);
    history.write('<p>second</p>', T0 + MINUTE);
    history.rows.get(2)!.hash = textHash('<p>something else</p>');
    expect(() => history.read(2)).toThrow(HistoryCorruptError);
  });

  it('still takes a write when a kept text is damaged: the replaced version is kept whole, the damage stays an error', () => {
    const history = new MemoryHistory({ ...DEFAULT_HISTORY, keepNewest: 1 });
    history.write('<p>one</p>', T0 - 2 * HOUR);
    history.write('<p>two</p>', T0 + MINUTE);
    history.write('<p>three</p>', T0 + 2 * MINUTE);
    history.rows.get(2)!.text = { patch: [{ at: 5, remove: 1, insert: [] }], base: 3 };
    // Days later the write would drop revision 2 and re-link revision 1 through it, whose text no longer applies.
    history.write('<p>four</p>', T0 + 3 * DAY);
    expect(history.read(4)).toBe('<p>three</p>');
    expect(history.rows.get(4)!.snapshot).toBe(true);
    expect([...history.rows.keys()].sort()).toEqual([1, 2, 3, 4]);
    expect(() => history.read(2)).toThrow(HistoryCorruptError);
  });

  it('asks for a fresh read when the chain moved under the reader', () => {
    const history = new MemoryHistory(DEFAULT_HISTORY);
    history.write('<p>first</p>', T0);
    history.write('<p>second</p>', T0 + MINUTE);
    const links = history.links(2);
    expect(() => readText(links, { revision: 9, content: '<p>third</p>' })).toThrow(ChainMovedError);
  });

  it('encodes a history of whole copies as patches with whole copies at the chain bound', () => {
    const versions = Array.from({ length: 10 }, (_, i) => ({ revision: 10 - i, content: `<p>intro</p><p>v${10 - i}</p>` }));
    const current = { revision: 11, content: '<p>intro</p><p>v11</p>' };
    const encoded = encodeHistory(versions, current, { chainMax: 4 });
    const rows = encoded.map((e) => ({ ...e, snapshot: 'snapshot' in e.text }));
    expect(rows.filter((r) => r.snapshot).map((r) => r.revision)).toEqual([6, 1]);
    for (const row of rows) {
      const up = rows.filter((r) => r.revision >= row.revision).sort((a, b) => a.revision - b.revision);
      const whole = up.findIndex((r) => r.snapshot);
      expect(readText(whole === -1 ? up : up.slice(0, whole + 1), current)).toBe(`<p>intro</p><p>v${row.revision}</p>`);
      expect(row.bytes).toBe(textBytes(row.text));
    }
  });

  it('counts words from the changed blocks only', () => {
    const newer = '<p>The sea was <em>grey</em> today</p><p>Untouched</p>';
    const older = '<p>The sea was blue</p><p>Untouched</p>';
    expect(wordChange(newer, diffManuscripts(newer, older))).toEqual({ added: 2, removed: 1 });
  });
});
