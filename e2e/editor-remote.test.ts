// A change made on another device landing in an open editor (issue 11 item 7), in real Chromium with the built
// extension against the real server: the writer keeps typing undisturbed while the pulled change appears elsewhere.
import type { KeyInput, Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { ApiClient } from './support/api.ts';
import { storedConflicts } from './support/books.ts';
import { bookItem, createBook, EDITOR, editorText, pasteHtml, sel, typeAtEnd } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings, useSyncWorld, waitForSyncState, type Device } from './support/sync-ui.ts';
import { until } from '../shared/wait.testing.ts';

/** `chrome` inside functions evaluated in the extension's pages. */
declare const chrome: typeof import('wxt/browser').browser;

/** The engine syncs within 2 s of an edit. */
const SYNC_TIMEOUT = 20_000;
/**
 * How long the writer types while the pull is on its way: under the editor's 3 s maximum wait before an autosave, so
 * the typing is still unsaved (only in the editor) when the pulled change reaches the database.
 */
const TYPING_BUDGET_MS = 2_000;

const world = useSyncWorld();

async function signedInDevice(account: { email: string; password: string }): Promise<Device> {
  const device = await world.device();
  await signInThroughSettings(device.panel, device.network.url, account);
  await closeSettings(device.panel);
  return device;
}

/** Three chapters long enough that the first is far above the view when the writer works in the last. */
function chapters(): string {
  const paragraph = (chapter: number, n: number) =>
    `<p>Chapter ${chapter}, paragraph ${n}: the river ran past the orchard and the lantern swung in the wind all night.</p>`;
  return [1, 2, 3]
    .map((c) => `<h2>Chapter ${c}</h2>` + Array.from({ length: 12 }, (_, i) => paragraph(c, i + 1)).join(''))
    .join('');
}

/**
 * Clicks just after the last character of the paragraph `selector`: the caret is then at its very end. Blocks out of
 * view are laid out only when scrolled to (content-visibility), so the page can shift between measuring and clicking:
 * the click is repeated until the caret is in that paragraph.
 */
async function clickAtEnd(page: Page, selector: string): Promise<void> {
  await until(async () => {
    const point = await page.$eval(selector, (p) => {
      p.scrollIntoView({ block: 'center' });
      const range = document.createRange();
      range.selectNodeContents(p);
      const rects = range.getClientRects();
      const last = rects[rects.length - 1]!;
      return { x: last.right - 1, y: last.top + last.height / 2 };
    });
    await page.mouse.click(point.x, point.y);
    return page.$eval(selector, (p) => p.contains(document.getSelection()?.anchorNode ?? null));
  }, { message: `the caret in ${selector}`, interval: 100 });
  await page.keyboard.press('End');
}

/** Text of the paragraph the writer works in, and its distance from the top of the viewport. */
function workParagraph(page: Page): Promise<{ text: string; top: number }> {
  return page.$eval(`${EDITOR} p:nth-of-type(30)`, (p) => ({ text: p.textContent ?? '', top: p.getBoundingClientRect().top }));
}

describe('a change from another device reaching the open editor', () => {
  test('typing continues undisturbed while a remote change lands in another chapter', async () => {
    const account = newAccount();
    const checker = await ApiClient.signUp(world.serverUrl, account.email, account.password);
    const other = await signedInDevice(account);
    const writer = await signedInDevice(account);

    // The other device writes the book; the writer's device pulls it and opens it.
    const id = await createBook(other.panel);
    await typeAtEnd(other.panel, '');
    await pasteHtml(other.panel, chapters(), 'chapters');
    await until(async () => (await checker.book(id))?.content.includes('Chapter 3, paragraph 12'), {
      timeout: SYNC_TIMEOUT,
      message: 'the book to reach the server',
    });
    await writer.panel.evaluate(() => chrome.runtime.sendMessage({ type: 'sync-now' }));
    await writer.panel.locator(bookItem(id)).click();
    await writer.panel.waitForFunction((s) => document.querySelector(s)?.textContent?.includes('Chapter 3, paragraph 12'), {}, EDITOR);

    // The writer works at the end of a paragraph of chapter 3, in the middle of the view, chapter 1 far above.
    const paragraph = `${EDITOR} p:nth-of-type(30)`;
    await clickAtEnd(writer.panel, paragraph);
    const before = await workParagraph(writer.panel);
    expect(before.text).toBe('Chapter 3, paragraph 6: the river ran past the orchard and the lantern swung in the wind all night.');

    // Meanwhile the other device adds a sentence to chapter 1, which reaches the server.
    const remote = ' A new line from the other device.';
    await clickAtEnd(other.panel, `${EDITOR} p:nth-of-type(1)`);
    await other.panel.keyboard.type(remote);
    await until(async () => (await checker.book(id))?.content.includes(remote.trim()), {
      timeout: SYNC_TIMEOUT,
      message: "the other device's sentence to reach the server",
    });
    expect(await editorText(writer.panel)).not.toContain(remote.trim());

    // The writer types; after the first keystroke their device syncs, and the pull lands while they type on.
    const typed: string[] = [];
    const typeOne = async (key: KeyInput) => {
      await writer.panel.keyboard.press(key, { delay: 30 });
      typed.push(key === 'Space' ? ' ' : key);
    };
    await typeOne('Space');
    const startedAt = Date.now();
    await writer.panel.evaluate(() => void chrome.runtime.sendMessage({ type: 'sync-now' }));
    let landed = false;
    for (let i = 0; !landed; i++) {
      if (Date.now() - startedAt > TYPING_BUDGET_MS) throw new Error(`the pull did not land within ${TYPING_BUDGET_MS} ms of typing`);
      await typeOne('abcdefghij'[i % 10] as KeyInput);
      landed = (await editorText(writer.panel)).includes(remote.trim());
    }
    for (const key of 'then') await typeOne(key as KeyInput);

    // Both texts are there, the typing whole and in its place, and the writer's line did not move on screen.
    const after = await workParagraph(writer.panel);
    expect(after.text).toBe(before.text + typed.join(''));
    expect(Math.abs(after.top - before.top)).toBeLessThanOrEqual(1);
    expect(await writer.panel.$eval(`${EDITOR} p:nth-of-type(1)`, (p) => p.textContent)).toContain(remote.trim());
    // The cursor stayed at the end of the typing: the next key lands there.
    await writer.panel.keyboard.type('!');
    expect((await workParagraph(writer.panel)).text).toBe(`${before.text}${typed.join('')}!`);

    // The merge is saved and synced like any edit: the server has both, and no conflict copy was made.
    await until(async () => (await checker.book(id))?.content.includes(`${typed.join('')}!`), {
      timeout: SYNC_TIMEOUT,
      message: "the writer's typing to reach the server",
    });
    expect((await checker.book(id))?.content).toContain(remote.trim());
    await waitForSyncState(writer.panel, ['synced']);
    expect(await storedConflicts(writer.panel)).toEqual([]);
    expect(await writer.panel.$(sel('conflict-banner'))).toBeNull();

    // Undo takes back the writer's typing, never the change that came from the other device.
    for (let presses = 0; presses < 5 && (await workParagraph(writer.panel)).text !== before.text; presses++) {
      await writer.panel.keyboard.down('Control');
      await writer.panel.keyboard.press('z');
      await writer.panel.keyboard.up('Control');
    }
    expect((await workParagraph(writer.panel)).text).toBe(before.text);
    expect(await editorText(writer.panel)).toContain(remote.trim());
  });
});
