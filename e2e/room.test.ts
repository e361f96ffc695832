// The writing room in real Chromium with the built extension (issue 13): outline and "go to chapter" in a
// 150,000-word book, returning to the same place, the status bar, themes, typography, underline, lists, links, the
// compact chrome of a 400 × 900 panel, and accessibility of the new views in light and dark.
import { readFileSync } from 'node:fs';
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { seriousViolations } from './support/a11y.ts';
import { launchWithExtension, useChromiumPerFile, type ExtensionBrowser } from './support/browser.ts';
import { localBook, putConflictCopy, putStoredBook, storedBook, storedBooks } from './support/books.ts';
import { startServer } from './support/server.ts';
import { showServerUrl } from './support/sync-ui.ts';
import { createBook, EDITOR, editorText, sel, typeAtEnd, waitForEditorText } from './support/panel.ts';
import { until } from '../shared/wait.testing.ts';

const chromium = useChromiumPerFile();
let panel: Page;

beforeEach(async () => {
  panel = await chromium.openPanel();
  await panel.setViewport({ width: 400, height: 900 });
  // Each test starts from the default display settings (the profile, and so localStorage, is shared).
  if (await panel.evaluate(() => localStorage.getItem('anclora.display'))) {
    await panel.evaluate(() => localStorage.removeItem('anclora.display'));
    await panel.reload();
    await panel.waitForSelector(sel('book-list'));
  }
});

/** A novel of 40 chapters, 3,750 words each (150,000 words in all, headings included), stored and opened. */
async function openNovel(page: Page, tag = 'c'): Promise<string> {
  const paragraph = (c: number) => Array.from({ length: 125 }, (_, i) => `${tag}${c}w${i % 7}`).join(' ');
  const chapter = (c: number) => `<h2>Chapter ${c}</h2>` + `<p>${paragraph(c)}</p>`.repeat(30);
  const content = Array.from({ length: 40 }, (_, i) => chapter(i + 1)).join('');
  const book = localBook({ title: 'The Long Novel', content });
  expect(book.metadata.wordCount).toBe(40 * (2 + 30 * 125));
  await putStoredBook(page, book);
  await page.goto(chromium.ext.extensionUrl(`sidepanel.html#/book/${book.id}`));
  await page.waitForSelector(EDITOR, { timeout: 30_000 });
  await waitForEditorText(page, 'Chapter 40', 30_000);
  return book.id;
}

/** Where the heading `text` is, relative to the top of the manuscript's scrolling box (px), and the caret's chapter. */
function placeOf(page: Page, text: string) {
  return page.evaluate((heading) => {
    const box = document.querySelector('.manuscript')!;
    const h = Array.from(box.querySelectorAll('h2')).find((el) => el.textContent === heading)!;
    // TipTap hangs the editor on its element; the caret is read from the editor, focused or not.
    const view = (document.querySelector('.ProseMirror') as unknown as { editor: { view: any } }).editor.view;
    const at = view.domAtPos(view.state.selection.head).node as Node;
    let block = (at instanceof Element ? at : at.parentElement)?.closest('.ProseMirror > *') ?? null;
    while (block && block.tagName !== 'H2') block = block.previousElementSibling;
    return {
      top: h.getBoundingClientRect().top - box.getBoundingClientRect().top,
      caretChapter: block?.textContent ?? null,
    };
  }, text);
}

