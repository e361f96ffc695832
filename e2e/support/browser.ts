// Launches Debian Chromium with the built extension (.output/chrome-mv3) and gives tests its panel and worker.
import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page, type Target } from 'puppeteer';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { sel } from './panel.ts';
import { within } from '../../shared/wait.testing.ts';

/** WXT's output folder; E2E_OUTPUT_DIR points the suites at a build made elsewhere (e.g. while iterating). */
export const OUTPUT_DIR = process.env.E2E_OUTPUT_DIR ?? resolve(import.meta.dirname, '../../.output');
export const CHROME_EXTENSION_DIR = join(OUTPUT_DIR, 'chrome-mv3');

export interface ExtensionBrowser {
  browser: Browser;
  extensionId: string;
  /** chrome-extension://ID/<path> */
  extensionUrl(path: string): string;
  /** Opens the side panel page in an ordinary tab, in front (the real side panel cannot be opened headless). */
  openPanel(): Promise<Page>;
  /**
   * Runs `fn(arg)` in the background service worker (waiting for it to be running) and returns its JSON result.
   * `fn` is sent as source text: it must not use anything from the test's scope except `arg`.
   */
  evaluateInWorker<T, A = undefined>(fn: (arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Stops the background service worker the way Chrome does when it is idle, and waits until it is gone. */
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

/** A test file's one Chromium with the extension, and the tabs its tests open (each closed after its test). */
export interface ChromiumPerFile {
  readonly ext: ExtensionBrowser;
  /** Opens the side panel at the book list and waits until it is shown. */
  openPanel(): Promise<Page>;
  /** Opens `path` of the extension (e.g. `sidepanel.html#/book/ID`) in a new tab, without waiting for anything in it. */
  openPage(path: string): Promise<Page>;
}

/**
 * Registers the file's hooks: the browser is launched once for the file (launching is the slow part) and every tab
 * a test opened through it is closed after that test, also when it fails.
 */
export function useChromiumPerFile(): ChromiumPerFile {
  let ext: ExtensionBrowser | undefined;
  const opened: Page[] = [];
  beforeAll(async () => {
    ext = await launchWithExtension();
  });
  afterAll(async () => {
    await ext?.close();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((page) => (page.isClosed() ? undefined : page.close())));
  });
  const launched = (): ExtensionBrowser => {
    if (!ext) throw new Error('the browser is not running (useChromiumPerFile() must be called at the top of the file)');
    return ext;
  };
  return {
    get ext() {
      return launched();
    },
    async openPanel() {
      const page = await launched().openPanel();
      opened.push(page);
      await page.waitForSelector(sel('book-list'));
      return page;
    },
    async openPage(path) {
      const page = await launched().browser.newPage();
      opened.push(page);
      await page.goto(launched().extensionUrl(path));
      return page;
    },
  };
}

/** `lang` starts the browser in that interface language (e.g. "es"), as `--lang` does for a writer's Chromium. */
export async function launchWithExtension(extensionDir = CHROME_EXTENSION_DIR, lang?: string): Promise<ExtensionBrowser> {
  await assertBuilt(extensionDir);
  const profileDir = await mkdtemp(join(tmpdir(), 'anclora-e2e-chrome-'));
  const browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    pipe: true,
    enableExtensions: [extensionDir],
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // Lets CDP's Extensions.triggerAction stand in for a click on the toolbar button (clipping e2e).
      '--enable-unsafe-extension-debugging',
      `--user-data-dir=${profileDir}`,
      ...(lang ? [`--lang=${lang}`] : []),
    ],
    ...(lang ? { env: { ...process.env, LANGUAGE: lang } } : {}),
  });
  try {
    const workerTarget = await browser.waitForTarget(
      (target) => target.type() === 'service_worker' && target.url().startsWith('chrome-extension://'),
      { timeout: 30_000 },
    );
    const extensionId = new URL(workerTarget.url()).host;
    const extensionUrl = (path: string) => `chrome-extension://${extensionId}/${path.replace(/^\//, '')}`;
    const isOurWorker = (t: Target) =>
      t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`);

    return {
      browser,
      extensionId,
      extensionUrl,
      async openPanel() {
        const page = await browser.newPage();
        await page.goto(extensionUrl('sidepanel.html'));
        // The editor tab the extension opens on first install may have come up over it; a hidden page gets no
        // animation frames, and the panel is visible whenever a writer uses it.
        await page.bringToFront();
        return page;
      },
      evaluateInWorker: async <T, A>(fn: (arg: A) => T | Promise<T>, arg?: A) => {
        const target = await browser.waitForTarget((t) => isOurWorker(t), { timeout: 30_000 });
        return evaluateInTarget<T>(target, `(${fn.toString()})(${JSON.stringify(arg ?? null)})`);
      },
      async stopWorker() {
        // The browser-level CDP session has no ServiceWorker domain; a page session does.
        const page = await browser.newPage();
        try {
          const session = await page.createCDPSession();
          const stopped = new Promise<void>((done) => {
            session.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
              const ours = versions.filter((v) => v.scriptURL.startsWith(extensionUrl('')));
              if (ours.length > 0 && ours.every((v) => v.runningStatus === 'stopped')) done();
            });
          });
          await session.send('ServiceWorker.enable');
          await session.send('ServiceWorker.stopAllWorkers');
          await within(stopped, 10_000, 'the background service worker to stop');
          await session.detach();
        } finally {
          await page.close();
        }
      },
      async close() {
        await browser.close();
        await rm(profileDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await browser.close();
    await rm(profileDir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Evaluates through a short-lived CDP session instead of Puppeteer's `target.worker()`: that one stays attached, and a
 * service worker with an attached debugger that is stopped never finishes restarting (measured with Chromium 156).
 */
async function evaluateInTarget<T>(target: Target, expression: string): Promise<T> {
  const session = await target.createCDPSession();
  try {
    const { result, exceptionDetails } = await session.send('Runtime.evaluate', {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) {
      throw new Error(`worker evaluation failed: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    }
    return result.value as T;
  } finally {
    await session.detach().catch(() => undefined);
  }
}

/** Fails with the fix in the message rather than with a browser that silently has no extension. */
export async function assertBuilt(extensionDir: string): Promise<void> {
  try {
    await access(join(extensionDir, 'manifest.json'));
  } catch {
    throw new Error(`No built extension in ${extensionDir}: run \`npm run build\` first (npm test does).`);
  }
}
