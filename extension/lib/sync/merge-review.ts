// The merge review's decisions (pure): where a passage a merge settled is in the book now, and what each of the
// writer's choices makes of the text — keep what the merge kept, take the other device's words, or keep both.
import { splitBlocks } from '../../../shared/manuscript/blocks.ts';
import { CONTEXT_CHARS } from '../../../shared/manuscript/merge.ts';
import { diffStrings } from '../../../shared/manuscript/diff.ts';
import type { MergeOverlapRecord } from '../books/db.ts';
import { passageText } from '../books/version-diff.ts';

/** kept: leave the book as the merge made it; other: the words the merge set aside replace it; both: one after the other. */
export type ReviewChoice = 'kept' | 'other' | 'both';

export type Placement =
  | { kind: 'found'; start: number; end: number }
  /** The passage appears more than once: replacing one could change the wrong words. */
  | { kind: 'ambiguous'; count: number }
  /** Not in the book any more (edited or deleted since), or nothing to look for (the merge kept a deletion). */
  | { kind: 'missing' };

/** How close a block must be to the passage (share of common words) to be taken for it after later edits. */
const SIMILAR_ENOUGH = 0.6;

function occurrences(content: string, passage: string, stopAt: number): number[] {
  const found: number[] = [];
  for (let at = content.indexOf(passage); at !== -1 && found.length < stopAt; at = content.indexOf(passage, at + 1)) found.push(at);
  return found;
}

/** Share of words two texts have in common, in order (2 × common / total). */
export function similarity(a: string, b: string): number {
  const wa = a.split(/\s+/).filter(Boolean);
  const wb = b.split(/\s+/).filter(Boolean);
  if (wa.length + wb.length === 0) return 1;
  const changed = diffStrings(wa, wb).reduce((n, h) => n + (h.aEnd - h.aStart) + (h.bEnd - h.bStart), 0);
  return (wa.length + wb.length - changed) / (wa.length + wb.length);
}

/** True when `passage` is whole top-level blocks (a paragraph the merge settled whole), not words inside one. */
function isWholeBlocks(passage: string): boolean {
  return /^\s*</.test(passage) && splitBlocks(passage).every((b) => /^\s*<[^/]/.test(b) || b.trim() === '');
}

/** The text the merge left around a passage (MergeOverlapRecord before/after). */
export interface PassageContext {
  before?: string;
  after?: string;
}

function commonSuffix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

function commonPrefix(a: string, b: string): number {
  let n = 0;
  while (n < a.length && n < b.length && a[n] === b[n]) n++;
  return n;
}

/** Of several places `passage` is at, the one whose surroundings are most like the merge's, when only one is. */
function byContext(content: string, passage: string, at: number[], context: PassageContext): number | null {
  const before = context.before ?? '';
  const after = context.after ?? '';
  let best = -1;
  let bestScore = 0;
  let tie = false;
  for (const start of at) {
    const end = start + passage.length;
    const score =
      commonSuffix(content.slice(Math.max(0, start - before.length), start), before) +
      commonPrefix(content.slice(end, end + after.length), after);
    if (score > bestScore) {
      [best, bestScore, tie] = [start, score, false];
    } else if (score === bestScore) tie = true;
  }
  return best >= 0 && !tie ? best : null;
}

/**
 * Where `passage` is in `content`: exactly, once; among several, the one the merge's surrounding text still points to;
 * where the merge kept a deletion, the point between that surrounding text; or, for a whole paragraph edited since,
 * the one paragraph that is still most like it. Never a guess between equals.
 */
