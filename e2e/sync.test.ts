// Background sync end to end (issue 4): the built extension in real Chromium against the real server, with each
// browser reaching the server through its own fault proxy to simulate lost networks and failing servers.
import type { Page } from 'puppeteer';
import { beforeAll, describe, expect, test } from 'vitest';
import { BACKOFF_KEY } from '../extension/lib/sync/engine.ts';
import { seriousViolations } from './support/a11y.ts';
import { ApiClient } from './support/api.ts';
import { storedBook, storedConflicts } from './support/books.ts';
import { bookItem, createBook, EDITOR, pasteHtml, sel, showList, typeAtEnd, waitForEditorText } from './support/panel.ts';
import {
  closeSettings,
  newAccount,
  showServerUrl,
  signInThroughSettings,
  useSyncWorld,
  waitForSyncState,
  type Account,
  type ChromiumDevice,
} from './support/sync-ui.ts';
import { until } from '../shared/wait.testing.ts';

/** `chrome` inside functions evaluated in the extension's service worker. */
declare const chrome: typeof import('wxt/browser').browser;

/** The engine syncs within 2 s of an edit; retries back off from 2 s; the alarm fires every 30 s. */
const SYNC_TIMEOUT = 20_000;
/** For waits that may legitimately need the next 30 s alarm (a retry after the network returns). */
const ALARM_TIMEOUT = 45_000;

const world = useSyncWorld();
const device = () => world.device();

/** An account that exists on the server, and a client that checks the server's copy over HTTP. */
async function accountWithChecker(): Promise<{ account: Account; checker: ApiClient }> {
  const account = newAccount();
  const checker = await ApiClient.signUp(world.serverUrl, account.email, account.password);
  return { account, checker };
}

/** A device signed into a fresh account, with one book holding `text` that has reached the server. */
async function writerWithSyncedBook(text: string): Promise<{ writer: ChromiumDevice; checker: ApiClient; id: string }> {
  const { account, checker } = await accountWithChecker();
  const writer = await device();
  await signInThroughSettings(writer.panel, writer.network.url, account);
  await closeSettings(writer.panel);
  const id = await createBook(writer.panel);
  await typeAtEnd(writer.panel, text);
  await serverCopy(checker, id, (content) => content.includes(text));
  return { writer, checker, id };
}

/** Waits until the server's copy of a book satisfies `check` (polling over HTTP); returns that copy. */
async function serverCopy(checker: ApiClient, id: string, check: (content: string) => boolean, timeout = SYNC_TIMEOUT) {
  return until(
    async () => {
      const book = await checker.book(id);
      return book && check(book.content) ? book : undefined;
    },
    { timeout, interval: 200, message: `the server's copy of ${id} to change as expected` },
  );
}

