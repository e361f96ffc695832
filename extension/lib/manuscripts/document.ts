// A book's stored HTML as a document structure (blocks, inline runs, chapters) that every export format writes from.
import type { ChildNode, Element } from 'domhandler';
import { parseDocument } from 'htmlparser2';
import { bookLanguageOf } from '../books/language.ts';

export interface Marks {
  bold?: true;
  italic?: true;
  underline?: true;
  strike?: true;
  code?: true;
  /** The link target when the run is inside a link. */
  href?: string;
}

export type Inline = { kind: 'text'; text: string; marks: Marks } | { kind: 'break' };

export type OrderedStyle = '1' | 'a' | 'A' | 'i' | 'I';

export type Block =
  | { kind: 'heading'; level: 1 | 2 | 3 | 4 | 5 | 6; inlines: Inline[] }
  // A reference in the bibliography an export adds (bibliography.ts) is set with a hanging indent.
  | { kind: 'paragraph'; inlines: Inline[]; role?: 'reference' }
  | { kind: 'quote'; blocks: Block[] }
  | { kind: 'list'; ordered: boolean; start: number; style: OrderedStyle; items: Block[][] }
  | { kind: 'code'; text: string }
  | { kind: 'table'; rows: TableCell[][] }
  | { kind: 'rule' };

/** A table cell: its text as inline runs, `header` for a <th>. */
export interface TableCell {
  header: boolean;
  inlines: Inline[];
}

export interface Chapter {
  /** The text of the heading that opens the chapter; null for the text before the first heading. */
  title: string | null;
  blocks: Block[];
}

/** A book ready to be written in any format. */
export interface Manuscript {
  id: string;
  title: string;
  author: string;
  /** BCP 47 language of the text (the book's, else the writer's interface language). */
  language: string;
  blocks: Block[];
}

/** What an export reads from a book (a LocalBook fits). */
export interface BookForExport {
  id: string;
  title: string;
  author: string;
  content: string;
  metadata?: { [key: string]: unknown };
}

const HEADING = /^h([1-6])$/;
const WHITESPACE_RUN = /[ \t\n\r\f]+/g;

/** The book as a manuscript; `fallbackLanguage` is used when the book does not name its own language. */
export function toManuscript(book: BookForExport, fallbackLanguage: string): Manuscript {
  const language = bookLanguageOf(book) ?? fallbackLanguage;
  return { id: book.id, title: book.title, author: book.author, language, blocks: parseBlocks(book.content) };
}

/** Manuscript HTML (shared/html-policy.ts) as blocks; stray inline content at the top level becomes paragraphs. */
export function parseBlocks(html: string): Block[] {
  return blocksOf(parseDocument(html).children);
}

function blocksOf(nodes: ChildNode[]): Block[] {
  const blocks: Block[] = [];
  let loose: ChildNode[] = [];
  const flush = () => {
    const inlines = tidy(inlinesOf(loose, {}));
    if (inlines.length > 0) blocks.push({ kind: 'paragraph', inlines });
    loose = [];
  };
  for (const node of nodes) {
    const block = node.type === 'tag' ? blockOf(node) : undefined;
    if (block === undefined) {
      loose.push(node);
      continue;
    }
    flush();
    if (block) blocks.push(block);
  }
  flush();
  return blocks;
}

/** The block an element makes; undefined for inline elements, null for a block that holds nothing. */
function blockOf(el: Element): Block | null | undefined {
  const heading = HEADING.exec(el.name);
  if (heading) {
    const inlines = tidy(inlinesOf(el.children, {}));
    return inlines.length ? { kind: 'heading', level: Number(heading[1]) as 1, inlines } : null;
  }
  switch (el.name) {
    case 'p': {
      const inlines = tidy(inlinesOf(el.children, {}));
      return inlines.length ? { kind: 'paragraph', inlines } : null;
    }
    case 'blockquote': {
      const inner = blocksOf(el.children);
      return inner.length ? { kind: 'quote', blocks: inner } : null;
    }
    case 'ul':
    case 'ol': {
      const items = el.children
        .filter((c): c is Element => c.type === 'tag' && c.name === 'li')
        .map((li) => blocksOf(li.children));
      if (items.length === 0) return null;
      const start = Number.parseInt(el.attribs.start ?? '1', 10);
      const style = (['1', 'a', 'A', 'i', 'I'] as const).find((s) => s === el.attribs.type) ?? '1';
      return { kind: 'list', ordered: el.name === 'ol', start: Number.isFinite(start) ? start : 1, style, items };
    }
    case 'pre':
      return { kind: 'code', text: textOf(el.children).replace(/\n$/, '') };
    case 'table': {
      const rows: TableCell[][] = [];
      const collect = (nodes: ChildNode[]) => {
        for (const n of nodes) {
          if (n.type !== 'tag') continue;
          if (n.name !== 'tr') {
            collect(n.children);
            continue;
          }
          const cells = n.children.filter((c): c is Element => c.type === 'tag' && (c.name === 'td' || c.name === 'th'));
          if (cells.length) rows.push(cells.map((c) => ({ header: c.name === 'th', inlines: tidy(inlinesOf(c.children, {})) })));
        }
      };
      collect(el.children);
      return rows.length ? { kind: 'table', rows } : null;
    }
    case 'hr':
      return { kind: 'rule' };
    default:
      return undefined;
  }
}

