// Manuscripts in and out through the UI in real Chromium with the built extension (issue 14): every export format
// through a real download, validated with the same tools as the unit tests; printing prints the manuscript only;
// importing a DOCX made by LibreOffice; backing up 20 books and restoring them into a fresh profile.
import { copyFile, readFile } from 'node:fs/promises';
import { strFromU8, unzipSync } from 'fflate';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blockLines, parseBlocks, wordsOf } from '../extension/lib/manuscripts/document.ts';
import { SAMPLE_BOOK, SAMPLE_PROBES, generatedBook } from '../extension/lib/manuscripts/sample.testing.ts';
import { epubcheck, inOrder, libreOfficeConvert, pandocRead, pdfText, tempFile } from '../extension/lib/manuscripts/validators.testing.ts';
import { exportBook } from '../extension/lib/manuscripts/export.ts';
import { seriousViolations } from './support/a11y.ts';
import { launchWithExtension, type ExtensionBrowser } from './support/browser.ts';
import { localBook, putStoredBook, storedBooks } from './support/books.ts';
import { catchDownloads, type Downloads } from './support/downloads.ts';
import { EDITOR, bookIdInUrl, sel, typeAtEnd, waitForEditorText } from './support/panel.ts';
import { until } from '../shared/wait.testing.ts';

let ext: ExtensionBrowser;
let downloads: Downloads;
let panel: Page;
const book = localBook({ ...SAMPLE_BOOK, id: SAMPLE_BOOK.id });
const lines = blockLines(parseBlocks(SAMPLE_BOOK.content)).map((l) => l.replace(/\s+/g, ' ').trim());
/** The sample quotes one source, so an export ends with it by default (the interface is English; the book's style APA). */
const withSources = [...lines, 'References', '— Veinte mil leguas, 12 mar 2026'];
const words = wordsOf(lines.join(' '));

