// The side panel's view of sync: React hooks for the persisted status and account, and the live pending count.
// Pages never run sync cycles or call the server; they ask the background (messages.ts).
import { useEffect, useMemo, useState } from 'react';
import { browser } from 'wxt/browser';
import { bookRepository } from '../books/repository.ts';
import { ACCOUNT_KEY, parseAccount, type AccountSettings } from './account.ts';
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

/** Whether this browser has a network (navigator.onLine), kept live by its online/offline events. */
export function useBrowserOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

export function useAccountSettings(): AccountSettings | undefined {
  return useStoredValue(ACCOUNT_KEY, parseAccount);
}

/** The background's status, with the pending count taken live from the books so an edit shows as pending at once. */
export function useSyncStatus(): { status: SyncStatus; signedIn: boolean } {
  const stored = useStoredValue(STATUS_KEY, parseStatus);
  const account = useAccountSettings();
  const [pending, setPending] = useState<number | undefined>(undefined);

  useEffect(() => {
    const subscription = bookRepository()
      .watchPendingCount()
      .subscribe({
        next: setPending,
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
