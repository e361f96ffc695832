// Blocks written back as XHTML-compatible markup: the body of the standalone HTML export and of EPUB chapters.
import type { Block, Inline, Marks } from './document.ts';

/** Escapes text for XML and HTML alike (only the predefined XML entities, as XHTML requires). */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

const MARK_TAGS: ReadonlyArray<[keyof Marks, string]> = [
  ['bold', 'strong'],
  ['italic', 'em'],
  ['underline', 'u'],
  ['strike', 's'],
  ['code', 'code'],
];

export function inlinesMarkup(inlines: Inline[]): string {
  return inlines
    .map((inline) => {
      if (inline.kind === 'break') return '<br/>';
      let html = escapeXml(inline.text);
      for (const [mark, tag] of MARK_TAGS) if (inline.marks[mark]) html = `<${tag}>${html}</${tag}>`;
      if (inline.marks.href) html = `<a href="${escapeXml(inline.marks.href)}">${html}</a>`;
      return html;
    })
    .join('');
}

/** Blocks as markup; `headingId` names each heading so a table of contents can point at it. */
export function blocksMarkup(blocks: Block[], headingId?: (block: Block) => string | undefined): string {
  return blocks.map((b) => blockMarkup(b, headingId)).join('\n');
}

function blockMarkup(b: Block, headingId?: (block: Block) => string | undefined): string {
  switch (b.kind) {
    case 'heading': {
      const id = headingId?.(b);
      return `<h${b.level}${id ? ` id="${id}"` : ''}>${inlinesMarkup(b.inlines)}</h${b.level}>`;
    }
    case 'paragraph':
      return `<p${b.role ? ` class="${b.role}"` : ''}>${inlinesMarkup(b.inlines)}</p>`;
    case 'quote':
      return `<blockquote>\n${blocksMarkup(b.blocks, headingId)}\n</blockquote>`;
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul';
      const attrs = b.ordered ? `${b.start !== 1 ? ` start="${b.start}"` : ''}${b.style !== '1' ? ` type="${b.style}"` : ''}` : '';
      const items = b.items.map((item) => `<li>${blocksMarkup(item, headingId)}</li>`).join('\n');
      return `<${tag}${attrs}>\n${items}\n</${tag}>`;
    }
    case 'code':
      return `<pre><code>${escapeXml(b.text)}</code></pre>`;
    case 'table': {
      const rows = b.rows.map((row) => `<tr>${row.map((c) => (c.header ? `<th>${inlinesMarkup(c.inlines)}</th>` : `<td>${inlinesMarkup(c.inlines)}</td>`)).join('')}</tr>`);
      return `<table>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    }
    case 'rule':
      return '<hr/>';
  }
}
