// Writers' wording in real Chromium with the built extension against the real server (issue 13, item 7): the settings
// lead with the account and keep the server address under "Advanced"; "Can't reach your sync server" is told apart
// from a browser that is offline; no badge on the toolbar icon before sign-in; "Backed up 2 minutes ago".
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import en from '../extension/public/_locales/en/messages.json';
import { DEFAULT_SERVER_URL } from '../extension/lib/sync/account.ts';
import { seriousViolations } from './support/a11y.ts';
import { localBook, putStoredBook } from './support/books.ts';
import { createBook, EDITOR, sel, typeAtEnd } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings, useSyncWorld, waitForSyncState, type ChromiumDevice } from './support/sync-ui.ts';
import { ApiClient } from './support/api.ts';
import { until } from '../shared/wait.testing.ts';

/** `chrome` inside functions evaluated in the extension's service worker. */
declare const chrome: typeof import('wxt/browser').browser;

const world = useSyncWorld();

/** The text on the toolbar icon, as the background last set it. */
function toolbarBadge(device: ChromiumDevice): Promise<string> {
  return device.ext.evaluateInWorker(() => chrome.action.getBadgeText({}));
}

/** The background's count of books not yet on the server. */
function pendingInBackground(panel: Page): Promise<number> {
  return panel.evaluate(async () => ((await chrome.storage.local.get('syncStatus')).syncStatus as { pendingCount?: number } | undefined)?.pendingCount ?? 0);
}

/** Indexes of the elements with these test ids in document order (-1 for a missing one). */
function documentOrder(page: Page, ids: string[]): Promise<number[]> {
  return page.evaluate((testIds) => {
    const all = Array.from(document.querySelectorAll('[data-testid]'));
    return testIds.map((id) => all.findIndex((el) => el.getAttribute('data-testid') === id));
  }, ids);
}

async function signedInDevice(): Promise<ChromiumDevice> {
  const account = newAccount();
  await ApiClient.signUp(world.serverUrl, account.email, account.password);
  const device = await world.device();
  await signInThroughSettings(device.panel, device.network.url, account);
  await closeSettings(device.panel);
  return device;
}

describe('the settings', () => {
  test('lead with the account; the server address waits under "Advanced", prefilled with the default', async () => {
    const { panel, network } = await world.device();
    await panel.locator(sel('open-settings')).click();
    await panel.waitForSelector(sel('account-status'));
    expect(await panel.$eval(sel('account-status'), (el) => el.textContent)).toBe(en.notSignedIn.message);
    const order = await documentOrder(panel, ['account-status', 'email', 'password', 'sign-in', 'advanced-settings', 'server-url']);
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `${order}`).toBe(true);
    // Closed, so the address is out of sight; prefilled, so a writer using the default never types it.
    expect(await panel.$eval(sel('advanced-settings'), (el) => (el as HTMLDetailsElement).open)).toBe(false);
    expect(await panel.$eval(sel('server-url'), (el) => el.checkVisibility())).toBe(false);
    expect(await panel.$eval(sel('server-url'), (el) => (el as HTMLInputElement).value)).toBe(DEFAULT_SERVER_URL);
    expect(await panel.$eval(sel('per-device-note'), (el) => el.textContent)).toBe(en.perDeviceNote.message);

    await panel.locator(sel('advanced-toggle')).click();
    await panel.waitForSelector(sel('server-url'), { visible: true });
    for (const scheme of ['light', 'dark'] as const) {
      await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await until(async () => panel.evaluate((s) => document.documentElement.dataset.theme === s, scheme), { message: scheme });
      expect(await seriousViolations(panel), scheme).toEqual([]);
    }
    await panel.emulateMediaFeatures([]);

    // Signed in, the account still comes first and says which server it syncs with.
    const account = newAccount();
    await signInThroughSettings(panel, network.url, account, 'create-account');
    expect(await panel.$eval(sel('signed-in-server'), (el) => el.textContent)).toBe(
      en.syncingWith.message.replace('$URL$', network.url.replace(/\/$/, '')),
    );
    const signedIn = await documentOrder(panel, ['account-status', 'signed-in-server', 'sign-out']);
    expect(signedIn.every((at, i) => at >= 0 && (i === 0 || at > signedIn[i - 1]!)), `${signedIn}`).toBe(true);
  });

  test('say what is missing before anything is sent, and name an unreachable server with its address', async () => {
    const { panel } = await world.device();
    await panel.locator(sel('open-settings')).click();
    await panel.locator(sel('sign-in')).click();
    expect(await panel.$eval(sel('settings-error'), (el) => el.textContent)).toBe(en.enterEmail.message);
    await panel.locator(sel('email')).fill('ana@example.com');
    await panel.locator(sel('password')).fill('correct horse battery');
    await panel.locator(sel('advanced-toggle')).click();
    // Port 9 (discard) has nothing listening here.
    await panel.locator(sel('server-url')).fill('http://127.0.0.1:9');
    await panel.locator(sel('sign-in')).click();
    await panel.waitForFunction(
      (selector, expected) => document.querySelector(selector)?.textContent === expected,
      { timeout: 15_000 },
      sel('settings-error'),
      en.serverUnreachable.message.replace('$URL$', 'http://127.0.0.1:9'),
    );
  });
});

