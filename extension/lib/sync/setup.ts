// Wires the sync engine into the background context (Chrome MV3 service worker, Firefox MV2 background page):
// the 30 s alarm, online/offline events, the answers to pages' sync messages, the badge and `globalThis.__syncStatus`.
// Every listener is registered synchronously, because MV3 only delivers the event that woke the worker to
// listeners added in the worker's first turn.
import { browser } from 'wxt/browser';
import { database } from '../books/db.ts';
import { ACCOUNT_KEY, createAccountService, parseAccount } from './account.ts';
import { showOnBadge, storageKeyValue } from './browser-edges.ts';
import { createDexieBookStore } from './dexie-store.ts';
import { answerServerHistory } from './server-history.ts';
import { answerServerTrash } from './server-trash.ts';
import { createSyncEngine } from './engine.ts';
import { defaultLock } from './lock.ts';
import type { Handlers } from '../messaging.ts';
import { answerAccountRequest } from './messages.ts';
import { createScheduler } from './scheduler.ts';
import { createStatusStore, type SyncStatus } from './status.ts';
import { createTransport } from './transport.ts';

export const SYNC_ALARM = 'sync';
export const SYNC_PERIOD_MINUTES = 0.5;

declare global {
  // Exposed for debugging from the background console, as the seed suggests.
  var __syncStatus: SyncStatus | undefined;
}

async function ensureAlarm(): Promise<void> {
  // Re-creating an existing alarm would push its next run back by a full period on every worker start.
  const existing = await browser.alarms.get(SYNC_ALARM);
  if (!existing) await browser.alarms.create(SYNC_ALARM, { periodInMinutes: SYNC_PERIOD_MINUTES });
}

export interface BackgroundSync {
  /** Books were written in this context (a clip): recount pending books and sync soon. */
  booksChanged(): void;
  /** How the background answers pages about sync (wired into its one message listener). */
  handlers: Pick<Handlers, 'books-changed' | 'sync-now' | 'account' | 'server-trash' | 'server-history'>;
}

export function setupSync(): BackgroundSync {
  const kv = storageKeyValue(browser.storage.local);
  const transport = createTransport({ fetch: (input, init) => fetch(input, init) });
  const account = createAccountService({ kv, transport, userAgent: navigator.userAgent, random: Math.random });
  // Firefox MV2 has browserAction where MV3 has action.
  const actionApi = (browser.action ?? (browser as unknown as { browserAction?: typeof browser.action }).browserAction) as
    | Parameters<typeof showOnBadge>[0]
    | undefined;
  // No badge before sign-in: a count of books "waiting" for a server the writer never chose would only alarm.
  let signedIn = false;
  const status = createStatusStore(
    kv,
    (next) => {
      globalThis.__syncStatus = next;
      showOnBadge(actionApi, next, signedIn);
    },
    console,
  );
  const repaintBadge = (account: unknown) => {
    signedIn = Boolean(parseAccount(account).signedIn);
    void status.get().then((current) => showOnBadge(actionApi, current, signedIn));
  };
  void kv.get(ACCOUNT_KEY).then(repaintBadge);
  const engine = createSyncEngine({
    books: createDexieBookStore(database()),
    transport,
    account,
    kv,
    status,
    lock: defaultLock(),
    clock: { now: () => Date.now() },
    random: Math.random,
    newId: () => crypto.randomUUID(),
    log: console,
  });
  const scheduler = createScheduler({
    engine,
    timers: { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    now: () => Date.now(),
    onError: (error) => console.error('[Sync] ✗ Sync cycle failed:', error instanceof Error ? error.message : error),
  });

  const booksChanged = () => {
    void engine.refreshPending();
    void scheduler.request('edit');
  };

  browser.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name === SYNC_ALARM) void scheduler.request('alarm');
  });
  // The promise is returned so whoever fires the event can tell when the listener's work is done (tests do).
  browser.runtime.onInstalled.addListener(() => ensureAlarm());
  browser.runtime.onStartup.addListener(() => ensureAlarm());

  globalThis.addEventListener('online', () => {
    void status.update({ isOnline: true }).then(() => scheduler.request('online'));
  });
  globalThis.addEventListener('offline', () => {
    void status.update({ isOnline: false });
  });

  // The engine reads the account from storage, so a change (signing in or out, here or in a test) is the cue.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !(ACCOUNT_KEY in changes)) return;
    repaintBadge(changes[ACCOUNT_KEY]?.newValue);
    if (parseAccount(changes[ACCOUNT_KEY]?.newValue).signedIn) void scheduler.request('manual');
    else void engine.refreshPending();
  });

  void ensureAlarm();
  void engine.recover().then(async () => {
    if (!navigator.onLine) await status.update({ isOnline: false });
    await scheduler.request('startup');
  });
  return {
    booksChanged,
    handlers: {
      'books-changed': booksChanged,
      'sync-now': () => void scheduler.request('manual'),
      // Signing in, creating an account and signing out: the panel asks, the background's account service does it.
      account: (request) => answerAccountRequest(account, request),
      // The server's trash, read with the background's token; a book brought from it lands in this device's trash.
      'server-trash': (request) => answerServerTrash({ transport, account, db: database() }, request),
      // The server's history of a book, read with the background's token for the history view.
      'server-history': (request) => answerServerHistory({ transport, account }, request),
    },
  };
}
