// The clip picker: a searchable list of every book and "New book…", the last destination preselected; arrow keys
// move, Enter clips, Escape cancels. It only chooses: the background holds the clip and writes it.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { bookRepository } from '../lib/books/repository.ts';
import { pickerChoices } from '../lib/clipping/picker-choices.ts';
import { t } from '../lib/i18n.ts';
import { useObservable } from './useObservable.ts';

export interface ClipPickerProps {
  /** What is being clipped (the page title), or null when no clip waits any more. */
  clipping: { title: string } | null;
  lastBookId: string | null;
  onPick: (choice: { bookId: string } | { newBookTitle: string }) => void;
  onCancel: () => void;
}

export function ClipPicker({ clipping, lastBookId, onPick, onCancel }: ClipPickerProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState<number | null>(null);
  const [naming, setNaming] = useState<string | null>(null);
  const books = useObservable(() => bookRepository().watchList(), []);
  const choices = useMemo(() => pickerChoices(books ?? [], query, lastBookId), [books, query, lastBookId]);
  const listId = useId();
  const headingId = useId();
  const listRef = useRef<HTMLUListElement>(null);
  /** The "New book…" entry sits after the books. */
  const count = choices.books.length + 1;
  const current = Math.min(active ?? choices.selected, count - 1);

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [current]);

  const choose = (index: number) => {
    const book = choices.books[index];
    if (book) onPick({ bookId: book.id });
    else setNaming(query.trim() || clipping?.title || '');
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((current + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(current);
    } else if (event.key === 'Escape') {
      onCancel();
    }
  };

  if (!clipping) return <p className="empty">{t('clipPickerNothing')}</p>;

  if (naming !== null) {
    return (
      <form
        className="clip-picker"
        onSubmit={(event) => {
          event.preventDefault();
          onPick({ newBookTitle: naming.trim() || t('clippingsTitle') });
        }}
      >
        <label>
          {t('clipPickerNewTitle')}
          <input autoFocus data-testid="clip-picker-new-title" value={naming} onChange={(e) => setNaming(e.target.value)} />
        </label>
        <div className="clip-picker-actions">
          <button type="button" onClick={() => setNaming(null)}>{t('cancel')}</button>
          <button type="submit" className="primary">{t('clipPickerCreate')}</button>
        </div>
      </form>
    );
  }

  return (
    <section className="clip-picker" aria-labelledby={headingId}>
      <h1 id={headingId}>{t('clipPickerHeading')}</h1>
      <p className="clip-picker-source">{clipping.title}</p>
      <input
        type="search"
        autoFocus
        role="combobox"
        aria-expanded="true"
        aria-controls={listId}
        aria-activedescendant={`${listId}-${current}`}
        aria-label={t('searchBooks')}
        placeholder={t('searchBooks')}
        data-testid="clip-picker-search"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(null);
        }}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" ref={listRef} className="clip-picker-list" aria-label={t('clipPickerHeading')}>
        {choices.books.map((book, index) => (
          <li
            key={book.id}
            id={`${listId}-${index}`}
            role="option"
            aria-selected={index === current}
            data-testid="clip-picker-book"
            data-book-id={book.id}
            onClick={() => choose(index)}
          >
            <span className="book-item-title">{book.title}</span>
            {book.author && <span className="book-item-author">{book.author}</span>}
          </li>
        ))}
        <li
          id={`${listId}-${count - 1}`}
          role="option"
          aria-selected={current === count - 1}
          data-testid="clip-picker-new"
          onClick={() => choose(count - 1)}
        >
          {t('clipPickerNewBook')}
        </li>
      </ul>
    </section>
  );
}
