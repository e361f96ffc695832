// Three-way merge of manuscripts: two versions edited from one base are combined so that every edit that does not
// overlap another is kept, whatever the clocks say. Blocks are merged first; blocks changed on both sides are merged
// word by word; only where both sides changed the same words does the later edit win, inside that passage alone,
// and the passage it replaced is returned so the writer can see and restore it.
import { splitBlocks, tokenize } from './blocks.ts';
import { diffStrings, type Hunk } from './diff.ts';

export type Side = 'stored' | 'incoming';

/** A passage both sides changed differently: the later edit's text was kept, the other's is here to be restored. */
export interface Overlap {
  /** The passage as it was in the base. */
  base: string;
  /** What the merged text holds for it (the later edit). */
  kept: string;
  /** What the other side had written there, which the merged text does not hold. */
  lost: string;
  /** Whose text was kept. */
  keptSide: Side;
  /**
   * The merged text just before and just after the kept passage (up to CONTEXT_CHARS each): how the writer's device
   * finds the passage again when its words occur more than once, or when the kept side deleted them.
   */
  before?: string;
  after?: string;
}

/** How much merged text on each side of a passage an overlap carries. */
export const CONTEXT_CHARS = 60;

export interface MergeResult {
  html: string;
  overlaps: Overlap[];
}

export interface MergeOptions {
  /** The side whose edit is later (last-writer-wins inside overlapping passages); its insertions also go second. */
  newer: Side;
}

/** Merges `stored` and `incoming`, both edited from `base`. */
export function mergeManuscripts(base: string, stored: string, incoming: string, options: MergeOptions): MergeResult {
  if (stored === incoming) return { html: stored, overlaps: [] };
  if (stored === base) return { html: incoming, overlaps: [] };
  if (incoming === base) return { html: stored, overlaps: [] };
  const { newer } = options;
  const overlaps: Overlap[] = [];
  /** Where each overlap's kept passage starts in the merged text. */
  const offsets = new Map<Overlap, number>();
  const lastWriterWins = (region: Region, into: Overlap[], at: number) => {
    const overlap: Overlap = { base: region.base, kept: region[newer], lost: region[newer === 'stored' ? 'incoming' : 'stored'], keptSide: newer };
    into.push(overlap);
    offsets.set(overlap, at);
    return region[newer];
  };
  const blocksWritten = lengthCounter();
  const html = merge3(splitBlocks(base), splitBlocks(stored), splitBlocks(incoming), newer, (region, blocksOut) => {
    const at = blocksWritten(blocksOut);
    // Blocks changed on both sides: merge the passage again, word by word.
    const passages: Overlap[] = [];
    const wordsWritten = lengthCounter();
    const words = merge3(tokenize(region.base), tokenize(region.stored), tokenize(region.incoming), newer, (passage, wordsOut) =>
      lastWriterWins(passage, passages, at + wordsWritten(wordsOut)),
    );
    if (balanced(words)) {
      overlaps.push(...passages);
      return words;
    }
    // Word-level edits that combine into broken markup (one side wrapped words in a tag the other side cut through):
    // the later edit takes the whole passage, and the other side's is kept aside.
    return lastWriterWins(region, overlaps, at);
  }, 'blocks');
  for (const overlap of overlaps) {
    const at = offsets.get(overlap)!;
    const end = at + overlap.kept.length;
    if (html.slice(at, end) !== overlap.kept) continue;
    overlap.before = html.slice(Math.max(0, at - CONTEXT_CHARS), at);
    overlap.after = html.slice(end, end + CONTEXT_CHARS);
  }
  return { html, overlaps };
}

/** The length of the text written so far into a growing list of parts, counting each part once. */
function lengthCounter(): (parts: readonly string[]) => number {
  let counted = 0;
  let length = 0;
  return (parts) => {
    for (; counted < parts.length; counted++) length += parts[counted]!.length;
    return length;
  };
}

/** The three texts of a region both sides changed. */
interface Region {
  base: string;
  stored: string;
  incoming: string;
}

interface Change {
  side: Side;
  hunk: Hunk;
}

/** A change taken from one side alone: its side, where it ends in the base, and the text written for it. */
interface Taken {
  side: Side;
  end: number;
  text: string;
  insertion: boolean;
}

/** `last` when it is the other side's change and ends where the change at `start` begins (nothing between them). */
function besideOther(last: Taken | null, side: Side, start: number): Taken | null {
  return last && last.side !== side && last.end === start ? last : null;
}

/**
 * diff3 over token sequences: edits of one side only are taken; edits of both sides to the same base range are taken
 * once when equal, and otherwise handed to `resolve` (with the merged parts written before it). Insertions of both
 * sides at one point are both kept (the older side's first), or once when equal. Returns the merged text.
 */
