// Research clipping in real Chromium with the built extension (issue 15): citations from each family of page metadata
// in each style, whole articles with tables and images, the picker, the page's confirmation and undo, hostile pages.
// Pages are served by the test. A toolbar press through CDP stands in for the writer's gesture (support/gesture.ts);
// everything after it is the extension's own code.
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { seriousViolations } from './support/a11y.ts';
import { useChromiumPerFile } from './support/browser.ts';
import { useFirefoxPerFile } from './support/firefox.ts';
import { localBook, putStoredBook, storedBook, storedBooks } from './support/books.ts';
import { clickConfirmationButton, confirmationText, grantActiveTab } from './support/gesture.ts';
import { createBook, sel } from './support/panel.ts';
import { selectAndRead, servePages, type PageServer } from './support/page-server.ts';
import { readPageFacts } from '../extension/lib/clipping/page-facts.ts';
import { until, within } from '../shared/wait.testing.ts';

const ACCESSED = Date.UTC(2026, 10, 25, 12);
const QUOTE = '<article><p id="quote">The tide turns at dawn, says the almanac.</p></article>';
const PROSE = '<p>The harbour records show the tide turning at dawn on most days of the year, as the almanac says, and the pilots agree.</p>'.repeat(4);

const page = (head: string, body = QUOTE) => `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;

const PAGES: Record<string, string> = {
  '/highwire': page(`<title>Tidal friction | Journal of Tides</title>
    <meta name="citation_title" content="Tidal Friction and the Length of the Day">
    <meta name="citation_author" content="Lovelace, Ada"><meta name="citation_author" content="Babbage, Charles">
    <meta name="citation_journal_title" content="Journal of Tides"><meta name="citation_publication_date" content="2021/04/09">
    <meta name="citation_volume" content="7"><meta name="citation_issue" content="2">
    <meta name="citation_firstpage" content="101"><meta name="citation_lastpage" content="118">
    <meta name="citation_doi" content="10.5555/tides.2021.7">`),
  '/dublin-core': page(`<title>Records</title>
    <meta name="DC.title" content="Harbour Records, 1850–1900"><meta name="DC.creator" content="Marsh, Ellen">
    <meta name="DC.date" content="2019-11-02"><meta name="DC.publisher" content="Coastal Archive">`),
  '/open-graph': page(`<title>Ten Knots | Sailing Today</title>
    <meta property="og:title" content="Ten Knots off Finisterre"><meta property="og:site_name" content="Sailing Today">
    <meta property="article:published_time" content="2023-07-09T08:00:00Z"><meta name="author" content="Ana Ruiz">`),
  '/json-ld': page(`<title>Storm</title><script type="application/ld+json">${JSON.stringify({
    '@context': 'https://schema.org',
    '@graph': [
      { '@type': 'WebSite', name: 'The Coast Gazette' },
      {
        '@type': 'NewsArticle', headline: 'Storm Closes the Harbour', datePublished: '2025-02-03T22:15:00-05:00',
        author: [{ '@type': 'Person', name: 'Iris Vane' }, { '@type': 'Person', name: 'Tom Reed' }],
        publisher: { '@type': 'Organization', name: 'Gazette Media' },
      },
    ],
  })}</script>`),
  '/plain': page('<title>Tide Tables for Vigo</title>'),
  '/article': page(
    '<title>Reading the Tides | Harbour Notes</title><meta property="og:site_name" content="Harbour Notes">',
    `<nav><a href="/">Home</a> · <a href="/about">About</a></nav>
    <article><h1>Reading the Tides</h1>${PROSE}
    <table><thead><tr><th>Port</th><th>High water</th></tr></thead><tbody><tr><td>Vigo</td><td>06:12</td></tr></tbody></table>
    <figure><img src="/chart.png" alt="Tide chart of the ría" onerror="this.dataset.ran = 1"><figcaption>Spring tides in March.</figcaption></figure>
    <pre><code>height = a * cos(w * t)</code></pre>
    <p>Pilots <a href="javascript:alert(1)" onclick="alert(1)">swear</a> by it.</p>${PROSE}</article>
    <footer>Copyright notice</footer>`,
  ),
  // 160,000 nested tags, each with a script-laden attribute (the HTML parser nests the first 512 and flattens the rest),
  // hidden so the test's browser does not spend its time laying them out; the extension reads them all the same.
  '/deep': page(
    '<title>Deep</title>',
    `<p id="quote" onmouseover="alert(1)">Deep page.</p><div hidden>${'<div onclick="alert(1)">'.repeat(160_000)}bottom</div>`,
  ),
  // A huge flat DOM: 300,000 elements.
  '/huge': page('<title>Huge</title>', `<script>
      const list = document.createElement('ul');
      list.hidden = true;
      for (let i = 0; i < 300000; i++) list.appendChild(document.createElement('li')).textContent = 'item ' + i;
      document.body.appendChild(list);
    </script>`),
};

const chromium = useChromiumPerFile();
let site: PageServer;
let panel: Page;

beforeAll(async () => {
  site = await servePages(PAGES);
});

afterAll(async () => {
  await site?.close();
});

beforeEach(async () => {
  panel = await chromium.openPanel();
});

type ClipAnswer = { bookId: string; created: boolean; clipId: string };

/** Opens `path` on the test site in a new tab. */
async function openPage(path: string): Promise<Page> {
  const tab = await chromium.ext.browser.newPage();
  await tab.goto(site.url(path));
  return tab;
}

/** Selects the page's #quote paragraph, as the writer's drag would. */
function selectQuote(tab: Page): Promise<void> {
  return tab.evaluate(() => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById('quote')!);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  });
}

/**
 * What a click on the page's context-menu entry runs in the background (a headless browser cannot click one): the
 * tab's `kind` clipped to `destination`. The tab must have been granted first (`grantActiveTab`).
 */
function clipFromTab<T = ClipAnswer>(tabId: number, kind: 'article' | 'selection', destination: 'default' | 'pick'): Promise<T> {
  return chromium.ext.evaluateInWorker(
    (request) =>
      (globalThis as unknown as { __clipFromTab: (t: unknown, k: string, d: string) => Promise<T> }).__clipFromTab(
        { tabId: request.tabId },
        request.kind,
        request.destination,
      ),
    { tabId, kind, destination },
  );
}

/** The references in `html` (the paragraph after each block quote) as a reader sees them: *italics*, link text. */
function references(html: string, on: Page = panel): Promise<string[]> {
  return on.evaluate((source) => {
    const doc = new DOMParser().parseFromString(source, 'text/html');
    return Array.from(doc.querySelectorAll('blockquote + p')).map((p) => {
      for (const em of Array.from(p.querySelectorAll('em'))) em.textContent = `*${em.textContent}*`;
      return p.textContent ?? '';
    });
  }, html);
}

const CHOICES = ['apa/en', 'apa/es', 'mla/en', 'mla/es', 'chicago/en', 'chicago/es'] as const;
const METADATA_PAGES = ['/highwire', '/dublin-core', '/open-graph', '/json-ld', '/plain'];

/** The reference each metadata page must get, in each style and language, following the style guides. */
function expected(path: string): Record<(typeof CHOICES)[number], string> {
  const U = site.url(path);
  const M = U.replace(/^https?:\/\//, '');
  switch (path) {
    case '/highwire':
      return {
        'apa/en': 'Lovelace, A., & Babbage, C. (2021). Tidal Friction and the Length of the Day. *Journal of Tides*, *7*(2), 101–118. https://doi.org/10.5555/tides.2021.7',
        'apa/es': 'Lovelace, A. y Babbage, C. (2021). Tidal Friction and the Length of the Day. *Journal of Tides*, *7*(2), 101–118. https://doi.org/10.5555/tides.2021.7',
        'mla/en': 'Lovelace, Ada, and Charles Babbage. “Tidal Friction and the Length of the Day.” *Journal of Tides*, vol. 7, no. 2, 2021, pp. 101–118, https://doi.org/10.5555/tides.2021.7.',
        'mla/es': 'Lovelace, Ada y Charles Babbage. «Tidal Friction and the Length of the Day». *Journal of Tides*, vol. 7, núm. 2, 2021, pp. 101–118, https://doi.org/10.5555/tides.2021.7.',
        'chicago/en': 'Lovelace, Ada, and Charles Babbage. “Tidal Friction and the Length of the Day.” *Journal of Tides* 7, no. 2 (2021): 101–118. https://doi.org/10.5555/tides.2021.7.',
        'chicago/es': 'Lovelace, Ada y Charles Babbage. «Tidal Friction and the Length of the Day». *Journal of Tides* 7, n.º 2 (2021): 101–118. https://doi.org/10.5555/tides.2021.7.',
      };
    case '/dublin-core':
      return {
        'apa/en': `Marsh, E. (2019, November 2). *Harbour Records, 1850–1900*. ${U}`,
        'apa/es': `Marsh, E. (2019, 2 de noviembre). *Harbour Records, 1850–1900*. ${U}`,
        'mla/en': `Marsh, Ellen. *Harbour Records, 1850–1900*. Coastal Archive, 2 Nov. 2019, ${M}.`,
        'mla/es': `Marsh, Ellen. *Harbour Records, 1850–1900*. Coastal Archive, 2 nov. 2019, ${M}.`,
        'chicago/en': `Marsh, Ellen. “Harbour Records, 1850–1900.” Coastal Archive. November 2, 2019. ${U}.`,
        'chicago/es': `Marsh, Ellen. «Harbour Records, 1850–1900». Coastal Archive. 2 de noviembre de 2019. ${U}.`,
      };
    case '/open-graph':
      return {
        'apa/en': `Ruiz, A. (2023, July 9). *Ten Knots off Finisterre*. Sailing Today. ${U}`,
        'apa/es': `Ruiz, A. (2023, 9 de julio). *Ten Knots off Finisterre*. Sailing Today. ${U}`,
        'mla/en': `Ruiz, Ana. “Ten Knots off Finisterre.” *Sailing Today*, 9 July 2023, ${M}.`,
        'mla/es': `Ruiz, Ana. «Ten Knots off Finisterre». *Sailing Today*, 9 jul. 2023, ${M}.`,
        'chicago/en': `Ruiz, Ana. “Ten Knots off Finisterre.” Sailing Today. July 9, 2023. ${U}.`,
        'chicago/es': `Ruiz, Ana. «Ten Knots off Finisterre». Sailing Today. 9 de julio de 2023. ${U}.`,
      };
    case '/json-ld':
      return {
        'apa/en': `Vane, I., & Reed, T. (2025, February 3). *Storm Closes the Harbour*. The Coast Gazette. ${U}`,
        'apa/es': `Vane, I. y Reed, T. (2025, 3 de febrero). *Storm Closes the Harbour*. The Coast Gazette. ${U}`,
        'mla/en': `Vane, Iris, and Tom Reed. “Storm Closes the Harbour.” *The Coast Gazette*, Gazette Media, 3 Feb. 2025, ${M}.`,
        'mla/es': `Vane, Iris y Tom Reed. «Storm Closes the Harbour». *The Coast Gazette*, Gazette Media, 3 feb. 2025, ${M}.`,
        'chicago/en': `Vane, Iris, and Tom Reed. “Storm Closes the Harbour.” The Coast Gazette. Gazette Media. February 3, 2025. ${U}.`,
        'chicago/es': `Vane, Iris y Tom Reed. «Storm Closes the Harbour». The Coast Gazette. Gazette Media. 3 de febrero de 2025. ${U}.`,
      };
    default:
      return {
        'apa/en': `*Tide Tables for Vigo*. (n.d.). Retrieved November 25, 2026, from ${U}`,
        'apa/es': `*Tide Tables for Vigo*. (s. f.). Recuperado el 25 de noviembre de 2026, de ${U}`,
        'mla/en': `*Tide Tables for Vigo*. ${M}. Accessed 25 Nov. 2026.`,
        'mla/es': `*Tide Tables for Vigo*. ${M}. Consultado el 25 nov. 2026.`,
        'chicago/en': `“Tide Tables for Vigo.” Accessed November 25, 2026. ${U}.`,
        'chicago/es': `«Tide Tables for Vigo». Consultado el 25 de noviembre de 2026. ${U}.`,
      };
  }
}


describe('citations', () => {

  test('cite each family of page metadata, and a page with none, exactly in every style and language', async () => {
    const bookId = await createBook(panel);
    const paths = METADATA_PAGES;
    // What each page gives the extension: its selection and its facts, read by the extension's own page functions.
    const read = [];
    for (const path of paths) {
      const tab = await openPage(path);
      read.push({ path, selection: await selectAndRead(tab, 'quote'), facts: await tab.evaluate(readPageFacts) });
      await tab.close();
    }
    await panel.bringToFront();
    for (const choice of CHOICES) {
      // The writer picks the book's citation style in the book's fields.
      await panel.select(sel('citation-style'), choice);
      const [style, language] = choice.split('/');
      await until(async () => {
        const metadata = (await storedBook(panel, bookId))?.metadata as { citation?: { style: string; language: string } };
        return metadata?.citation?.style === style && metadata.citation?.language === language;
      }, { message: `the citation style ${choice} to be stored` });
      for (const { path, selection, facts } of read) {
        await chromium.ext.evaluateInWorker(
          (request) => (globalThis as unknown as { __clip: (r: unknown) => Promise<unknown> }).__clip(request),
          { ...selection, page: facts, bookId, at: ACCESSED },
        );
        const cited = await references((await storedBook(panel, bookId))!.content);
        expect(cited.at(-1), `${path} in ${choice}`).toBe(expected(path)[choice]);
      }
    }
  });
});

describe('whole articles, feedback and undo', () => {
  test('clip an article: the table stays a table, the image a linked reference with its alt text and caption', async () => {
    const tab = await openPage('/article');
    const tabId = await grantActiveTab(chromium.ext, tab);
    const result = await clipFromTab(tabId, 'article', 'default');
    const html = (await storedBook(panel, result.bookId))!.content;
    const clip = await panel.evaluate((source) => {
      const doc = new DOMParser().parseFromString(source, 'text/html');
      const quote = doc.querySelectorAll('blockquote');
      const last = quote[quote.length - 1]!;
      return {
        cells: Array.from(last.querySelectorAll('table th, table td')).map((c) => c.textContent?.trim()),
        image: Array.from(last.querySelectorAll('a')).map((a) => [a.getAttribute('href'), a.parentElement?.textContent?.trim()]),
        code: last.querySelector('pre code')?.textContent,
        text: last.textContent ?? '',
      };
    }, html);
    expect(clip.cells).toEqual(['Port', 'High water', 'Vigo', '06:12']);
    expect(clip.image).toContainEqual([site.url('/chart.png'), 'Image: Tide chart of the ría — Spring tides in March.']);
    expect(clip.code).toBe('height = a * cos(w * t)');
    expect(clip.text).toContain('Pilots swear by it.');
    expect(clip.text).not.toMatch(/Copyright notice|Home/);
    expect(html).not.toMatch(/<img|onerror|onclick|javascript:/i);
    // The page shows the confirmation; the badge says the clip is in.
    await until(async () => (await confirmationText(tab)).includes('Clipped to'), { message: 'the confirmation on the page' });
    expect(await chromium.ext.evaluateInWorker((id) => (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string> } } }).chrome.action.getBadgeText({ tabId: id }), tabId)).toBe('✓');
    await tab.close();
  });

  test('"Undo" on the page’s confirmation takes the clip back out of the book', async () => {
    const tab = await openPage('/open-graph');
    await selectQuote(tab);
    const before = new Map((await storedBooks(panel)).map((b) => [b.id, b.content]));
    const result = await clipFromTab(await grantActiveTab(chromium.ext, tab), 'selection', 'default');
    const clippedInto = result.bookId;
    const clipped = (await storedBook(panel, clippedInto))!.content;
    expect(clipped.startsWith(before.get(clippedInto) ?? '')).toBe(true);
    expect(clipped.slice((before.get(clippedInto) ?? '').length)).toMatch(/^<blockquote><p>The tide turns at dawn/);
    await until(async () => (await confirmationText(tab)).includes('Undo'), { message: 'the confirmation with its undo button' });

    await clickConfirmationButton(tab, 'undo');

    // Back to what the book held before (a book made for the clip alone goes with it).
    await until(async () => (await storedBook(panel, clippedInto))?.content === before.get(clippedInto), {
      message: 'the clip to be taken out',
    });
    await until(async () => (await confirmationText(tab)).includes('Clip removed'), { message: '"Clip removed" on the page' });
    await tab.close();
  });

  test('"Open" on the page’s confirmation opens the clipped book', async () => {
    const tab = await openPage('/json-ld');
    await selectQuote(tab);
    const result = await clipFromTab(await grantActiveTab(chromium.ext, tab), 'selection', 'default');
    await until(async () => (await confirmationText(tab)).includes('Open'), { message: 'the confirmation with its open button' });
    const opened = chromium.ext.browser.waitForTarget((t) => t.url().includes('sidepanel.html') && t.url().includes(result.bookId), { timeout: 10_000 });
    await clickConfirmationButton(tab, 'open');
    const editor = (await (await opened).page())!;
    await editor.waitForSelector(`${sel('editor')} blockquote`);
    await editor.close();
    await tab.close();
  });

  test('an open panel shows the new clip: it scrolls into view, and one undo in the editor removes it whole', async () => {
    const book = localBook({ title: 'Long draft', content: '<p>A paragraph of the draft.</p>'.repeat(200) });
    await putStoredBook(panel, book);
    await panel.goto(chromium.ext.extensionUrl(`sidepanel.html#/book/${book.id}`));
    await panel.waitForSelector(`${sel('editor')} p`);
    await panel.locator(`${sel('editor')} .ProseMirror`).click();
    const tab = await openPage('/plain');
    const selection = await selectAndRead(tab, 'quote');
    await tab.close();
    await panel.bringToFront();
    await chromium.ext.evaluateInWorker(
      (request) => (globalThis as unknown as { __clip: (r: unknown) => Promise<unknown> }).__clip(request),
      { ...selection, bookId: book.id },
    );
    await panel.waitForSelector(`${sel('editor')} blockquote`);
    await until(
      () =>
        panel.$eval(`${sel('editor')} .ProseMirror > p:last-child`, (p) => {
          const { top, bottom } = p.getBoundingClientRect();
          // Within a pixel: layout rounds to fractions of one.
          return top >= 0 && bottom <= window.innerHeight + 1;
        }),
      { message: 'the clip’s reference to come into view' },
    );
    // The clip is one undo step of its own: quote and reference go together, the draft stays.
    await panel.keyboard.down('Control');
    await panel.keyboard.press('z');
    await panel.keyboard.up('Control');
    await until(async () => (await panel.$(`${sel('editor')} blockquote`)) === null, { message: 'undo to remove the clip' });
    expect(await panel.$$eval(`${sel('editor')} .ProseMirror > p`, (ps) => ps.length)).toBe(200);
  });

  test('the picker finds book 40 of 50 by typing, and the clip lands there', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 50; i++) {
      const book = localBook({ title: `Notebook ${i}`, content: '<p>Notes.</p>', updatedAt: Date.now() - i * 1000 });
      ids.push(book.id);
      await putStoredBook(panel, book);
    }
    const tab = await openPage('/plain');
    await selectQuote(tab);
    const pickerOpened = chromium.ext.browser.waitForTarget((t) => t.url().endsWith('/clip-picker.html'));
    expect(await clipFromTab<unknown>(await grantActiveTab(chromium.ext, tab), 'selection', 'pick')).toBe('picking');
    const picker = (await (await pickerOpened).page())!;
    await picker.waitForSelector(sel('clip-picker-book'));
    expect((await picker.$$(sel('clip-picker-book'))).length).toBeGreaterThanOrEqual(50);
    expect(await seriousViolations(picker)).toEqual([]);

    await picker.type(sel('clip-picker-search'), '40');
    await until(async () => (await picker.$$(sel('clip-picker-book'))).length === 1, { message: 'one match for "40"' });
    expect(await picker.$eval('[aria-selected="true"]', (el) => el.textContent)).toBe('Notebook 40');
    const closed = new Promise((done) => picker.once('close', done));
    // Key down is the press that picks (the window closes before a key up could reach it).
    await picker.keyboard.down('Enter');

    const book40 = ids[39]!;
    await until(async () => (await storedBook(panel, book40))?.content.includes('The tide turns at dawn'), { message: 'the clip in Notebook 40' });
    await within(closed, 10_000, 'the picker to close');
    expect((await storedBook(panel, ids[3]!))?.content).toBe('<p>Notes.</p>');
    await tab.close();
  });
});

