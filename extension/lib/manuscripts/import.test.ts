import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALLOWED_TAGS } from '../../../shared/html-policy.ts';
import { blockLines, parseBlocks, type Block, type Inline } from './document.ts';
import { exportBook, type ExportFormat } from './export.ts';
import { ImportError, importFormatOf, importManuscript, textToHtml } from './import.ts';
import { SAMPLE_BOOK } from './sample.testing.ts';
import { libreOfficeConvert, tempFile } from './validators.testing.ts';

const SLOW = 120_000;
const UNDERLINE_KEPT = (ALLOWED_TAGS as readonly string[]).includes('u');
const TABLES_KEPT = (ALLOWED_TAGS as readonly string[]).includes('table');

/** Blocks as the policy keeps them (underline only if the policy allows <u>). */
function kept(blocks: Block[]): Block[] {
  const inlines = (list: Inline[]): Inline[] => {
    const out: Inline[] = [];
    for (const i of list) {
      const next = i.kind === 'text' && !UNDERLINE_KEPT && i.marks.underline ? { ...i, marks: { ...i.marks, underline: undefined } } : i;
      if (next.kind === 'text') delete (next.marks as { underline?: true }).underline;
      const last = out.at(-1);
      if (next.kind === 'text' && last?.kind === 'text' && JSON.stringify(last.marks) === JSON.stringify(next.marks)) out[out.length - 1] = { ...last, text: last.text + next.text };
      else out.push(next);
    }
    return out;
  };
  return blocks.map((b) => {
    switch (b.kind) {
      case 'heading':
      case 'paragraph':
        return { ...b, inlines: UNDERLINE_KEPT ? b.inlines : inlines(b.inlines) };
      case 'quote':
        return { ...b, blocks: kept(b.blocks) };
      case 'list':
        return { ...b, items: b.items.map(kept) };
      default:
        return b;
    }
  });
}

async function roundTrip(format: ExportFormat) {
  const file = await exportBook(SAMPLE_BOOK, format, { language: 'es' });
  return importManuscript(file.filename, file.bytes);
}

const original = parseBlocks(SAMPLE_BOOK.content);

