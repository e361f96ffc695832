// Version history in Firefox ESR (WebDriver BiDi) with the built add-on (issue 12 item 1): a book edited on another
// device shows its earlier version with the changes since, and restoring it is a new edit the server gets.
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { seriousViolations } from './support/a11y.ts';
import { ApiClient } from './support/api.ts';
import { useFirefoxWithServer } from './support/firefox.ts';
import { bookItem, EDITOR, sel, showList, waitForEditorText } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings } from './support/sync-ui.ts';

const SYNC_TIMEOUT = 20_000;

const world = useFirefoxWithServer();

describe('version history in Firefox', () => {
  test('the version another device replaced, with the changes since; restoring it reaches the server', async () => {
    const { editorTab: tab, server } = world;
    const account = newAccount();
    await showList(tab);
    await signInThroughSettings(tab, server.url, account, 'create-account');
    await closeSettings(tab);
    const other = await ApiClient.signIn(server.url, account.email, account.password);
    const id = crypto.randomUUID();
    const first = await other.put({ id, title: 'Harbour Lights', content: '<p>The lamps along the quay.</p>', updatedAt: Date.now() });
    await other.put({ id, title: 'Harbour Lights', content: '<p>The lamps along the quay went dark.</p>', updatedAt: Date.now(), baseRevision: first });
    await tab.locator(sel('sync-status')).click();
    await tab.locator(bookItem(id)).click();
    await waitForEditorText(tab, 'went dark', SYNC_TIMEOUT);

    await tab.locator(sel('book-more')).click();
    await tab.locator(sel('open-history')).click();
    const entry = await tab.waitForSelector(`${sel('history-entry')}[data-source="server"][data-revision="${first}"]`, { timeout: SYNC_TIMEOUT });
    await entry!.click();
    const added = await tab.waitForSelector(`${sel('history-diff')} ins`, { timeout: SYNC_TIMEOUT });
    expect(await added!.evaluate((el) => el.textContent)).toContain('went dark');
    expect(await seriousViolations(tab, sel('history-view'))).toEqual([]);

    await tab.locator(sel('history-restore')).click();
    await tab.waitForFunction((selector) => {
      const text = document.querySelector(selector)?.textContent ?? '';
      return text.includes('The lamps along the quay.') && !text.includes('went dark');
    }, { timeout: SYNC_TIMEOUT }, EDITOR);
    await until(async () => {
      const book = await other.book(id);
      return book && book.revision === first + 2 && !book.content.includes('went dark');
    }, { timeout: SYNC_TIMEOUT, message: 'the restore on the server' });
  });
});