describe('background sync', () => {
  test('a book written after signing up reaches the server and the badge says synced', async () => {
    const writer = await device();
    const account = newAccount();
    await signInThroughSettings(writer.panel, writer.network.url, account, 'create-account');
    await closeSettings(writer.panel);

    const id = await createBook(writer.panel);
    await writer.panel.locator(sel('book-title')).fill('First Light');
    await typeAtEnd(writer.panel, 'The first sentence to reach the server.');

    const checker = await ApiClient.signIn(world.serverUrl, account.email, account.password);
    const onServer = await serverCopy(checker, id, (content) => content.includes('The first sentence'));
    expect(onServer).toMatchObject({ title: 'First Light', deleted: false });
    await waitForSyncState(writer.panel, ['synced']);
    await until(async () => (await storedBook(writer.panel, id))?.dirty === 0, { message: 'the book to be clean' });
    expect((await storedBook(writer.panel, id))?.revision).toBe(onServer.revision);

    // The 30 s alarm is what syncs when nothing else happens.
    const alarm = await writer.ext.evaluateInWorker(() => chrome.alarms.get('sync'));
    expect(alarm).toMatchObject({ name: 'sync', periodInMinutes: 0.5 });
  });

  test('signing in with a wrong password or without a server says why, and signs nothing in', async () => {
    const { account } = await accountWithChecker();
    const writer = await device();
    const { panel } = writer;
    const errorText = async () => {
      const error = await panel.waitForSelector(sel('settings-error'));
      return error!.evaluate((el) => el.textContent ?? '');
    };

    // The background carries out the sign-in and sends the server's refusal back to the panel.
    await panel.locator(sel('open-settings')).click();
    await showServerUrl(panel);
    // A plain http:// server on another computer is named as unencrypted; this computer's is not.
    await panel.locator(sel('server-url')).fill('http://sync.example.org');
    expect(await panel.waitForSelector(sel('unencrypted-warning'))).not.toBeNull();
    await panel.locator(sel('server-url')).fill(writer.network.url);
    await panel.waitForSelector(sel('unencrypted-warning'), { hidden: true });
    await panel.locator(sel('email')).fill(account.email);
    await panel.locator(sel('password')).fill('not the password');
    await panel.locator(sel('sign-in')).click();
    expect(await errorText()).toContain('Invalid email or password');

    writer.network.setMode('refuse');
    await panel.locator(sel('password')).fill(account.password);
    await panel.locator(sel('sign-in')).click();
    await panel.waitForFunction(
      (selector) => (document.querySelector(selector)?.textContent ?? '').includes("Can't reach your sync server"),
      {},
      sel('settings-error'),
    );
    expect(await errorText()).toBe(`Can't reach your sync server at ${writer.network.url}`);
    expect(await panel.$eval(sel('account-status'), (el) => el.getAttribute('data-signed-in'))).toBe('false');
    expect(await panel.$eval(sel('password'), (el) => (el as HTMLInputElement).value)).toBe(account.password);

    // Once the server is reachable the same form signs in.
    writer.network.setMode('pass');
    await signInThroughSettings(panel, writer.network.url, account);
    // The record pages read says who is signed in; the token stays under the background's own key.
    const stored = await panel.evaluate(() => chrome.storage.local.get(['syncAccount', 'syncCredentials']));
    expect(stored.syncAccount).toMatchObject({ email: account.email, signedIn: true });
    expect(JSON.stringify(stored.syncAccount)).not.toMatch(/token/i);
    expect(stored.syncCredentials).toEqual({ token: expect.any(String), tokenId: expect.any(String) });
  });

  test('a lettered list and a link pasted from a word processor reach the server exactly as the editor wrote them', async () => {
    const { writer, checker, id } = await writerWithSyncedBook('Terms:');

    // Google Docs and Word put the numbering style in CSS on the items.
    const item = (text: string) => `<li style="list-style-type: lower-alpha"><p>${text}</p></li>`;
    await typeAtEnd(writer.panel, '');
    await writer.panel.keyboard.press('Enter');
    await pasteHtml(
      writer.panel,
      `<ol>${item('first term')}${item('second term')}</ol><p>See <a href="https://example.org/terms">the terms</a>.</p>`,
      'first term\nsecond term\nSee the terms.',
    );

    const onServer = await serverCopy(checker, id, (content) => content.includes('the terms'));
    expect(onServer.content).toBe(
      '<p>Terms:</p><ol type="a"><li><p>first term</p></li><li><p>second term</p></li></ol>' +
        '<p>See <a target="_blank" rel="noopener noreferrer" href="https://example.org/terms">the terms</a>.</p>',
    );
    await waitForSyncState(writer.panel, ['synced']);
    // The device keeps the numbering too (a server copy without it would have replaced the local one).
    expect(await writer.panel.$eval(`${EDITOR} ol`, (list) => list.getAttribute('type'))).toBe('a');
    expect((await storedBook(writer.panel, id))?.content).toBe(onServer.content);
  });

  test('edits made while the server is unreachable queue and arrive when it is back', async () => {
    const { writer, checker, id } = await writerWithSyncedBook('Before the storm.');

    writer.network.setMode('refuse');
    await typeAtEnd(writer.panel, ' Written offline.');
    await waitForSyncState(writer.panel, ['unreachable']);
    expect(await writer.panel.$eval(sel('sync-status'), (el) => el.getAttribute('data-pending'))).toBe('1');
    await until(async () => (await storedBook(writer.panel, id))?.content.includes('Written offline.'), {
      message: 'the offline edit to be saved locally',
    });
    expect((await checker.book(id))?.content).not.toContain('Written offline.');

    writer.network.setMode('pass');
    await serverCopy(checker, id, (content) => content.includes('Before the storm. Written offline.'), ALARM_TIMEOUT);
    await waitForSyncState(writer.panel, ['synced'], ALARM_TIMEOUT);
  });

  test('after 500s the badge shows the error, and clicking it once the server recovers syncs at once', async () => {
    const { writer, checker, id } = await writerWithSyncedBook('Stable text.');

    writer.network.setMode('error500');
    await typeAtEnd(writer.panel, ' Text the server refused for a while.');
    await waitForSyncState(writer.panel, ['error']);
    // Let the backoff grow (2 s, 4 s, 8 s ceilings) so that its next automatic retry is seconds away. The engine
    // persists it (a restarted worker honours it), which tells when that retry is due.
    const backoff = await until(
      async () => {
        const state = await writer.ext.evaluateInWorker(async (key) => {
          const stored = (await chrome.storage.local.get(key))[key] as { attempt?: number; nextAttemptAt?: number };
          return stored ?? null;
        }, BACKOFF_KEY);
        return state?.attempt !== undefined && state.attempt >= 3 ? state : undefined;
      },
      { timeout: ALARM_TIMEOUT, interval: 200, message: 'three failed attempts' },
    );
    const nextAutomaticRetry = backoff.nextAttemptAt ?? 0;
    await waitForSyncState(writer.panel, ['error']);
    expect((await checker.book(id))?.content).not.toContain('refused for a while');

    writer.network.setMode('pass');
    await writer.panel.locator(sel('sync-status')).click();
    await serverCopy(checker, id, (content) => content.includes('Text the server refused for a while.'));
    const arrivedAt = Date.now();
    await waitForSyncState(writer.panel, ['synced']);
    // The click, not the backoff timer, is what synced.
    expect(nextAutomaticRetry).toBeGreaterThan(0);
    expect(arrivedAt).toBeLessThan(nextAutomaticRetry);
    expect(writer.network.counts().error500).toBeGreaterThanOrEqual(3);
  });

  test('a sync cut off by the background worker stopping completes after it restarts, without duplicates', async () => {
    const { writer, checker, id } = await writerWithSyncedBook('Opening line.');
    await waitForSyncState(writer.panel, ['synced']);

    // The next sync request gets stuck in flight; the worker is stopped while it waits, as Chrome may do at any time.
    writer.network.setMode('hold');
    await typeAtEnd(writer.panel, ' Second line.');
    await until(() => writer.network.held() > 0, { timeout: SYNC_TIMEOUT, message: 'a sync request in flight' });
    await writer.ext.stopWorker();
    // The request still reaches the server, but its answer has nobody to go to.
    writer.network.setMode('pass');

    // The writer keeps writing: the panel's message wakes a fresh worker, which finishes the job.
    await typeAtEnd(writer.panel, ' Third line.');
    const onServer = await serverCopy(checker, id, (content) => content.includes('Third line.'));
    expect(onServer.content.match(/Second line\./g)).toHaveLength(1);
    await waitForSyncState(writer.panel, ['synced']);
    await until(async () => (await storedBook(writer.panel, id))?.dirty === 0, { message: 'the book to be clean' });
    const live = (await checker.books()).filter((book) => !book.deleted);
    expect(live.map((book) => book.id)).toEqual([id]);
  });

  test('a clip written by the background reaches the server at once, without waiting for the alarm', async () => {
    const { writer, checker, id } = await writerWithSyncedBook('Before the clip.');
    // With the panel closed and the alarm gone, only the background's repository announcing the write can sync it.
    await writer.panel.close();
    expect(await writer.ext.evaluateInWorker(() => chrome.alarms.clear('sync'))).toBe(true);
    await writer.ext.evaluateInWorker(
      (bookId) =>
        (globalThis as unknown as { __clip: (r: unknown) => Promise<unknown> }).__clip({
          text: 'A line worth keeping.',
          title: 'Source page',
          url: 'https://example.org/source',
          bookId,
        }),
      id,
    );
    await serverCopy(checker, id, (content) => content.includes('A line worth keeping.'));
  });
});

