// The book manager: every live book with its words and last edit, sorted as the writer chooses; full-text search
// over titles, authors and text with the matching snippet; rename and delete from the list.
import { useDeferredValue, useEffect, useId, useMemo, useState } from 'react';
import type { LocalBook } from '../lib/books/db.ts';
import { bookRepository, type RemovedBook } from '../lib/books/repository.ts';
import { bookSearch, firstLine, type BookMatch } from '../lib/books/search.ts';
import { t, uiLocale, wordCountLabel, type MessageKey } from '../lib/i18n.ts';
import { requestFind } from '../lib/room/find-in-doc.ts';
import { ExportBook } from './ExportBook.tsx';
import { LibraryTools } from './LibraryTools.tsx';
import { watchOverlapCounts } from '../lib/sync/overlaps.ts';
import { MergeOverlapNote } from './MergeOverlapNote.tsx';
import { SyncIssueNote } from './SyncIssueNote.tsx';
import { useObservable } from './useObservable.ts';

interface BookListProps {
  onOpen: (bookId: string) => void;
  onCreate: () => void;
  /** A book was deleted from the list (the shell offers to undo it). */
  onDeleted?: (removed: RemovedBook) => void;
}

const SORTS = ['edited', 'created', 'title', 'length'] as const;
type Sort = (typeof SORTS)[number];

function sortBooks(books: readonly LocalBook[], sort: Sort, collator: Intl.Collator): LocalBook[] {
  const by: Record<Sort, (a: LocalBook, b: LocalBook) => number> = {
    edited: (a, b) => b.updatedAt - a.updatedAt,
    created: (a, b) => b.createdAt - a.createdAt,
    title: (a, b) => collator.compare(a.title, b.title) || b.updatedAt - a.updatedAt,
    length: (a, b) => b.metadata.wordCount - a.metadata.wordCount,
  };
  return [...books].sort(by[sort]);
}

