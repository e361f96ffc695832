import { execFileSync } from 'node:child_process';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { blockLines, parseBlocks, wordsOf, type BookForExport } from './document.ts';
import { exportBook, type ExportFormat, type ExportOptions } from './export.ts';
import { formatCitation } from '../clipping/citation-style.ts';
import { citedBook, SAMPLE_BOOK, SAMPLE_PROBES, SAMPLE_SOURCES, generatedBook } from './sample.testing.ts';
import { epubcheck, inOrder, libreOfficeConvert, packagedPdfFonts, pandocRead, pdfPages, pdfText, tempFile, TEST_PDF_LABELS } from './validators.testing.ts';

const OPTIONS: ExportOptions = { language: 'es', pdfFonts: packagedPdfFonts, pdfLabels: TEST_PDF_LABELS, now: new Date('2026-11-29T10:00:00Z') };
const SLOW = 120_000;

const blocks = parseBlocks(SAMPLE_BOOK.content);
/** The book's text, one line per paragraph or heading, as a reader of any format should find it. */
const expectedLines = blockLines(blocks).map((l) => l.replace(/\s+/g, ' ').trim());
const expectedHeadings: Array<[number, string]> = [
  [1, 'Capítulo uno: La llegada'],
  [2, 'Una escena'],
  [1, 'Capítulo dos: Voces lejanas'],
];
const allWords = wordsOf(expectedLines.join(' '));

/** One file of a zip (EPUB, DOCX) as text. */
const entry = (zip: Uint8Array, path: string) => strFromU8(unzipSync(zip)[path]!);

async function exported(format: ExportFormat, options: Partial<ExportOptions> = {}, book: BookForExport = SAMPLE_BOOK) {
  const file = await exportBook(book, format, { ...OPTIONS, ...options });
  return { ...file, path: tempFile(file.filename, file.bytes) };
}

