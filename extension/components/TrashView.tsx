// The trash: books deleted here or on another device (and, signed in, those only the server's trash still holds), with
// when, where and how long they stay; restore one, delete one forever, or empty the trash (each asks once first).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { LIMITS } from '../../shared/limits.ts';
import type { TrashedBook } from '../../shared/protocol.ts';
import type { TrashEntry } from '../lib/books/db.ts';
import { bookTrash } from '../lib/books/repository.ts';
import { daysLeft } from '../lib/books/trash.ts';
import { t, uiLocale, wordCountLabel } from '../lib/i18n.ts';
import { fetchServerTrashed, listServerTrash } from '../lib/sync/server-trash.ts';
import { useObservable } from './useObservable.ts';

interface TrashViewProps {
  onBack: () => void;
  /** A book came back: the shell opens it. */
  onRestored: (bookId: string) => void;
}

/** What the view is asking the writer to confirm: one book deleted forever, or the whole trash emptied. */
type Asking = { kind: 'one'; entry: TrashEntry } | { kind: 'all'; count: number } | null;

function daysLeftLabel(days: number): string {
  if (days === 0) return t('daysLeftNone');
  return days === 1 ? t('daysLeftOne') : t('daysLeftOther', days);
}

export function TrashView({ onBack, onRestored }: TrashViewProps) {
  const entries = useObservable(() => bookTrash().watch(), []);
  const [asking, setAsking] = useState<Asking>(null);
  const headingId = useId();
  const locale = uiLocale();
  const deletedFormat = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);
  const heading = useRef<HTMLHeadingElement>(null);
  // Days left are whole days: the time the view opened is precise enough.
  const [now] = useState(() => Date.now());
  // Books deleted on another device that this one never held: the server's trash (empty when signed out or offline).
  const [remote, setRemote] = useState<TrashedBook[]>([]);
  useEffect(() => {
    listServerTrash().then(setRemote, () => setRemote([]));
  }, []);
  const localIds = useMemo(() => new Set(entries?.map((e) => e.bookId)), [entries]);
  const remoteOnly = remote.filter((b) => !localIds.has(b.id));

  // Books past the retention go as soon as anyone looks; the heading takes focus so keyboard users start here.
  useEffect(() => {
    void bookTrash().purge();
    heading.current?.focus();
  }, []);

  const restore = async (bookId: string) => {
    if (await bookTrash().restore(bookId)) onRestored(bookId);
  };

  // A book only the server's trash holds comes into this device's trash with its text first, then back like any other.
  const restoreRemote = async (bookId: string) => {
    await fetchServerTrashed(bookId);
    await restore(bookId);
  };

  const confirm = async () => {
    if (!asking) return;
    if (asking.kind === 'one') await bookTrash().deleteForever(asking.entry.bookId);
    else await bookTrash().empty();
    setAsking(null);
    heading.current?.focus();
  };

  return (
    <section className="trash-view" aria-labelledby={headingId} data-testid="trash-view">
      <div className="list-bar">
        <h1 id={headingId} ref={heading} tabIndex={-1}>
          {t('trashHeading')}
        </h1>
        <button type="button" data-testid="trash-back" onClick={onBack}>
          {t('backToBooks')}
        </button>
      </div>
      <p className="trash-intro">{t('trashIntro', LIMITS.trashRetentionDays)}</p>
      {asking && (
        <div className="trash-confirm" role="alertdialog" aria-labelledby={`${headingId}-ask`} data-testid="trash-confirm">
          <p id={`${headingId}-ask`}>
            {asking.kind === 'all'
              ? t('confirmEmptyTrash', asking.count)
              : t('confirmDeleteForever', asking.entry.title.trim() || t('untitled'))}
          </p>
          <button type="button" className="danger" data-testid="trash-confirm-yes" autoFocus onClick={() => void confirm()}>
            {asking.kind === 'all' ? t('emptyTrash') : t('deleteForever')}
          </button>
          <button type="button" data-testid="trash-confirm-no" onClick={() => setAsking(null)}>
            {t('cancel')}
          </button>
        </div>
      )}
      {entries === undefined ? (
        <p className="loading">{t('loading')}</p>
      ) : entries.length === 0 ? (
        remoteOnly.length === 0 && <p className="empty">{t('trashEmpty')}</p>
      ) : (
        <button
          type="button"
          className="danger"
          data-testid="empty-trash"
          disabled={asking !== null}
          onClick={() => setAsking({ kind: 'all', count: entries.length })}
        >
          {t('emptyTrash')}
        </button>
      )}
      <ul className="books" data-testid="trash-list">
        {entries?.map((entry) => {
          const title = entry.title.trim() || t('untitled');
          return (
            <li key={entry.bookId} className="book-row" data-testid="trash-item" data-book-id={entry.bookId}>
              <div className="book-item">
                <span className="book-item-title">{title}</span>
                {entry.author && <span className="book-item-author">{entry.author}</span>}
                <span className="book-item-meta">
                  {wordCountLabel(typeof entry.metadata.wordCount === 'number' ? entry.metadata.wordCount : 0)} ·{' '}
                  {t('deletedAt', deletedFormat.format(entry.deletedAt))}{' '}
                  {entry.deletedBy === 'this-device' ? t('deletedHere') : t('deletedElsewhere')}
                </span>
                <span className="book-item-meta" data-testid="trash-days-left">
                  {daysLeftLabel(daysLeft(entry, now))}
                </span>
              </div>
              <div className="book-row-actions">
                <button type="button" data-testid="restore-book" onClick={() => void restore(entry.bookId)}>
                  {t('restoreBook')}
                  <span className="sr-only"> {title}</span>
                </button>
                <button
                  type="button"
                  className="danger"
                  data-testid="delete-forever"
                  disabled={asking !== null}
                  onClick={() => setAsking({ kind: 'one', entry })}
                >
                  {t('deleteForever')}
                  <span className="sr-only"> {title}</span>
                </button>
              </div>
            </li>
          );
        })}
        {remoteOnly.map((book) => {
          const title = book.title.trim() || t('untitled');
          return (
            <li key={book.id} className="book-row" data-testid="trash-item" data-book-id={book.id} data-on-server="true">
              <div className="book-item">
                <span className="book-item-title">{title}</span>
                {book.author && <span className="book-item-author">{book.author}</span>}
                <span className="book-item-meta">
                  {t('deletedAt', deletedFormat.format(book.deletedAt))} {t('deletedElsewhere')}
                </span>
                <span className="book-item-meta" data-testid="trash-days-left">
                  {daysLeftLabel(daysLeft(book, now, book.purgeAt - book.deletedAt))}
                </span>
              </div>
              <div className="book-row-actions">
                <button type="button" data-testid="restore-book" onClick={() => void restoreRemote(book.id)}>
                  {t('restoreBook')}
                  <span className="sr-only"> {title}</span>
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
