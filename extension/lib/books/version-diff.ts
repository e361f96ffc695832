// What changed between two versions of a manuscript, as a reader sees it: paragraph by paragraph, and word by word
// inside changed paragraphs (the shared block diff, then words only where blocks differ, so a long book costs what
// the edit costs). Pure; the VersionDiff component shows it, for merges, conflicts and history.
import { splitBlocks } from '../../../shared/manuscript/blocks.ts';
import { diffStrings } from '../../../shared/manuscript/diff.ts';

export type WordOp = 'equal' | 'insert' | 'delete';

export interface DiffPart {
  op: WordOp;
  text: string;
}

export type DiffBlock =
  /** Unchanged, shown for context around a change. */
  | { kind: 'same'; tag: string; text: string }
  /** A run of unchanged blocks folded away. */
  | { kind: 'folded'; count: number }
  | { kind: 'changed'; tag: string; parts: DiffPart[] }
  | { kind: 'added'; tag: string; text: string }
  | { kind: 'removed'; tag: string; text: string };

export interface VersionDiff {
  blocks: DiffBlock[];
  /** Words only the second version has, and words only the first has. */
  wordsAdded: number;
  wordsRemoved: number;
}

export interface DiffOptions {
  /** Unchanged blocks shown on each side of a change (the rest are folded). */
  context?: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** The text a reader sees in a piece of manuscript HTML; inner paragraphs and list items are kept apart by a line. */
export function passageText(html: string): string {
  const text = html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|li|h[1-6]|blockquote|pre)>\s*(?=<)/gi, '</$1>\n')
    .replace(/<[^>]*>?/g, '');
  // Nested blocks (a paragraph in a list item) end together: one line between them, not one per closing tag.
  return decodeEntities(text.replace(/\n{2,}/g, '\n')).replace(/^\n+|\n+$/g, '');
}

/** The element a block is (p, h2, blockquote, ul…), or '' for loose text. */
function blockTag(html: string): string {
  return /^\s*<([A-Za-z][A-Za-z0-9-]*)/.exec(html)?.[1]?.toLowerCase() ?? '';
}

const WORD = /\s+|[^\s]+/g;

function words(text: string): string[] {
  return text.match(WORD) ?? [];
}

function countWords(text: string): number {
  return words(text).filter((w) => !/^\s/.test(w)).length;
}

/** The words of `after` against `before`, adjacent parts of one kind joined. */
export function diffWords(before: string, after: string): DiffPart[] {
  const a = words(before);
  const b = words(after);
  const parts: DiffPart[] = [];
  const add = (op: WordOp, tokens: string[]) => {
    if (tokens.length === 0) return;
    const text = tokens.join('');
    const last = parts[parts.length - 1];
    if (last && last.op === op) last.text += text;
    else parts.push({ op, text });
  };
  let at = 0;
  for (const hunk of diffStrings(a, b)) {
    add('equal', a.slice(at, hunk.aStart));
    add('delete', a.slice(hunk.aStart, hunk.aEnd));
    add('insert', b.slice(hunk.bStart, hunk.bEnd));
    at = hunk.aEnd;
  }
  add('equal', a.slice(at));
  return parts;
}

/** Blocks without visible content between elements (the whitespace of pretty-printed HTML) are not compared. */
function visibleBlocks(html: string): string[] {
  return splitBlocks(html).filter((b) => b.trim() !== '');
}

/** The changes that turn `before` into `after`. */
export function diffVersions(before: string, after: string, options: DiffOptions = {}): VersionDiff {
  const context = options.context ?? 1;
  const a = visibleBlocks(before);
  const b = visibleBlocks(after);
  const blocks: DiffBlock[] = [];
  let wordsAdded = 0;
  let wordsRemoved = 0;

  /** Unchanged blocks a[from, to): the first and last `context` are shown (only those next to a change). */
  const unchanged = (from: number, to: number, leading: boolean, trailing: boolean) => {
    const head = leading ? Math.min(context, to - from) : 0;
    const tail = trailing ? Math.min(context, to - from - head) : 0;
    for (let i = from; i < from + head; i++) blocks.push({ kind: 'same', tag: blockTag(a[i]!), text: passageText(a[i]!) });
    const folded = to - from - head - tail;
    if (folded > 0) blocks.push({ kind: 'folded', count: folded });
    for (let i = to - tail; i < to; i++) blocks.push({ kind: 'same', tag: blockTag(a[i]!), text: passageText(a[i]!) });
  };

  const hunks = diffStrings(a, b);
  let at = 0;
  hunks.forEach((hunk, index) => {
    unchanged(at, hunk.aStart, index > 0, true);
    const removed = hunk.aEnd - hunk.aStart;
    const added = hunk.bEnd - hunk.bStart;
    // Blocks replaced in place are compared word by word; what is left over was added or removed whole.
    const paired = Math.min(removed, added);
    for (let i = 0; i < paired; i++) {
      const parts = diffWords(passageText(a[hunk.aStart + i]!), passageText(b[hunk.bStart + i]!));
      for (const part of parts) {
        if (part.op === 'insert') wordsAdded += countWords(part.text);
        if (part.op === 'delete') wordsRemoved += countWords(part.text);
      }
      blocks.push({ kind: 'changed', tag: blockTag(b[hunk.bStart + i]!), parts });
    }
    for (let i = hunk.aStart + paired; i < hunk.aEnd; i++) {
      const text = passageText(a[i]!);
      wordsRemoved += countWords(text);
      blocks.push({ kind: 'removed', tag: blockTag(a[i]!), text });
    }
    for (let i = hunk.bStart + paired; i < hunk.bEnd; i++) {
      const text = passageText(b[i]!);
      wordsAdded += countWords(text);
      blocks.push({ kind: 'added', tag: blockTag(b[i]!), text });
    }
    at = hunk.aEnd;
  });
  unchanged(at, a.length, hunks.length > 0, false);
  return { blocks, wordsAdded, wordsRemoved };
}