beforeAll(async () => {
  ext = await launchWithExtension();
  downloads = await catchDownloads(ext.browser);
  panel = await ext.openPanel();
  await panel.waitForSelector(sel('book-list'));
  await putStoredBook(panel, book);
  await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${book.id}`));
  await waitForEditorText(panel, 'Voces lejanas');
});

afterAll(async () => {
  await downloads?.close();
  await ext?.close();
});

/** Opens the editor's export form: its button sits in the book's ⋯ menu, away from everyday controls. */
async function openExport(page: Page) {
  if (!(await page.$(`${sel('book-more')}[open], details[open] > ${sel('book-more')}`))) await page.locator(sel('book-more')).click();
  await page.locator(sel('export-book')).click();
  // The form loads when first opened.
  await page.waitForSelector(sel('export-format'));
}

/** Chooses `format` in the editor's export form and downloads it; returns the file under its suggested name. */
async function exportFromEditor(format: string, options: { pdfStyle?: string } = {}) {
  if (!(await panel.$(sel('export-format')))) await openExport(panel);
  await panel.select(sel('export-format'), format);
  if (options.pdfStyle) await panel.select(sel('export-pdf-style'), options.pdfStyle);
  const download = await downloads.next(() => panel.locator(sel('export-confirm')).click());
  await panel.waitForSelector(`${sel('export-status')}[role="status"]`);
  // Validators read the file by its extension.
  const path = tempFile(download.filename, download.bytes);
  await copyFile(download.path, path);
  return { ...download, path };
}

describe('exporting a book from the editor', () => {
  test('offers the six formats', async () => {
    await openExport(panel);
    const values = await panel.$$eval(`${sel('export-format')} option`, (options) => options.map((o) => (o as HTMLOptionElement).value));
    expect(values.sort()).toEqual(['docx', 'epub', 'html', 'md', 'pdf', 'txt']);
    await panel.select(sel('export-format'), 'pdf');
    expect(await seriousViolations(panel, '.book-bar')).toEqual([]);
  });

  test('EPUB downloads and passes epubcheck', async () => {
    const file = await exportFromEditor('epub');
    expect(file.filename).toBe('La Ciudad & el Mar.epub');
    const check = epubcheck(file.path);
    expect(check.ok, check.report).toBe(true);
    expect(pandocRead(file.path, 'epub').lines.slice(2)).toEqual(withSources);
  });

  test('DOCX downloads and converts with pandoc to the book’s text and headings', async () => {
    const file = await exportFromEditor('docx');
    const reading = pandocRead(file.path, 'docx');
    expect(reading.lines.filter((l) => l !== '* * *')).toEqual(withSources);
    expect(reading.headings.map(([level]) => level)).toEqual([1, 2, 1, 1]);
    expect(reading.meta.title).toBe(SAMPLE_BOOK.title);
  });

  test.each(['manuscript', 'book'])('PDF (%s) downloads with every word in order, in real text', async (pdfStyle) => {
    const file = await exportFromEditor('pdf', { pdfStyle });
    const text = pdfText(file.path);
    expect(inOrder(words, text)).toEqual({ ok: true });
    for (const probe of SAMPLE_PROBES) expect(text).toContain(probe);
  });

  test('Markdown, HTML and plain text download with the text and headings', async () => {
    const md = await exportFromEditor('md');
    expect(pandocRead(md.path, 'markdown-smart').lines).toEqual(withSources);
    const html = await exportFromEditor('html');
    expect(pandocRead(html.path, 'html').headings.map(([, text]) => text)).toEqual(['Capítulo uno: La llegada', 'Una escena', 'Capítulo dos: Voces lejanas', 'References']);
    const txt = await exportFromEditor('txt');
    expect(inOrder(words, new TextDecoder().decode(txt.bytes))).toEqual({ ok: true });
  });
});

describe('the sources at the end of an export', () => {
  test('are offered, and on, for a book that cites sources; off, the file holds the book alone', async () => {
    if (!(await panel.$(sel('export-format')))) await openExport(panel);
    const option = await panel.waitForSelector(sel('export-bibliography'));
    expect(await option!.evaluate((el) => (el as HTMLInputElement).checked)).toBe(true);
    expect(await option!.evaluate((el) => el.closest('label')?.textContent)).toContain('(1)');
    await option!.click();
    const md = await exportFromEditor('md');
    expect(pandocRead(md.path, 'markdown-smart').lines).toEqual(lines);
    await option!.click();
  });

  test('are not offered for a book that cites none (and a Markdown export tells what it keeps as HTML)', async () => {
    const bare = localBook({ title: 'Sin fuentes', content: '<h1>Uno</h1><p>Nada citado aquí.</p><ol type="a"><li><p>primero</p></li></ol>' });
    await putStoredBook(panel, bare);
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${bare.id}`));
    await waitForEditorText(panel, 'Nada citado aquí.');
    await openExport(panel);
    // The form is busy until the worker has counted the sources.
    await panel.waitForSelector('form.export-form[aria-busy="false"]');
    await panel.select(sel('export-format'), 'md');
    const file = await downloads.next(() => panel.locator(sel('export-confirm')).click());
    expect(new TextDecoder().decode(file.bytes)).not.toMatch(/References|Bibliography|Works Cited/);
    expect(await panel.$(sel('export-bibliography'))).toBeNull();
    // The lettered list is kept as HTML in the Markdown, and the writer is told.
    expect(new TextDecoder().decode(file.bytes)).toContain('<ol type="a">');
    const status = await panel.waitForSelector(`${sel('export-status')}[role="status"]`);
    expect(await status!.evaluate((el) => el.textContent)).toBe(
      'Downloaded “Sin fuentes.md”. Markdown has no lettered or roman numbering, so lists numbered that way (1) are kept as HTML inside the file.',
    );
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${book.id}`));
    await waitForEditorText(panel, 'Voces lejanas');
  });
});

describe('the book’s language', () => {
  const entry = (zip: Uint8Array, path: string) => strFromU8(unzipSync(zip)[path]!);

  test('is chosen in the ⋯ menu, any BCP 47 code included, and written into the exported files', async () => {
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${book.id}`));
    await waitForEditorText(panel, 'Voces lejanas');
    if (!(await panel.$(sel('book-language')))) await panel.locator(sel('book-more')).click();
    await panel.select(sel('book-language'), 'es');
    await until(async () => (await storedBooks(panel)).find((b) => b.id === book.id)?.metadata.language === 'es', { message: 'the language stored' });
    const html = await exportFromEditor('html');
    expect(new TextDecoder().decode(html.bytes)).toContain('<html lang="es">');

    await panel.select(sel('book-language'), 'other');
    const code = await panel.waitForSelector(sel('book-language-code'));
    await code!.type('Spanish!');
    await code!.press('Enter');
    await panel.waitForSelector(sel('book-language-invalid'));
    await code!.click({ count: 3 });
    await code!.type('pt-br');
    await code!.press('Enter');
    await until(async () => (await storedBooks(panel)).find((b) => b.id === book.id)?.metadata.language === 'pt-BR', { message: 'the code stored' });
    expect(await panel.$(sel('book-language-invalid'))).toBeNull();
    const epub = await exportFromEditor('epub');
    expect(entry(epub.bytes, 'OEBPS/content.opf')).toContain('<dc:language>pt-BR</dc:language>');
    const check = epubcheck(epub.path);
    expect(check.ok, check.report).toBe(true);

    await panel.select(sel('book-language'), '');
    await until(async () => (await storedBooks(panel)).find((b) => b.id === book.id)?.metadata.language === null, { message: 'the language cleared' });
    expect(await seriousViolations(panel, '.book-bar')).toEqual([]);
  });

  test('sets the quotes typing makes in the book (Spanish « » in an English interface)', async () => {
    const spanish = localBook({ title: 'Comillas', content: '<p>Dijo:</p>', metadata: { wordCount: 1, charCount: 5, language: 'es' } });
    await putStoredBook(panel, spanish);
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${spanish.id}`));
    await waitForEditorText(panel, 'Dijo:');
    await typeAtEnd(panel, ' "hola"');
    await waitForEditorText(panel, 'Dijo: «hola»');
  });
});

describe('making a novel’s PDF', () => {
  const novel = localBook({ ...generatedBook(150_000, 7), id: crypto.randomUUID() });

  /** Opens the novel in the editor with the export form set to PDF. */
  async function openNovelExport(): Promise<void> {
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${novel.id}`));
    await waitForEditorText(panel, 'Capítulo 50');
    if (!(await panel.$(sel('export-format')))) await openExport(panel);
    await panel.select(sel('export-format'), 'pdf');
  }

  beforeAll(async () => {
    await putStoredBook(panel, novel);
  });

  test('the page answers typing while the file is made, with progress shown, and the file holds the book', async () => {
    await openNovelExport();
    const download = downloads.next(async () => {
      await panel.locator(sel('export-confirm')).click();
      await panel.waitForSelector(`${sel('export-progress')}[value]`);
      // Typing in the editor while the worker lays out 150,000 words: the letters must show before the file is done.
      await panel.focus(EDITOR);
      await panel.keyboard.type('Qzx');
      const seen = await panel.waitForFunction(
        (editor, progress) => {
          if (!document.querySelector(editor)?.textContent?.includes('Qzx')) return false;
          const bar = document.querySelector(progress) as HTMLProgressElement | null;
          return { exporting: !!bar, progress: bar?.value ?? null };
        },
        { polling: 'mutation' },
        EDITOR,
        sel('export-progress'),
      );
      const at = (await seen.jsonValue()) as { exporting: boolean; progress: number | null };
      expect(at.exporting, 'the typing showed only after the export had finished').toBe(true);
      expect(at.progress).toBeLessThan(1);
    }, 180_000);
    const file = await download;
    expect(file.filename).toBe(`${novel.title}.pdf`);
    const text = pdfText(tempFile('novel.pdf', file.bytes));
    expect(inOrder(wordsOf(blockLines(parseBlocks(novel.content)).join(' ')), text)).toEqual({ ok: true });
    await panel.waitForSelector(`${sel('export-status')}[role="status"]`);
  }, 240_000);

  test('Stop ends the work at once: the worker is gone and nothing is downloaded', async () => {
    await openNovelExport();
    const before = downloads.begun();
    await panel.locator(sel('export-confirm')).click();
    await panel.waitForSelector(sel('export-progress'));
    await until(async () => (await panel.workers()).length > 0, { timeout: 20_000, message: 'the export worker to start' });
    await panel.locator(sel('export-cancel')).click();
    const status = await panel.waitForSelector(`${sel('export-status')}[role="status"]`);
    expect(await status!.evaluate((el) => el.textContent)).toBe('Export stopped. Nothing was downloaded.');
    await until(async () => (await panel.workers()).length === 0, { timeout: 10_000, message: 'the export worker to end' });
    expect(await panel.$(sel('export-progress'))).toBeNull();
    expect(downloads.begun()).toBe(before);
    // The form is ready for another try.
    expect(await panel.$eval(sel('export-confirm'), (el) => (el as HTMLButtonElement).disabled)).toBe(false);
  }, 120_000);
});

