// The trash in Firefox ESR (WebDriver BiDi) with the built add-on (issue 12 item 3): a book that never reached a server
// survives a reload in the trash, and a book another device deleted is restored from the trash and is back on the
// server.
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { seriousViolations } from './support/a11y.ts';
import { ApiClient } from './support/api.ts';
import { storedBook } from './support/books.ts';
import { useFirefoxWithServer } from './support/firefox.ts';
import { bookItem, bookWithSavedText, sel, showList, waitForEditorText } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings } from './support/sync-ui.ts';
import type { Page } from 'puppeteer';

const SYNC_TIMEOUT = 20_000;

const world = useFirefoxWithServer();

const trashItem = (id: string) => `${sel('trash-item')}[data-book-id="${id}"]`;

async function openTrash(page: Page): Promise<void> {
  await showList(page);
  await page.locator(sel('open-trash')).click();
  await page.waitForSelector(sel('trash-view'));
}

describe('the trash in Firefox', () => {
  test('a book that never reached a server survives a reload in the trash and is restored', async () => {
    const tab = world.editorTab;
    const id = await bookWithSavedText(tab, 'Only Firefox holds these words.');
    await tab.locator(sel('book-more')).click();
    await tab.locator(sel('delete-book')).click();
    await tab.waitForSelector(sel('book-list'));
    await tab.evaluate(() => location.reload());
    await tab.waitForSelector(sel('book-list'));
    expect(await tab.$(bookItem(id))).toBeNull();

    await openTrash(tab);
    await tab.waitForSelector(trashItem(id));
    expect(await seriousViolations(tab, sel('trash-view'))).toEqual([]);
    await tab.locator(`${trashItem(id)} ${sel('restore-book')}`).click();
    await waitForEditorText(tab, 'Only Firefox holds these words.');
    expect(await storedBook(tab, id)).toMatchObject({ deleted: 0, revision: null });
  });

  test('a book deleted on another device is in the trash here with its text, and restoring it brings it back there', async () => {
    const { editorTab: tab, server } = world;
    const account = newAccount();
    await showList(tab);
    await signInThroughSettings(tab, server.url, account, 'create-account');
    await closeSettings(tab);
    const other = await ApiClient.signIn(server.url, account.email, account.password);
    const id = crypto.randomUUID();
    await other.put({ id, title: 'Harbour Lights', content: '<p>The lamps along the quay.</p>', updatedAt: Date.now() });
    await tab.locator(sel('sync-status')).click();
    await tab.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });

    await other.delete(id);
    await tab.locator(sel('sync-status')).click();
    await until(async () => (await tab.$(bookItem(id))) === null, { timeout: SYNC_TIMEOUT, message: 'the book to leave the list' });
    await openTrash(tab);
    const item = await tab.waitForSelector(trashItem(id));
    expect(await item!.evaluate((el) => el.textContent)).toMatch(/Harbour Lights.*on another device/);
    await tab.locator(`${trashItem(id)} ${sel('restore-book')}`).click();
    await waitForEditorText(tab, 'The lamps along the quay.');
    await until(async () => {
      const book = await other.book(id);
      return book && !book.deleted && book.content.includes('The lamps along the quay.');
    }, { timeout: SYNC_TIMEOUT, message: 'the restored book on the server' });
  });
});
