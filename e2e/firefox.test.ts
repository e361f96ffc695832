// The editor in Firefox ESR (WebDriver BiDi) with the built Firefox add-on: typing survives a reload, the background
// page clips into the open book and syncs with the real server.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ApiClient } from './support/api.ts';
import { storedBook } from './support/books.ts';
import { launchFirefoxWithExtension, type FirefoxWithExtension } from './support/firefox.ts';
import { selectAndRead, servePages, type PageServer } from './support/page-server.ts';
import { bookWithSavedText, EDITOR, showList, waitForEditorText } from './support/panel.ts';
import { startServer, type RunningServer } from './support/server.ts';
import { closeSettings, newAccount, signInThroughSettings, waitForSyncState } from './support/sync-ui.ts';
import { until } from '../shared/wait.testing.ts';

let firefox: FirefoxWithExtension;
let site: PageServer;
let server: RunningServer;
let tab: Page;

beforeAll(async () => {
  // Started side by side; each is assigned as soon as it runs, so afterAll stops whatever did start if one fails.
  const starting = await Promise.allSettled([
    startServer().then((started) => (server = started)),
    servePages({
      '/article': '<!doctype html><title>Harbour Log</title><p id="quote">Ships leave at <strong>noon</strong>.</p>',
    }).then((started) => (site = started)),
    launchFirefoxWithExtension().then((started) => (firefox = started)),
  ]);
  for (const outcome of starting) if (outcome.status === 'rejected') throw outcome.reason;
  // The extension opens its editor in a tab on first install, and that tab is the way in: BiDi refuses to navigate
  // to moz-extension:// URLs (see BROWSER-TESTING.md).
  tab = await firefox.editorTab();
});

afterAll(async () => {
  await firefox?.close();
  await site?.close();
  await server?.stop();
});

describe('the editor in Firefox', () => {
  test('keeps typed text across a reload of the editor tab', async () => {
    const id = await bookWithSavedText(tab, 'Written in Firefox.');

    // The page reloads itself, for the same reason it could not be opened with goto.
    await tab.evaluate(() => location.reload());
    await waitForEditorText(tab, 'Written in Firefox.');
    expect(await storedBook(tab, id)).toMatchObject({ dirty: 1, deleted: 0, metadata: { wordCount: 3 } });
  });

  test('clips a selection into the open book through the background page', async () => {
    await showList(tab);
    const id = await bookWithSavedText(tab, 'Research notes.');

    const article = await firefox.browser.newPage();
    await article.goto(site.url('/article'));
    const selection = await selectAndRead(article, 'quote');
    await article.close();
    await tab.bringToFront();

    // What the context-menu click does after reading the selection, asked of the background by the extension page.
    const result = await tab.evaluate(
      (request) =>
        (
          globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<{ bookId: string }> } } }
        ).browser.runtime.sendMessage({ type: 'clip', data: request }),
      selection,
    );
    expect(result.bookId).toBe(id);
    await tab.waitForSelector(`${EDITOR} blockquote strong`);
    await waitForEditorText(tab, 'Ships leave at noon.');
    expect(await tab.$eval(`${EDITOR} blockquote + p`, (p) => p.textContent)).toContain('Harbour Log');
    expect(await tab.$eval(`${EDITOR} blockquote + p a`, (a) => a.getAttribute('href'))).toBe(site.url('/article'));
  });

  test('signs in and syncs a book to the server from the background page', async () => {
    const account = newAccount();
    await showList(tab);
    await signInThroughSettings(tab, server.url, account, 'create-account');
    await closeSettings(tab);
    const id = await bookWithSavedText(tab, 'Synced from Firefox.');

    const checker = await ApiClient.signIn(server.url, account.email, account.password);
    await until(async () => (await checker.book(id))?.content.includes('Synced from Firefox.'), {
      timeout: 20_000,
      interval: 200,
      message: 'the book to reach the server',
    });
    await waitForSyncState(tab, ['synced']);
  });
});