export function locatePassage(content: string, passage: string, context: PassageContext = {}): Placement {
  if (!passage) {
    // Nothing to find but the place: the text that was on both sides of it, still together.
    const joined = `${context.before ?? ''}${context.after ?? ''}`;
    if (!context.before && !context.after) return { kind: 'missing' };
    const around = occurrences(content, joined, 2);
    if (around.length === 1) {
      const point = around[0]! + (context.before ?? '').length;
      return { kind: 'found', start: point, end: point };
    }
    return around.length > 1 ? { kind: 'ambiguous', count: occurrences(content, joined, 1000).length } : { kind: 'missing' };
  }
  const exact = occurrences(content, passage, 2);
  if (exact.length === 1) return { kind: 'found', start: exact[0]!, end: exact[0]! + passage.length };
  if (exact.length > 1) {
    const all = occurrences(content, passage, 100_000);
    const start = context.before || context.after ? byContext(content, passage, all, context) : null;
    return start === null ? { kind: 'ambiguous', count: all.length } : { kind: 'found', start, end: start + passage.length };
  }
  if (!isWholeBlocks(passage)) return { kind: 'missing' };
  const wanted = passageText(passage);
  let best: { start: number; end: number; score: number } | null = null;
  let tie = false;
  let offset = 0;
  for (const block of splitBlocks(content)) {
    const start = offset;
    offset += block.length;
    if (!block.trim()) continue;
    const score = similarity(wanted, passageText(block));
    if (score < SIMILAR_ENOUGH) continue;
    if (!best || score > best.score) {
      best = { start, end: offset, score };
      tie = false;
    } else if (score === best.score) tie = true;
  }
  if (!best) return { kind: 'missing' };
  return tie ? { kind: 'ambiguous', count: 2 } : { kind: 'found', start: best.start, end: best.end };
}

/** The text a choice puts where the merge's passage is (`kept` is what the book holds there). */
export function chosenText(record: Pick<MergeOverlapRecord, 'kept' | 'lost'>, choice: ReviewChoice, kept: string = record.kept): string {
  switch (choice) {
    case 'kept':
      return kept;
    case 'other':
      return record.lost;
    case 'both': {
      if (!record.lost) return kept;
      if (!kept) return record.lost;
      // Paragraphs follow each other; words inside a paragraph are kept apart by a space.
      const joiner = isWholeBlocks(kept) || /\s$/.test(kept) || /^\s/.test(record.lost) ? '' : ' ';
      return kept + joiner + record.lost;
    }
  }
}

/** An edit of the book: `replaced` became `inserted`, between `before` and `after` (the text around it then). */
export interface PassageEdit extends PassageContext {
  replaced: string;
  inserted: string;
}

export type ChoiceResult =
  /** The book's text after the choice, and the edit made, which undo reverses. */
  | ({ kind: 'applied'; content: string } & PassageEdit)
  /** Nothing to change in the text (keeping what the merge kept). */
  | { kind: 'unchanged' }
  /** The passage could not be placed with certainty: the writer copies the words or inserts them where they want. */
  | { kind: 'unplaced'; placement: Exclude<Placement, { kind: 'found' }>; text: string };

/** Replaces [start, end) of `content` with `inserted`, noting the text around it so the edit can be found again. */
function replaceAt(content: string, start: number, end: number, inserted: string): Extract<ChoiceResult, { kind: 'applied' }> {
  const next = content.slice(0, start) + inserted + content.slice(end);
  const after = start + inserted.length;
  return {
    kind: 'applied',
    content: next,
    replaced: content.slice(start, end),
    inserted,
    before: next.slice(Math.max(0, start - CONTEXT_CHARS), start),
    after: next.slice(after, after + CONTEXT_CHARS),
  };
}

/** What choosing `choice` for `record` makes of the book's current `content`. */
export function applyChoice(
  content: string,
  record: Pick<MergeOverlapRecord, 'kept' | 'lost' | 'before' | 'after'>,
  choice: ReviewChoice,
): ChoiceResult {
  if (choice === 'kept' || (choice === 'both' && !record.lost)) return { kind: 'unchanged' };
  const placement = locatePassage(content, record.kept, record);
  if (placement.kind !== 'found') return { kind: 'unplaced', placement, text: record.lost };
  const inserted = chosenText(record, choice, content.slice(placement.start, placement.end));
  return replaceAt(content, placement.start, placement.end, inserted);
}

/** Undoes an applied choice: the words it inserted go back to the words it replaced, wherever they are now. */
export function undoChoice(content: string, edit: PassageEdit): ChoiceResult {
  const placement = locatePassage(content, edit.inserted, edit);
  if (placement.kind !== 'found') return { kind: 'unplaced', placement, text: edit.replaced };
  return replaceAt(content, placement.start, placement.end, edit.replaced);
}
