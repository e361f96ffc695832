// The merge review's decisions (pure): where a passage a merge settled is in the book now, and what each of the
// writer's choices makes of the text — keep what the merge kept, take the other device's words, or keep both.
import { splitBlocks } from '../../../shared/manuscript/blocks.ts';
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

/**
 * Where `passage` is in `content`: exactly, once; or, for a whole paragraph edited since, the one paragraph that is
 * still most like it. Never a guess between equals.
 */
export function locatePassage(content: string, passage: string): Placement {
  if (!passage) return { kind: 'missing' };
  const exact = occurrences(content, passage, 2);
  if (exact.length === 1) return { kind: 'found', start: exact[0]!, end: exact[0]! + passage.length };
  if (exact.length > 1) return { kind: 'ambiguous', count: occurrences(content, passage, 1000).length };
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
      // Paragraphs follow each other; words inside a paragraph are kept apart by a space.
      const joiner = isWholeBlocks(kept) || /\s$/.test(kept) || /^\s/.test(record.lost) ? '' : ' ';
      return kept + joiner + record.lost;
    }
  }
}

export type ChoiceResult =
  /** The book's text after the choice, and the edit made (`replaced` → `inserted`), which undo reverses. */
  | { kind: 'applied'; content: string; replaced: string; inserted: string }
  /** Nothing to change in the text (keeping what the merge kept). */
  | { kind: 'unchanged' }
  /** The passage could not be placed with certainty: the writer copies the words or inserts them where they want. */
  | { kind: 'unplaced'; placement: Exclude<Placement, { kind: 'found' }>; text: string };

/** What choosing `choice` for `record` makes of the book's current `content`. */
export function applyChoice(content: string, record: Pick<MergeOverlapRecord, 'kept' | 'lost'>, choice: ReviewChoice): ChoiceResult {
  if (choice === 'kept' || (choice === 'both' && !record.lost)) return { kind: 'unchanged' };
  const placement = locatePassage(content, record.kept);
  if (placement.kind !== 'found') return { kind: 'unplaced', placement, text: record.lost };
  const replaced = content.slice(placement.start, placement.end);
  const inserted = chosenText(record, choice, replaced);
  return { kind: 'applied', content: content.slice(0, placement.start) + inserted + content.slice(placement.end), replaced, inserted };
}

/** Undoes an applied choice: the words it inserted go back to the words it replaced, wherever they are now. */
export function undoChoice(content: string, edit: { replaced: string; inserted: string }): ChoiceResult {
  const placement = edit.inserted ? locatePassage(content, edit.inserted) : ({ kind: 'missing' } as const);
  if (placement.kind !== 'found') return { kind: 'unplaced', placement, text: edit.replaced };
  const inserted = edit.replaced;
  return {
    kind: 'applied',
    content: content.slice(0, placement.start) + inserted + content.slice(placement.end),
    replaced: content.slice(placement.start, placement.end),
    inserted,
  };
}
