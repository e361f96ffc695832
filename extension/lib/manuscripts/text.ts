// Plain-text export: the manuscript's words with its structure shown by blank lines, indents and list markers.
import { inlineText, type Block, type Manuscript } from './document.ts';

const INDENT = '    ';

/** The book as UTF-8 plain text: title and author, then every block separated by a blank line. */
export function manuscriptToText(m: Manuscript): string {
  const head = [m.title, ...(m.author ? [m.author] : [])].join('\n');
  return `${head}\n\n\n${blocksText(m.blocks).join('\n\n')}\n`;
}

function blocksText(blocks: Block[]): string[] {
  return blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
        // Chapters stand apart: two blank lines before each heading.
        return `\n${inlineText(b.inlines)}`;
      case 'paragraph':
        return inlineText(b.inlines);
      case 'quote':
        return indent(blocksText(b.blocks).join('\n\n'), INDENT);
      case 'list':
        return b.items
          .map((item, i) => {
            const marker = b.ordered ? `${b.start + i}. ` : '- ';
            return marker + indent(blocksText(item).join('\n\n'), ' '.repeat(marker.length)).trimStart();
          })
          .join('\n');
      case 'code':
        return indent(b.text, INDENT);
      case 'table':
        // One line per row, cells apart: the text stays readable where no grid can be drawn.
        return b.rows.map((row) => row.map((c) => inlineText(c.inlines)).join(' | ')).join('\n');
      case 'rule':
        return '* * *';
    }
  });
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line ? prefix + line : line))
    .join('\n');
}
