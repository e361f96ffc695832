// The book manager: every live book, most recently edited first, with word counts and a title search.
import { useId, useMemo, useState } from 'react';
import { bookRepository } from '../lib/books/repository.ts';
import { t, uiLocale, wordCountLabel } from '../lib/i18n.ts';
import { watchOverlapCounts } from '../lib/sync/overlaps.ts';
import { MergeOverlapNote } from './MergeOverlapNote.tsx';
import { SyncIssueNote } from './SyncIssueNote.tsx';
import { useObservable } from './useObservable.ts';

interface BookListProps {
  onOpen: (bookId: string) => void;
  onCreate: () => void;
}

export function BookList({ onOpen, onCreate }: BookListProps) {
  const [search, setSearch] = useState('');
  const books = useObservable(() => bookRepository().watchList(search), [search]);
  const overlaps = useObservable(() => watchOverlapCounts(), []);
  const headingId = useId();
  const edited = useMemo(
    () => new Intl.DateTimeFormat(uiLocale(), { dateStyle: 'medium', timeStyle: 'short' }),
    [],
  );

  return (
    <section className="book-list-view" aria-labelledby={headingId}>
      <div className="list-bar">
        <h1 id={headingId}>{t('booksHeading')}</h1>
        <button type="button" className="primary" data-testid="new-book" onClick={onCreate}>
          <span aria-hidden="true">+ </span>
          {t('newBook')}
        </button>
      </div>
      <input
        type="search"
        className="search"
        data-testid="book-search"
        aria-label={t('searchBooks')}
        placeholder={t('searchBooks')}
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {books === undefined ? (
        <p className="loading">{t('loading')}</p>
      ) : books.length === 0 ? (
        <p className="empty">{search.trim() ? t('noMatches', search.trim()) : t('noBooks')}</p>
      ) : null}
      <ul className="books" data-testid="book-list">
        {books?.map((book) => (
          <li key={book.id}>
            <button
              type="button"
              className="book-item"
              data-testid="book-item"
              data-book-id={book.id}
              onClick={() => onOpen(book.id)}
            >
              <span className="book-item-title">{book.title}</span>
              {book.author && <span className="book-item-author">{book.author}</span>}
              <span className="book-item-meta">
                {wordCountLabel(book.metadata.wordCount)} · {t('editedAt', edited.format(book.updatedAt))}
              </span>
              {book.syncIssue && <SyncIssueNote issue={book.syncIssue} />}
              {overlaps?.get(book.id) ? <MergeOverlapNote count={overlaps.get(book.id)!} /> : null}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
