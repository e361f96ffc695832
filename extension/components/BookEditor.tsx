// The editor view of one book: title, author, toolbar, manuscript and counts; the session logic is useBookSession.
import { EditorContent } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { LIMITS } from '../../shared/limits.ts';
import { bookRepository, type RemovedBook } from '../lib/books/repository.ts';
import type { LocalBook } from '../lib/books/db.ts';
import { charCountLabel, t, wordCountLabel } from '../lib/i18n.ts';
import { CitationStyleField } from './CitationStyleField.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useBookSession } from './useBookSession.ts';

interface BookEditorProps {
  bookId: string;
  inTab: boolean;
  onBack: () => void;
  onDeleted: (removed: RemovedBook) => void;
}

/** Loads the book once, then hands it to the editing session (the session follows later changes itself). */
export function BookEditor(props: BookEditorProps) {
  const [book, setBook] = useState<LocalBook | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    bookRepository()
      .get(props.bookId)
      .then((found) => live && setBook(found ?? null))
      .catch(() => live && setBook(null));
    return () => {
      live = false;
    };
  }, [props.bookId]);

  if (book === undefined) return <p className="loading">{t('loading')}</p>;
  if (book === null) return <MissingBook onBack={props.onBack} />;
  return <BookSession key={book.id} book={book} {...props} />;
}

function MissingBook({ onBack }: { onBack: () => void }) {
  return (
    <section className="book-view">
      <p role="alert">{t('bookMissing')}</p>
      <button type="button" onClick={onBack}>
        {t('backToBooks')}
      </button>
    </section>
  );
}

function BookSession({ book, inTab, onBack, onDeleted }: BookEditorProps & { book: LocalBook }) {
  const session = useBookSession(book);
  const { editor, title, author, counts, saveState, saveError, missing, titleInput } = session;

  if (missing) return <MissingBook onBack={onBack} />;

  return (
    <section className="book-view" aria-labelledby="book-heading">
      <h1 id="book-heading" className="sr-only">
        {title.trim() || t('untitled')}
      </h1>
      <div className="book-bar">
        <button type="button" className="back" onClick={onBack}>
          <span aria-hidden="true">← </span>
          {t('backToBooks')}
        </button>
        <span className={`save-state save-${saveState}`} role={saveState === 'error' ? 'alert' : undefined}>
          {saveState === 'error' ? t('saveFailed', saveError) : saveState === 'saved' ? t('saved') : t('saving')}
        </span>
        {!inTab && (
          <button type="button" onClick={() => void session.openInTab()}>
            {t('openInTab')}
          </button>
        )}
        <button type="button" className="danger" data-testid="delete-book" onClick={() => void session.deleteBook().then(onDeleted)}>
          {t('deleteBook')}
        </button>
      </div>
      <div className="book-fields">
        <label className="field">
          <span>{t('titleLabel')}</span>
          <input
            ref={titleInput}
            data-testid="book-title"
            value={title}
            maxLength={LIMITS.titleMax}
            placeholder={t('untitled')}
            onChange={(e) => session.setField('title', e.target.value)}
            onKeyDown={(e) => {
              // Enter in the title moves on to writing.
              if (e.key === 'Enter') {
                e.preventDefault();
                editor?.commands.focus('end');
              }
            }}
          />
        </label>
        <label className="field">
          <span>{t('authorLabel')}</span>
          <input
            data-testid="book-author"
            value={author}
            maxLength={LIMITS.authorMax}
            onChange={(e) => session.setField('author', e.target.value)}
          />
        </label>
        <CitationStyleField bookId={book.id} />
      </div>
      {editor && <Toolbar editor={editor} linkFormOpen={session.linkFormOpen} onLinkFormOpenChange={session.setLinkFormOpen} />}
      <div className="editor" data-testid="editor">
        <EditorContent editor={editor} />
      </div>
      <footer className="counts">
        <span data-testid="word-count">{wordCountLabel(counts.wordCount)}</span>
        <span aria-hidden="true"> · </span>
        <span data-testid="char-count">{charCountLabel(counts.charCount)}</span>
      </footer>
    </section>
  );
}
