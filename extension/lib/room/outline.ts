// The book's structure for the outline and "go to chapter": its top-level headings with the words of each section.
import type { Node as PMNode } from '@tiptap/pm/model';
import { countText } from '../books/words.ts';

export interface OutlineEntry {
  /** Index of the heading among the document's top-level blocks. */
  index: number;
  /** Document position just before the heading. */
  pos: number;
  level: number;
  text: string;
  /** Words from this heading up to the next heading of the same or a higher level (its subsections included). */
  words: number;
}

// Top-level blocks are immutable and shared between editor states: each is counted once, until it changes.
const blockWords = new WeakMap<PMNode, number>();

function wordsOf(block: PMNode): number {
  let words = blockWords.get(block);
  if (words === undefined) {
    words = countText(block.textBetween(0, block.content.size, ' ', ' ')).wordCount;
    blockWords.set(block, words);
  }
  return words;
}

/** The headings of `doc` in order, with section word counts. Cheap after the first call: unchanged blocks are cached. */
export function bookOutline(doc: PMNode): OutlineEntry[] {
  const entries: OutlineEntry[] = [];
  // Headings whose section is still open, innermost last.
  const open: OutlineEntry[] = [];
  let pos = 0;
  doc.forEach((block, _offset, index) => {
    if (block.type.name === 'heading') {
      const level = Number(block.attrs.level) || 1;
      while (open.length && open[open.length - 1]!.level >= level) open.pop();
      const entry: OutlineEntry = { index, pos, level, text: block.textContent.trim(), words: 0 };
      entries.push(entry);
      open.push(entry);
    }
    const words = wordsOf(block);
    for (const entry of open) entry.words += words;
    pos += block.nodeSize;
  });
  return entries;
}

/** The entry whose section holds document position `pos` (the last heading at or before it), or -1 before the first. */
export function currentEntry(outline: readonly OutlineEntry[], pos: number): number {
  let low = 0;
  let high = outline.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (outline[mid]!.pos <= pos) {
      found = mid;
      low = mid + 1;
    } else high = mid - 1;
  }
  return found;
}

/** Entries whose heading contains every word of `query`, accents and case ignored (the "go to chapter" filter). */
export function filterOutline(outline: readonly OutlineEntry[], query: string): OutlineEntry[] {
  const words = fold(query).split(/\s+/).filter(Boolean);
  if (!words.length) return [...outline];
  return outline.filter((entry) => {
    const text = fold(entry.text);
    return words.every((word) => text.includes(word));
  });
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