describe('exporting from the book list', () => {
  test('downloads the chosen book', async () => {
    await panel.evaluate(() => {
      location.hash = '#/';
    });
    const row = `${sel('book-list')} li:has([data-book-id="${book.id}"])`;
    await panel.locator(`${row} ${sel('export-book')}`).click();
    await panel.waitForSelector(`${row} ${sel('export-format')}`);
    await panel.select(`${row} ${sel('export-format')}`, 'txt');
    const file = await downloads.next(() => panel.locator(`${row} ${sel('export-confirm')}`).click());
    expect(file.filename).toBe('La Ciudad & el Mar.txt');
    expect(inOrder(words, new TextDecoder().decode(file.bytes))).toEqual({ ok: true });
  });
});

describe('printing the full-tab editor', () => {
  test('prints the title and the manuscript, and none of the interface', async () => {
    await panel.goto(ext.extensionUrl(`sidepanel.html?view=tab#/book/${book.id}`));
    await panel.waitForSelector(EDITOR);
    await waitForEditorText(panel, 'Voces lejanas');
    const pdf = await panel.pdf({ format: 'A4' });
    const text = pdfText(tempFile('printed.pdf', pdf));
    expect(inOrder(words, text)).toEqual({ ok: true });
    expect(text).toContain(SAMPLE_BOOK.title);
    const ui = await panel.$$eval('button, label > span', (els) => els.map((el) => el.textContent?.trim() ?? '').filter((s) => s.length > 3));
    expect(ui.length).toBeGreaterThan(5);
    for (const label of ui) expect(text, `"${label}" printed`).not.toContain(label);
    // The control: the same page rendered for the screen does show the interface.
    await panel.emulateMediaType('screen');
    const onScreen = pdfText(tempFile('screen.pdf', await panel.pdf({ format: 'A4' })));
    await panel.emulateMediaType();
    // (Most controls are a glyph beside a screen-reader name, or sit in closed menus: a few plain labels show.)
    expect(ui.filter((label) => onScreen.includes(label)).length).toBeGreaterThanOrEqual(3);
  });
});

