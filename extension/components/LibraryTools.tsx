// Import a manuscript file as a new book, back up every book, restore a backup: the book list's library actions.
import { useId, useState, type ChangeEvent } from 'react';
import { bookRepository } from '../lib/books/repository.ts';
import { t, type MessageKey } from '../lib/i18n.ts';
import type { Dropped, DroppedKind } from '../lib/manuscripts/import.ts';
import { downloadBackup, importBookFile, restoreBackupFile } from '../lib/manuscripts/library.ts';
import { OutcomeLine, type Outcome } from './OutcomeLine.tsx';

const DROPPED_LABELS: Record<DroppedKind, MessageKey> = {
  image: 'droppedImage',
  table: 'droppedTable',
  comment: 'droppedComment',
  footnote: 'droppedFootnote',
  media: 'droppedMedia',
  formatting: 'droppedFormatting',
};

type Status =
  | { kind: 'idle' }
  | { kind: 'working'; label: MessageKey }
  | { kind: 'imported'; bookId: string; title: string; dropped: Dropped[] }
  | Outcome;

/** What an import could not keep, in the writer's words. */
export function notKeptMessage(dropped: Dropped[]): string {
  return dropped.length === 0 ? t('importAllKept') : t('importNotKept', dropped.map((d) => t(DROPPED_LABELS[d.kind], d.count)).join(', '));
}

/** A failure in the writer's words, by the reason the import or backup code gave (never a stack trace). */
export function failureMessage(error: unknown): string {
  const { name, reason, message } = error as { name?: string; reason?: string; message?: string };
  if (name === 'ImportError') {
    if (reason === 'format') return t('importFailedFormat');
    if (reason === 'too_large') return t('importFailedTooLarge');
    return t('importFailedUnreadable', message ?? '');
  }
  if (name === 'BackupError') return reason === 'newer_version' ? t('restoreNewer') : t('restoreNotBackup');
  return t('libraryFailed', message ?? String(error));
}

/** The chosen file, and the input cleared so that choosing the same file again runs again. */
export function takeFile(event: ChangeEvent<HTMLInputElement>): File | undefined {
  const file = event.target.files?.[0];
  event.target.value = '';
  return file;
}

export function LibraryTools({ onOpen }: { onOpen: (bookId: string) => void }) {
  const [importOpen, setImportOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const importId = useId();

  async function run(label: MessageKey, task: () => Promise<Status>) {
    setStatus({ kind: 'working', label });
    try {
      setStatus(await task());
    } catch (error) {
      setStatus({ kind: 'failed', message: failureMessage(error) });
    }
  }

  const onImport = (event: ChangeEvent<HTMLInputElement>) => {
    const file = takeFile(event);
    if (!file) return;
    void run('importing', async () => {
      const { book, dropped } = await importBookFile(file, bookRepository());
      return { kind: 'imported', bookId: book.id, title: book.title, dropped };
    });
  };

  const onRestore = (event: ChangeEvent<HTMLInputElement>) => {
    const file = takeFile(event);
    if (!file) return;
    void run('restoring', async () => {
      const s = await restoreBackupFile(file, bookRepository());
      return { kind: 'done', message: t('restoreDone', [s.restored, s.unchanged, s.copies]) };
    });
  };

  const working = status.kind === 'working';
  return (
    <div className="library-tools" role="group" aria-label={t('libraryTools')}>
      <div className="library-actions">
        <button type="button" data-testid="import-book" aria-expanded={importOpen} aria-controls={importId} onClick={() => setImportOpen(!importOpen)}>
          {t('importBook')}
        </button>
        <button
          type="button"
          data-testid="backup-all"
          disabled={working}
          onClick={() => void run('backingUp', async () => ({ kind: 'done', message: t('backupDone', await downloadBackup(bookRepository())) }))}
        >
          {t('backupAll')}
        </button>
        <label className="file-button">
          <input type="file" data-testid="restore-backup" accept=".zip,application/zip" disabled={working} onChange={onRestore} />
          <span>{t('restoreBackup')}</span>
        </label>
      </div>
      {importOpen && (
        <label id={importId} className="field import-field">
          <span>{t('importFileLabel')}</span>
          <input
            type="file"
            data-testid="import-file"
            accept=".docx,.md,.markdown,.html,.htm,.txt,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/markdown,text/html,text/plain"
            disabled={working}
            onChange={onImport}
          />
        </label>
      )}
      {working && <p role="status">{t(status.label)}</p>}
      {status.kind === 'imported' && (
        <div role="status" className="import-report" data-testid="import-report">
          <p>{t('importDone', status.title)}</p>
          <p data-testid="import-not-kept">{notKeptMessage(status.dropped)}</p>
          <button type="button" data-testid="import-open" onClick={() => onOpen(status.bookId)}>
            {t('importOpen')}
          </button>
        </div>
      )}
      <OutcomeLine status={status} testId="library-status" />
    </div>
  );
}