describe('the structure of a long book', () => {
  test('jumps to chapter 30 from the outline, marks it as current, and reopens there', async () => {
    const id = await openNovel(panel);
    await panel.locator(sel('toggle-outline')).click();
    await until(async () => (await panel.$$(sel('outline-entry'))).length === 40, { timeout: 30_000, message: '40 chapters' });
    const thirty = (await panel.$$(sel('outline-entry')))[29]!;
    expect(await thirty.evaluate((el) => el.textContent)).toMatch(/^Chapter 30\s*3,752 words$/);
    await thirty.click();

    await until(async () => {
      const place = await placeOf(panel, 'Chapter 30');
      return place.caretChapter === 'Chapter 30' && Math.abs(place.top) < 40;
    }, { message: 'chapter 30 at the top of the page with the caret in it' });

    // The current chapter is marked in the outline.
    await panel.locator(sel('toggle-outline')).click();
    await until(
      async () => (await panel.$eval(`${sel('outline-entry')}[aria-current="location"]`, (el) => el.textContent).catch(() => ''))?.startsWith('Chapter 30'),
      { message: 'chapter 30 marked current' },
    );

    // Reopening the book lands on the same place.
    await panel.reload();
    await panel.waitForSelector(EDITOR, { timeout: 30_000 });
    expect(id).toBeTruthy();
    await until(async () => {
      const place = await placeOf(panel, 'Chapter 30');
      return Math.abs(place.top) < 40 && place.caretChapter === 'Chapter 30';
    }, { timeout: 30_000, message: 'the reopened book at chapter 30' });
  });

  test('goes to a chapter from the keyboard', async () => {
    await openNovel(panel);
    await panel.locator(EDITOR).click();
    await panel.keyboard.down('Control');
    await panel.keyboard.down('Alt');
    await panel.keyboard.press('KeyG');
    await panel.keyboard.up('Alt');
    await panel.keyboard.up('Control');
    await until(async () => panel.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'outline-filter'), {
      message: 'the go-to field focused',
    });
    await until(async () => (await panel.$$(sel('outline-entry'))).length === 40, { message: 'the outline' });
    await panel.keyboard.type('17');
    await until(async () => (await panel.$$(sel('outline-entry'))).length === 1, { message: 'one match' });
    await panel.keyboard.press('Enter');
    await until(async () => {
      const place = await placeOf(panel, 'Chapter 17');
      return place.caretChapter === 'Chapter 17' && Math.abs(place.top) < 40;
    }, { message: 'chapter 17 at the top' });
    // The drawer closes in the panel, and typing goes on in the manuscript.
    expect(await panel.$(sel('outline'))).toBeNull();
    await until(async () => panel.evaluate(() => document.activeElement?.classList.contains('ProseMirror')), {
      message: 'the manuscript focused',
    });
  });

  test('keeps the status bar in view at the end of the book, with the words of this session', async () => {
    await openNovel(panel);
    await typeAtEnd(panel, ' Three more words');
    const bar = await panel.$eval(sel('status-bar'), (el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, text: el.textContent ?? '' };
    });
    expect(bar.bottom).toBeLessThanOrEqual(900);
    expect(bar.top).toBeGreaterThan(800);
    await until(async () => (await panel.$eval(sel('word-count'), (el) => el.textContent)) === '150,083 words', {
      message: 'the word count',
    });
    expect(await panel.$eval(sel('session-words'), (el) => el.textContent)).toBe('+3 this session');
    expect(await panel.$eval(sel('backed-up'), (el) => el.textContent)).toBe('Only on this device');
    await until(async () => (await panel.$eval(sel('save-state'), (el) => el.textContent)) === 'Saved', { message: 'saved' });
  });
});

describe('display', () => {
  test('switches themes and keeps them after a reload', async () => {
    await createBook(panel);
    const background = () => panel.evaluate(() => getComputedStyle(document.body.parentElement!).backgroundColor);
    expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    const light = await background();

    await panel.locator(sel('toggle-display')).click();
    await panel.locator(sel('theme-dark')).click();
    await until(async () => (await background()) !== light, { message: 'a dark background' });
    expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background()).toBe('rgb(26, 28, 30)');

    await panel.select(sel('display-font'), 'mono');
    await panel.reload();
    await panel.waitForSelector(EDITOR);
    expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await panel.$eval(EDITOR, (el) => getComputedStyle(el).fontFamily)).toMatch(/monospace/);

    await panel.locator(sel('toggle-display')).click();
    await panel.locator(sel('theme-sepia')).click();
    await until(async () => (await background()) === 'rgb(245, 237, 218)', { message: 'sepia' });
  });

  test('follows the system colour scheme by default', async () => {
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await until(async () => panel.evaluate(() => document.documentElement.dataset.theme === 'dark'), { message: 'dark' });
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
    await until(async () => panel.evaluate(() => document.documentElement.dataset.theme === 'light'), { message: 'light' });
  });

  test('starts the first line of text in the top fifth of a 400 × 900 panel', async () => {
    await createBook(panel);
    await typeAtEnd(panel, 'First line.');
    const top = await panel.$eval(`${EDITOR} p`, (p) => p.getBoundingClientRect().top);
    expect(top).toBeLessThan(900 / 5);
    // The toolbar is one row; the rest of the commands are under "More".
    const rows = await panel.$$eval('.toolbar > .tool, .toolbar > .toolbar-more', (items) =>
      new Set(items.filter((i) => i.getClientRects().length).map((i) => Math.round(i.getBoundingClientRect().top))).size,
    );
    expect(rows).toBe(1);
  });

  test('dims all but the current paragraph in focus mode', async () => {
    await createBook(panel);
    await typeAtEnd(panel, 'First paragraph.');
    await panel.keyboard.press('Enter');
    await panel.keyboard.type('Second paragraph.');
    await panel.locator(sel('toggle-display')).click();
    await panel.locator(sel('focus-mode')).click();
    await panel.locator(EDITOR).click();
    await typeAtEnd(panel, ' More.');
    await until(async () => {
      const opacities = await panel.$$eval(`${EDITOR} > p`, (ps) => ps.map((p) => getComputedStyle(p).opacity));
      return opacities[0] !== '1' && opacities[1] === '1';
    }, { message: 'the first paragraph dimmed, the second not' });
  });
});