describe('importing a manuscript', () => {
  test('a DOCX made by LibreOffice becomes a new book with its headings, and the writer is told what was not kept', async () => {
    const html = await exportBook(SAMPLE_BOOK, 'html', { language: 'es' });
    const docx = libreOfficeConvert(tempFile('Manuscrito de prueba.html', html.bytes), 'docx:MS Word 2007 XML');
    await panel.goto(ext.extensionUrl('sidepanel.html'));
    await panel.waitForSelector(sel('book-list'));
    const before = (await storedBooks(panel)).length;
    await panel.locator(sel('import-book')).click();
    const input = (await panel.waitForSelector(sel('import-file'))) as ElementHandle<HTMLInputElement>;
    expect(await seriousViolations(panel, '.library-tools')).toEqual([]);
    await input.uploadFile(docx);
    await panel.waitForSelector(sel('import-report'));
    expect(await panel.$eval(sel('import-not-kept'), (el) => el.textContent)).toBeTruthy();
    await panel.locator(sel('import-open')).click();
    await waitForEditorText(panel, 'Voces lejanas');
    const id = await bookIdInUrl(panel);
    const books = await storedBooks(panel);
    expect(books).toHaveLength(before + 1);
    const imported = books.find((b) => b.id === id)!;
    const headings = parseBlocks(imported.content).filter((b) => b.kind === 'heading').map((b) => (b.kind === 'heading' ? b.level : 0));
    expect(headings).toEqual([1, 2, 1]);
    expect(inOrder(words, blockLines(parseBlocks(imported.content)).join(' '))).toEqual({ ok: true });
  });
});

