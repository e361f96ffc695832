// The sync side of the panel for e2e: a "device" (browser profile + its own switchable network), sign-in through the
// settings view, and the sync status badge.
import type { Page } from 'puppeteer';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchWithExtension, type ExtensionBrowser } from './browser.ts';
import { launchFirefoxWithExtension } from './firefox.ts';
import { ApiClient } from './api.ts';
import { startFaultProxy, type FaultProxy } from './proxy.ts';
import { sel } from './panel.ts';
import { startServer, type RunningServer } from './server.ts';
import { until } from '../../shared/wait.testing.ts';

export type SyncState = 'offline' | 'unreachable' | 'syncing' | 'pending' | 'error' | 'synced';

/**
 * One browser profile with the extension, reaching the server through its own fault proxy, so each device can be
 * taken offline (or made to see 500s) on its own.
 */
export interface Device {
  /** The side panel page, opened in a tab (in Firefox, the editor tab the add-on opens on install). */
  panel: Page;
  /** This device's network to the server. */
  network: FaultProxy;
  close(): Promise<void>;
}

/** A Chromium device: its browser too, for what only Chromium lets a test do (evaluate in the service worker). */
export interface ChromiumDevice extends Device {
  ext: ExtensionBrowser;
}

export function startDevice(serverUrl: string): Promise<ChromiumDevice>;
export function startDevice(serverUrl: string, kind: 'firefox'): Promise<Device>;
export async function startDevice(serverUrl: string, kind: 'chromium' | 'firefox' = 'chromium'): Promise<Device | ChromiumDevice> {
  const network = await startFaultProxy(serverUrl);
  let browser: { close(): Promise<void> } | undefined;
  try {
    if (kind === 'firefox') {
      const firefox = await launchFirefoxWithExtension();
      browser = firefox;
      const panel = await firefox.editorTab();
      return { panel, network, close: () => firefox.close().finally(() => network.close()) };
    }
    const ext = await launchWithExtension();
    browser = ext;
    const panel = await ext.openPanel();
    await panel.waitForSelector(sel('book-list'));
    return { ext, panel, network, close: () => ext.close().finally(() => network.close()) };
  } catch (error) {
    await browser?.close();
    await network.close();
    throw error;
  }
}

/** A test file's real server and the devices its tests start against it. */
export interface SyncWorld {
  /** The server's own address (devices reach it through their proxies). */
  readonly serverUrl: string;
  /** Starts a Chromium device against the server; it is closed after the test, also when the test fails. */
  device(): Promise<ChromiumDevice>;
  /** The same in Firefox. */
  firefoxDevice(): Promise<Device>;
  /** A new account, an API client of it (to check the server), and two Chromium devices signed in to it. */
  signedInPair(): Promise<{ account: Account; checker: ApiClient; laptop: ChromiumDevice; tablet: ChromiumDevice }>;
}

/**
 * Registers the file's hooks: one server for the whole file, every device closed after its test. Several accounts
 * and sign-ins per minute come from 127.0.0.1, so the limits that would otherwise answer 429 are raised.
 */
export function useSyncWorld(): SyncWorld {
  let server: RunningServer | undefined;
  const devices: Device[] = [];
  beforeAll(async () => {
    server = await startServer({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_PER_MINUTE: '100000' } });
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await Promise.all(devices.splice(0).map((device) => device.close()));
  });
  const running = (): RunningServer => {
    if (!server) throw new Error('the sync server is not running (useSyncWorld() must be called at the top of the file)');
    return server;
  };
  return {
    get serverUrl() {
      return running().url;
    },
    async device() {
      const started = await startDevice(running().url);
      devices.push(started);
      return started;
    },
    async firefoxDevice() {
      const started = await startDevice(running().url, 'firefox');
      devices.push(started);
      return started;
    },
    async signedInPair() {
      const account = newAccount();
      const checker = await ApiClient.signUp(running().url, account.email, account.password);
      const [laptop, tablet] = [await this.device(), await this.device()];
      for (const d of [laptop, tablet]) {
        await signInThroughSettings(d.panel, d.network.url, account);
        await closeSettings(d.panel);
      }
      return { account, checker, laptop, tablet };
    },
  };
}

export interface Account {
  email: string;
  password: string;
}

let accounts = 0;
export function newAccount(): Account {
  return { email: `writer-${process.pid}-${++accounts}-${Date.now()}@example.com`, password: 'correct horse battery' };
}

/** Signs the panel in through the settings view (`create-account` also creates the account first). */
export async function signInThroughSettings(
  panel: Page,
  serverUrl: string,
  account: Account,
  action: 'sign-in' | 'create-account' = 'sign-in',
): Promise<void> {
  await panel.locator(sel('open-settings')).click();
  await showServerUrl(panel);
  await panel.locator(sel('server-url')).fill(serverUrl);
  await panel.locator(sel('email')).fill(account.email);
  await panel.locator(sel('password')).fill(account.password);
  await panel.locator(sel(action)).click();
  await panel.waitForFunction(
    (selector, email) => {
      const status = document.querySelector(selector);
      return status?.getAttribute('data-signed-in') === 'true' && (status.textContent ?? '').includes(email);
    },
    { timeout: 15_000 },
    sel('account-status'),
    account.email,
  );
}

/** Opens the settings' "Advanced" disclosure, where the server address is, if it is closed. */
export async function showServerUrl(panel: Page): Promise<void> {
  await panel.waitForSelector(sel('advanced-settings'));
  if (!(await panel.$eval(sel('advanced-settings'), (el) => (el as HTMLDetailsElement).open))) {
    await panel.locator(sel('advanced-toggle')).click();
  }
}

export function closeSettings(page: Page): Promise<void> {
  return page.locator(sel('close-settings')).click();
}

export function syncState(page: Page): Promise<string | null> {
  return page.$eval(sel('sync-status'), (el) => el.getAttribute('data-state'));
}

/** Waits until the badge shows one of `states`; returns the one it showed. */
export function waitForSyncState(page: Page, states: SyncState[], timeout = 15_000): Promise<string> {
  return until(
    async () => {
      const state = await syncState(page);
      return state !== null && (states as string[]).includes(state) ? state : undefined;
    },
    { timeout, interval: 100, message: `the sync badge to show ${states.join(' or ')}` },
  );
}