describe('typography and formatting', () => {
  test('curls quotes the English way, makes dashes and ellipses, and Backspace undoes a substitution', async () => {
    await createBook(panel);
    await typeAtEnd(panel, `"Wait--it's late..." she said`);
    await waitForEditorText(panel, '“Wait—it’s late…” she said');
    await typeAtEnd(panel, ' --');
    await panel.keyboard.press('Backspace');
    expect(await editorText(panel)).toBe('“Wait—it’s late…” she said --');
  });

  test('nests Spanish quotes « “ ” » when the writer chooses them', async () => {
    await createBook(panel);
    await panel.locator(sel('toggle-display')).click();
    await panel.select(sel('display-quotes'), 'es');
    await typeAtEnd(panel, 'Dijo: "Es "raro" aquí".');
    await waitForEditorText(panel, 'Dijo: «Es “raro” aquí».');
  });

  test('keeps Spanish guillemets on the line of their words with no-break spaces, saved as such; Backspace undoes one', async () => {
    const id = await createBook(panel);
    await panel.locator(sel('toggle-display')).click();
    await panel.select(sel('display-quotes'), 'es');
    await typeAtEnd(panel, 'Dijo: " sí". Al 10 %.');
    await waitForEditorText(panel, 'Dijo: «\u00a0sí\u00a0». Al 10\u00a0%.');
    await until(async () => (await storedBook(panel, id))?.content === '<p>Dijo: «&nbsp;sí&nbsp;». Al 10&nbsp;%.</p>', {
      message: 'the no-break spaces saved',
    });
    await typeAtEnd(panel, ' « ');
    await panel.keyboard.press('Backspace');
    expect(await editorText(panel)).toBe('Dijo: «\u00a0sí\u00a0». Al 10\u00a0%. « ');
  });

  test('underlines with Ctrl+U and stores it', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, 'plain ');
    await panel.keyboard.down('Control');
    await panel.keyboard.press('KeyU');
    await panel.keyboard.up('Control');
    await panel.keyboard.type('under');
    await until(async () => (await storedBook(panel, id))?.content === '<p>plain <u>under</u></p>', { message: 'underline stored' });
  });

  test('indents a list item with Tab', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, '- one');
    await panel.keyboard.press('Enter');
    await panel.keyboard.press('Tab');
    await panel.keyboard.type('two');
    await until(async () => (await storedBook(panel, id))?.content.includes('<ul><li><p>two</p></li></ul>'), {
      message: 'a nested list',
    });
    // StarterKit's trailing node keeps an empty paragraph after the list, so writing can go on below it.
    expect((await storedBook(panel, id))?.content).toBe('<ul><li><p>one</p><ul><li><p>two</p></li></ul></li></ul><p></p>');
  });

  test('keeps Tab in the text of a paragraph; Escape then Tab leaves the editor', async () => {
    await createBook(panel);
    await typeAtEnd(panel, 'Prose');
    await panel.keyboard.press('Tab');
    await panel.keyboard.type(' goes on.');
    await waitForEditorText(panel, 'Prose goes on.');
    await panel.keyboard.press('Escape');
    await panel.keyboard.press('Tab');
    expect(await panel.evaluate(() => document.activeElement?.classList.contains('ProseMirror'))).toBe(false);
  });

  test('accepts a bare domain in the link box', async () => {
    const id = await createBook(panel);
    await typeAtEnd(panel, 'site');
    await waitForEditorText(panel, 'site');
    // Select the word (the selection is not what this test is about; the link box is).
    await panel.evaluate(() => (document.querySelector('.ProseMirror') as any).editor.commands.setTextSelection({ from: 1, to: 5 }));
    await panel.keyboard.down('Control');
    await panel.keyboard.press('KeyK');
    await panel.keyboard.up('Control');
    await panel.waitForSelector('.link-form input');
    await panel.keyboard.type('example.org');
    await panel.keyboard.press('Enter');
    const stored = await until(async () => {
      const content = (await storedBook(panel, id))?.content ?? '';
      return content.includes('href="https://example.org"') ? content : undefined;
      // Read every 200 ms: back-to-back reads from the test can hold off the page's own write in Chromium.
    }, { message: 'the link stored', interval: 200 }).catch(async (error) => {
      const shown = await panel.evaluate(() => (document.querySelector('.ProseMirror') as any).editor.getHTML());
      const state = await panel.$eval(sel('save-state'), (el) => el.textContent);
      throw new Error(`${error.message}; editor: ${shown}; save state: ${state}`);
    });
    expect(stored).toBe('<p><a target="_blank" rel="noopener noreferrer" href="https://example.org">site</a></p>');
  });
});

