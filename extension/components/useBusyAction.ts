// One action at a time from a view's buttons: busy while it runs (the buttons wait), and its failure shown in words.
import { useState } from 'react';
import { t } from '../lib/i18n.ts';

export interface BusyAction {
  busy: boolean;
  error: string | null;
  setError: (error: string | null) => void;
  /** Runs `action`, the view busy meanwhile; a failure becomes the shown error, never an unhandled rejection. */
  run: (action: () => Promise<unknown>) => Promise<void>;
}

export function useBusyAction(): BusyAction {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(t('conflictFailed', e instanceof Error ? e.message : String(e)));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