describe('exported manuscripts pass the real validators', () => {
  it('EPUB 3 passes epubcheck with no error and no warning, and holds the text with its headings', async () => {
    const file = await exported('epub');
    const check = epubcheck(file.path);
    expect(check.ok, check.report).toBe(true);
    const reading = pandocRead(file.path, 'epub');
    expect(reading.lines).toEqual([SAMPLE_BOOK.title, SAMPLE_BOOK.author, ...expectedLines]);
    expect(reading.headings).toEqual(expectedHeadings);
    expect(reading.meta.title).toBe(SAMPLE_BOOK.title);
    expect(reading.meta.creator ?? reading.meta.author).toContain(SAMPLE_BOOK.author);
  }, SLOW);

  it('EPUB of a book with no heading still has a table of contents and passes epubcheck', async () => {
    const file = await exported('epub', {}, { ...SAMPLE_BOOK, content: '<p>Solo un párrafo.</p>' });
    const check = epubcheck(file.path);
    expect(check.ok, check.report).toBe(true);
  }, SLOW);

  it('DOCX converts with pandoc to the book’s text, headings, marks and title page', async () => {
    const file = await exported('docx');
    const reading = pandocRead(file.path, 'docx');
    expect(reading.meta.title).toBe(SAMPLE_BOOK.title);
    expect(reading.meta.author).toBe(SAMPLE_BOOK.author);
    expect(reading.lines.filter((l) => l !== '* * *')).toEqual(expectedLines);
    expect(reading.headings).toEqual(expectedHeadings);
    expect(reading.marks).toEqual(
      expect.arrayContaining(['Emph:cuaderno', 'Strong:urgentes', 'Underline:subrayado', 'Strikeout:tachado', 'Link:enlace:https://example.org/mapa']),
    );
  }, SLOW);

  it('DOCX opens in LibreOffice (headless conversion to PDF keeps every word in order)', async () => {
    const file = await exported('docx');
    const pdf = libreOfficeConvert(file.path, 'pdf');
    const result = inOrder(allWords, pdfText(pdf));
    expect(result).toEqual({ ok: true });
  }, SLOW);

  it('standalone HTML reads in pandoc as the same text, headings and marks', async () => {
    const file = await exported('html');
    const html = new TextDecoder().decode(file.bytes);
    expect(html).not.toMatch(/<(script|link|img)\b/);
    const reading = pandocRead(file.path, 'html');
    expect(reading.lines).toEqual([SAMPLE_BOOK.title, SAMPLE_BOOK.author, ...expectedLines]);
    expect(reading.headings).toEqual(expectedHeadings);
    expect(reading.marks).toEqual(expect.arrayContaining(['Emph:cuaderno', 'Strong:urgentes', 'Underline:subrayado', 'Strikeout:tachado']));
  }, SLOW);

  it('Markdown reads in pandoc as the same text and headings, with the title and author as metadata', async () => {
    const file = await exported('md');
    const reading = pandocRead(file.path, 'markdown-smart');
    expect(reading.lines).toEqual(expectedLines);
    expect(reading.headings).toEqual(expectedHeadings);
    expect(reading.meta).toMatchObject({ title: SAMPLE_BOOK.title, author: SAMPLE_BOOK.author, lang: 'es' });
    expect(reading.marks).toEqual(expect.arrayContaining(['Emph:cuaderno', 'Strong:urgentes', 'Strikeout:tachado']));
  }, SLOW);

  it('plain text holds every paragraph in order', async () => {
    const file = await exported('txt');
    const text = new TextDecoder().decode(file.bytes);
    expect(text.startsWith(`${SAMPLE_BOOK.title}\n${SAMPLE_BOOK.author}\n`)).toBe(true);
    let from = 0;
    for (const line of expectedLines) {
      const at = text.indexOf(line.split(' ').slice(0, 3).join(' '), from);
      expect(at, line).toBeGreaterThanOrEqual(from);
      from = at;
    }
    expect(inOrder(allWords, text)).toEqual({ ok: true });
  });

  it.each(['manuscript', 'book'] as const)('PDF (%s style) holds every word in order as real text, accents and other scripts included', async (pdfStyle) => {
    const file = await exported('pdf', { pdfStyle });
    const text = pdfText(file.path);
    expect(inOrder(allWords, text)).toEqual({ ok: true });
    for (const probe of SAMPLE_PROBES) expect(text).toContain(probe);
  }, SLOW);

  it('manuscript-format PDF: title page with the word count, running head, a plausible page count', async () => {
    const book = generatedBook(12_000);
    const file = await exported('pdf', { pdfStyle: 'manuscript' }, book);
    const text = pdfText(file.path);
    const words = wordsOf(blockLines(parseBlocks(book.content)).join(' '));
    expect(inOrder(words, text)).toEqual({ ok: true });
    expect(text).toContain('about 12,000 words');
    expect(text).toContain('Autora / Novela de 12000 palabras / 2');
    // Manuscript format runs about 250 words a page (double-spaced 12 pt); each chapter also starts a page.
    const pages = pdfPages(file.path);
    expect(pages).toBeGreaterThanOrEqual(12_000 / 400);
    expect(pages).toBeLessThanOrEqual(12_000 / 200 + 5);
  }, SLOW);
});

describe('a book with a table (the editor keeps tables)', () => {
  const withTable = {
    ...SAMPLE_BOOK,
    content: '<h1>Datos</h1><p>Antes de la tabla.</p><table><tbody><tr><th>Nombre</th><th>Ciudad</th></tr><tr><td>Ana</td><td><em>Málaga</em></td></tr></tbody></table><p>Después.</p>',
  };

  it('exports it as a table to EPUB (epubcheck passes), DOCX and HTML, and as rows of text elsewhere', async () => {
    const epub = await exported('epub', {}, withTable);
    const check = epubcheck(epub.path);
    expect(check.ok, check.report).toBe(true);
    const docx = await exported('docx', {}, withTable);
    const plain = execFileSync('pandoc', ['-f', 'docx', '-t', 'html', docx.path], { encoding: 'utf8' });
    expect(plain).toMatch(/<table[\s\S]*Nombre[\s\S]*Ciudad[\s\S]*Ana[\s\S]*<em>Málaga<\/em>[\s\S]*<\/table>/);
    const html = new TextDecoder().decode((await exported('html', {}, withTable)).bytes);
    expect(html).toContain('<tr><th>Nombre</th><th>Ciudad</th></tr>');
    const txt = new TextDecoder().decode((await exported('txt', {}, withTable)).bytes);
    expect(txt).toContain('Nombre | Ciudad\nAna | Málaga');
    const pdf = pdfText((await exported('pdf', {}, withTable)).path);
    expect(inOrder(['Antes', 'de', 'la', 'tabla.', 'Nombre', '|', 'Ciudad', 'Ana', '|', 'Málaga', 'Después.'], pdf)).toEqual({ ok: true });
    const md = new TextDecoder().decode((await exported('md', {}, withTable)).bytes);
    expect(md).toContain('<table>');
  }, SLOW);
});