describe('accessibility of the writing room', () => {
  test.each(['light', 'dark', 'sepia'])('has no serious or critical violations in the %s theme', async (theme) => {
    await openNovel(panel);
    await panel.locator(sel('toggle-display')).click();
    await panel.locator(sel(`theme-${theme}`)).click();
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.locator(sel('toggle-outline')).click();
    await until(async () => (await panel.$$(sel('outline-entry'))).length === 40, { message: 'the outline' });
    expect(await seriousViolations(panel)).toEqual([]);
  });
});

describe('the book manager', () => {
  test('welcomes a first-time writer with the shortcut, once', async () => {
    // The shortcut as the browser has it (a fresh headless profile may leave it unassigned: then the toolbar button).
    const shortcut = await panel.evaluate(
      async () => ((await (globalThis as any).chrome.commands.getAll()) as { name: string; shortcut: string }[]).find((c) => c.name === '_execute_action')?.shortcut ?? '',
    );
    const expected = shortcut ? `Open this panel any time with ${shortcut}.` : 'Open this panel from the Anclora Press button in the browser toolbar.';
    await until(async () => (await panel.$eval(sel('welcome'), (el) => el.textContent).catch(() => ''))?.includes(expected), {
      message: `the welcome saying "${expected}"`,
    });
    // Writing is not blocked: a new book opens with the welcome still unread.
    await createBook(panel);
    await panel.evaluate(() => {
      location.hash = '#/';
    });
    await panel.locator(sel('dismiss-welcome')).click();
    await until(async () => (await panel.$(sel('welcome'))) === null, { message: 'the welcome gone' });
    await panel.reload();
    await panel.waitForSelector(sel('book-list'));
    expect(await panel.$(sel('welcome'))).toBeNull();
  });

  test('finds a word from chapter 17 of one of several novels and opens the book there', async () => {
    // Words of this novel are its own ("s17w3"): the profile keeps the novels of earlier tests.
    const id = await openNovel(panel, 's');
    const needle = 's17w3';
    await putStoredBook(panel, localBook({ title: 'Another book', content: '<p>c18w3 is not it</p>' }));
    await panel.evaluate(() => {
      location.hash = '#/';
    });
    await panel.locator(sel('book-search')).fill(needle.toUpperCase());
    await until(async () => (await panel.$$eval(`${sel('book-snippet')} mark`, (els) => els.map((el) => el.textContent))).join() === needle, {
      timeout: 30_000,
      message: 'one match, of the whole word',
    });
    const snippet = await panel.$eval(sel('book-snippet'), (el) => [el.textContent, el.querySelector('mark')?.textContent]);
    expect(snippet[1]).toBe(needle);
    expect(snippet[0]).toContain('s17w2 s17w3 s17w4');

    await panel.locator(`${sel('book-item')}[data-book-id="${id}"]`).click();
    await panel.waitForSelector(EDITOR, { timeout: 30_000 });
    await until(async () => {
      const caret = await panel.evaluate(() => {
        const view = (document.querySelector('.ProseMirror') as unknown as { editor: { view: any } }).editor.view;
        const { from, to } = view.state.selection;
        const box = document.querySelector('.manuscript')!.getBoundingClientRect();
        const coords = view.coordsAtPos(from);
        return { text: view.state.doc.textBetween(from, to), visible: coords.top >= box.top && coords.bottom <= box.bottom };
      });
      return caret.text === needle && caret.visible;
    }, { message: 'the match selected and in view' });
    expect((await placeOf(panel, 'Chapter 17')).caretChapter).toBe('Chapter 17');
  });

  test('sorts, renames and deletes from the list, and tells untitled books apart', async () => {
    const now = Date.now();
    const books = [
      localBook({ title: 'Untitled', content: '<p>The storm came at dawn.</p><p>More.</p>', updatedAt: now - 1000, createdAt: now - 9000 }),
      localBook({ title: 'Untitled', content: '<p>A letter from Lisbon.</p>', updatedAt: now - 2000, createdAt: now - 1000 }),
      localBook({ title: 'Zebra', content: `<p>${'word '.repeat(500)}</p>`, updatedAt: now - 3000, createdAt: now - 5000 }),
    ];
    for (const b of books) await putStoredBook(panel, b);
    await panel.reload();
    await panel.waitForSelector(`${sel('book-item')}[data-book-id="${books[2]!.id}"]`);
    const lines = await panel.$$eval(sel('book-first-line'), (els) => els.map((el) => el.textContent));
    expect(lines).toEqual(expect.arrayContaining(['The storm came at dawn.', 'A letter from Lisbon.']));

    const ours = async () => (await panel.$$eval(sel('book-item'), (els) => els.map((el) => el.getAttribute('data-book-id')))).filter((id) => books.some((b) => b.id === id));
    expect(await ours()).toEqual([books[0]!.id, books[1]!.id, books[2]!.id]);
    await panel.select(sel('book-sort'), 'created');
    await until(async () => (await ours())[0] === books[1]!.id, { message: 'newest created first' });
    await panel.select(sel('book-sort'), 'length');
    await until(async () => (await ours())[0] === books[2]!.id, { message: 'longest first' });

    const row = (id: string) => `li:has(> ${sel('book-item')}[data-book-id="${id}"])`;
    await panel.locator(`${row(books[1]!.id)} ${sel('rename-book')}`).click();
    const input = await panel.waitForSelector(sel('rename-input'));
    await input!.evaluate((el) => (el as HTMLInputElement).select());
    await panel.keyboard.type('Letters');
    await panel.keyboard.press('Enter');
    await until(async () => (await storedBook(panel, books[1]!.id))?.title === 'Letters', { message: 'renamed', interval: 200 });

    await panel.locator(`${row(books[2]!.id)} ${sel('delete-from-list')}`).click();
    await until(async () => !(await ours()).includes(books[2]!.id), { message: 'deleted from the list' });
    // A book the server never saw leaves no tombstone.
    expect(await storedBook(panel, books[2]!.id)).toBeUndefined();
    // Undo brings the book back and opens it.
    await panel.locator(sel('undo-delete')).click();
    await waitForEditorText(panel, 'word word');
    expect(await storedBook(panel, books[2]!.id)).toMatchObject({ deleted: 0, title: 'Zebra' });
  });

  test('has no serious or critical violations in light and dark', async () => {
    await putStoredBook(panel, localBook({ title: 'Untitled', content: '<p>First line here.</p>' }));
    await putStoredBook(panel, localBook({ title: 'Untitled', content: '<p>Another first line.</p>' }));
    await panel.reload();
    await panel.waitForSelector(sel('book-first-line'));
    await panel.locator(sel('book-search')).fill('first');
    await panel.waitForSelector(sel('book-snippet'));
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'dark' }]);
    await until(async () => panel.evaluate(() => document.documentElement.dataset.theme === 'dark'), { message: 'dark' });
    expect(await seriousViolations(panel)).toEqual([]);
  });
});

