// Figures in real Chromium with the built extension (e2e/support launcher): opening a 150,000-word manuscript in a
// 400 px side panel, keystroke-to-paint latency and long tasks while typing at its end, one autosave (time, main-thread
// work and long tasks), and edit-to-server-durable latency (last keystroke in the panel → the server has the text) for
// a short and a long book.
import type { Page } from 'puppeteer';
import { localBook, putStoredBook, storedBook } from '../e2e/support/books.ts';
import { launchWithExtension, type ExtensionBrowser } from '../e2e/support/browser.ts';
import { EDITOR, sel } from '../e2e/support/panel.ts';
import { until } from '../shared/wait.testing.ts';
import { BENCH_PASSWORD } from './lib/accounts.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { startServer } from './lib/processes.ts';
import { median, percentile } from './lib/stats.ts';

export const LONG_BOOK_WORDS = 150_000;
const SHORT_BOOK_WORDS = 520;
/** Keystrokes per typing run, and the pause between them (~8 characters a second, a brisk typist). */
const KEYSTROKES = 60;
const KEY_DELAY_MS = 120;
/** The side panel's usual width (Chrome lets the writer drag it between 360 and ~700 px). */
const PANEL_VIEWPORT = { width: 400, height: 900 };

export interface BrowserFigures {
  manuscriptBytes: number;
  openMs: { runs: number[]; median: number };
  keystrokeToPaintMs: { samples: number; p50: number; p95: number; max: number };
  /** While typing at the end of the long book (autosaves included): main-thread long tasks and work per keystroke. */
  typing: {
    runs: Array<{ keystrokes: number; longTasks: number; longestTaskMs: number; taskMsPerKey: number }>;
    longTasks: number;
    longestTaskMs: number;
    taskMsPerKey: number;
  };
  autosave: {
    runs: Array<{
      lastKeyToSavedMs: number;
      longTasks: number;
      longTaskMs: number;
      longestTaskMs: number;
      blockingMs: number;
      /** Long tasks the observer saw since the page loaded (opening the book): shows the observer works. */
      longTasksSinceLoad: number;
      /** Main-thread task time (Chromium's TaskDuration) from the last keystroke to "saved" shown: the save's cost. */
      taskMs: number;
    }>;
    lastKeyToSavedMs: number;
    longTasks: number;
    longTaskMs: number;
    longestTaskMs: number;
    blockingMs: number;
    taskMs: number;
  };
  editToServer: Array<{ book: string; bytes: number; runs: number[]; p50: number; p95: number }>;
}

/** In-page instrumentation: keydown times, keystroke → next frame samples, long tasks, and save-state changes. */
function instrument(page: Page): Promise<void> {
  return page.evaluate(() => {
    const bench = {
      lastKey: 0,
      lastKeyEpoch: 0,
      samples: [] as number[],
      longTasks: [] as Array<{ start: number; duration: number }>,
      saves: [] as Array<{ state: string; at: number }>,
    };
    (window as unknown as { __bench: typeof bench }).__bench = bench;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) bench.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
    document.addEventListener(
      'keydown',
      (event) => {
        bench.lastKey = event.timeStamp;
        bench.lastKeyEpoch = performance.timeOrigin + event.timeStamp;
      },
      true,
    );
    // Keystroke → the frame that shows it: rAF runs just before that frame's paint, and a message posted from it is
    // delivered right after the frame, so the sample ends once the frame is produced.
    document.addEventListener(
      'input',
      () => {
        const keyAt = bench.lastKey;
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => bench.samples.push(performance.now() - keyAt);
          channel.port2.postMessage(0);
        });
      },
      true,
    );
    const saveState = document.querySelector('.save-state');
    if (saveState) {
      new MutationObserver(() => bench.saves.push({ state: saveState.className, at: performance.now() })).observe(saveState, {
        attributes: true,
        attributeFilter: ['class'],
      });
    }
  });
}

