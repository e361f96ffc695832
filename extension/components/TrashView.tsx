// The trash: books deleted here or on another device (and, signed in, those only the server's trash still holds), with
// when, where and how long they stay; restore one, delete one forever, or empty the trash (each asks once first).
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import { LIMITS } from '../../shared/limits.ts';
import type { TrashedBook } from '../../shared/protocol.ts';
import { bookTrash } from '../lib/books/repository.ts';
import { daysLeft } from '../lib/books/trash.ts';
import { t, uiLocale, wordCountLabel } from '../lib/i18n.ts';
import { fetchServerTrashed, forgetServerTrashed, listServerTrash } from '../lib/sync/server-trash.ts';
import { useObservable } from './useObservable.ts';

interface TrashViewProps {
  onBack: () => void;
  /** A book came back: the shell opens it. */
  onRestored: (bookId: string) => void;
}

/** What the view is asking the writer to confirm: one book deleted forever, or the whole trash emptied. */
type Asking = { kind: 'one'; bookId: string; title: string } | { kind: 'all'; count: number } | null;

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
    // Here and on the server, so the book does not come back into this view from the server's trash.
    if (asking.kind === 'one') {
      await bookTrash().deleteForever(asking.bookId);
      await forgetServerTrashed(asking.bookId);
      setRemote((books) => books.filter((b) => b.id !== asking.bookId));
    } else {
      await bookTrash().empty();
      await forgetServerTrashed();
      setRemote([]);
    }
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
              : t('confirmDeleteForever', asking.title.trim() || t('untitled'))}
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
      ) : entries.length + remoteOnly.length === 0 ? (
        <p className="empty">{t('trashEmpty')}</p>
      ) : (
        <button
          type="button"
          className="danger"
          data-testid="empty-trash"
          disabled={asking !== null}
          onClick={() => setAsking({ kind: 'all', count: entries.length + remoteOnly.length })}
        >
          {t('emptyTrash')}
        </button>
      )}
      <ul className="books" data-testid="trash-list">
        {entries?.map((entry) => (
          <TrashRow
            key={entry.bookId}
            id={entry.bookId}
            title={entry.title}
            author={entry.author}
            words={typeof entry.metadata.wordCount === 'number' ? entry.metadata.wordCount : undefined}
            deleted={`${t('deletedAt', deletedFormat.format(entry.deletedAt))} ${entry.deletedBy === 'this-device' ? t('deletedHere') : t('deletedElsewhere')}`}
            daysLeft={daysLeft(entry, now)}
            onRestore={() => void restore(entry.bookId)}
            onDeleteForever={asking === null ? () => setAsking({ kind: 'one', bookId: entry.bookId, title: entry.title }) : undefined}
          />
        ))}
        {remoteOnly.map((book) => (
          <TrashRow
            key={book.id}
            id={book.id}
            title={book.title}
            author={book.author}
            deleted={`${t('deletedAt', deletedFormat.format(book.deletedAt))} ${t('deletedElsewhere')}`}
            daysLeft={daysLeft(book, now, book.purgeAt - book.deletedAt)}
            onRestore={() => void restoreRemote(book.id)}
            onDeleteForever={asking === null ? () => setAsking({ kind: 'one', bookId: book.id, title: book.title }) : undefined}
            onServer
          />
        ))}
      </ul>
    </section>
  );
}

interface TrashRowProps {
  id: string;
  title: string;
  author: string;
  /** Unknown for a book only the server's trash holds (its text is read when it is restored). */
  words?: number;
  /** When and where it was deleted, in words. */
  deleted: string;
  daysLeft: number;
  onRestore: () => void;
  /** Absent while a question is open. */
  onDeleteForever?: () => void;
  onServer?: boolean;
}

function TrashRow({ id, title: rawTitle, author, words, deleted, daysLeft: left, onRestore, onDeleteForever, onServer }: TrashRowProps) {
  const title = rawTitle.trim() || t('untitled');
  return (
    <li className="book-row" data-testid="trash-item" data-book-id={id} data-on-server={onServer ? 'true' : undefined}>
      <div className="book-item">
        <span className="book-item-title">{title}</span>
        {author && <span className="book-item-author">{author}</span>}
        <span className="book-item-meta">{words === undefined ? deleted : `${wordCountLabel(words)} · ${deleted}`}</span>
        <span className="book-item-meta" data-testid="trash-days-left">
          {daysLeftLabel(left)}
        </span>
      </div>
      <div className="book-row-actions">
        <button type="button" data-testid="restore-book" onClick={onRestore}>
          {t('restoreBook')}
          <span className="sr-only"> {title}</span>
        </button>
        <button type="button" className="danger" data-testid="delete-forever" disabled={!onDeleteForever} onClick={onDeleteForever}>
          {t('deleteForever')}
          <span className="sr-only"> {title}</span>
        </button>
      </div>
    </li>
  );
}