describe('in Spanish (--lang=es)', () => {
  let es: ExtensionBrowser;
  let page: Page;
  const catalogue = (lang: string) =>
    JSON.parse(readFileSync(new URL(`../extension/public/_locales/${lang}/messages.json`, import.meta.url), 'utf8')) as Record<
      string,
      { message: string }
    >;
  /** Every Spanish message as a pattern: its placeholders match anything. */
  const spanish = Object.values(catalogue('es')).map(
    ({ message }) => new RegExp(`^${message.trim().split(/\$[A-Z_]+\$/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`, 's'),
  );

  beforeAll(async () => {
    es = await launchWithExtension(undefined, 'es');
  });

  afterAll(async () => {
    await es?.close();
  });

  /**
   * Every piece of interface text in the page (text, labels, tooltips, placeholders) that is not the writer's own
   * (manuscript, titles, outline headings, snippets) and is not explained by a Spanish message.
   */
  function notFromSpanishCatalogue(p: Page): Promise<string[]> {
    return p.evaluate(() => {
      // A row's buttons name their book for screen readers ("Rename <title>"): the title there is the writer's too.
      const USER_CONTENT =
        '.ProseMirror, .book-item-title, .book-item-line, .book-item-snippet, .book-row-actions .sr-only, .outline-text, .brand, option[value="mono"]';
      const found = new Set<string>();
      const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent?.replace(/\s+/g, ' ').trim() ?? '';
        const parent = node.parentElement!;
        // The words of a version shown in a comparison are the writer's; its "added:" / "removed:" marks are ours.
        const compared = parent.closest('.diff-block') && !parent.classList.contains('sr-only');
        if (/\p{L}/u.test(text) && !parent.closest(USER_CONTENT) && !compared && parent.getClientRects().length) found.add(text);
      }
      for (const el of document.querySelectorAll('[title], [aria-label], [placeholder]')) {
        if (el.closest('.ProseMirror')) continue;
        for (const name of ['title', 'aria-label', 'placeholder']) {
          // A shortcut in a tooltip ("Negrita (Ctrl+B)") is not a word.
          const value = el.getAttribute(name)?.replace(/\s*\([^)]*\)$/, '').trim();
          if (value && /\p{L}/u.test(value)) found.add(value);
        }
      }
      return [...found];
    }).then((texts) => texts.filter((text) => !spanish.some((pattern) => pattern.test(text))));
  }

  test('shows only Spanish in the writing room and the book manager', async () => {
    page = await es.openPanel();
    await page.setViewport({ width: 400, height: 900 });
    await page.waitForSelector(sel('book-list'));
    const content = '<h2>Capítulo uno</h2><p>Había una vez.</p><h2>Capítulo dos</h2><p>Y luego.</p>';
    await putStoredBook(page, localBook({ title: 'Sin título', content }));
    await putStoredBook(page, localBook({ title: 'Sin título', content: '<p>Otra historia.</p>' }));
    await page.reload();
    await page.waitForSelector(sel('book-first-line'));
    expect(await notFromSpanishCatalogue(page)).toEqual([]);
    await page.locator(sel('book-search')).fill('luego');
    await page.waitForSelector(sel('book-snippet'));
    expect(await notFromSpanishCatalogue(page)).toEqual([]);

    await page.locator(sel('book-item')).click();
    await page.waitForSelector(EDITOR);
    await page.locator(sel('toggle-outline')).click();
    await page.waitForSelector(sel('outline-entry'));
    expect(await notFromSpanishCatalogue(page)).toEqual([]);
    await page.locator(sel('close-outline')).click();
    await page.locator(sel('toggle-display')).click();
    await page.locator(sel('book-more')).click();
    await page.locator(sel('set-target')).click();
    expect(await notFromSpanishCatalogue(page)).toEqual([]);
    // Typing follows the interface language: Spanish quotes.
    await typeAtEnd(page, ' "Hola"');
    await waitForEditorText(page, '«Hola»');
    await page.close();
  });

  test('shows only Spanish in the settings, a server refusal, an unreachable server, the conflict banner and the sync states', async () => {
    const server = await startServer();
    try {
      page = await es.openPanel();
      await page.setViewport({ width: 400, height: 900 });
      await page.locator(sel('open-settings')).click();
      await page.waitForSelector(sel('account-status'));
      expect(await notFromSpanishCatalogue(page)).toEqual([]);
      await page.locator(sel('advanced-toggle')).click();
      await page.waitForSelector(sel('server-url'), { visible: true });
      expect(await notFromSpanishCatalogue(page)).toEqual([]);

      // A form problem, then the server's refusal by its code, then a server that does not answer.
      const errorShown = async (expected: string) => {
        await page.waitForFunction((s, text) => document.querySelector(s)?.textContent === text, { timeout: 15_000 }, sel('settings-error'), expected);
        expect(await notFromSpanishCatalogue(page)).toEqual([]);
      };
      await page.locator(sel('sign-in')).click();
      await errorShown(catalogue('es').enterEmail!.message);
      await page.locator(sel('server-url')).fill(server.url);
      await page.locator(sel('email')).fill(`nadie-${Date.now()}@example.com`);
      await page.locator(sel('password')).fill('no es la contraseña');
      await page.locator(sel('sign-in')).click();
      await errorShown(catalogue('es').error_invalid_credentials!.message);
      await page.locator(sel('server-url')).fill('http://127.0.0.1:9');
      await page.locator(sel('sign-in')).click();
      await errorShown(catalogue('es').serverUnreachable!.message.replace('$URL$', 'http://127.0.0.1:9'));

      // A version that lost to the server's: the banner, and the copy "keep both" makes, in Spanish.
      const book = localBook({ title: 'Mi novela', content: '<p>La versión del servidor.</p>', dirty: 0, revision: 2 });
      await putStoredBook(page, book);
      await putConflictCopy(page, {
        id: crypto.randomUUID(), bookId: book.id, title: book.title, author: '', content: '<p>Mi versión.</p>',
        metadata: book.metadata, updatedAt: Date.now(), createdAt: Date.now(), serverRevision: 2,
      });
      await page.goto(es.extensionUrl('sidepanel.html'));
      await page.waitForSelector(sel('conflict-banner'));
      expect(await notFromSpanishCatalogue(page)).toEqual([]);
      await page.locator(sel('conflict-use-server')).click();
      await page.waitForSelector(`${sel('conflict-use-server')}[data-confirming="true"]`);
      expect(await notFromSpanishCatalogue(page)).toEqual([]);
      await page.locator(sel('conflict-cancel')).click();
      await page.locator(sel('conflict-keep-both')).click();
      await page.waitForFunction((s) => !document.querySelector(s), {}, sel('conflict-banner'));
      const copy = catalogue('es').conflictCopyTitle!.message.replace('$TITLE$', 'Mi novela');
      await until(async () => (await storedBooks(page)).some((b) => b.title === copy), { message: `a book titled ${copy}` });

      // Signed in, then the server goes away: the account and the sync status say so in Spanish.
      await page.locator(sel('open-settings')).click();
      await showServerUrl(page);
      await page.locator(sel('server-url')).fill(server.url);
      await page.locator(sel('email')).fill(`escritora-${Date.now()}@example.com`);
      await page.locator(sel('password')).fill('una contraseña larga');
      await page.locator(sel('create-account')).click();
      await page.waitForSelector(`${sel('account-status')}[data-signed-in="true"]`, { timeout: 15_000 });
      expect(await notFromSpanishCatalogue(page)).toEqual([]);
      await page.locator(sel('close-settings')).click();
      await page.waitForSelector(`${sel('sync-status')}[data-state="synced"]`, { timeout: 20_000 });
      await server.stop();
      await page.locator(sel('sync-status')).click();
      await page.waitForSelector(`${sel('sync-status')}[data-state="unreachable"]`, { timeout: 20_000 });
      expect(await notFromSpanishCatalogue(page)).toEqual([]);
      await page.close();
    } finally {
      await server.stop();
    }
  });
});