interface BenchState {
  lastKey: number;
  lastKeyEpoch: number;
  samples: number[];
  longTasks: Array<{ start: number; duration: number }>;
  saves: Array<{ state: string; at: number }>;
}

function benchState(page: Page): Promise<BenchState> {
  return page.evaluate(() => (window as unknown as { __bench: BenchState }).__bench);
}

/** Milliseconds of main-thread tasks the page has run so far (Chromium's own cumulative TaskDuration). */
async function taskMs(page: Page): Promise<number> {
  return ((await page.metrics()).TaskDuration ?? 0) * 1000;
}

/** In-page: "saved" was shown after the last keystroke (a cheap poll: it returns one boolean). */
function savedSinceLastKey(): boolean {
  const bench = (window as unknown as { __bench: BenchState }).__bench;
  return bench.saves.some((x) => x.at > bench.lastKey && x.state.includes('save-saved'));
}

async function caretAtEnd(page: Page): Promise<void> {
  await page.locator(EDITOR).click();
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
}

/** Opens `sidepanel.html#/book/<id>` in a new tab and returns ms from navigation start to the whole book shown. */
async function openBook(ext: ExtensionBrowser, id: string, blocks: number): Promise<{ page: Page; openMs: number }> {
  const page = await ext.browser.newPage();
  await page.setViewport(PANEL_VIEWPORT);
  await page.bringToFront();
  await page.goto(ext.extensionUrl(`sidepanel.html#/book/${id}`));
  // Checked every animation frame in the page; the time is the page's own clock from navigation start.
  const handle = await page.waitForFunction(
    (selector, count) => {
      const editor = document.querySelector(selector);
      return editor && editor.childElementCount >= count ? performance.now() : 0;
    },
    { polling: 'raf', timeout: 120_000 },
    EDITOR,
    blocks,
  );
  return { page, openMs: (await handle.jsonValue()) as number };
}

/** Signs the panel in through the settings view, creating the account. */
async function createAccountInPanel(panel: Page, serverUrl: string, email: string): Promise<void> {
  await panel.locator(sel('open-settings')).click();
  await panel.locator(sel('server-url')).fill(serverUrl);
  await panel.locator(sel('email')).fill(email);
  await panel.locator(sel('password')).fill(BENCH_PASSWORD);
  await panel.locator(sel('create-account')).click();
  await panel.waitForFunction(
    (selector) => document.querySelector(selector)?.getAttribute('data-signed-in') === 'true',
    { timeout: 30_000 },
    sel('account-status'),
  );
  await panel.locator(sel('close-settings')).click();
}

