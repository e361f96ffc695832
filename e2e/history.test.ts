// Version history end to end (issue 12 item 1), the built extension in real Chromium against the real server: a book
// written on one device and edited on another shows both versions with the changes between them, and restoring the
// older one brings it back on both devices (itself in history); signed out, the device's own snapshots are listed with
// a line saying where the server's history is. The view is axe-clean and reachable by keyboard.
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { seriousViolations } from './support/a11y.ts';
import { storedBook } from './support/books.ts';
import { bookItem, bookWithSavedText, EDITOR, sel, typeAtEnd, waitForEditorText } from './support/panel.ts';
import { useSyncWorld } from './support/sync-ui.ts';

/** The engine syncs within 2 s of an edit; a manual sync (the badge) runs at once. */
const SYNC_TIMEOUT = 20_000;

const world = useSyncWorld();

function historyEntry(source: 'server' | 'device', revision?: number): string {
  return `${sel('history-entry')}[data-source="${source}"]${revision === undefined ? '' : `[data-revision="${revision}"]`}`;
}

function waitForEditorWithout(page: Page, text: string): Promise<unknown> {
  return page.waitForFunction(
    (selector, gone) => {
      const editor = document.querySelector(selector);
      return editor !== null && !(editor.textContent ?? '').includes(gone);
    },
    { timeout: SYNC_TIMEOUT },
    EDITOR,
    text,
  );
}

describe('version history', () => {
  test('both versions with the changes between them; restoring the older one brings it back on both devices', async () => {
    const { checker, laptop, tablet } = await world.signedInPair();

    const id = await bookWithSavedText(laptop.panel, 'The tide came in over the salt marsh.');
    await until(async () => (await checker.book(id))?.content.includes('salt marsh'), { timeout: SYNC_TIMEOUT, message: 'the book on the server' });
    await tablet.panel.locator(sel('sync-status')).click();
    await tablet.panel.locator(bookItem(id)).click();
    await waitForEditorText(tablet.panel, 'salt marsh');
    await typeAtEnd(tablet.panel, ' Gulls wheeled overhead.');
    await until(async () => (await checker.book(id))?.content.includes('Gulls wheeled'), { timeout: SYNC_TIMEOUT, message: 'the edit on the server' });
    await laptop.panel.locator(sel('sync-status')).click();
    await waitForEditorText(laptop.panel, 'Gulls wheeled', SYNC_TIMEOUT);

    // From the keyboard, in the editor: Ctrl+Alt+H opens the history.
    await laptop.panel.locator(EDITOR).click();
    await laptop.panel.keyboard.down('Control');
    await laptop.panel.keyboard.down('Alt');
    await laptop.panel.keyboard.press('KeyH');
    await laptop.panel.keyboard.up('Alt');
    await laptop.panel.keyboard.up('Control');
    await laptop.panel.waitForSelector(sel('history-view'));
    // The server's version 1 (written here), and this browser's own snapshot of it, kept when the pull replaced it.
    const serverEntry = await laptop.panel.waitForSelector(historyEntry('server', 1), { timeout: SYNC_TIMEOUT });
    expect(await serverEntry!.evaluate((el) => el.textContent)).toMatch(/\+\d+ −\d+ words/);
    expect(await laptop.panel.$eval(historyEntry('device', 1), (el) => el.textContent)).toContain('this browser');
    expect(await seriousViolations(laptop.panel, sel('history-view'))).toEqual([]);

    await serverEntry!.click();
    const diff = await laptop.panel.waitForSelector(`${sel('history-diff')} ins`, { timeout: SYNC_TIMEOUT });
    // What was added since this version: the tablet's sentence.
    expect(await diff!.evaluate((el) => el.textContent)).toContain('Gulls wheeled overhead.');
    await laptop.panel.locator(sel('history-show-text')).click();
    await laptop.panel.waitForFunction((selector) => document.querySelector(selector)?.textContent?.includes('salt marsh'), {}, `${sel('history-text')} .ProseMirror`);
    expect(await laptop.panel.$eval(sel('history-text'), (el) => el.textContent)).not.toContain('Gulls');
    expect(await laptop.panel.$eval(`${sel('history-text')} .ProseMirror`, (el) => el.getAttribute('contenteditable'))).toBe('false');
    expect(await seriousViolations(laptop.panel, sel('history-view'))).toEqual([]);

    await laptop.panel.locator(sel('history-restore')).click();
    await waitForEditorText(laptop.panel, 'salt marsh');
    await waitForEditorWithout(laptop.panel, 'Gulls');
    await until(async () => {
      const book = await checker.book(id);
      return book && book.revision === 3 && !book.content.includes('Gulls');
    }, { timeout: SYNC_TIMEOUT, message: 'the restore on the server' });
    await until(async () => {
      const book = await storedBook(laptop.panel, id);
      return book?.dirty === 0 && book.revision === 3;
    }, { timeout: SYNC_TIMEOUT, message: 'the laptop to take the server\'s answer to its restore' });

    // The tablet, editor still open, takes the restore in; its own version is now in history, from the ⋯ menu.
    await tablet.panel.locator(sel('sync-status')).click();
    await waitForEditorWithout(tablet.panel, 'Gulls');
    await tablet.panel.locator(sel('book-more')).click();
    await tablet.panel.locator(sel('open-history')).click();
    await tablet.panel.waitForSelector(historyEntry('server', 2), { timeout: SYNC_TIMEOUT });
  });

  test('signed out, the device\'s own snapshots are listed with a line saying where the server\'s history is', async () => {
    const device = await world.device();
    const page = device.panel;
    await bookWithSavedText(page, 'Words only this browser has.');
    await page.locator(sel('book-more')).click();
    await page.focus(sel('open-history'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(sel('history-view'));
    const view = await page.$eval(sel('history-view'), (el) => el.textContent);
    expect(view).toContain('Sign in to sync');
    expect(view).toContain('No earlier versions yet.');
    expect(await seriousViolations(page, sel('history-view'))).toEqual([]);
    // Escape goes back to the book.
    await page.keyboard.press('Escape');
    await waitForEditorText(page, 'Words only this browser has.');
  });
});
