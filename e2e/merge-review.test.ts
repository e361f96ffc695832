// Merge review end to end (issue 12, item 2): two devices change the same words of one book offline, the server
// merges, and the device whose words were merged says so in plain words; its review lists the passages, "keep both"
// keeps both and "use the set-aside words" replaces, and both devices end with the chosen text. A whole-book conflict
// shows the difference before any choice. The built extension in real Chromium against the real server.
import type { Page } from 'puppeteer';
import { describe, expect, test } from 'vitest';
import { until } from '../shared/wait.testing.ts';
import { seriousViolations } from './support/a11y.ts';
import { ApiClient } from './support/api.ts';
import { putStoredBook, storedBook } from './support/books.ts';
import { bookItem, createBook, EDITOR, editorText, pasteHtml, sel, showList, waitForEditorText } from './support/panel.ts';
import { closeSettings, newAccount, signInThroughSettings, useSyncWorld } from './support/sync-ui.ts';

const SYNC_TIMEOUT = 20_000;

const world = useSyncWorld();

// The middle paragraph holds the words both devices will write too: the review must place each passage by the text
// around it, not by its words alone.
const PARAGRAPHS = ['Alpha bravo charlie.', 'Gulls circled the old pier; an echo answered, a hotel light went out.', 'Xray yankee zulu.'];

/** Replaces the words of paragraph `index` (0-based) by selecting them and typing, as a writer would. */
async function retypeParagraph(page: Page, index: number, text: string): Promise<void> {
  await page.locator(`${EDITOR} > p:nth-of-type(${index + 1})`).click();
  await page.keyboard.press('End');
  await page.keyboard.down('Shift');
  await page.keyboard.press('Home');
  await page.keyboard.up('Shift');
  await page.keyboard.type(text);
}

async function savedLocally(page: Page, id: string, text: string): Promise<void> {
  await until(async () => (await storedBook(page, id))?.content.includes(text), { message: `"${text}" to be saved` });
}

function texts(page: Page, selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((el) => el.textContent ?? ''));
}

