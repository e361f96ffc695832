// The side panel editor in real Chromium with the built extension: persistence, clipping, big books, the book manager
// and accessibility (issue 3).
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { seriousViolations } from './support/a11y.ts';
import { useChromiumPerFile } from './support/browser.ts';
import { localBook, putStoredBook, storedBook } from './support/books.ts';
import {
  bookIdInUrl,
  bookItem,
  bookWithSavedText,
  createBook,
  EDITOR,
  editorText,
  listedBookIds,
  sel,
  showList,
  typeAtEnd,
  waitForEditorText,
} from './support/panel.ts';
import { selectAndRead, servePages, type PageServer } from './support/page-server.ts';
import { until } from '../shared/wait.testing.ts';

const chromium = useChromiumPerFile();
let panel: Page;

beforeEach(async () => {
  panel = await chromium.openPanel();
});

/** The number a word-count label shows ("150,003 words" → 150003), whatever the locale's separators. */
async function shownWordCount(page: Page): Promise<number> {
  const label = await page.$eval(sel('word-count'), (el) => el.textContent ?? '');
  return Number(label.replace(/\D/g, ''));
}

describe('the side panel editor', () => {
  test('restores typed text from IndexedDB after the panel is reloaded', async () => {
    const id = await bookWithSavedText(panel, 'It was a dark and stormy night.');

    await panel.reload();
    await waitForEditorText(panel, 'It was a dark and stormy night.');
    expect(await bookIdInUrl(panel)).toBe(id);
    expect(await shownWordCount(panel)).toBe(7);
    const stored = await storedBook(panel, id);
    expect(stored).toMatchObject({ dirty: 1, revision: null, deleted: 0, metadata: { wordCount: 7 } });
  });

  test('loses nothing when the panel is closed right after the last keystroke', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, 'Words typed just before closing');
    const lastKeystroke = Date.now();
    await panel.close();
    expect(Date.now() - lastKeystroke).toBeLessThan(300);

    panel = await chromium.openPage(`sidepanel.html#/book/${id}`);
    await waitForEditorText(panel, 'Words typed just before closing');
    await until(async () => (await storedBook(panel, id))?.content.includes('Words typed just before closing'), {
      message: 'the text to be in IndexedDB after reopening',
    });
  });

  test('opens a 150,000-word book and accepts typing at its end', async () => {
    const paragraph = Array.from({ length: 100 }, (_, i) => `word${i % 10}`).join(' ');
    const content = Array.from({ length: 1500 }, () => `<p>${paragraph}</p>`).join('');
    expect(content.length).toBeGreaterThan(900_000);
    const book = localBook({ title: 'A very long novel', content });
    expect(book.metadata.wordCount).toBe(150_000);
    await putStoredBook(panel, book);

    await panel.goto(chromium.ext.extensionUrl(`sidepanel.html#/book/${book.id}`));
    await panel.waitForSelector(EDITOR, { timeout: 30_000 });
    await until(async () => (await shownWordCount(panel)) === 150_000, { timeout: 30_000, message: '150,000 words' });

    await typeAtEnd(panel, ' The end.');
    await waitForEditorText(panel, 'The end.', 30_000);
    await until(async () => (await shownWordCount(panel)) === 150_002, { timeout: 30_000, message: '150,002 words' });
    await until(async () => (await storedBook(panel, book.id))?.content.endsWith('The end.</p>'), {
      timeout: 30_000,
      message: 'the typed words to be saved at the end of the big book',
    });
  });
});

