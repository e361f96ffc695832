// Sync v2 end to end (issue 11): two devices edit different paragraphs of one book offline, reconnect, and both
// edits are in both editors, with no conflict banner and no conflict copy. The built extension in real Chromium and
// in Firefox against the real server, which merges three ways; each browser reaches it through its own switchable
// network.
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { ApiClient } from './support/api.ts';
import { storedBook, storedConflicts } from './support/books.ts';
import { bookItem, createBook, EDITOR, pasteHtml, sel, waitForEditorText } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings, useSyncWorld, type Device } from './support/sync-ui.ts';

/** The engine syncs within 2 s of an edit; a manual sync (the badge) runs at once. */
const SYNC_TIMEOUT = 20_000;

const world = useSyncWorld();

/** Paragraphs long enough that an edit travels as a patch: the first and the last are the ones edited. */
const PARAGRAPHS = Array.from({ length: 30 }, (_, i) => `Paragraph ${i + 1} of the chapter, as both devices first saw it.`);

/** Types `text` at the end of paragraph `index` (0-based) with real key events. */
async function typeInParagraph(page: Page, index: number, text: string): Promise<void> {
  await page.locator(`${EDITOR} > p:nth-of-type(${index + 1})`).click();
  await page.keyboard.press('End');
  await page.keyboard.type(text);
}

async function savedLocally(page: Page, id: string, text: string): Promise<void> {
  await until(async () => (await storedBook(page, id))?.content.includes(text), { message: `"${text}" to be saved` });
}

async function noConflictBanner(page: Page): Promise<void> {
  expect(await page.$(sel('conflict-banner'))).toBeNull();
}

/** The laptop and the tablet edit different paragraphs offline; the laptop reconnects first. */
async function editDifferentParagraphsOffline(laptop: Device, tablet: Device): Promise<void> {
  const account = newAccount();
  const checker = await ApiClient.signUp(world.serverUrl, account.email, account.password);
  for (const d of [laptop, tablet]) {
    await signInThroughSettings(d.panel, d.network.url, account);
    await closeSettings(d.panel);
  }

  const id = await createBook(laptop.panel);
  const html = PARAGRAPHS.map((p) => `<p>${p}</p>`).join('');
  await pasteHtml(laptop.panel, html, PARAGRAPHS.join('\n\n'));
  await until(async () => (await checker.book(id))?.content.includes(PARAGRAPHS.at(-1)!), {
    timeout: SYNC_TIMEOUT,
    message: 'the book to reach the server',
  });
  await tablet.panel.locator(sel('sync-status')).click();
  await tablet.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });
  await tablet.panel.locator(bookItem(id)).click();
  await waitForEditorText(tablet.panel, PARAGRAPHS.at(-1)!);

  // Both offline: each writer edits a different paragraph.
  laptop.network.setMode('refuse');
  tablet.network.setMode('refuse');
  await typeInParagraph(laptop.panel, 0, ' Laptop words.');
  await typeInParagraph(tablet.panel, PARAGRAPHS.length - 1, ' Tablet words.');
  await savedLocally(laptop.panel, id, 'Laptop words.');
  await savedLocally(tablet.panel, id, 'Tablet words.');

  // The laptop reconnects first, then the tablet, whose edit is based on the revision the laptop replaced.
  laptop.network.setMode('pass');
  await laptop.panel.locator(sel('sync-status')).click();
  await until(async () => (await checker.book(id))?.content.includes('Laptop words.'), {
    timeout: SYNC_TIMEOUT,
    message: "the laptop's edit to reach the server",
  });
  tablet.network.setMode('pass');
  await tablet.panel.locator(sel('sync-status')).click();
  const merged = await until(
    async () => {
      const book = await checker.book(id);
      return book?.content.includes('Laptop words.') && book.content.includes('Tablet words.') ? book : undefined;
    },
    { timeout: SYNC_TIMEOUT, message: 'both edits on the server' },
  );
  expect(merged.content).toContain(`${PARAGRAPHS[0]} Laptop words.`);
  expect(merged.content).toContain(`${PARAGRAPHS.at(-1)} Tablet words.`);

  // Both editors show both edits; neither device shows a conflict or keeps a conflict copy.
  await laptop.panel.locator(sel('sync-status')).click();
  for (const d of [tablet, laptop]) {
    await waitForEditorText(d.panel, `${PARAGRAPHS[0]} Laptop words.`, SYNC_TIMEOUT);
    await waitForEditorText(d.panel, `${PARAGRAPHS.at(-1)} Tablet words.`, SYNC_TIMEOUT);
    await until(async () => (await storedBook(d.panel, id))?.dirty === 0, { message: 'the book to be clean' });
    expect((await storedBook(d.panel, id))?.content).toBe(merged.content);
    await noConflictBanner(d.panel);
    expect(await storedConflicts(d.panel)).toEqual([]);
  }
}

describe('two devices editing one book offline', () => {
  test('edits to different paragraphs are both kept, on both devices, with no conflict (Chromium)', async () => {
    await editDifferentParagraphsOffline(await world.device(), await world.device());
  });

  test('the same in Firefox', async () => {
    await editDifferentParagraphsOffline(await world.firefoxDevice(), await world.firefoxDevice());
  });
});
