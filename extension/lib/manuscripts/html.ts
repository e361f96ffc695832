// Standalone HTML export: one self-contained, styled page that reads well offline and prints as a manuscript.
import type { Manuscript } from './document.ts';
import { blocksMarkup, escapeXml } from './markup.ts';

const STYLE = `
body { max-width: 38em; margin: 3em auto; padding: 0 1.5em; font: 1.15rem/1.6 Georgia, 'Times New Roman', serif; color: #1d1d1f; background: #fffdf8; }
header.title-page { text-align: center; margin: 4em 0 5em; }
header.title-page .book-title { font-size: 2.4em; font-weight: bold; margin: 0 0 .4em; font-style: normal; }
header.title-page .book-author { font-size: 1.2em; font-style: italic; margin: 0; }
h1, h2, h3, h4, h5, h6 { line-height: 1.25; margin: 2em 0 .8em; }
h1 { text-align: center; }
p { margin: 0 0 .9em; hyphens: auto; }
blockquote { margin: 1.2em 2em; font-style: italic; }
pre { white-space: pre-wrap; font-size: .9em; }
hr { border: 0; text-align: center; margin: 2em 0; }
hr::after { content: '* * *'; }
p.reference { padding-left: 2em; text-indent: -2em; }
a { color: inherit; }
@media (prefers-color-scheme: dark) { body { color: #e8e6e1; background: #1b1b1d; } }
@media print { body { max-width: none; margin: 0; background: none; } main > h1:not(:first-child) { break-before: page; } }
`;

/** The book as one HTML5 document with its styles inline (no external resources). */
export function manuscriptToHtml(m: Manuscript): string {
  const author = m.author ? `\n<p class="book-author">${escapeXml(m.author)}</p>` : '';
  const meta = m.author ? `\n<meta name="author" content="${escapeXml(m.author)}">` : '';
  return `<!DOCTYPE html>
<html lang="${escapeXml(m.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(m.title)}</title>${meta}
<style>${STYLE}</style>
</head>
<body>
<header class="title-page">
<p class="book-title">${escapeXml(m.title)}</p>${author}
</header>
<main>
${blocksMarkup(m.blocks)}
</main>
</body>
</html>
`;
}