export function BookList({ onOpen, onCreate, onDeleted }: BookListProps) {
  const [search, setSearch] = useState('');
  const query = useDeferredValue(search.trim());
  const [sort, setSort] = useState<Sort>('edited');
  const books = useObservable(() => bookRepository().watchList(), []);
  const overlaps = useObservable(() => watchOverlapCounts(), []);
  const headingId = useId();
  const locale = uiLocale();
  const edited = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);
  const collator = useMemo(() => new Intl.Collator(locale, { sensitivity: 'base', numeric: true }), [locale]);
  const sorted = useMemo(() => (books ? sortBooks(books, sort, collator) : undefined), [books, sort, collator]);
  const matches = useMemo(() => (sorted && query ? bookSearch().search(sorted, query) : undefined), [sorted, query]);
  // Titles shared by several books (every "Untitled") are told apart by their first line.
  const sharedTitles = useMemo(() => {
    const seen = new Map<string, number>();
    for (const book of books ?? []) seen.set(book.title.trim(), (seen.get(book.title.trim()) ?? 0) + 1);
    return new Set([...seen].filter(([title, n]) => n > 1 || title === '' || title === t('untitled')).map(([title]) => title));
  }, [books]);

  // Index the books for search in idle moments, one at a time, so the first search does not read them all at once.
  useEffect(() => {
    if (!books?.length) return;
    let next = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // One book per turn, between frames (requestIdleCallback is missing in some engines; a timer works everywhere).
    const step = () => {
      if (next < books.length) bookSearch().prepare(books[next++]!);
      if (next < books.length) timer = setTimeout(step, 16);
    };
    timer = setTimeout(step, 100);
    return () => clearTimeout(timer);
  }, [books]);

  const rows: { book: LocalBook; match?: BookMatch }[] | undefined = matches
    ? matches.map((match) => ({ book: match.book, match }))
    : sorted?.map((book) => ({ book }));

  const remove = async (book: LocalBook) => {
    const removed = await bookRepository().remove(book.id);
    onDeleted?.(removed);
  };

  return (
    <section className="book-list-view" aria-labelledby={headingId}>
      <div className="list-bar">
        <h1 id={headingId}>{t('booksHeading')}</h1>
        <button type="button" className="primary" data-testid="new-book" onClick={onCreate}>
          <span aria-hidden="true">+ </span>
          {t('newBook')}
        </button>
      </div>
      <LibraryTools onOpen={onOpen} />
      <div className="list-tools">
        <input
          type="search"
          className="search"
          data-testid="book-search"
          aria-label={t('searchBooks')}
          placeholder={t('searchBooks')}
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
        <label className="sort">
          <span>{t('sortBy')}</span>
          <select data-testid="book-sort" value={sort} disabled={!!query} onChange={(e) => setSort(e.target.value as Sort)}>
            {SORTS.map((s) => (
              <option key={s} value={s}>
                {t(`sort_${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {rows === undefined ? (
        <p className="loading">{t('loading')}</p>
      ) : rows.length === 0 ? (
        <p className="empty" role={query ? 'status' : undefined}>
          {query ? t('noMatches', query) : t('noBooks')}
        </p>
      ) : (
        query && (
          <p className="sr-only" role="status">
            {t('matchCount', String(rows.length))}
          </p>
        )
      )}
      <ul className="books" data-testid="book-list">
        {rows?.map(({ book, match }) => (
          <BookRow
            key={book.id}
            book={book}
            match={match}
            showFirstLine={sharedTitles.has(book.title.trim())}
            editedLabel={t('editedAt', edited.format(book.updatedAt))}
            onOpen={() => {
              if (match?.field === 'text') requestFind(sessionStorage, book.id, match.query);
              onOpen(book.id);
            }}
            onDelete={() => void remove(book)}
            overlapCount={overlaps?.get(book.id) ?? 0}
          />
        ))}
      </ul>
    </section>
  );
}

interface BookRowProps {
  book: LocalBook;
  match?: BookMatch;
  showFirstLine: boolean;
  editedLabel: string;
  onOpen: () => void;
  onDelete: () => void;
  /** Passages a sync merge settled in this book (the later edit kept), not yet reviewed. */
  overlapCount: number;
}

function BookRow({ book, match, showFirstLine, editedLabel, onOpen, onDelete, overlapCount }: BookRowProps) {
  const [renaming, setRenaming] = useState(false);
  const line = showFirstLine ? firstLine(book.content) : '';
  const title = book.title.trim() || t('untitled');

  if (renaming) {
    return (
      <li className="book-row">
        <form
          className="rename-form"
          onSubmit={(e) => {
            e.preventDefault();
            const value = String(new FormData(e.currentTarget).get('title') ?? '').trim();
            if (value && value !== book.title) void bookRepository().rename(book.id, value);
            setRenaming(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setRenaming(false);
          }}
        >
          <input name="title" data-testid="rename-input" aria-label={t('renameBook', title)} defaultValue={book.title} autoFocus />
          <button type="submit">{t('saveTitle')}</button>
          <button type="button" onClick={() => setRenaming(false)}>
            {t('cancel')}
          </button>
        </form>
      </li>
    );
  }

  return (
    <li className="book-row">
      <button type="button" className="book-item" data-testid="book-item" data-book-id={book.id} onClick={onOpen}>
        <span className="book-item-title">{title}</span>
        {book.author && <span className="book-item-author">{book.author}</span>}
        {line && <span className="book-item-line" data-testid="book-first-line">{line}</span>}
        {match?.field === 'text' && (
          <span className="book-item-snippet" data-testid="book-snippet">
            {match.snippet.before}
            <mark>{match.snippet.match}</mark>
            {match.snippet.after}
          </span>
        )}
        <span className="book-item-meta">
          {wordCountLabel(book.metadata.wordCount)} · {editedLabel}
        </span>
        {book.syncIssue && <SyncIssueNote issue={book.syncIssue} />}
        {overlapCount > 0 && <MergeOverlapNote count={overlapCount} title={title} />}
      </button>
      <div className="book-row-actions">
        <button type="button" data-testid="rename-book" onClick={() => setRenaming(true)}>
          {t('rename')}
          <span className="sr-only"> {title}</span>
        </button>
        <ExportBook label={t('exportBookNamed', title)} load={() => bookRepository().get(book.id)} />
        <button type="button" className="danger" data-testid="delete-from-list" onClick={onDelete}>
          {t('deleteBook')}
          <span className="sr-only"> {title}</span>
        </button>
      </div>
    </li>
  );
}
