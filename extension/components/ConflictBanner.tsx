// The banner shown when a local version lost to the server: keep mine, use the server's, or keep both.
// "Use server" deletes the local version, so it asks for a second click on a clearly relabelled button
// (an in-panel confirmation, not window.confirm, which a headless test cannot answer).
import { useState } from 'react';
import type { ConflictCopy } from '../lib/books/db.ts';
import { t } from '../lib/i18n.ts';
import { conflictChoices } from '../lib/sync/conflicts.ts';
import { useObservable } from './useObservable.ts';

export interface ConflictBannerViewProps {
  /** Conflict copies, oldest first; the first is offered. */
  copies: ConflictCopy[];
  /** Each takes the offered copy's id. */
  choices: Record<'keepMine' | 'keepServer' | 'keepBoth', (copyId: string) => Promise<unknown>>;
}

export function ConflictBannerView({ copies, choices }: ConflictBannerViewProps) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const copy = copies[0];
  if (!copy) return null;
  const confirming = confirmingId === copy.id;

  async function choose(action: (copyId: string) => Promise<unknown>) {
    if (!copy) return;
    setBusy(true);
    setError(null);
    try {
      await action(copy.id);
      setConfirmingId(null);
    } catch (e) {
      setError(t('conflictFailed', e instanceof Error ? e.message : String(e)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="conflict-banner" role="alert" data-testid="conflict-banner" data-book-id={copy.bookId}>
      <p>{t('conflictBannerBook', copy.title)}</p>
      {confirming && <p>{t('useServerWarning')}</p>}
      <div className="conflict-banner__actions">
        <button type="button" data-testid="conflict-keep-mine" disabled={busy} onClick={() => void choose(choices.keepMine)}>
          {t('keepMine')}
        </button>
        <button
          type="button"
          data-testid="conflict-use-server"
          data-confirming={confirming ? 'true' : 'false'}
          disabled={busy}
          onClick={() => (confirming ? void choose(choices.keepServer) : setConfirmingId(copy.id))}
        >
          {confirming ? t('confirmUseServer') : t('useServer')}
        </button>
        {confirming && (
          <button type="button" data-testid="conflict-cancel" disabled={busy} onClick={() => setConfirmingId(null)}>
            {t('cancel')}
          </button>
        )}
        <button type="button" data-testid="conflict-keep-both" disabled={busy} onClick={() => void choose(choices.keepBoth)}>
          {t('keepBoth')}
        </button>
      </div>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}

/**
 * Shows the conflicts of the open book first (`bookId`), otherwise any other, so that no losing version goes
 * unnoticed while the writer is elsewhere in the panel.
 */
export function ConflictBanner({ bookId }: { bookId?: string }) {
  const choices = conflictChoices();
  const copies = useObservable<ConflictCopy[]>(() => choices.watch(), []) ?? [];
  const ordered = bookId ? [...copies.filter((c) => c.bookId === bookId), ...copies.filter((c) => c.bookId !== bookId)] : copies;
  return <ConflictBannerView copies={ordered} choices={choices} />;
}
