// @vitest-environment happy-dom
// The background wiring with WXT's fake browser: the alarm, startup recovery, and messages from extension pages.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from '../fake-browser.testing.ts';
import { until } from '../../../shared/wait.testing.ts';
import { database, newLocalBook } from '../books/db.ts';
import { listenToPages } from '../messaging.ts';
import { STATUS_KEY, type SyncStatus } from './status.ts';
import { SYNC_ALARM, setupSync } from './setup.ts';

const storedStatus = async () =>
  ((await fakeBrowser.storage.local.get(STATUS_KEY)) as Record<string, SyncStatus | undefined>)[STATUS_KEY];

describe('setupSync', () => {
  beforeEach(async () => {
    vi.restoreAllMocks();
    fakeBrowser.reset();
    await database().books.clear();
  });

  it('creates the 30 s sync alarm once, and leaves an existing one alone on install and start-up', async () => {
    const create = vi.spyOn(fakeBrowser.alarms, 'create');
    setupSync();
    const alarm = await until(() => fakeBrowser.alarms.get(SYNC_ALARM));
    expect(alarm.periodInMinutes).toBe(0.5);
    // Each trigger resolves once the listener's work is done, so what it did (or did not do) is settled here.
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update', temporary: false });
    await fakeBrowser.runtime.onStartup.trigger();
    expect(create).toHaveBeenCalledTimes(1);
    expect((await fakeBrowser.alarms.get(SYNC_ALARM))?.scheduledTime).toBe(alarm.scheduledTime);
  });

  it('clears a syncing flag left by a killed worker and exposes the status as globalThis.__syncStatus', async () => {
    await fakeBrowser.storage.local.set({ [STATUS_KEY]: { isOnline: true, isSyncing: true, lastSyncTime: 5, lastError: null, pendingCount: 0 } });
    setupSync();
    const status = await until(async () => {
      const s = await storedStatus();
      return s && !s.isSyncing ? s : undefined;
    });
    expect(status.lastSyncTime).toBe(5);
    expect(globalThis.__syncStatus).toMatchObject({ isSyncing: false, lastSyncTime: 5 });
  });

  it('recounts pending books when a page reports a change, and ignores messages from elsewhere', async () => {
    const sync = setupSync();
    const unused = async () => {
      throw new Error('not part of this test');
    };
    const recounts = vi.fn(sync.handlers['books-changed']);
    listenToPages({ ...sync.handlers, 'books-changed': recounts, 'open-editor-tab': unused, clip: unused, 'clip-pending': unused, 'clip-pick': unused, 'clip-undo': unused, 'clip-open': unused });
    await until(() => storedStatus());
    await database().books.put({
      id: '0b8a3f0e-3c1d-4c7e-9a55-2f1d0c9e8b70',
      title: 'Fresh',
      author: '',
      content: '',
      metadata: { wordCount: 0, charCount: 0 },
      createdAt: 1,
      updatedAt: 1,
      dirty: 1,
      revision: null,
      syncedAt: null,
      deleted: 0,
      syncIssue: null,
    });
    // The trigger resolves with what the listener answered: nothing, and no handler was called for the stranger.
    expect(await fakeBrowser.runtime.onMessage.trigger({ type: 'books-changed' }, { id: 'another-extension' })).toEqual([undefined]);
    expect(recounts).toHaveBeenCalledTimes(0);
    expect((await storedStatus())?.pendingCount).toBe(0);
    await fakeBrowser.runtime.onMessage.trigger({ type: 'books-changed' }, { id: fakeBrowser.runtime.id });
    expect(recounts).toHaveBeenCalledTimes(1);
    expect(await until(async () => (await storedStatus())?.pendingCount === 1)).toBe(true);
  });

  it('recounts pending books when the background itself wrote one (a clip), with no message needed', async () => {
    const sync = setupSync();
    await until(() => storedStatus());
    const clip = { title: 'Clippings', author: '', content: '<blockquote><p>x</p></blockquote>', metadata: { wordCount: 1, charCount: 1 } };
    await database().books.put(newLocalBook({ id: '5d0c1f1e-9a3b-4d6e-8f70-3b2a1c0d9e8f', ...clip }, 1));
    sync.booksChanged();
    expect(await until(async () => (await storedStatus())?.pendingCount === 1)).toBe(true);
  });
});