describe('the sync status', () => {
  test("says \"Can't reach server\" when the server does not answer, and \"Offline\" when the browser has no network", async () => {
    const device = await signedInDevice();
    const { panel, network } = device;
    await createBook(panel);
    await waitForSyncState(panel, ['synced']);

    network.setMode('refuse');
    await typeAtEnd(panel, 'Written while the server is away.');
    await waitForSyncState(panel, ['unreachable'], 30_000);
    const status = () => panel.$eval(sel('sync-status'), (el) => ({ text: el.textContent?.trim(), title: el.getAttribute('title') }));
    expect(await status()).toEqual({ text: `⚠️ ${en.syncUnreachable.message}`, title: en.syncUnreachableHint.message });

    // The browser itself goes offline: that is what the writer is told, whatever the last cycle found.
    await panel.setOfflineMode(true);
    await waitForSyncState(panel, ['offline']);
    expect(await status()).toEqual({ text: `⚠️ ${en.syncOffline.message}`, title: en.syncOfflineHint.message });

    await panel.setOfflineMode(false);
    network.setMode('pass');
    await panel.locator(sel('sync-status')).click();
    await waitForSyncState(panel, ['synced'], 30_000);
  });

  test('puts no badge on the toolbar icon before sign-in, and the count of waiting books after', async () => {
    const device = await world.device();
    const { panel, network } = device;
    await createBook(panel);
    await typeAtEnd(panel, 'A book no server has seen.');
    await until(async () => (await pendingInBackground(panel)) >= 1, { message: 'the background to count the new book' });
    expect(await toolbarBadge(device)).toBe('');

    const account = newAccount();
    await ApiClient.signUp(world.serverUrl, account.email, account.password);
    await signInThroughSettings(panel, network.url, account);
    await closeSettings(panel);
    await waitForSyncState(panel, ['synced']);
    expect(await toolbarBadge(device)).toBe('');

    network.setMode('refuse');
    await panel.waitForSelector(EDITOR);
    await typeAtEnd(panel, ' More words.');
    await until(async () => (await toolbarBadge(device)) === '1', { timeout: 15_000, message: 'the badge to count one book' });
  });
});

test('the status bar says "Backed up 2 minutes ago" in plain words', async () => {
  const { panel } = await world.device();
  const book = localBook({ title: 'Backed up', content: '<p>Safe words.</p>', dirty: 0, revision: 1, syncedAt: Date.now() - 2 * 60_000 });
  await putStoredBook(panel, book);
  await panel.reload();
  await panel.locator(`${sel('book-item')}[data-book-id="${book.id}"]`).click();
  await panel.waitForSelector(sel('backed-up'));
  expect(await panel.$eval(sel('backed-up'), (el) => el.textContent)).toBe(en.backedUpAgo.message.replace('$WHEN$', '2 minutes ago'));
});