describe('clipping research', () => {
  const ARTICLE = `<!doctype html><html lang="en"><head><title>Tides &amp; Moons</title></head><body>
    <article><p id="quote">The <em>tide</em> turns at dawn, <a href="/glossary#tide">says</a> the almanac.
    <a href="javascript:alert(1)">Hostile link</a><img src="x" onerror="this.dataset.ran = 1"></p><p>Not selected.</p></article>
    </body></html>`;
  let site: PageServer;

  beforeAll(async () => {
    site = await servePages({ '/article': ARTICLE });
  });

  afterAll(async () => {
    await site?.close();
  });

  /**
   * Selects the quote on the article page and reads the selection with the extension's own page function (what the
   * context-menu click injects), then hands it to the background's clip entry point: a headless browser cannot
   * click a context menu, everything after the click is the real code.
   */
  async function clipQuote(bookId?: string): Promise<{ bookId: string; created: boolean; clipId: string }> {
    const article = await chromium.ext.browser.newPage();
    try {
      await article.goto(site.url('/article'));
      const selection = await selectAndRead(article, 'quote');
      return await chromium.ext.evaluateInWorker(
        (request) =>
          (
            globalThis as unknown as { __clip: (r: unknown) => Promise<{ bookId: string; created: boolean; clipId: string }> }
          ).__clip(request),
        { ...selection, bookId },
      );
    } finally {
      await article.close();
      if (!panel.isClosed()) await panel.bringToFront();
    }
  }

  /** What every clip of the quote must look like in the stored HTML (parsed by the browser, entities and all). */
  async function expectQuoteClipped(html: string) {
    expect(html).not.toMatch(/javascript:|onerror|<img|<script|Not selected/);
    const clip = await panel.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'text/html');
      const quote = doc.querySelector('blockquote');
      const citation = quote?.nextElementSibling;
      return {
        quote: quote?.textContent?.replace(/\s+/g, ' ').trim(),
        emphasis: quote?.querySelector('em')?.textContent,
        quoteLinks: Array.from(quote?.querySelectorAll('a[href]') ?? []).map((a) => a.getAttribute('href')),
        citationText: citation?.textContent,
        citationLinks: Array.from(citation?.querySelectorAll('a') ?? []).map((a) => [a.getAttribute('href'), a.textContent]),
      };
    }, html);
    expect(clip.quote).toContain('The tide turns at dawn, says the almanac.');
    expect(clip.emphasis).toBe('tide');
    expect(clip.quoteLinks).toEqual([site.url('/glossary#tide')]);
    // The reference (APA 7 by default) names the page and links its address.
    expect(clip.citationLinks).toEqual([[site.url('/article'), site.url('/article')]]);
    expect(clip.citationText).toContain('Tides & Moons');
    expect(clip.citationText).toContain(String(new Date().getFullYear()));
  }

  test('appends a clip to the book open in the panel at once, as a blockquote with a citation', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, 'My own notes.');

    const result = await clipQuote();
    expect(result).toMatchObject({ bookId: id, created: false });

    await panel.waitForSelector(`${EDITOR} blockquote em`);
    await waitForEditorText(panel, 'turns at dawn');
    const citation = await panel.$eval(`${EDITOR} blockquote + p`, (p) => p.textContent);
    expect(citation).toContain('Tides & Moons');
    expect(await editorText(panel)).toMatch(/^My own notes\./);
    await until(async () => (await storedBook(panel, id))?.content.includes('<blockquote>'), {
      message: 'the clip to be stored',
    });
    const stored = (await storedBook(panel, id))!;
    expect(stored.content).toMatch(/^<p>My own notes\.<\/p>/);
    await expectQuoteClipped(stored.content);
  });

  test('clips into a chosen book while the panel is closed', async () => {
    const id = await bookWithSavedText(panel, 'Chapter one.');
    await panel.close();

    expect(await clipQuote(id)).toMatchObject({ bookId: id, created: false });

    panel = await chromium.openPage(`sidepanel.html#/book/${id}`);
    await waitForEditorText(panel, 'turns at dawn');
    const stored = (await storedBook(panel, id))!;
    expect(stored.content).toMatch(/^<p>Chapter one\.<\/p>/);
    await expectQuoteClipped(stored.content);
  });
});

describe('the book manager', () => {
  test('renames a book and lists it under its new title', async () => {
    const id = await createBook(panel);
    const title = panel.locator(sel('book-title'));
    await title.click({ count: 3 });
    await panel.keyboard.type('The Renamed Manuscript');
    await until(async () => (await storedBook(panel, id))?.title === 'The Renamed Manuscript', {
      message: 'the new title to be saved',
    });

    await showList(panel);
    await panel.waitForSelector(bookItem(id));
    expect(await panel.$eval(bookItem(id), (el) => el.textContent)).toContain('The Renamed Manuscript');
  });

  test('deletes a book and brings it back with undo', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, 'Precious chapter');
    await panel.locator(sel('book-more')).click();
    await panel.locator(sel('delete-book')).click();

    await panel.waitForSelector(sel('book-list'));
    await until(async () => !(await listedBookIds(panel)).includes(id), { message: 'the book to leave the list' });

    await panel.locator(sel('undo-delete')).click();
    await waitForEditorText(panel, 'Precious chapter');
    expect(await bookIdInUrl(panel)).toBe(id);
    await showList(panel);
    await until(async () => (await listedBookIds(panel)).includes(id), { message: 'the book to be listed again' });
    expect(await storedBook(panel, id)).toMatchObject({ deleted: 0 });
  });

  test('lists books most recently edited first and finds them by title', async () => {
    const stored = [
      localBook({ title: 'Gardening for Pirates', content: '<p>a</p>', updatedAt: Date.now() - 3000 }),
      localBook({ title: 'The Pirate Queen', content: '<p>b</p>', updatedAt: Date.now() - 2000 }),
      localBook({ title: 'Quiet Mornings', content: '<p>c</p>', updatedAt: Date.now() - 1000 }),
    ];
    for (const book of stored) await putStoredBook(panel, book);
    await panel.reload();
    await panel.waitForSelector(bookItem(stored[0]!.id));

    const order = (await listedBookIds(panel)).filter((id) => stored.some((b) => b.id === id));
    expect(order).toEqual([stored[2]!.id, stored[1]!.id, stored[0]!.id]);

    await panel.locator(sel('book-search')).fill('pirate');
    await until(async () => (await listedBookIds(panel)).length === 2, { message: 'two pirate books' });
    expect(new Set(await listedBookIds(panel))).toEqual(new Set([stored[0]!.id, stored[1]!.id]));
  });
});

describe('accessibility', () => {
  test('the book list has no serious accessibility violations', async () => {
    await putStoredBook(panel, localBook({ title: 'An accessible book', content: '<p>Hello</p>' }));
    await panel.reload();
    await panel.waitForSelector(sel('book-item'));
    expect(await seriousViolations(panel)).toEqual([]);
  });

  test('the editor has no serious accessibility violations', async () => {
    await createBook(panel);
    await typeAtEnd(panel, 'Accessible words');
    expect(await seriousViolations(panel)).toEqual([]);
  });

  test('the sync settings have no serious accessibility violations', async () => {
    await panel.locator(sel('open-settings')).click();
    await panel.waitForSelector(sel('server-url'));
    expect(await seriousViolations(panel)).toEqual([]);
  });
});
