// Launches Firefox ESR over WebDriver BiDi with the built extension (.output/firefox-mv2) installed as a temporary add-on.
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer';
import { afterAll, beforeAll } from 'vitest';
import { assertBuilt, OUTPUT_DIR } from './browser.ts';
import { sel } from './panel.ts';
import { startServer, type RunningServer } from './server.ts';
import { until } from '../../shared/wait.testing.ts';

export const FIREFOX_EXTENSION_DIR = join(OUTPUT_DIR, 'firefox-mv2');
/** The gecko id in the extension's manifest (browser_specific_settings.gecko.id). */
export const GECKO_ID = 'anclora-press@anclora.example';
/** Pinned through a pref so that moz-extension:// URLs are predictable. */
export const FIREFOX_EXTENSION_UUID = '0b5c6f2e-6a4d-4c1e-9f3b-7d2a8e4c1a90';

export interface FirefoxWithExtension {
  browser: Browser;
  /** moz-extension://UUID/<path> */
  extensionUrl(path: string): string;
  /**
   * The open tab showing the extension page `path` (a prefix of its URL). BiDi refuses page.goto('moz-extension://…'),
   * so only pages the extension opens itself are reachable, e.g. the editor tab it opens on first install. Puppeteer
   * may report such a tab's url() as about:blank, hence the evaluate.
   */
  findExtensionPage(path: string, timeout?: number): Promise<Page>;
  /** The editor tab the add-on opens on first install (the way in), once it shows the book list. */
  editorTab(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Firefox with the add-on; `prefs` adds Firefox preferences (e.g. where downloads go). */
export async function launchFirefoxWithExtension(
  extensionDir = FIREFOX_EXTENSION_DIR,
  prefs: Record<string, unknown> = {},
): Promise<FirefoxWithExtension> {
  await assertBuilt(extensionDir);
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: '/usr/bin/firefox-esr',
    headless: true,
    enableExtensions: true,
    extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }), ...prefs },
  });
  try {
    await browser.installExtension(extensionDir);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const extensionUrl = (path: string) => `moz-extension://${FIREFOX_EXTENSION_UUID}/${path.replace(/^\//, '')}`;
  const findExtensionPage = (path: string, timeout = 15_000) =>
    until(
      async () => {
        for (const page of await browser.pages()) {
          const href = await page.evaluate(() => location.href).catch(() => '');
          if (href.startsWith(extensionUrl(path))) return page;
        }
        return undefined;
      },
      { timeout, interval: 100, message: `a tab showing ${extensionUrl(path)}` },
    );
  return {
    browser,
    extensionUrl,
    findExtensionPage,
    async editorTab() {
      const tab = await findExtensionPage('sidepanel.html');
      await tab.waitForSelector(sel('book-list'));
      return tab;
    },
    close: () => browser.close(),
  };
}

/** Firefox with the add-on for a test file (or a `describe`), and its editor tab. */
export interface FirefoxPerFile {
  readonly firefox: FirefoxWithExtension;
  readonly editorTab: Page;
}

/** Registers the hooks: Firefox launched once, its editor tab found before the first test, Firefox closed after the last. */
export function useFirefoxPerFile(): FirefoxPerFile {
  let firefox: FirefoxWithExtension | undefined;
  let editorTab: Page | undefined;
  beforeAll(async () => {
    firefox = await launchFirefoxWithExtension();
    editorTab = await firefox.editorTab();
  });
  afterAll(async () => {
    await firefox?.close();
  });
  const ready = () => {
    if (!firefox || !editorTab) throw new Error('Firefox is not running (useFirefoxPerFile() must be called in the file or describe)');
    return { firefox, editorTab };
  };
  return {
    get firefox() {
      return ready().firefox;
    },
    get editorTab() {
      return ready().editorTab;
    },
  };
}

/** A test file's Firefox with the add-on and its own real sync server. */
export interface FirefoxWithServer extends FirefoxPerFile {
  readonly server: RunningServer;
}

/**
 * Registers the hooks: Firefox and a real server started side by side before the first test (each stopped after the
 * last, whichever did start). A checker polls the server as the same user while the add-on syncs, so the per-user
 * limit that would answer 429 is raised.
 */
export function useFirefoxWithServer(): FirefoxWithServer {
  let firefox: FirefoxWithExtension | undefined;
  let server: RunningServer | undefined;
  let editorTab: Page | undefined;
  beforeAll(async () => {
    const starting = await Promise.allSettled([
      startServer({ env: { RATE_LIMIT_PER_MINUTE: '100000' } }).then((started) => (server = started)),
      launchFirefoxWithExtension().then((started) => (firefox = started)),
    ]);
    for (const outcome of starting) if (outcome.status === 'rejected') throw outcome.reason;
    editorTab = await firefox!.editorTab();
  });
  afterAll(async () => {
    await firefox?.close();
    await server?.stop();
  });
  const ready = () => {
    if (!firefox || !editorTab || !server) throw new Error('Firefox is not running (useFirefoxWithServer() must be called in the file)');
    return { firefox, editorTab, server };
  };
  return {
    get firefox() {
      return ready().firefox;
    },
    get editorTab() {
      return ready().editorTab;
    },
    get server() {
      return ready().server;
    },
  };
}