/** Reads the server's change feed (GET /api/books?since=…) as another device would: cheap when nothing changed. */
async function serverFeed(serverUrl: string, email: string) {
  const tokenAnswer = await fetch(`${serverUrl}/api/tokens`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH_PASSWORD, deviceName: 'bench observer' }),
  });
  const token = ((await tokenAnswer.json()) as { data: { token: string } }).data.token;
  let cursor: string | undefined;
  const page = async () => {
    const query = cursor === undefined ? '' : `?since=${encodeURIComponent(cursor)}`;
    const answer = await fetch(`${serverUrl}/api/books${query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await answer.json()) as { data: Array<{ id: string; content: string }>; cursor: string; hasMore: boolean };
    cursor = body.cursor;
    return body;
  };
  // Skip to the end of the feed: only changes from now on matter.
  while ((await page()).hasMore);
  return {
    /** Resolves with Date.now() at the first poll whose answer holds `text` in book `id`. */
    async waitForText(id: string, text: string, timeoutMs = 60_000): Promise<number> {
      await until(async () => (await page()).data.some((book) => book.id === id && book.content.includes(text)), {
        timeout: timeoutMs,
        message: `the server to get "${text}"`,
      });
      return Date.now();
    },
  };
}

export async function measureBrowser(runs: number, extensionDir: string, log: (line: string) => void): Promise<BrowserFigures> {
  const server = await startServer();
  const ext = await launchWithExtension(extensionDir);
  try {
    const panel = await ext.openPanel();
    await panel.waitForSelector(sel('book-list'));
    const email = `bench-${Date.now()}@example.test`;
    await createAccountInPanel(panel, server.url, email);
    const feed = await serverFeed(server.url, email);

    const longHtml = manuscriptHtml(LONG_BOOK_WORDS, 42);
    const shortHtml = manuscriptHtml(SHORT_BOOK_WORDS, 43);
    const long = localBook({ title: 'The Long Novel', content: longHtml });
    const short = localBook({ title: 'A Short Story', content: shortHtml });
    await putStoredBook(panel, long);
    await putStoredBook(panel, short);
    // Written outside Dexie, so the panel's live queries did not see them: reload, then sync now (the badge).
    await panel.reload();
    await panel.waitForSelector(sel('sync-status'));
    await panel.locator(sel('sync-status')).click();
    await until(async () => (await storedBook(panel, long.id))?.dirty === 0 && (await storedBook(panel, short.id))?.dirty === 0, {
      timeout: 120_000,
      message: 'both books to reach the server',
    });
    await panel.close();
    log(`browser: signed in, ${(longHtml.length / 1024).toFixed(0)} kB manuscript synced`);

    const blocks = (longHtml.match(/<(p|h2)>/g) ?? []).length;
    const openRuns: number[] = [];
    const keySamples: number[] = [];
    const typingRuns: BrowserFigures['typing']['runs'] = [];
    const autosaves: BrowserFigures['autosave']['runs'] = [];
    const durable = new Map<string, number[]>([
      ['short', []],
      ['long', []],
    ]);

    for (let run = 0; run < runs; run++) {
      const { page, openMs } = await openBook(ext, long.id, blocks);
      openRuns.push(openMs);
      await instrument(page);
      await caretAtEnd(page);

      // Typing: every keystroke's latency to the frame that shows it (autosaves during typing included).
      const typed = ` typing run ${run} `.padEnd(KEYSTROKES, 'x');
      const typingFrom = await page.evaluate(() => performance.now());
      const typingTaskMs = await taskMs(page);
      await page.keyboard.type(typed, { delay: KEY_DELAY_MS });
      // Let the typing run's own saves finish, so the next save is exactly one autosave of the marker.
      await until(async () => (await benchState(page)).saves.at(-1)?.state.includes('save-saved'), {
        timeout: 30_000,
        message: 'the typing to be saved',
      });
      const typingTasks = (await benchState(page)).longTasks.filter((t) => t.start + t.duration > typingFrom);
      typingRuns.push({
        keystrokes: typed.length,
        longTasks: typingTasks.length,
        longestTaskMs: Math.max(0, ...typingTasks.map((t) => t.duration)),
        taskMsPerKey: ((await taskMs(page)) - typingTaskMs) / typed.length,
      });
      // One autosave: type a marker (shorter than the 3 s maximum wait, so one save covers it), then the time from its
      // last keystroke to the panel showing "saved" again. The server having the marker proves that save held it.
      const marker = ` autosave${run}x${Date.now()}`;
      await page.keyboard.type(marker, { delay: KEY_DELAY_MS });
      const lastKeyEpoch = (await benchState(page)).lastKeyEpoch;
      const saveTaskFrom = await taskMs(page);
      await until(() => page.evaluate(savedSinceLastKey), { timeout: 30_000, message: 'the marker to be saved' });
      const saveTaskMs = (await taskMs(page)) - saveTaskFrom;
      const serverHasIt = await feed.waitForText(long.id, marker);
      durable.get('long')!.push(serverHasIt - lastKeyEpoch);
      const afterSave = await benchState(page);
      const savedAt = afterSave.saves.filter((x) => x.at > afterSave.lastKey && x.state.includes('save-saved')).at(-1)?.at;
      if (savedAt === undefined) throw new Error(`no "saved" state after the last keystroke: ${JSON.stringify(afterSave.saves)}`);
      const saved = { state: afterSave, savedAt };
      const state = saved.state;
      keySamples.push(...state.samples);
      const during = state.longTasks.filter((t) => t.start + t.duration > state.lastKey && t.start < saved.savedAt);
      const durations = during.map((t) => t.duration);
      autosaves.push({
        lastKeyToSavedMs: saved.savedAt - state.lastKey,
        longTasks: durations.length,
        longTaskMs: durations.reduce((a, b) => a + b, 0),
        longestTaskMs: Math.max(0, ...durations),
        blockingMs: durations.reduce((a, d) => a + Math.max(0, d - 50), 0),
        longTasksSinceLoad: state.longTasks.length,
        taskMs: saveTaskMs,
      });
      log(`browser run ${run + 1}/${runs}: open ${openMs.toFixed(0)} ms, keystroke p50 ${percentile(state.samples, 50).toFixed(1)} ms p95 ${percentile(state.samples, 95).toFixed(1)} ms, ${typingRuns.at(-1)!.longTasks} long tasks typing, save work ${saveTaskMs.toFixed(0)} ms, autosave ${autosaves.at(-1)!.lastKeyToSavedMs.toFixed(0)} ms (${durations.length} long tasks; ${state.longTasks.length} since the page loaded), to server ${durable.get('long')!.at(-1)!.toFixed(0)} ms`);
      await page.close();

      // The short book: edit-to-server only.
      const { page: shortPage } = await openBook(ext, short.id, (shortHtml.match(/<(p|h2)>/g) ?? []).length);
      await instrument(shortPage);
      await caretAtEnd(shortPage);
      const shortMarker = ` edit${run}${Date.now()}`;
      await shortPage.keyboard.type(shortMarker, { delay: KEY_DELAY_MS });
      const keyEpoch = (await benchState(shortPage)).lastKeyEpoch;
      durable.get('short')!.push((await feed.waitForText(short.id, shortMarker)) - keyEpoch);
      await shortPage.close();
    }

    const pick = <K extends keyof BrowserFigures['autosave']['runs'][number]>(key: K) => median(autosaves.map((a) => a[key]));
    return {
      manuscriptBytes: Buffer.byteLength(longHtml),
      openMs: { runs: openRuns, median: median(openRuns) },
      keystrokeToPaintMs: {
        samples: keySamples.length,
        p50: percentile(keySamples, 50),
        p95: percentile(keySamples, 95),
        max: Math.max(...keySamples),
      },
      typing: {
        runs: typingRuns,
        longTasks: median(typingRuns.map((r) => r.longTasks)),
        longestTaskMs: Math.max(...typingRuns.map((r) => r.longestTaskMs)),
        taskMsPerKey: median(typingRuns.map((r) => r.taskMsPerKey)),
      },
      autosave: {
        runs: autosaves,
        lastKeyToSavedMs: pick('lastKeyToSavedMs'),
        longTasks: pick('longTasks'),
        longTaskMs: pick('longTaskMs'),
        longestTaskMs: pick('longestTaskMs'),
        blockingMs: pick('blockingMs'),
        taskMs: pick('taskMs'),
      },
      editToServer: [
        { book: `${SHORT_BOOK_WORDS}-word book (${(shortHtml.length / 1024).toFixed(1)} kB)`, bytes: shortHtml.length, runs: durable.get('short')! },
        { book: `${LONG_BOOK_WORDS.toLocaleString('en-US')}-word book (${(longHtml.length / 1024).toFixed(0)} kB)`, bytes: longHtml.length, runs: durable.get('long')! },
      ].map((d) => ({ ...d, p50: percentile(d.runs, 50), p95: percentile(d.runs, 95) })),
    };
  } finally {
    await ext.close().catch(() => undefined);
    await server.stop();
  }
}