function merge3(
  base: string[],
  stored: string[],
  incoming: string[],
  newer: Side,
  resolve: (region: Region, written: readonly string[]) => string,
  tokens: 'blocks' | 'words' = 'words',
): string {
  const older: Side = newer === 'stored' ? 'incoming' : 'stored';
  const changes: Change[] = [
    ...diffStrings(base, stored).map((hunk) => ({ side: 'stored' as const, hunk })),
    ...diffStrings(base, incoming).map((hunk) => ({ side: 'incoming' as const, hunk })),
  ].sort((x, y) => x.hunk.aStart - y.hunk.aStart || width(x.hunk) - width(y.hunk) || (x.side === older ? -1 : 1));
  const text = { stored, incoming };
  const out: string[] = [];
  /** The last change taken from one side alone, while nothing has been written after it. */
  let last: Taken | null = null;
  let at = 0;
  for (let i = 0; i < changes.length; ) {
    // A group: changes that touch a change of the other side in it, transitively.
    const group = [changes[i]!];
    let end = changes[i]!.hunk.aEnd;
    for (i++; i < changes.length; i++) {
      const next = changes[i]!;
      if (next.hunk.aStart >= end && !group.some((g) => g.side !== next.side && touch(g.hunk, next.hunk))) break;
      group.push(next);
      end = Math.max(end, next.hunk.aEnd);
    }
    const start = group[0]!.hunk.aStart;
    out.push(...base.slice(at, start));
    at = end;
    const version = (side: Side) =>
      sideVersion(base, text[side], start, end, group.filter((g) => g.side === side).map((g) => g.hunk));
    if (group.every((g) => g.side === group[0]!.side)) {
      const side = group[0]!.side;
      let taken = version(side);
      // A diff may fold an insertion into the change next to it: what one side inserted right beside the other side's
      // change, which already holds it at that edge, is the same addition made on both (kept once, not doubled).
      const beside = besideOther(last, side, start);
      // Blocks the other side's change already holds anywhere (a push retried after later edits were merged in
      // after it) are that same addition too; words only at its edge (a repeated word may be meant).
      const held = beside && (tokens === 'blocks' ? beside.text.includes(taken) : beside.text.endsWith(taken));
      if (beside && start === end && taken !== '' && held) taken = '';
      else if (beside?.insertion && beside.text !== '' && taken.startsWith(beside.text)) taken = taken.slice(beside.text.length);
      out.push(taken);
      last = { side, end, text: taken, insertion: start === end };
      continue;
    }
    last = null;
    const region = { base: base.slice(start, end).join(''), stored: version('stored'), incoming: version('incoming') };
    if (region.stored === region.incoming) out.push(region.stored);
    // Both sides added something at the same point and changed nothing else: keep both, the older first — unless one
    // addition already holds the other (typing that went on after an earlier copy was stored): then it alone.
    else if (start === end) out.push(...(extending(region.stored, region.incoming) ?? [region[older], region[newer]]));
    else out.push(resolve(region, out));
  }
  out.push(...base.slice(at));
  return out.join('');
}

/**
 * Of two insertions at one point, the one whose words hold the other's whole (typing that went on after an earlier copy
 * was stored): keeping it alone loses no word and doubles none. Null otherwise, and for additions without words (a
 * rule, a line break), which text containment cannot vouch for.
 */
function extending(a: string, b: string): [string] | null {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const words = (html: string) => html.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  const inner = words(short);
  if (inner === '') return null;
  // Whole words only: "The end" is held by "The end, at last", not by "The endless".
  const held = new RegExp(`(?<![\\p{L}\\p{N}])${inner.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}\\p{N}])`, 'u');
  return held.test(words(long)) ? [long] : null;
}

function width(hunk: Hunk): number {
  return hunk.aEnd - hunk.aStart;
}

/**
 * Whether two changes of different sides must be decided together: they change the same base tokens, or they insert
 * at the same point. An insertion at the edge of the other side's range does not touch it: both apply.
 */
function touch(a: Hunk, b: Hunk): boolean {
  const aInsert = a.aStart === a.aEnd;
  const bInsert = b.aStart === b.aEnd;
  if (aInsert && bInsert) return a.aStart === b.aStart;
  if (aInsert) return b.aStart < a.aStart && a.aStart < b.aEnd;
  if (bInsert) return a.aStart < b.aStart && b.aStart < a.aEnd;
  return a.aStart < b.aEnd && b.aStart < a.aEnd;
}

/** One side's text for the base range [start, end), given that side's hunks inside it. */
function sideVersion(base: string[], side: string[], start: number, end: number, hunks: Hunk[]): string {
  const out: string[] = [];
  let at = start;
  for (const hunk of hunks) {
    out.push(...base.slice(at, hunk.aStart), ...side.slice(hunk.bStart, hunk.bEnd));
    at = hunk.aEnd;
  }
  out.push(...base.slice(at, end));
  return out.join('');
}

const VOID = new Set(['br', 'hr', 'img', 'wbr']);

/** True when every opened tag in `html` is closed in order (what a word-level merge must not break). */
function balanced(html: string): boolean {
  const open: string[] = [];
  for (const match of html.matchAll(/<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(\/?)>/g)) {
    const [, closing, rawName, selfClosing] = match;
    const name = rawName!.toLowerCase();
    if (VOID.has(name) || selfClosing) continue;
    if (!closing) open.push(name);
    else if (open.pop() !== name) return false;
  }
  return open.length === 0;
}
