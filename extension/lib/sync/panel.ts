// The side panel's view of sync: React hooks for the persisted status and account, and the live pending count.
// Pages never run sync cycles or call the server; they ask the background (messages.ts).
import { liveQuery } from 'dexie';
import { useEffect, useMemo, useState } from 'react';
import { browser } from 'wxt/browser';
import { database } from '../db.ts';
import { ACCOUNT_KEY, parseAccount, type AccountSettings } from './account.ts';
import { notifyBooksChanged } from './messages.ts';
import { STATUS_KEY, parseStatus, type SyncStatus } from './status.ts';

/** A value kept in storage.local, re-read whenever any context changes it. */
function useStoredValue<T>(key: string, parse: (value: unknown) => T): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    void browser.storage.local.get(key).then((values) => {
      if (alive) setValue(parse((values as Record<string, unknown>)[key]));
    });
    const listener = (changes: Record<string, { newValue?: unknown }>, area: string) => {
      if (area === 'local' && key in changes) setValue(parse(changes[key]?.newValue));
    };
    browser.storage.onChanged.addListener(listener);
    return () => {
      alive = false;
      browser.storage.onChanged.removeListener(listener);
    };
    // parse is a module-level function in every caller.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return value;
}

export function useAccountSettings(): AccountSettings | undefined {
  return useStoredValue(ACCOUNT_KEY, parseAccount);
}

/**
 * The background's status, with the pending count taken live from Dexie so an edit shows as pending at once.
 * Watching the dirty books here also tells the background about every local change made in this page (saves,
 * deletions, conflict choices), which wakes a sleeping worker to sync them within two seconds.
 */
export function useSyncStatus(): { status: SyncStatus; signedIn: boolean } {
  const stored = useStoredValue(STATUS_KEY, parseStatus);
  const account = useAccountSettings();
  const [pending, setPending] = useState<number | undefined>(undefined);

  useEffect(() => {
    let previous: Set<string> | undefined;
    const subscription = liveQuery(async () => {
      const dirty = await database().books.where('dirty').equals(1).toArray();
      return dirty.map((b) => `${b.id}:${b.updatedAt}:${b.deleted}`);
    }).subscribe({
      next: (versions) => {
        setPending(versions.length);
        // Only new versions matter: a sync clearing dirty flags removes entries and must not trigger another sync.
        if (previous && versions.some((v) => !previous!.has(v))) notifyBooksChanged();
        previous = new Set(versions);
      },
      error: (error: unknown) => console.error('[Sync] pending count query failed', error),
    });
    return () => subscription.unsubscribe();
  }, []);

  return useMemo(() => {
    const base = stored ?? parseStatus(undefined);
    return {
      status: pending === undefined ? base : { ...base, pendingCount: pending },
      signedIn: Boolean(account?.signedIn),
    };
  }, [stored, pending, account?.signedIn]);
}