describe('the bibliography that ends an export, and the book’s language', () => {
  const book = citedBook({ style: 'mla', language: 'es' });
  const bookLines = blockLines(parseBlocks(book.content)).map((l) => l.replace(/\s+/g, ' ').trim());
  const choice = { style: 'mla', language: 'es' } as const;
  /** The three references as the book writes them, in alphabetical order. */
  const references = [SAMPLE_SOURCES.article, SAMPLE_SOURCES.undated, SAMPLE_SOURCES.page].map((s) =>
    blockLines(parseBlocks(`<p>${formatCitation(s, choice)}</p>`))[0]!.replace(/\s+/g, ' ').trim(),
  );
  const withSources = [...bookLines, 'Obras citadas', ...references];
  const withBib = { bibliography: true, language: 'en' };

  it('EPUB: a last chapter in the contents, epubcheck clean, language from the book', async () => {
    const file = await exported('epub', withBib, book);
    const check = epubcheck(file.path);
    expect(check.ok, check.report).toBe(true);
    const reading = pandocRead(file.path, 'epub');
    expect(reading.lines).toEqual([book.title, book.author, ...withSources]);
    expect(reading.headings.at(-1)).toEqual([1, 'Obras citadas']);
    expect(entry(file.bytes, 'OEBPS/content.opf')).toContain('<dc:language>es</dc:language>');
    expect(reading.marks).toEqual(expect.arrayContaining(['Emph:Journal of Coasts', 'Link:es.wikipedia.org/wiki/Faro:https://es.wikipedia.org/wiki/Faro']));
  }, SLOW);

  it('DOCX: the references in Word’s Bibliography style after their heading, the runs in the book’s language', async () => {
    const file = await exported('docx', withBib, book);
    const reading = pandocRead(file.path, 'docx');
    expect(reading.lines).toEqual(withSources);
    expect(reading.headings.at(-1)).toEqual([1, 'Obras citadas']);
    expect(entry(file.bytes, 'word/styles.xml')).toMatch(/<w:docDefaults>.*<w:lang w:val="es"\/>.*<\/w:docDefaults>/s);
    const xml = entry(file.bytes, 'word/document.xml');
    expect(xml.match(/<w:pStyle w:val="Bibliography"\/>/g)).toHaveLength(3);
    const pdf = libreOfficeConvert(file.path, 'pdf');
    expect(inOrder(wordsOf(withSources.join(' ')), pdfText(pdf))).toEqual({ ok: true });
  }, SLOW);

  it('HTML, Markdown and plain text end with the heading and the references', async () => {
    const html = await exported('html', withBib, book);
    expect(pandocRead(html.path, 'html').lines).toEqual([book.title, book.author, ...withSources]);
    expect(new TextDecoder().decode(html.bytes)).toContain('<html lang="es">');
    const md = await exported('md', withBib, book);
    expect(pandocRead(md.path, 'markdown-smart').lines).toEqual(withSources);
    const txt = new TextDecoder().decode((await exported('txt', withBib, book)).bytes);
    expect(inOrder(wordsOf(withSources.join(' ')), txt)).toEqual({ ok: true });
  }, SLOW);

  it.each(['manuscript', 'book'] as const)('PDF (%s): the bibliography is real text after the book, in order', async (pdfStyle) => {
    const text = pdfText((await exported('pdf', { ...withBib, pdfStyle }, book)).path);
    expect(inOrder(wordsOf(withSources.join(' ')), text)).toEqual({ ok: true });
  }, SLOW);

  it('is left out when not asked for', async () => {
    const reading = pandocRead((await exported('docx', { language: 'en' }, book)).path, 'docx');
    expect(reading.lines).toEqual(bookLines);
  }, SLOW);
});