describe('hostile pages', () => {
  for (const path of ['/deep', '/huge']) {
    test(`an article clip of ${path} is refused with a message on the page, and the background stays responsive`, async () => {
      const tab = await openPage(path);
      const tabId = await grantActiveTab(chromium.ext, tab);
      const clipping = chromium.ext.evaluateInWorker(
        (id) =>
          (globalThis as unknown as { __clipFromTab: (t: unknown, k: string, d: string) => Promise<unknown> })
            .__clipFromTab({ tabId: id }, 'article', 'default')
            .then(() => 'clipped', (error: Error) => error.name),
        tabId,
      );
      // While the page is read, the background answers the panel's messages at once.
      const answer = panel.evaluate(() =>
        (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime
          .sendMessage({ type: 'clip-pending' })
          .then((pending) => ({ answered: true, pending })),
      );
      expect(await within(answer, 5_000, 'the background to answer')).toEqual({ answered: true, pending: null });
      expect(await within(clipping, 30_000, 'the clip to finish or be refused')).toBe('ClipRefusedError');
      await until(async () => (await confirmationText(tab)).includes('too large'), { message: 'the refusal on the page' });
      await tab.close();
    });
  }

  test('a selection inside the 160,000-deep page clips as clean text', async () => {
    const tab = await openPage('/deep');
    const selection = await selectAndRead(tab, 'quote');
    const result = await chromium.ext.evaluateInWorker(
      (request) => (globalThis as unknown as { __clip: (r: unknown) => Promise<ClipAnswer> }).__clip(request),
      selection,
    );
    const html = (await storedBook(panel, result.bookId))!.content;
    expect(html).toContain('<blockquote><p>Deep page.</p></blockquote>');
    expect(html).not.toMatch(/onmouseover|onclick/);
    await tab.close();
  });
});

describe('in Firefox', () => {
  // The editor tab the add-on opens on first install is the way in (BiDi cannot open moz-extension:// pages).
  const inFirefox = useFirefoxPerFile();

  test('cite each family of page metadata exactly, in every style, through the background page', async () => {
    const { firefox, editorTab } = inFirefox;
    const bookId = await createBook(editorTab);
    const read = [];
    for (const path of METADATA_PAGES) {
      const tab = await firefox.browser.newPage();
      await tab.goto(site.url(path));
      read.push({ path, selection: await selectAndRead(tab, 'quote'), facts: await tab.evaluate(readPageFacts) });
      await tab.close();
    }
    await editorTab.bringToFront();
    for (const choice of CHOICES) {
      await editorTab.select(sel('citation-style'), choice);
      await until(async () => {
        const metadata = (await storedBook(editorTab, bookId))?.metadata as { citation?: { style: string; language: string } };
        return `${metadata?.citation?.style}/${metadata?.citation?.language}` === choice;
      }, { message: `the citation style ${choice} to be stored` });
      for (const { path, selection, facts } of read) {
        // What the menu click does after reading the page, asked of the background by the extension page.
        await editorTab.evaluate(
          (request) =>
            (globalThis as unknown as { browser: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).browser.runtime.sendMessage({
              type: 'clip',
              data: request,
            }),
          { ...selection, page: facts, bookId, at: ACCESSED },
        );
        const cited = await references((await storedBook(editorTab, bookId))!.content, editorTab);
        expect(cited.at(-1), `${path} in ${choice}`).toBe(expected(path)[choice]);
      }
    }
  });
});
