// The writing room in Firefox ESR (WebDriver BiDi) with the built add-on (issue 13): the outline jumps to a chapter,
// themes switch and persist, the book manager's search opens a book at its match, and no badge before sign-in.
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { localBook, putStoredBook } from './support/books.ts';
import { useFirefoxPerFile } from './support/firefox.ts';
import { EDITOR, sel, typeAtEnd } from './support/panel.ts';
import { until } from '../shared/wait.testing.ts';

/** `browser` inside functions evaluated in the add-on's pages. */
declare const browser: typeof import('wxt/browser').browser;

// BiDi refuses to navigate to moz-extension:// URLs: the tab the add-on opens on install is the way in.
const firefox = useFirefoxPerFile();

/** Where the caret is (the chapter heading before it) and how far that heading is from the top of the manuscript. */
function caretChapter(page: Page, heading: string) {
  return page.evaluate((text) => {
    const view = (document.querySelector('.ProseMirror') as unknown as { editor: { view: any } }).editor.view;
    const at = view.domAtPos(view.state.selection.head).node as Node;
    let block = (at instanceof Element ? at : at.parentElement)?.closest('.ProseMirror > *') ?? null;
    while (block && block.tagName !== 'H2') block = block.previousElementSibling;
    const box = document.querySelector('.manuscript')!.getBoundingClientRect();
    const h = Array.from(document.querySelectorAll('.ProseMirror h2')).find((el) => el.textContent === text)!;
    return { chapter: block?.textContent ?? null, top: h.getBoundingClientRect().top - box.top };
  }, heading);
}

async function goTo(page: Page, hash: string): Promise<void> {
  await page.evaluate((h) => {
    location.hash = h;
  }, hash);
}

describe('the writing room in Firefox', () => {
  const chapter = (c: number) => `<h2>Chapter ${c}</h2>` + `<p>${Array.from({ length: 100 }, (_, i) => `f${c}w${i % 9}`).join(' ')}</p>`.repeat(10);
  const book = localBook({ title: 'A Firefox Novel', content: Array.from({ length: 40 }, (_, i) => chapter(i + 1)).join('') });

  test('jumps to chapter 30 from the outline', async () => {
    const tab = firefox.editorTab;
    await putStoredBook(tab, book);
    // Stored outside Dexie: reload so the page reads it.
    await tab.evaluate((id) => {
      location.hash = `#/book/${id}`;
      location.reload();
    }, book.id);
    await tab.waitForSelector(EDITOR, { timeout: 30_000 });
    if (!(await tab.$(sel('outline')))) await tab.locator(sel('toggle-outline')).click();
    // Counted in the page: element handles fetched over BiDi every few ms slow Firefox's page down to a stall.
    await tab.waitForFunction((entry) => document.querySelectorAll(entry).length === 40, { timeout: 30_000, polling: 100 }, sel('outline-entry'));
    const entry = (await tab.$$(sel('outline-entry')))[29]!;
    expect(await entry.evaluate((el) => el.textContent)).toMatch(/^Chapter 30/);
    await entry.click();
    await until(async () => {
      const place = await caretChapter(tab, 'Chapter 30');
      return place.chapter === 'Chapter 30' && Math.abs(place.top) < 40;
    }, { message: 'chapter 30 at the top with the caret in it' });
  });

  test('switches themes and keeps them after a reload', async () => {
    const tab = firefox.editorTab;
    await tab.locator(sel('toggle-display')).click();
    await tab.locator(sel('theme-sepia')).click();
    await until(async () => tab.evaluate(() => getComputedStyle(document.documentElement).backgroundColor === 'rgb(245, 237, 218)'), {
      message: 'a sepia page',
    });
    await tab.evaluate(() => location.reload());
    await tab.waitForSelector(EDITOR, { timeout: 30_000 });
    expect(await tab.evaluate(() => document.documentElement.dataset.theme)).toBe('sepia');
    await tab.locator(sel('toggle-display')).click();
    await tab.locator(sel('theme-dark')).click();
    await until(async () => tab.evaluate(() => document.documentElement.dataset.theme === 'dark'), { message: 'dark' });
  });

  test('finds a word of chapter 17 from the book list and opens the book there', async () => {
    const tab = firefox.editorTab;
    await goTo(tab, '#/');
    await tab.waitForSelector(sel('book-search'));
    await tab.locator(sel('book-search')).fill('f17w4');
    await until(async () => (await tab.$$eval(`${sel('book-snippet')} mark`, (els) => els.map((el) => el.textContent))).join() === 'f17w4', {
      timeout: 30_000,
      message: 'the match in the list',
    });
    await tab.locator(`${sel('book-item')}[data-book-id="${book.id}"]`).click();
    await tab.waitForSelector(EDITOR, { timeout: 30_000 });
    await until(async () => (await caretChapter(tab, 'Chapter 17')).chapter === 'Chapter 17', { message: 'the caret in chapter 17' });
  });

  test('puts no badge on the toolbar button before sign-in, however many books wait', async () => {
    const tab = firefox.editorTab;
    await tab.waitForSelector(EDITOR, { timeout: 30_000 });
    await typeAtEnd(tab, ' Not yet on any server.');
    await until(
      async () =>
        tab.evaluate(async () => (((await browser.storage.local.get('syncStatus')).syncStatus as { pendingCount?: number } | undefined)?.pendingCount ?? 0) >= 1),
      { message: 'the background to count the edited book' },
    );
    // MV2: the background page sets the badge on browserAction (Firefox's promise form).
    type BadgeReader = { getBadgeText(details: object): Promise<string> };
    expect(await tab.evaluate(() => (browser.browserAction as unknown as BadgeReader).getBadgeText({}))).toBe('');
  });
});