describe('merge review', () => {
  test('overlapping edits on two devices are listed for review; keep both and the other words reach both devices', async () => {
    const { checker, laptop, tablet } = await world.signedInPair();

    const id = await createBook(laptop.panel);
    await laptop.panel.locator(sel('book-title')).fill('The Long Tide');
    await pasteHtml(laptop.panel, PARAGRAPHS.map((p) => `<p>${p}</p>`).join(''), PARAGRAPHS.join('\n\n'));
    await until(async () => {
      const book = await checker.book(id);
      return book?.title === 'The Long Tide' && book.content.includes(PARAGRAPHS[2]!);
    }, { timeout: SYNC_TIMEOUT, message: 'the book to reach the server' });
    await tablet.panel.locator(sel('sync-status')).click();
    await tablet.panel.waitForSelector(bookItem(id), { timeout: SYNC_TIMEOUT });
    await tablet.panel.locator(bookItem(id)).click();
    await waitForEditorText(tablet.panel, PARAGRAPHS[2]!);

    // Both offline; each changes the same words of the first and the last paragraph differently, the tablet later.
    laptop.network.setMode('refuse');
    tablet.network.setMode('refuse');
    await retypeParagraph(laptop.panel, 0, 'Alpha delta charlie.');
    await retypeParagraph(laptop.panel, 2, 'Xray golf zulu.');
    await savedLocally(laptop.panel, id, 'Xray golf zulu.');
    await retypeParagraph(tablet.panel, 0, 'Alpha echo charlie.');
    await retypeParagraph(tablet.panel, 2, 'Xray hotel zulu.');
    await savedLocally(tablet.panel, id, 'Xray hotel zulu.');

    laptop.network.setMode('pass');
    await laptop.panel.locator(sel('sync-status')).click();
    await until(async () => (await checker.book(id))?.content.includes('golf'), { timeout: SYNC_TIMEOUT, message: "the laptop's edit on the server" });
    tablet.network.setMode('pass');
    await tablet.panel.locator(sel('sync-status')).click();

    // The tablet's edit is the later one: the merge kept its words and set the laptop's aside, and the tablet says so.
    const summary = await tablet.panel.waitForSelector(sel('merge-summary'), { timeout: SYNC_TIMEOUT });
    expect(await summary!.evaluate((el) => el.textContent)).toMatch(
      /^This browser \(Chrome · [0-9a-z]{4}\) and another device both changed 2 passages in “The Long Tide”\.$/,
    );
    // The full-tab editor says the same.
    const tab = await tablet.ext.browser.newPage();
    await tab.goto(tablet.ext.extensionUrl(`sidepanel.html?view=tab#/book/${id}`));
    const tabSummary = await tab.waitForSelector(sel('merge-summary'));
    expect(await tabSummary!.evaluate((el) => el.textContent)).toBe(await summary!.evaluate((el) => el.textContent));
    await tab.close();

    // Opened from the keyboard.
    await tablet.panel.$eval(sel('merge-review-toggle'), (el) => (el as HTMLElement).focus());
    await tablet.panel.keyboard.press('Enter');
    await tablet.panel.waitForSelector(sel('overlap'));
    expect(await texts(tablet.panel, `${sel('overlap')} ${sel('overlap-kept')}`)).toEqual([
      expect.stringContaining('echo'),
      expect.stringContaining('hotel'),
    ]);
    expect(await texts(tablet.panel, `${sel('overlap')} ${sel('overlap-lost')}`)).toEqual([
      expect.stringContaining('delta'),
      expect.stringContaining('golf'),
    ]);
    expect(await texts(tablet.panel, `${sel('overlap')} ${sel('overlap-kept')} h4`)).toEqual([
      expect.stringMatching(/^In the book now · This browser/),
      expect.stringMatching(/^In the book now · This browser/),
    ]);
    expect(await seriousViolations(tablet.panel, sel('merge-review'))).toEqual([]);

    // Passage 1: keep both. Passage 2 (now the first pending one): the laptop's words replace the tablet's.
    await tablet.panel.locator(`${sel('overlap')}:nth-of-type(1) ${sel('overlap-both')}`).click();
    await waitForEditorText(tablet.panel, 'Alpha echo delta charlie.');
    await until(async () => (await tablet.panel.$$(sel('overlap'))).length === 1, { message: 'one passage left to review' });
    await tablet.panel.locator(`${sel('overlap')} ${sel('overlap-other')}`).click();
    await waitForEditorText(tablet.panel, 'Xray golf zulu.');
    // The editor shows the choice as soon as it is saved; the summary goes when the review's record of it is read.
    await tablet.panel.waitForSelector(sel('merge-summary'), { hidden: true });

    // Both choices are ordinary edits: they sync, and the laptop ends with the same text.
    await until(async () => {
      const content = (await checker.book(id))?.content ?? '';
      return content.includes('Alpha echo delta charlie.') && content.includes('Xray golf zulu.');
    }, { timeout: SYNC_TIMEOUT, message: 'the chosen text on the server' });
    await laptop.panel.locator(sel('sync-status')).click();
    await waitForEditorText(laptop.panel, 'Alpha echo delta charlie.', SYNC_TIMEOUT);
    await waitForEditorText(laptop.panel, 'Xray golf zulu.', SYNC_TIMEOUT);
    for (const d of [laptop, tablet]) {
      expect(await d.panel.$eval(EDITOR, (el) => [...el.querySelectorAll('p')].map((p) => p.textContent))).toEqual([
        'Alpha echo delta charlie.',
        PARAGRAPHS[1],
        'Xray golf zulu.',
      ]);
    }

    // Reviewed passages stay listed with the words not kept, and a choice can be undone: the replaced words return
    // and the passage is up for review again.
    await tablet.panel.locator(`${sel('merge-reviewed')} summary`).click();
    expect(await texts(tablet.panel, sel('overlap-reviewed'))).toEqual([
      expect.stringContaining('Both versions were kept.'),
      expect.stringMatching(/The set-aside words replaced it\..*hotel/),
    ]);
    expect(await seriousViolations(tablet.panel, sel('merge-review'))).toEqual([]);
    await tablet.panel.locator(`${sel('overlap-reviewed')}:nth-of-type(2) ${sel('overlap-undo')}`).click();
    await waitForEditorText(tablet.panel, 'Xray hotel zulu.');
    await tablet.panel.waitForSelector(sel('merge-summary'));
    expect(await tablet.panel.$eval(sel('merge-summary'), (el) => el.textContent)).toContain('both changed a passage in “The Long Tide”');
  });

  test('a whole-book conflict shows both versions with the difference before any choice', async () => {
    const account = newAccount();
    const checker = await ApiClient.signUp(world.serverUrl, account.email, account.password);
    const device = await world.device();
    await signInThroughSettings(device.panel, device.network.url, account);
    await closeSettings(device.panel);
    const id = await createBook(device.panel);
    await pasteHtml(device.panel, '<p>The harbour at first light.</p>', 'The harbour at first light.');
    const onServer = await until(async () => {
      const book = await checker.book(id);
      return book?.content.includes('first light') ? book : undefined;
    }, { timeout: SYNC_TIMEOUT, message: 'the book on the server' });

    // A seed-style version of this book (no base revision, an older clock) loses to the server's whole. It is written
    // while the book is closed (an open editor would save its own text over it when the page goes).
    await showList(device.panel);
    const local = await storedBook(device.panel, id);
    await putStoredBook(device.panel, {
      ...local!,
      content: '<p>The harbour at last light.</p>',
      dirty: 1,
      revision: null,
      updatedAt: onServer.updatedAt - 60_000,
    });
    await device.panel.reload();
    await device.panel.locator(bookItem(id)).click();
    await waitForEditorText(device.panel, 'The harbour at last light.');
    await device.panel.locator(sel('sync-status')).click();

    const banner = await device.panel.waitForSelector(sel('conflict-banner'), { timeout: SYNC_TIMEOUT });
    expect(await banner!.evaluate((el) => el.textContent)).toContain('Server has a newer version');
    const diff = await device.panel.waitForSelector(sel('conflict-diff'));
    expect(await diff!.$$eval('ins', (els) => els.map((el) => el.textContent))).toEqual(['added: last']);
    expect(await diff!.$$eval('del', (els) => els.map((el) => el.textContent))).toEqual(['removed: first']);
    expect(await seriousViolations(device.panel, sel('conflict-banner'))).toEqual([]);
    // The open editor did not switch to the other text: it still shows the writer's, read-only, until they choose.
    await device.panel.waitForSelector(sel('editor-held'));
    expect(await editorText(device.panel)).toBe('The harbour at last light.');
    expect(await device.panel.$eval(EDITOR, (el) => el.getAttribute('contenteditable'))).toBe('false');
    expect((await storedBook(device.panel, id))?.content).toBe('<p>The harbour at first light.</p>');

    // Keep mine: the set-aside text becomes the book again and reaches the server; the editor takes typing again.
    await device.panel.locator(sel('conflict-keep-mine')).click();
    await device.panel.waitForSelector(sel('conflict-undo'));
    await device.panel.waitForFunction((selector) => document.querySelector(selector)?.getAttribute('contenteditable') === 'true', {}, EDITOR);
    expect(await device.panel.$(sel('editor-held'))).toBeNull();
    expect(await editorText(device.panel)).toBe('The harbour at last light.');
    await until(async () => (await checker.book(id))?.content.includes('last light'), {
      timeout: SYNC_TIMEOUT,
      message: 'the kept version on the server',
    });
  });
});