describe('conflicts between two devices on one account', () => {
  let account: Account;
  let checker: ApiClient;
  let laptop: ChromiumDevice;
  let tablet: ChromiumDevice;
  let round = 0;

  beforeAll(async () => {
    ({ account, checker } = await accountWithChecker());
  });

  /** Two signed-in devices per test (closed by afterEach). */
  async function twoDevices(): Promise<void> {
    laptop = await device();
    tablet = await device();
    for (const d of [laptop, tablet]) {
      await signInThroughSettings(d.panel, d.network.url, account);
      await closeSettings(d.panel);
    }
  }

  /**
   * Both devices hold the same synced book. The tablet edits it offline; meanwhile the laptop deletes it. When the
   * tablet reconnects, its edit meets the deletion, the one case a merge cannot settle (edits of the text on both
   * sides are merged: e2e/sync-merge.test.ts): the deletion stands, the tablet keeps its text as a conflict copy and
   * shows the banner. Returns the book's id and title.
   */
  async function conflict(): Promise<{ id: string; title: string }> {
    const title = `Shared draft ${++round}`;
    const id = await createBook(laptop.panel);
    await laptop.panel.locator(sel('book-title')).fill(title);
    await typeAtEnd(laptop.panel, 'Common opening.');
    await serverCopy(checker, id, (content) => content.includes('Common opening.'));

    // The tablet pulls the book (a manual sync, rather than waiting for the alarm), then opens it.
    await tablet.panel.locator(sel('sync-status')).click();
    await tablet.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });
    await tablet.panel.locator(bookItem(id)).click();
    await waitForEditorText(tablet.panel, 'Common opening.');

    tablet.network.setMode('refuse');
    await typeAtEnd(tablet.panel, ' Tablet words.');
    await until(async () => (await storedBook(tablet.panel, id))?.content.includes('Tablet words.'), {
      message: "the tablet's offline edit to be saved",
    });

    await laptop.panel.locator(sel('book-more')).click();
    await laptop.panel.locator(sel('delete-book')).click();
    await laptop.panel.waitForSelector(sel('book-list'));
    await until(async () => (await checker.book(id))?.deleted, { timeout: SYNC_TIMEOUT, message: 'the deletion to reach the server' });

    tablet.network.setMode('pass');
    await tablet.panel.locator(sel('sync-status')).click();
    await tablet.panel.waitForSelector(`${sel('conflict-banner')}[data-book-id="${id}"]`, { timeout: SYNC_TIMEOUT });
    // The deletion stands by default: the book is gone from the tablet too, and its text is kept aside.
    await until(async () => (await storedBook(tablet.panel, id)) === undefined, { message: 'the book to leave the tablet' });
    const copies = (await storedConflicts(tablet.panel)).filter((copy) => copy.bookId === id);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.content).toContain('Common opening. Tablet words.');
    return { id, title };
  }

  async function bannerGone(page: Page): Promise<void> {
    await page.waitForFunction((selector) => !document.querySelector(selector), {}, sel('conflict-banner'));
  }

  test('"keep mine" sends the losing text to the server again, and the deletion stays in its history', async () => {
    await twoDevices();
    const { id } = await conflict();
    expect(await seriousViolations(tablet.panel, sel('conflict-banner'))).toEqual([]);

    await tablet.panel.locator(sel('conflict-keep-mine')).click();
    await bannerGone(tablet.panel);
    const kept = await serverCopy(checker, id, (content) => content.includes('Common opening. Tablet words.'));
    expect(kept.deleted).toBe(false);
    expect((await storedConflicts(tablet.panel)).filter((copy) => copy.bookId === id)).toEqual([]);
    const history = await checker.revisions(id);
    expect(history.some((revision) => revision.deleted)).toBe(true);

    // The laptop converges on the kept book.
    await laptop.panel.locator(sel('sync-status')).click();
    await laptop.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });
    await laptop.panel.locator(bookItem(id)).click();
    await waitForEditorText(laptop.panel, 'Common opening. Tablet words.', SYNC_TIMEOUT);
  });

  test('"use server" asks for confirmation, then drops the local copy and the deletion stands', async () => {
    await twoDevices();
    const { id } = await conflict();

    const useServer = tablet.panel.locator(sel('conflict-use-server'));
    await useServer.click();
    await tablet.panel.waitForSelector(`${sel('conflict-use-server')}[data-confirming="true"]`);
    expect(await storedConflicts(tablet.panel)).toHaveLength(1);
    await useServer.click();
    await bannerGone(tablet.panel);

    expect((await storedConflicts(tablet.panel)).filter((copy) => copy.bookId === id)).toEqual([]);
    expect(await storedBook(tablet.panel, id)).toBeUndefined();
    expect((await checker.book(id))?.deleted).toBe(true);
  });

  test('"keep both" turns the losing text into a new book "(conflict copy)" that syncs too', async () => {
    await twoDevices();
    const { id, title } = await conflict();

    await tablet.panel.locator(sel('conflict-keep-both')).click();
    await bannerGone(tablet.panel);

    const copyTitle = `${title} (conflict copy)`;
    const copy = await until(
      async () => (await checker.books()).find((book) => book.title === copyTitle && !book.deleted),
      { timeout: SYNC_TIMEOUT, interval: 200, message: 'the conflict copy to reach the server' },
    );
    expect(copy.id).not.toBe(id);
    expect(copy.content).toContain('Common opening. Tablet words.');
    expect((await checker.book(id))?.deleted).toBe(true);

    // Both books on both devices.
    await showList(tablet.panel);
    await tablet.panel.waitForSelector(bookItem(copy.id));
    await showList(laptop.panel);
    await laptop.panel.locator(sel('sync-status')).click();
    await laptop.panel.waitForSelector(bookItem(copy.id), { timeout: SYNC_TIMEOUT });
  });
});