describe('importing manuscripts', () => {
  it('Markdown round-trips: export then import gives the same text, structure, marks, title and author', async () => {
    const imported = await roundTrip('md');
    expect(imported).toMatchObject({ title: SAMPLE_BOOK.title, author: SAMPLE_BOOK.author, language: 'es' });
    expect(kept(parseBlocks(imported.content))).toEqual(kept(original));
    expect(imported.dropped).toEqual(UNDERLINE_KEPT ? [] : [{ kind: 'formatting', count: 1 }]);
  });

  it('Markdown keeps lettered and roman lists (as HTML blocks, nested ones too) through export and import, and says so', async () => {
    const content =
      '<p>Pasos:</p><ol type="a" start="3"><li><p>cortar <em>el</em> pan</p><ol type="i"><li><p>fino</p></li><li><p>grueso</p></li></ol></li><li><p>servir</p></li></ol>' +
      '<ol><li><p>uno</p><ol type="I"><li><p>dentro</p></li></ol></li></ol><blockquote><ol type="A"><li><p>citado</p></li></ol></blockquote>';
    const file = await exportBook({ ...SAMPLE_BOOK, content }, 'md', { language: 'es' });
    expect(file.listsAsHtml).toBe(3);
    const imported = await importManuscript(file.filename, file.bytes);
    expect(parseBlocks(imported.content)).toEqual(parseBlocks(content));
    expect(imported.dropped).toEqual([]);
    const md = new TextDecoder().decode(file.bytes);
    expect(md).toContain('<ol start="3" type="a">');
    expect((await exportBook(SAMPLE_BOOK, 'md', { language: 'es' })).listsAsHtml).toBeUndefined();
  });

  it('standalone HTML round-trips to the same blocks, its title page read as title and author', async () => {
    const imported = await roundTrip('html');
    expect(imported).toMatchObject({ title: SAMPLE_BOOK.title, author: SAMPLE_BOOK.author, language: 'es' });
    expect(kept(parseBlocks(imported.content))).toEqual(kept(original));
  });

  it('our DOCX imports with the same text by block, headings, quotes, lists, marks, title and author', async () => {
    const imported = await roundTrip('docx');
    expect(imported).toMatchObject({ title: SAMPLE_BOOK.title, author: SAMPLE_BOOK.author, language: 'es' });
    expect(kept(parseBlocks(imported.content))).toEqual(kept(original));
    expect(imported.content).toContain('<em>cuaderno</em>');
    expect(imported.content).toContain('<strong>urgentes</strong>');
    expect(imported.content).toContain('<a href="https://example.org/mapa">enlace</a>');
    expect(imported.content).toMatch(/<(s|del|strike)>tachado<\/(s|del|strike)>/);
  }, SLOW);

  it('a DOCX made by LibreOffice from a manuscript imports with its headings and text', async () => {
    const html = await exportBook(SAMPLE_BOOK, 'html', { language: 'es' });
    const docx = libreOfficeConvert(tempFile('manuscrito.html', html.bytes), 'docx:MS Word 2007 XML');
    const { readFileSync } = await import('node:fs');
    const imported = await importManuscript('manuscrito.docx', new Uint8Array(readFileSync(docx)));
    // The document's default language as LibreOffice wrote it (its own locale's: it does not carry over the HTML's lang).
    expect(imported.language).toMatch(/^[a-z]{2,3}-[A-Z]{2}$/);
    const blocks = parseBlocks(imported.content);
    expect(blocks.filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? b.level : 0))).toEqual([1, 2, 1]);
    // LibreOffice writes emphasis as the Emphasis character style and quotes as its Quotations paragraph style.
    expect(imported.content).toContain('<em>cuaderno</em>');
    expect(imported.content).toContain('<strong>urgentes</strong>');
    expect(imported.content).toMatch(/<blockquote><p>El mar es todo\./);
    const text = blockLines(blocks).join(' ');
    for (const line of blockLines(original)) expect(text).toContain(line.split(' ').slice(0, 4).join(' '));
  }, SLOW);

  it('lists what a DOCX held that a manuscript cannot: images, tables, comments, footnotes (their text kept)', async () => {
    const md = tempFile('source.md', [
      '# Capítulo',
      '',
      'Texto con una nota.[^1] Y un [comentario]{.comment-start id="0" author="Editora"}aquí[]{.comment-end id="0"}.',
      '',
      '![Un mapa](mapa.png)',
      '',
      '| Nombre | Edad |',
      '|--------|------|',
      '| Ana    | 31   |',
      '',
      '[^1]: El texto de la nota al pie.',
      '',
    ].join('\n'));
    // A 1×1 PNG for the image.
    writeFileSync(join(dirname(md), 'mapa.png'), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    const docx = join(dirname(md), 'source.docx');
    execFileSync('pandoc', ['-f', 'markdown', '-t', 'docx', '--resource-path', dirname(md), '-o', docx, md]);
    const { readFileSync } = await import('node:fs');
    const imported = await importManuscript('source.docx', new Uint8Array(readFileSync(docx)));
    const dropped = Object.fromEntries(imported.dropped.map((d) => [d.kind, d.count]));
    expect(dropped).toMatchObject({ image: 1, comment: 1, footnote: 1 });
    expect(imported.content).toContain('El texto de la nota al pie.');
    if (TABLES_KEPT) {
      expect(dropped.table).toBeUndefined();
      expect(imported.content).toMatch(/<table>[\s\S]*Nombre[\s\S]*Edad[\s\S]*Ana[\s\S]*31[\s\S]*<\/table>/);
    } else {
      expect(dropped.table).toBe(1);
      expect(imported.content).toContain('<p>Nombre | Edad</p><p>Ana | 31</p>');
    }
    expect(imported.content).not.toMatch(/<(img|sup)\b/);
    expect(imported.content).not.toContain('Editora');
  }, SLOW);

  it('HTML from elsewhere keeps headings and text, drops scripts, images, frames, and says so', async () => {
    const html = '<html lang="en"><head><title>Notes</title><script>alert(1)</script></head><body><h2>Part</h2><p>Hi <img src="x.png"> <b>there</b><sup>2</sup></p><iframe src="https://x.org"></iframe><p><a href="javascript:alert(1)">bad</a> <a href="https://ok.org">ok</a></p></body></html>';
    const imported = await importManuscript('notes.html', new TextEncoder().encode(html));
    expect(imported).toMatchObject({ title: 'Notes', language: 'en' });
    expect(imported.content).toBe('<h2>Part</h2><p>Hi  <b>there</b>2</p><p><a>bad</a> <a href="https://ok.org">ok</a></p>');
    expect(Object.fromEntries(imported.dropped.map((d) => [d.kind, d.count]))).toEqual({ image: 1, media: 1, formatting: 1 });
  });

  it('plain text: blank lines separate paragraphs, single line breaks stay; Windows-1252 files are read too', async () => {
    expect(textToHtml('Uno\r\ndos\r\n\r\n\r\nTres & <cuatro>\n')).toBe('<p>Uno<br>dos</p><p>Tres &amp; &lt;cuatro&gt;</p>');
    const latin1 = new Uint8Array([0x43, 0x61, 0x66, 0xe9]); // "Café" in Windows-1252
    expect((await importManuscript('café.txt', latin1)).content).toBe('<p>Café</p>');
  });

  it('refuses a file it cannot read, by its kind', async () => {
    expect(importFormatOf('libro.DOCX')).toBe('docx');
    expect(importFormatOf('libro.pages')).toBeNull();
    await expect(importManuscript('libro.pages', new Uint8Array())).rejects.toBeInstanceOf(ImportError);
    await expect(importManuscript('roto.docx', new TextEncoder().encode('not a zip'))).rejects.toMatchObject({ reason: 'unreadable' });
  });
});
