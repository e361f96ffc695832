// The sync status in the side panel header: one of the seed's five states, clickable to sync at once.
import { t, type MessageKey } from '../lib/i18n.ts';
import { codeText } from '../lib/server-errors.ts';
import { requestSyncNow } from '../lib/sync/messages.ts';
import { useBrowserOnline, useSyncStatus } from '../lib/sync/panel.ts';
import { deriveState, type SyncState, type SyncStatus } from '../lib/sync/status.ts';

const ICONS: Record<SyncState, string> = {
  offline: '⚠️',
  unreachable: '⚠️',
  syncing: '⏳',
  pending: '🔔',
  error: '❌',
  synced: '✅',
};

export interface SyncStatusViewProps {
  status: SyncStatus;
  signedIn: boolean;
  /** navigator.onLine: without a network the state is "offline" whatever the last cycle found. */
  browserOnline?: boolean;
  /** Clicking: a sync now (it is most useful in the error state, where it retries at once). */
  onSync: () => void;
  /** Clicking while not signed in opens the settings instead. */
  onOpenSettings?: () => void;
}

function labelFor(state: SyncState, status: SyncStatus): string {
  switch (state) {
    case 'offline':
      return t('syncOffline');
    case 'unreachable':
      return t('syncUnreachable');
    case 'syncing':
      return t('syncSyncing');
    case 'pending':
      // The seed's label ("X pendiente") for one book; Spanish needs the plural for more.
      return t(status.pendingCount === 1 ? 'syncPending' : 'syncPendingMany', status.pendingCount);
    case 'error':
      return t('syncError');
    case 'synced':
      return t('syncSynced');
  }
}

/** What the writer can do about a state that is not the server's fault or doing. */
const HINTS: Partial<Record<SyncState, MessageKey>> = { offline: 'syncOfflineHint', unreachable: 'syncUnreachableHint' };

export function SyncStatusView({ status, signedIn, browserOnline = true, onSync, onOpenSettings }: SyncStatusViewProps) {
  // Without an account nothing can reach a server: that reads as offline, labelled "Not syncing".
  const state: SyncState = signedIn ? deriveState(status, browserOnline) : 'offline';
  const label = signedIn ? labelFor(state, status) : t('syncSignedOut');
  // A local failure has its own text; a server refusal reads in the user's language by its code, the stored text
  // being the fallback.
  const lastError = status.localError ? t('syncLocalError') : (codeText(status.lastErrorCode) ?? status.lastError);
  const hint = HINTS[state];
  const title =
    !signedIn ? t('syncOptional') : hint ? t(hint) : !lastError ? undefined : status.localError ? lastError : t('syncLastError', lastError);
  return (
    <button
      type="button"
      // Signed out is a choice, not a fault: no warning sign or colour, only what signing in would add.
      className={`sync-status sync-status--${signedIn ? state : 'signed-out'}`}
      data-testid="sync-status"
      data-state={state}
      data-pending={status.pendingCount}
      title={title}
      aria-live="polite"
      onClick={() => (!signedIn && onOpenSettings ? onOpenSettings() : onSync())}
    >
      {signedIn && <span aria-hidden="true">{ICONS[state]} </span>}
      {label}
    </button>
  );
}

export function SyncStatusBadge({ onOpenSettings }: { onOpenSettings?: () => void }) {
  const { status, signedIn } = useSyncStatus();
  const browserOnline = useBrowserOnline();
  return <SyncStatusView status={status} signedIn={signedIn} browserOnline={browserOnline} onSync={requestSyncNow} onOpenSettings={onOpenSettings} />;
}