function inlinesOf(nodes: ChildNode[], marks: Marks): Inline[] {
  const out: Inline[] = [];
  for (const node of nodes) {
    if (node.type === 'text') {
      out.push({ kind: 'text', text: node.data.replace(WHITESPACE_RUN, ' '), marks });
    } else if (node.type === 'tag') {
      if (node.name === 'br') out.push({ kind: 'break' });
      else out.push(...inlinesOf(node.children, marksOf(node, marks)));
    }
  }
  return out;
}

function marksOf(el: Element, outer: Marks): Marks {
  switch (el.name) {
    case 'strong':
    case 'b':
      return { ...outer, bold: true };
    case 'em':
    case 'i':
      return { ...outer, italic: true };
    case 'u':
      return { ...outer, underline: true };
    case 's':
    case 'strike':
    case 'del':
      return { ...outer, strike: true };
    case 'code':
      return { ...outer, code: true };
    case 'a':
      return el.attribs.href ? { ...outer, href: el.attribs.href } : outer;
    default:
      return outer;
  }
}

function textOf(nodes: ChildNode[]): string {
  return nodes.map((n) => (n.type === 'text' ? n.data : n.type === 'tag' ? (n.name === 'br' ? '\n' : textOf(n.children)) : '')).join('');
}

function sameMarks(a: Marks, b: Marks): boolean {
  return a.bold === b.bold && a.italic === b.italic && a.underline === b.underline && a.strike === b.strike && a.code === b.code && a.href === b.href;
}

/**
 * Inline runs as a reader sees them: spaces collapsed across runs, none at the ends of the block or around a line
 * break, neighbouring runs with the same marks merged.
 */
function tidy(inlines: Inline[]): Inline[] {
  const out: Inline[] = [];
  let spaceBefore = true;
  for (const inline of inlines) {
    if (inline.kind === 'break') {
      trimEnd(out);
      out.push(inline);
      spaceBefore = true;
      continue;
    }
    const text: string = spaceBefore ? inline.text.replace(/^ /, '') : inline.text;
    if (!text) continue;
    spaceBefore = text.endsWith(' ');
    const last = out.at(-1);
    if (last?.kind === 'text' && sameMarks(last.marks, inline.marks)) last.text += text;
    else out.push({ kind: 'text', text, marks: inline.marks });
  }
  trimEnd(out);
  while (out.at(-1)?.kind === 'break') out.pop();
  return out;
}

function trimEnd(out: Inline[]): void {
  const last = out.at(-1);
  if (last?.kind !== 'text') return;
  last.text = last.text.replace(/ $/, '');
  if (!last.text) out.pop();
}

/** The plain text of inline runs (a line break is a newline). */
export function inlineText(inlines: Inline[]): string {
  return inlines.map((i) => (i.kind === 'break' ? '\n' : i.text)).join('');
}

/** The level chapters start at: the highest heading level the book uses (h1 if any, else h2…); null if none. */
export function chapterLevel(blocks: Block[]): number | null {
  let level: number | null = null;
  for (const b of blocks) if (b.kind === 'heading' && (level === null || b.level < level)) level = b.level;
  return level;
}

/**
 * The book cut into chapters at its top-level headings; each chapter starts with its heading. Text before the
 * first heading is a chapter of its own with no title (omitted when empty).
 */
export function chapters(blocks: Block[]): Chapter[] {
  const level = chapterLevel(blocks);
  const out: Chapter[] = [];
  let current: Chapter = { title: null, blocks: [] };
  for (const b of blocks) {
    if (b.kind === 'heading' && b.level === level) {
      if (current.blocks.length) out.push(current);
      current = { title: inlineText(b.inlines).replace(/\n/g, ' '), blocks: [b] };
    } else {
      current.blocks.push(b);
    }
  }
  if (current.blocks.length || out.length === 0) out.push(current);
  return out;
}

/** Every word of the blocks in reading order, one block per line: what "the same text" means across formats. */
export function blockLines(blocks: Block[]): string[] {
  const lines: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
      case 'paragraph':
        lines.push(inlineText(b.inlines));
        break;
      case 'quote':
        lines.push(...blockLines(b.blocks));
        break;
      case 'list':
        for (const item of b.items) lines.push(...blockLines(item));
        break;
      case 'code':
        lines.push(b.text);
        break;
      case 'table':
        for (const row of b.rows) lines.push(...row.map((cell) => inlineText(cell.inlines)));
        break;
      case 'rule':
        break;
    }
  }
  return lines;
}

/** The words of a text (whitespace-separated), for comparing what two formats hold regardless of layout. */
export function wordsOf(text: string): string[] {
  return text.split(/\s+/u).filter(Boolean);
}

/** Counts the words of the blocks (the same rule as the word count the editor shows). */
export function wordCount(blocks: Block[]): number {
  return blockLines(blocks).reduce((n, line) => n + wordsOf(line).filter((w) => /[\p{L}\p{N}]/u.test(w)).length, 0);
}
