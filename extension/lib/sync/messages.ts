// The runtime messages between extension pages and the background sync engine, and the page-side senders.
import { browser } from 'wxt/browser';

export type SyncMessage =
  /** Local books changed (a save, a delete, a conflict choice): sync soon. */
  | { type: 'books-changed' }
  /** The user asked for a sync (clicking the status, or after signing in): sync now, past any error backoff. */
  | { type: 'sync-now' };

export function isSyncMessage(value: unknown): value is SyncMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'books-changed' || type === 'sync-now';
}

function send(message: SyncMessage): void {
  // Sending wakes a sleeping background worker. It fails only when no background is listening (e.g. during an
  // extension update); the 30 s alarm then picks the change up, so the failure is not worth surfacing.
  void browser.runtime.sendMessage(message).catch(() => undefined);
}

/** Tells the background that local books changed, so it syncs within a couple of seconds. */
export function notifyBooksChanged(): void {
  send({ type: 'books-changed' });
}

export function requestSyncNow(): void {
  send({ type: 'sync-now' });
}
