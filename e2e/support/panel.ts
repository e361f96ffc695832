// Drives the side panel through its stable test handles (data-testid), the way a writer would use it.
import type { Page } from 'puppeteer';
import { storedBook } from './books.ts';
import { until } from '../../shared/wait.testing.ts';

const BOOK_HASH = /#\/book\/([0-9a-f-]{36})$/i;

export const sel = (testId: string) => `[data-testid="${testId}"]`;
export const EDITOR = `${sel('editor')} .ProseMirror`;

/** Clicks "New book" and waits until its editor is ready; returns the new book's id. */
export async function createBook(page: Page): Promise<string> {
  await page.locator(sel('new-book')).click();
  await page.waitForSelector(EDITOR);
  return bookIdInUrl(page);
}

/**
 * The id of the book the page shows (the route lives in the URL hash). Read from the page itself: under Firefox BiDi,
 * Puppeteer reports extension pages' url() as about:blank.
 */
export async function bookIdInUrl(page: Page): Promise<string> {
  const match = await until(async () => BOOK_HASH.exec(await page.evaluate(() => location.href)), {
    message: 'a #/book/<id> route',
  });
  return match[1]!;
}

/** A new book holding `text`, typed and saved to IndexedDB; returns its id. */
export async function bookWithSavedText(page: Page, text: string): Promise<string> {
  const id = await createBook(page);
  await typeAtEnd(page, text);
  await until(async () => (await storedBook(page, id))?.content.includes(text), {
    message: `"${text}" to be saved`,
  });
  return id;
}

/** Puts the caret at the very end of the manuscript and types `text` with real key events. */
export async function typeAtEnd(page: Page, text: string): Promise<void> {
  await page.locator(EDITOR).click();
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  await page.keyboard.type(text);
}

/**
 * Pastes `html` at the caret, as copying from a word processor would: a paste event carrying text/html and
 * text/plain, which ProseMirror handles exactly like a real one (headless browsers have no system clipboard).
 */
export async function pasteHtml(page: Page, html: string, plain: string): Promise<void> {
  await page.$eval(
    EDITOR,
    (editor, data) => {
      const clipboard = new DataTransfer();
      clipboard.setData('text/html', data.html);
      clipboard.setData('text/plain', data.plain);
      const paste = new ClipboardEvent('paste', { clipboardData: clipboard, bubbles: true, cancelable: true });
      editor.dispatchEvent(paste);
      // Firefox drops clipboardData from a constructed event, so the editor never sees the text: insert it through
      // TipTap's own command, as a paste of that HTML would.
      if (!paste.defaultPrevented) (editor as HTMLElement & { editor: { commands: { insertContent(html: string): void } } }).editor.commands.insertContent(data.html);
    },
    { html, plain },
  );
}

export function editorText(page: Page): Promise<string> {
  return page.$eval(EDITOR, (el) => el.textContent ?? '');
}

export async function waitForEditorText(page: Page, expected: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (selector, text) => document.querySelector(selector)?.textContent?.includes(text) ?? false,
    { timeout },
    EDITOR,
    expected,
  );
}

/** Book ids in the order the list shows them. */
export function listedBookIds(page: Page): Promise<string[]> {
  return page.$$eval(sel('book-item'), (items) => items.map((item) => item.getAttribute('data-book-id') ?? ''));
}

export function bookItem(id: string): string {
  return `${sel('book-item')}[data-book-id="${id}"]`;
}

/** Back to the book list (the route lives in the hash, as the "Back to books" button sets it). */
export async function showList(page: Page): Promise<void> {
  await page.evaluate(() => {
    location.hash = '#/';
  });
  await page.waitForSelector(sel('book-list'));
}
