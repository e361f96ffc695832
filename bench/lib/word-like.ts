// A 150,000-word manuscript as a word processor saves it: styled HTML (fonts, sizes, double spacing, first-line
// indents, emphasis, quotes, lists, a title) converted to DOCX by LibreOffice headless at run time, so the import is
// measured on a file with a word processor's direct formatting on every run, not on our own export.
import { readFileSync } from 'node:fs';
import { libreOfficeConvert, tempFile } from '../../extension/lib/manuscripts/validators.testing.ts';
import { manuscriptHtml } from './manuscript.ts';

const STYLE = `
body { font-family: 'Times New Roman', serif; font-size: 12pt; line-height: 200%; }
p { margin: 0; text-indent: 0.5in; }
h1 { font-size: 16pt; text-align: center; page-break-before: always; margin-top: 2in; }
p.title { font-size: 24pt; text-align: center; text-indent: 0; }
p.author { font-size: 14pt; text-align: center; font-style: italic; text-indent: 0; }
blockquote { margin: 0 0.75in; font-style: italic; }
`;

/** The manuscript as styled HTML: chapters as Heading 1, some emphasis in every paragraph, a quote and a list now and then. */
export function styledManuscript(words: number): string {
  let paragraph = 0;
  const body = manuscriptHtml(words)
    .replace(/<h2>(.*?)<\/h2>/g, '<h1>$1</h1>')
    .replace(/<p>(.*?)<\/p>/g, (_, text: string) => {
      paragraph++;
      const ws = text.split(' ');
      if (ws.length > 12) {
        ws[3] = `<em>${ws[3]}</em>`;
        ws[9] = `<strong>${ws[9]}</strong>`;
      }
      const p = `<p>${ws.join(' ')}</p>`;
      if (paragraph % 40 === 0) return `<blockquote><p>${ws.join(' ')}</p></blockquote>`;
      if (paragraph % 55 === 0) return `${p}<ol><li>${ws.slice(0, 6).join(' ')}</li><li>${ws.slice(6, 12).join(' ')}</li></ol>`;
      return p;
    });
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>The Long Book</title><style>${STYLE}</style></head>
<body><p class="title">The Long Book</p><p class="author">Bench Writer</p>${body}</body></html>`;
}

/** The DOCX LibreOffice writes from the styled manuscript (MS Word 2007 XML). */
export function wordLikeDocx(words: number): Uint8Array {
  const html = tempFile('The Long Book.html', styledManuscript(words));
  return new Uint8Array(readFileSync(libreOfficeConvert(html, 'docx:MS Word 2007 XML')));
}
