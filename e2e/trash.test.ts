// The trash end to end (issue 12 item 3), the built extension in real Chromium against the real server: a book deleted
// on one device is restored from the trash on another and comes back on both; a book that never reached the server
// survives a panel reload in the trash; the trash view is axe-clean and usable from the keyboard.
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { seriousViolations } from './support/a11y.ts';
import { ApiClient } from './support/api.ts';
import { storedBook } from './support/books.ts';
import { bookItem, bookWithSavedText, sel, waitForEditorText } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings, useSyncWorld } from './support/sync-ui.ts';

/** The engine syncs within 2 s of an edit; a manual sync (the badge) runs at once. */
const SYNC_TIMEOUT = 20_000;

const world = useSyncWorld();

/** Deletes the open book from the editor's ⋯ menu (where deleting sits, away from everyday buttons). */
async function deleteOpenBook(page: Page): Promise<void> {
  await page.locator(sel('book-more')).click();
  await page.locator(sel('delete-book')).click();
  await page.waitForSelector(sel('book-list'));
}

function trashItem(id: string): string {
  return `${sel('trash-item')}[data-book-id="${id}"]`;
}

describe('the trash', () => {
  test('a book deleted on device A is restored from the trash on device B, and is back on both', async () => {
    const { checker, laptop, tablet } = await world.signedInPair();

    const id = await bookWithSavedText(laptop.panel, 'The tide came in over the salt marsh.');
    await until(async () => (await checker.book(id))?.content.includes('salt marsh'), { timeout: SYNC_TIMEOUT, message: 'the book on the server' });
    await tablet.panel.locator(sel('sync-status')).click();
    await tablet.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });

    // Still open in the laptop's editor.
    await deleteOpenBook(laptop.panel);
    await until(async () => (await checker.book(id))?.deleted, { timeout: SYNC_TIMEOUT, message: 'the deletion on the server' });

    // The tablet learns of the deletion: the book leaves its list for its trash, text and all.
    await tablet.panel.locator(sel('sync-status')).click();
    await until(async () => (await tablet.panel.$(bookItem(id))) === null, { timeout: SYNC_TIMEOUT, message: 'the book to leave the list' });
    await tablet.panel.locator(sel('open-trash')).click();
    const item = await tablet.panel.waitForSelector(trashItem(id));
    expect(await item!.evaluate((el) => el.textContent)).toContain('on another device');
    expect(await seriousViolations(tablet.panel, sel('trash-view'))).toEqual([]);

    await tablet.panel.locator(`${trashItem(id)} ${sel('restore-book')}`).click();
    await waitForEditorText(tablet.panel, 'salt marsh');
    await until(async () => {
      const book = await checker.book(id);
      return book && !book.deleted && book.content.includes('salt marsh');
    }, { timeout: SYNC_TIMEOUT, message: 'the restored book on the server' });

    // Back on the device that deleted it, and gone from its trash.
    await laptop.panel.locator(sel('sync-status')).click();
    await laptop.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });
    expect(await storedBook(laptop.panel, id)).toMatchObject({ deleted: 0, dirty: 0 });
    expect(await laptop.panel.$eval(sel('open-trash'), (el) => el.textContent)).toContain('(0)');
  });

  test('a device signed in after the deletion finds the book in the server\'s trash and restores it', async () => {
    const account = newAccount();
    const checker = await ApiClient.signUp(world.serverUrl, account.email, account.password);
    const laptop = await world.device();
    await signInThroughSettings(laptop.panel, laptop.network.url, account);
    await closeSettings(laptop.panel);
    const id = await bookWithSavedText(laptop.panel, 'Chapter one, written on the old laptop.');
    await until(async () => (await checker.book(id))?.content.includes('old laptop'), { timeout: SYNC_TIMEOUT, message: 'the book on the server' });
    await deleteOpenBook(laptop.panel);
    await until(async () => (await checker.book(id))?.deleted, { timeout: SYNC_TIMEOUT, message: 'the deletion on the server' });

    // A new device: it never held the book, so only the server's trash knows its text.
    const desktop = await world.device();
    await signInThroughSettings(desktop.panel, desktop.network.url, account);
    await closeSettings(desktop.panel);
    await desktop.panel.locator(sel('open-trash')).click();
    const item = await desktop.panel.waitForSelector(`${trashItem(id)}[data-on-server="true"]`, { timeout: SYNC_TIMEOUT });
    expect(await item!.evaluate((el) => el.textContent)).toMatch(/on another device.*29 days left/);
    expect(await seriousViolations(desktop.panel, sel('trash-view'))).toEqual([]);
    await desktop.panel.locator(`${trashItem(id)} ${sel('restore-book')}`).click();
    await waitForEditorText(desktop.panel, 'old laptop');
    await until(async () => {
      const book = await checker.book(id);
      return book && !book.deleted && book.content.includes('old laptop');
    }, { timeout: SYNC_TIMEOUT, message: 'the restored book on the server' });
  });

  test('a book that never reached a server survives a panel reload in the trash, and comes back from the keyboard', async () => {
    const device = await world.device();
    const page = device.panel;
    const id = await bookWithSavedText(page, 'Words only this browser has.');
    await deleteOpenBook(page);
    await page.reload();
    await page.waitForSelector(sel('book-list'));
    expect(await page.$(bookItem(id))).toBeNull();

    // Keyboard only: focus the way to the trash, then Restore.
    await page.focus(sel('open-trash'));
    await page.keyboard.press('Enter');
    await page.waitForSelector(trashItem(id));
    expect(await page.$eval(trashItem(id), (el) => el.textContent)).toMatch(/on this browser.*29 days left/);
    expect(await seriousViolations(page, sel('trash-view'))).toEqual([]);
    const focusedRestore = await until(async () => {
      await page.keyboard.press('Tab');
      return page.evaluate((selector) => document.activeElement?.closest(selector) !== null && document.activeElement?.getAttribute('data-testid') === 'restore-book', trashItem(id));
    }, { message: 'Tab to reach Restore' });
    expect(focusedRestore).toBe(true);
    await page.keyboard.press('Enter');
    await waitForEditorText(page, 'Words only this browser has.');
    expect(await storedBook(page, id)).toMatchObject({ deleted: 0, dirty: 1, revision: null });
  });

  test('emptying the trash asks once, and cancelling keeps every book', async () => {
    const device = await world.device();
    const page = device.panel;
    for (const words of ['First doomed draft.', 'Second doomed draft.']) {
      await bookWithSavedText(page, words);
      await deleteOpenBook(page);
    }
    await page.locator(sel('open-trash')).click();
    await until(async () => (await page.$$(sel('trash-item'))).length === 2, { message: 'two books in the trash' });
    await page.locator(sel('empty-trash')).click();
    expect(await page.$eval(sel('trash-confirm'), (el) => el.textContent)).toContain('Delete 2 books forever?');
    expect(await seriousViolations(page, sel('trash-view'))).toEqual([]);
    await page.locator(sel('trash-confirm-no')).click();
    expect(await page.$$(sel('trash-item'))).toHaveLength(2);
    await page.locator(sel('empty-trash')).click();
    await page.locator(sel('trash-confirm-yes')).click();
    await until(async () => (await page.$$(sel('trash-item'))).length === 0, { message: 'an empty trash' });
  });
});