describe('adding a file to the open book', () => {
  test('appends a Markdown file at the end of the book in the editor, and says what was kept', async () => {
    const id = await (async () => {
      await panel.goto(ext.extensionUrl('sidepanel.html'));
      await panel.waitForSelector(sel('book-list'));
      const book = localBook({ title: 'Apéndice', content: '<p>Texto de antes.</p>' });
      await putStoredBook(panel, book);
      await panel.goto(ext.extensionUrl(`sidepanel.html#/book/${book.id}`));
      await waitForEditorText(panel, 'Texto de antes.');
      return book.id;
    })();
    const md = tempFile('extra.md', '## Nota final\n\nUna línea *más*.\n');
    const input = (await panel.waitForSelector(sel('append-file'))) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(md);
    await waitForEditorText(panel, 'Una línea más.');
    expect(await panel.$eval(sel('append-status'), (el) => el.getAttribute('role'))).toBe('status');
    const stored = (await storedBooks(panel)).find((b) => b.id === id)!;
    expect(blockLines(parseBlocks(stored.content))).toEqual(['Texto de antes.', 'Nota final', 'Una línea más.']);
  });
});

describe('backing up every book', () => {
  test('20 books backed up in one archive come back identical in a fresh profile, and a second restore adds nothing', async () => {
    const source = await launchWithExtension();
    const target = await launchWithExtension();
    const sourceDownloads = await catchDownloads(source.browser);
    try {
      const page = await source.openPanel();
      await page.waitForSelector(sel('book-list'));
      const books = Array.from({ length: 20 }, (_, i) => localBook({ ...generatedBook(300 + i * 50, i + 1), id: crypto.randomUUID(), author: `Autora ${i}` }));
      books[0] = localBook({ ...SAMPLE_BOOK, id: SAMPLE_BOOK.id });
      for (const book of books) await putStoredBook(page, book);
      await page.reload();
      await page.waitForSelector(sel('book-item'));
      const archive = await sourceDownloads.next(() => page.locator(sel('backup-all')).click());
      expect(archive.filename).toMatch(/^anclora-press-backup-\d{4}-\d{2}-\d{2}\.zip$/);
      const path = tempFile(archive.filename, await readFile(archive.path));

      const fresh = await target.openPanel();
      await fresh.waitForSelector(sel('book-list'));
      expect(await storedBooks(fresh)).toHaveLength(0);
      /** Restores the archive through the file input; resolves once the summary matching `summary` shows. */
      const restore = async (summary: RegExp) => {
        const input = (await fresh.waitForSelector(sel('restore-backup'))) as ElementHandle<HTMLInputElement>;
        await input.uploadFile(path);
        await fresh.waitForFunction(
          (selector, pattern) => new RegExp(pattern).test(document.querySelector(selector)?.textContent ?? ''),
          {},
          `${sel('library-status')}[role="status"]`,
          summary.source,
        );
      };
      // "20 books added, 0 already here, 0 kept beside a different version."
      await restore(/\b20\D+\b0\D+\b0\b/);
      const pick = (b: { id: string; title: string; author: string; content: string; createdAt: number; updatedAt: number }) =>
        [b.id, b.title, b.author, b.content, b.createdAt, b.updatedAt].join('\u0000');
      const restored = await storedBooks(fresh);
      expect(restored.map(pick).sort()).toEqual(books.map(pick).sort());
      await fresh.waitForFunction((s) => document.querySelectorAll(s).length === 20, {}, sel('book-item'));

      await restore(/\b0\D+\b20\D+\b0\b/);
      expect(await storedBooks(fresh)).toHaveLength(20);
    } finally {
      await sourceDownloads.close();
      await source.close();
      await target.close();
    }
  });
});
