// Figures of the writing room (issue 13): full-text search over 50 novels of 150,000 words (the extension's search
// module, run in Node's V8), and in real Chromium with the built extension: opening a 150,000-word book with its
// outline, and keystroke → next frame with focus mode and typewriter scrolling on.
import { localBook, putStoredBook } from '../e2e/support/books.ts';
import { launchWithExtension } from '../e2e/support/browser.ts';
import { sel } from '../e2e/support/panel.ts';
import { BookSearch } from '../extension/lib/books/search.ts';
import { benchState, caretAtEnd, instrument, LONG_BOOK_WORDS, openBook } from './browser.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { median, percentile } from './lib/stats.ts';

const NOVELS = 50;
/**
 * Found near the end of one novel only; common words found in every book; a word in no book; a word being typed; and
 * the worst case for the word prefilter: every word in every book, the phrase in none, so every text is scanned.
 */
const QUERIES = ['needle in chapter forty', 'winter harbour', 'xylophone', 'harb', 'forgotten captain whisper kitchen'];
const SEARCH_REPEATS = 40;
const KEYSTROKES = 60;
const KEY_DELAY_MS = 120;

export interface RoomFigures {
  search: { novels: number; megabytes: number; firstSearchMs: number; warm: Array<{ query: string; matches: number; p50: number; p95: number }> };
  open: { runs: number[]; median: number; outlineRuns: number[]; outlineMedian: number };
  keystroke: { samples: number; p50: number; p95: number; max: number };
  /** The same typing with focus mode and typewriter scrolling off, in the same runs, for comparison. */
  keystrokePlain: { samples: number; p50: number; p95: number; max: number };
}

export function measureSearch(log: (line: string) => void): RoomFigures['search'] {
  const books = Array.from({ length: NOVELS }, (_, i) => {
    let content = manuscriptHtml(LONG_BOOK_WORDS, 100 + i);
    if (i === 17) content = content.replace(/<\/p>(?![\s\S]*<\/p>)/, ' needle in chapter forty</p>');
    return localBook({ title: `Novel ${i + 1}`, content });
  });
  const megabytes = books.reduce((sum, b) => sum + b.content.length, 0) / 1e6;
  const search = new BookSearch();
  const started = performance.now();
  search.search(books, 'first search builds the index');
  const firstSearchMs = performance.now() - started;
  log(`room: ${NOVELS} novels, ${megabytes.toFixed(0)} MB of HTML indexed in ${firstSearchMs.toFixed(0)} ms`);
  const warm = QUERIES.map((query) => {
    const times: number[] = [];
    let matches = 0;
    for (let i = 0; i < SEARCH_REPEATS; i++) {
      const t0 = performance.now();
      matches = search.search(books, query).length;
      times.push(performance.now() - t0);
    }
    return { query, matches, p50: median(times), p95: percentile(times, 95) };
  });
  return { novels: NOVELS, megabytes, firstSearchMs, warm };
}

export async function measureRoom(runs: number, extensionDir: string, log: (line: string) => void): Promise<RoomFigures> {
  const search = measureSearch(log);
  const ext = await launchWithExtension(extensionDir);
  try {
    const panel = await ext.openPanel();
    await panel.waitForSelector(sel('book-list'));
    const html = manuscriptHtml(LONG_BOOK_WORDS, 42);
    const book = localBook({ title: 'The Long Novel', content: html });
    await putStoredBook(panel, book);
    const blocks = (html.match(/<(p|h2)>/g) ?? []).length;
    const chapters = (html.match(/<h2>/g) ?? []).length;
    const openRuns: number[] = [];
    const outlineRuns: number[] = [];
    const samples: number[] = [];
    const plainSamples: number[] = [];
    const summary = (values: number[]) => ({ samples: values.length, p50: percentile(values, 50), p95: percentile(values, 95), max: Math.max(...values) });
    for (let run = 0; run < runs; run++) {
      // Baseline: the aids off.
      await panel.evaluate(() => localStorage.removeItem('anclora.display'));
      const plain = await openBook(ext, book.id, blocks);
      await instrument(plain.page);
      await caretAtEnd(plain.page);
      await plain.page.keyboard.type(` plain run ${run} `.padEnd(KEYSTROKES, 'x'), { delay: KEY_DELAY_MS });
      plainSamples.push(...(await benchState(plain.page)).samples);
      await plain.page.close();

      // Focus mode and typewriter scrolling on, the outline open (the tab layout shows it as a sidebar).
      await panel.evaluate(() => localStorage.setItem('anclora.display', JSON.stringify({ focusMode: true, typewriter: true })));
      const { page, openMs } = await openBook(ext, book.id, blocks);
      openRuns.push(openMs);
      await page.locator(sel('toggle-outline')).click();
      const outline = await page.waitForFunction(
        (selector, count) => (document.querySelectorAll(selector).length >= count ? performance.now() : 0),
        { polling: 'raf', timeout: 60_000 },
        sel('outline-entry'),
        chapters,
      );
      outlineRuns.push(((await outline.jsonValue()) as number) - openMs);
      await instrument(page);
      await caretAtEnd(page);
      await page.keyboard.type(` typing run ${run} `.padEnd(KEYSTROKES, 'x'), { delay: KEY_DELAY_MS });
      const state = await benchState(page);
      samples.push(...state.samples);
      log(`room run ${run + 1}/${runs}: open ${openMs.toFixed(0)} ms, keystroke p95 ${percentile(state.samples, 95).toFixed(1)} ms (focus + typewriter)`);
      await page.close();
    }
    return {
      search,
      open: { runs: openRuns, median: median(openRuns), outlineRuns, outlineMedian: median(outlineRuns) },
      keystroke: summary(samples),
      keystrokePlain: summary(plainSamples),
    };
  } finally {
    await ext.close().catch(() => undefined);
  }
}
