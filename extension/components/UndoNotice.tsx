// The notice shown after a book is deleted, with the button that brings it back.
import { useEffect, useRef } from 'react';
import { t } from '../lib/i18n.ts';

interface UndoNoticeProps {
  message: string;
  onUndo: () => void;
  onDismiss: () => void;
}

export function UndoNotice({ message, onUndo, onDismiss }: UndoNoticeProps) {
  const undo = useRef<HTMLButtonElement>(null);
  // Keyboard users land on "Undo" right away; the notice stays until they act or dismiss it.
  useEffect(() => undo.current?.focus(), []);
  return (
    <div className="notice" role="status">
      <span>{message}</span>
      <button ref={undo} type="button" data-testid="undo-delete" onClick={onUndo}>
        {t('undoDelete')}
      </button>
      <button type="button" aria-label={t('dismiss')} onClick={onDismiss}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
}