describe('signing out everywhere', () => {
  test('after a confirmation, signs out every device of the account: this one at once, the others on their next sync', async () => {
    const { account, checker } = await accountWithChecker();
    const laptop = await device();
    const phone = await device();
    await signInThroughSettings(phone.panel, phone.network.url, account);
    await closeSettings(phone.panel);
    await signInThroughSettings(laptop.panel, laptop.network.url, account);

    // The settings stay open after signing in: ask, read the warning, confirm.
    await laptop.panel.locator(sel('sign-out-everywhere')).click();
    const warning = await laptop.panel.waitForSelector(sel('sign-out-everywhere-confirm'));
    expect(await warning!.evaluate((el) => el.textContent ?? '')).toContain('this one included');
    await laptop.panel.locator(sel('confirm-sign-out-everywhere')).click();
    await laptop.panel.waitForFunction(
      (selector) => document.querySelector(selector)?.getAttribute('data-signed-in') === 'false',
      { timeout: 15_000 },
      sel('account-status'),
    );
    expect(await laptop.panel.$eval('.settings [role="status"]', (el) => el.textContent)).toBe(
      'Signed out everywhere: 3 device tokens and 0 browser sessions revoked.',
    );

    // The checker's token (made with the password elsewhere) is revoked too.
    await expect(checker.books()).rejects.toThrow(/expected 200, got 401/);

    // The phone finds out when it next syncs, and its settings say the server signed it out.
    await createBook(phone.panel);
    await typeAtEnd(phone.panel, 'Written after being signed out elsewhere.');
    await phone.panel.locator(sel('open-settings')).click();
    await phone.panel.waitForFunction(
      () => (document.querySelector('.settings')?.textContent ?? '').includes('The server signed this device out'),
      { timeout: SYNC_TIMEOUT },
    );
    expect(await phone.panel.$eval(sel('account-status'), (el) => el.getAttribute('data-signed-in'))).toBe('false');
  });
});
