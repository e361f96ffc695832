// Manuscripts in and out in Firefox ESR (WebDriver BiDi) with the built add-on (issue 14): a DOCX exported through a
// real download converts with pandoc; a PDF made in the export worker holds every word; a backup of every book restores into a fresh profile, twice without duplicates.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { blockLines, parseBlocks, wordsOf } from '../extension/lib/manuscripts/document.ts';
import { SAMPLE_BOOK, generatedBook } from '../extension/lib/manuscripts/sample.testing.ts';
import { inOrder, pandocRead, pdfText } from '../extension/lib/manuscripts/validators.testing.ts';
import { localBook, putStoredBook, storedBooks } from './support/books.ts';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './support/firefox.ts';
import { bookItem, sel, waitForEditorText } from './support/panel.ts';
import { until } from '../shared/wait.testing.ts';

/** Firefox saves downloads into `dir` without asking. */
const downloadPrefs = (dir: string) => ({
  'browser.download.dir': dir,
  'browser.download.folderList': 2,
  'browser.download.useDownloadDir': true,
  'browser.download.always_ask_before_handling_new_types': false,
  'browser.download.start_downloads_in_tmp_dir': false,
});

/** The path of the finished download named `name` (matching) in `dir`, once Firefox has finished writing it. */
async function downloaded(dir: string, name: RegExp): Promise<string> {
  return until(
    async () => {
      const files = await readdir(dir);
      // Firefox writes a .part file beside the target until the download is complete, and creates the target empty
      // first: a moment may list the empty target before its .part appears.
      const done = files.find((f) => name.test(f) && !files.includes(`${f}.part`));
      return done && (await stat(join(dir, done))).size > 0 ? join(dir, done) : undefined;
    },
    { timeout: 60_000, message: `a download named ${name} in ${dir}` },
  );
}

let dir: string;
let firefox: FirefoxWithExtension;
let tab: Page;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'anclora-firefox-downloads-'));
  firefox = await launchFirefoxWithExtension(undefined, downloadPrefs(dir));
  tab = await firefox.editorTab();
});

afterAll(async () => {
  await firefox?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('manuscripts in and out in Firefox', () => {
  test('exports a DOCX through a real download that pandoc reads as the book', async () => {
    await putStoredBook(tab, localBook({ ...SAMPLE_BOOK, id: SAMPLE_BOOK.id }));
    await tab.evaluate(() => location.reload());
    await tab.locator(bookItem(SAMPLE_BOOK.id)).click();
    await waitForEditorText(tab, 'Voces lejanas');
    await tab.locator(sel('book-more')).click();
    await tab.locator(sel('export-book')).click();
    await tab.waitForSelector(sel('export-format'));
    await tab.select(sel('export-format'), 'docx');
    await tab.locator(sel('export-confirm')).click();
    const path = await downloaded(dir, /^La Ciudad & el Mar.*\.docx$/);
    const reading = pandocRead(path, 'docx');
    // The sample quotes one source: the file ends with it (on by default), as "References" (APA, English interface).
    const lines = blockLines(parseBlocks(SAMPLE_BOOK.content)).map((l) => l.replace(/\s+/g, ' ').trim());
    expect(reading.lines.filter((l) => l !== '* * *')).toEqual([...lines, 'References', '— Veinte mil leguas, 12 mar 2026']);
    expect(reading.headings.map(([level]) => level)).toEqual([1, 2, 1, 1]);
  });

  test('makes a PDF in the export worker, with progress, every word in order', async () => {
    await tab.select(sel('export-format'), 'pdf');
    await tab.locator(sel('export-confirm')).click();
    await tab.waitForSelector(sel('export-progress'));
    const path = await downloaded(dir, /^La Ciudad & el Mar.*\.pdf$/);
    const text = pdfText(path);
    expect(inOrder(wordsOf(blockLines(parseBlocks(SAMPLE_BOOK.content)).join(' ')), text)).toEqual({ ok: true });
    expect(text).toContain('References');
    // Firefox also opens a downloaded PDF in a tab of its own viewer: the add-on's tab comes back to the front.
    await tab.bringToFront();
  });

  test('backs up 20 books and restores them into a fresh profile; a second restore adds nothing', async () => {
    const books = [localBook({ ...SAMPLE_BOOK, id: SAMPLE_BOOK.id })];
    for (let i = 1; i < 20; i++) books.push(localBook({ ...generatedBook(200 + i * 40, i + 1), id: crypto.randomUUID() }));
    for (const book of books) await putStoredBook(tab, book);
    await tab.evaluate(() => {
      location.hash = '#/';
      location.reload();
    });
    await tab.waitForSelector(sel('backup-all'));
    await tab.locator(sel('backup-all')).click();
    const archive = await downloaded(dir, /^anclora-press-backup-\d{4}-\d{2}-\d{2}.*\.zip$/);
    const backedUp = await storedBooks(tab);
    expect(backedUp).toHaveLength(20);

    const fresh = await launchFirefoxWithExtension();
    try {
      const page = await fresh.editorTab();
      expect(await storedBooks(page)).toHaveLength(0);
      const restore = async (summary: RegExp) => {
        const input = (await page.waitForSelector(sel('restore-backup'))) as ElementHandle<HTMLInputElement>;
        await input.uploadFile(archive);
        await until(async () => summary.test(await page.$eval(sel('library-status'), (el) => el.textContent ?? '').catch(() => '')), {
          timeout: 30_000,
          message: `the restore summary ${summary}`,
        });
      };
      await restore(/\b20\D+\b0\D+\b0\b/);
      const pick = (b: { id: string; title: string; author: string; content: string; updatedAt: number }) =>
        [b.id, b.title, b.author, b.content, b.updatedAt].join('\u0000');
      expect((await storedBooks(page)).map(pick).sort()).toEqual(backedUp.map(pick).sort());
      await restore(/\b0\D+\b20\D+\b0\b/);
      expect(await storedBooks(page)).toHaveLength(20);
    } finally {
      await fresh.close();
    }
  });
});
