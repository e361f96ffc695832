// The sync status the side panel and the toolbar badge show: its shape, the pure state derivation, and persistence.
import type { KeyValue, Logger } from './ports.ts';

export interface SyncStatus {
  /** False while the browser reports offline or the server cannot be reached at all. */
  isOnline: boolean;
  isSyncing: boolean;
  /** ms since epoch of the last cycle that completed. */
  lastSyncTime: number | null;
  /** A human-readable reason the last cycle failed; null after a success. Never contains book text or tokens. */
  lastError: string | null;
  /** The server's ErrorCode behind `lastError`, when the server sent one: the panel shows it in the user's language. */
  lastErrorCode?: string | null;
  /** Books changed locally that the server does not have yet (dirty, including ones held back by a sync issue). */
  pendingCount: number;
  /** True when a 401 signed the device out, so the panel can point at the settings. */
  signedOut?: boolean;
  /** True when the last cycle failed on this device (its database, a bug), not on the server or the network. */
  localError?: boolean;
}

/** The seed's five states, with "offline" told apart: the browser has no network, or it has and the server is unreachable. */
export type SyncState = 'offline' | 'unreachable' | 'syncing' | 'pending' | 'error' | 'synced';

export const INITIAL_STATUS: SyncStatus = {
  isOnline: true,
  isSyncing: false,
  lastSyncTime: null,
  lastError: null,
  pendingCount: 0,
};

/** The storage.local key the background writes and the panel reads (storage.onChanged is the broadcast). */
export const STATUS_KEY = 'syncStatus';

/**
 * One of the seed's five states. Offline wins because nothing else can change until the connection returns;
 * an error wins over pending because the user can act on it (click to retry). A cycle that could not reach the server
 * while the browser has a network (`browserOnline`, navigator.onLine where the status is shown) is "unreachable":
 * the writer's server or its address is the problem, not the Wi-Fi.
 */
export function deriveState(status: SyncStatus, browserOnline = true): SyncState {
  if (!browserOnline) return 'offline';
  if (!status.isOnline) return 'unreachable';
  if (status.isSyncing) return 'syncing';
  if (status.lastError) return 'error';
  if (status.pendingCount > 0) return 'pending';
  return 'synced';
}

/** The toolbar badge: the pending count, empty when there is nothing to send or nowhere to send it (no account). */
export function badgeText(status: SyncStatus, signedIn: boolean): string {
  if (!signedIn || status.pendingCount <= 0) return '';
  return status.pendingCount > 999 ? '999+' : String(status.pendingCount);
}

/** Reads a persisted status defensively: storage may hold an older or partial shape. */
export function parseStatus(value: unknown): SyncStatus {
  if (!value || typeof value !== 'object') return { ...INITIAL_STATUS };
  const v = value as Partial<Record<keyof SyncStatus, unknown>>;
  return {
    isOnline: typeof v.isOnline === 'boolean' ? v.isOnline : INITIAL_STATUS.isOnline,
    isSyncing: v.isSyncing === true,
    lastSyncTime: typeof v.lastSyncTime === 'number' ? v.lastSyncTime : null,
    lastError: typeof v.lastError === 'string' ? v.lastError : null,
    ...(typeof v.lastErrorCode === 'string' ? { lastErrorCode: v.lastErrorCode } : {}),
    pendingCount: typeof v.pendingCount === 'number' && v.pendingCount >= 0 ? v.pendingCount : 0,
    ...(v.signedOut === true ? { signedOut: true } : {}),
    ...(v.localError === true ? { localError: true } : {}),
  };
}

/** Persists the status (storage.local, so the panel sees it via storage.onChanged) and publishes it to `sinks`. */
export function createStatusStore(
  kv: KeyValue,
  publish: (status: SyncStatus) => void,
  log: Logger,
) {
  // Updates are read-modify-write on storage: serialise them so two quick patches cannot undo each other.
  let queue: Promise<unknown> = Promise.resolve();

  async function apply(patch: Partial<SyncStatus>): Promise<SyncStatus> {
    const previous = parseStatus(await kv.get(STATUS_KEY));
    const next: SyncStatus = { ...previous, ...patch };
    if (!next.signedOut) delete next.signedOut;
    if (!next.localError) delete next.localError;
    if (previous.isOnline !== next.isOnline) log.info(next.isOnline ? '[Sync] Connection restored' : '[Sync] Connection lost');
    await kv.set(STATUS_KEY, next);
    publish(next);
    return next;
  }

  return {
    async get(): Promise<SyncStatus> {
      await queue.catch(() => undefined);
      return parseStatus(await kv.get(STATUS_KEY));
    },
    update(patch: Partial<SyncStatus>): Promise<SyncStatus> {
      const result = queue.catch(() => undefined).then(() => apply(patch));
      queue = result;
      return result;
    },
  };
}

export type StatusStore = ReturnType<typeof createStatusStore>;
