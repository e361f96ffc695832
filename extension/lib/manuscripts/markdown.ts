// Markdown export (CommonMark with GFM strikethrough), with the title and author as YAML front matter.
import type { BlockContent, DefinitionContent, ListItem, PhrasingContent, Root, RootContent } from 'mdast';
import { gfmStrikethroughToMarkdown } from 'mdast-util-gfm-strikethrough';
import { toMarkdown } from 'mdast-util-to-markdown';
import type { Block, Inline, Manuscript } from './document.ts';
import { blocksMarkup } from './markup.ts';

/** The book as Markdown. Front matter (read by pandoc and by our import) keeps title, author and language. */
export function manuscriptToMarkdown(m: Manuscript): string {
  const front = [`title: ${JSON.stringify(m.title)}`, ...(m.author ? [`author: ${JSON.stringify(m.author)}`] : []), `lang: ${JSON.stringify(m.language)}`];
  const root: Root = { type: 'root', children: m.blocks.map(toMdast) };
  const body = toMarkdown(root, { extensions: [gfmStrikethroughToMarkdown()], bullet: '-', emphasis: '*', strong: '*', rule: '*', fences: true });
  return `---\n${front.join('\n')}\n---\n\n${body}`;
}

function toMdast(b: Block): RootContent & (BlockContent | DefinitionContent) {
  switch (b.kind) {
    case 'heading':
      return { type: 'heading', depth: b.level, children: phrasing(b.inlines) };
    case 'paragraph':
      return { type: 'paragraph', children: phrasing(b.inlines) };
    case 'quote':
      return { type: 'blockquote', children: b.blocks.map(toMdast) };
    case 'list': {
      // CommonMark numbers with digits only: a lettered or roman list stays an HTML block (as tables do), which
      // CommonMark keeps as it is and our import reads back (see lettersKeptAsHtml).
      if (b.ordered && b.style !== '1') return { type: 'html', value: blocksMarkup([b]) };
      const children: ListItem[] = b.items.map((item) => ({ type: 'listItem', spread: false, children: item.map(toMdast) }));
      return { type: 'list', ordered: b.ordered, start: b.ordered ? b.start : null, spread: false, children };
    }
    case 'code':
      return { type: 'code', value: b.text };
    case 'table':
      // CommonMark keeps an HTML block as it is (GFM pipe tables cannot hold every cell's formatting and breaks).
      return { type: 'html', value: blocksMarkup([b]) };
    case 'rule':
      return { type: 'thematicBreak' };
  }
}

/** How many lettered or roman lists a Markdown export writes as HTML (the writer is told). */
export function lettersKeptAsHtml(blocks: Block[]): number {
  let n = 0;
  for (const b of blocks) {
    if (b.kind === 'list' && b.ordered && b.style !== '1') n++;
    // Inside such a list everything is HTML already; elsewhere, lists may nest in quotes and items.
    else if (b.kind === 'list') n += b.items.reduce((sum, item) => sum + lettersKeptAsHtml(item), 0);
    else if (b.kind === 'quote') n += lettersKeptAsHtml(b.blocks);
  }
  return n;
}

// Outermost first: runs that share a link or a mark are wrapped once, so "**a *b***" nests instead of "**a*****b***".
const MARK_ORDER = ['href', 'bold', 'italic', 'strike', 'underline', 'code'] as const;

function phrasing(inlines: Inline[], depth = 0): PhrasingContent[] {
  const mark = MARK_ORDER[depth];
  if (mark === undefined) return inlines.map((i) => (i.kind === 'break' ? { type: 'break' } : { type: 'text', value: i.text }));
  const out: PhrasingContent[] = [];
  for (const group of groupBy(inlines, (i) => (i.kind === 'text' ? i.marks[mark] : undefined))) {
    const value = group.key;
    if (value === undefined) {
      out.push(...phrasing(group.items, depth + 1));
      continue;
    }
    out.push(...wrap(mark, String(value), group.items, depth));
  }
  return out;
}

function wrap(mark: (typeof MARK_ORDER)[number], value: string, items: Inline[], depth: number): PhrasingContent[] {
  const inner = () => phrasing(items, depth + 1);
  switch (mark) {
    case 'href':
      return [{ type: 'link', url: value, children: inner() }];
    case 'bold':
      return [{ type: 'strong', children: inner() }];
    case 'italic':
      return [{ type: 'emphasis', children: inner() }];
    case 'strike':
      return [{ type: 'delete', children: inner() }];
    case 'underline':
      // Markdown has no underline; CommonMark keeps inline HTML, and our import keeps <u>.
      return [{ type: 'html', value: '<u>' }, ...inner(), { type: 'html', value: '</u>' }];
    case 'code':
      return [{ type: 'inlineCode', value: items.map((i) => (i.kind === 'text' ? i.text : ' ')).join('') }];
  }
}

function groupBy<T, K>(items: T[], key: (item: T) => K): Array<{ key: K; items: T[] }> {
  const groups: Array<{ key: K; items: T[] }> = [];
  for (const item of items) {
    const k = key(item);
    const last = groups.at(-1);
    if (last && last.key === k) last.items.push(item);
    else groups.push({ key: k, items: [item] });
  }
  return groups;
}

