// Adapters from the extension APIs to the engine's ports: storage.local as key-value, and the toolbar badge.
import type { Browser } from 'wxt/browser';
import type { KeyValue } from './ports.ts';
import { badgeText, type SyncStatus } from './status.ts';

type StorageArea = Pick<Browser.storage.StorageArea, 'get' | 'set' | 'remove'>;

export function storageKeyValue(area: StorageArea): KeyValue {
  return {
    async get(key) {
      const values = (await area.get(key)) as Record<string, unknown>;
      return values[key];
    },
    async set(key, value) {
      await area.set({ [key]: value });
    },
    async remove(key) {
      await area.remove(key);
    },
  };
}

interface BadgeApi {
  setBadgeText(details: { text: string }): Promise<void> | void;
  setBadgeBackgroundColor?(details: { color: string }): Promise<void> | void;
}

/** The toolbar badge shows the pending count once the writer has signed in; red when the last sync failed. */
export function showOnBadge(action: BadgeApi | undefined, status: SyncStatus, signedIn: boolean): void {
  if (!action) return;
  // The badge is a convenience: a browser without it (or a failing call) must not break sync.
  const attempt = (call: () => Promise<void> | void | undefined) => {
    try {
      void Promise.resolve(call()).catch(() => undefined);
    } catch {
      // Ignored, as above.
    }
  };
  attempt(() => action.setBadgeText({ text: badgeText(status, signedIn) }));
  attempt(() => action.setBadgeBackgroundColor?.({ color: status.lastError ? '#b3261e' : '#5f6368' }));
}
