// The writing room of one book: compact bar, toolbar, outline, manuscript and status bar; the session logic is
// useBookSession.
import { EditorContent } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { LIMITS } from '../../shared/limits.ts';
import { bookLanguageOf } from '../lib/books/language.ts';
import { bookRepository, type RemovedBook } from '../lib/books/repository.ts';
import type { LocalBook } from '../lib/books/db.ts';
import { t, uiLocale } from '../lib/i18n.ts';
import { keepBookPlace } from '../lib/room/book-place.ts';
import { findInDoc, takeFind } from '../lib/room/find-in-doc.ts';
import { writingAidsKey } from '../lib/room/writing-aids.ts';
import { WritingRoom } from '../lib/room/writing-room.ts';
import { AppendFile } from './AppendFile.tsx';
import { BookLanguageField } from './BookLanguageField.tsx';
import { CitationStyleField } from './CitationStyleField.tsx';
import { ExportBook } from './ExportBook.tsx';
import { DisplayMenu } from './DisplayMenu.tsx';
import { MergeReview } from './MergeReview.tsx';
import { OutlineNav } from './OutlineNav.tsx';
import { StatusBar } from './StatusBar.tsx';
import { MOD, Toolbar } from './Toolbar.tsx';
import { useBookSession } from './useBookSession.ts';
import { useDisplaySettings } from './useDisplaySettings.ts';
import { jumpTo, useOutline } from './useOutline.ts';

interface BookEditorProps {
  bookId: string;
  inTab: boolean;
  onBack: () => void;
  /** The book's version history (the ⋯ menu, or Ctrl/⌘+Alt+H). */
  onOpenHistory: () => void;
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

function BookSession({ book, inTab, onBack, onOpenHistory, onDeleted }: BookEditorProps & { book: LocalBook }) {
  const [display, changeDisplay] = useDisplaySettings();
  // Created once; its extensions read the settings live, so a change applies without reopening the book. Quotes
  // follow the book's language when it names one (as it was when the book was opened), else the interface's.
  const [room] = useState(() => new WritingRoom(display, bookLanguageOf(book) ?? uiLocale()));
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const session = useBookSession(book, room.extensions);
  const { editor, title, author, counts, saveState, saveError, missing, held, titleInput } = session;
  const [openingWords] = useState(book.metadata.wordCount);
  const outline = useOutline(editor);
  // The outline is a sidebar in the tab (open by default) and a drawer in the panel; "goto" is it opened to search.
  const [outlineOpen, setOutlineOpen] = useState<false | 'outline' | 'goto'>(inTab ? 'outline' : false);
  // Each "go to chapter" press focuses the filter again, even with the outline already open.
  const [gotoRequests, setGotoRequests] = useState(0);
  const [displayOpen, setDisplayOpen] = useState(false);
  const [quiet, setQuiet] = useQuietMode();
  useEffect(() => {
    if (!editor || !scroller) return;
    const stop = keepBookPlace(editor, book.id, scroller);
    // Opened from a search result: show its match rather than the last place.
    const query = takeFind(sessionStorage, book.id);
    const match = query ? findInDoc(editor.state.doc, query) : null;
    if (match) {
      editor.chain().setTextSelection(match).scrollIntoView().run();
      const { node } = editor.view.domAtPos(match.from);
      (node instanceof Element ? node : node.parentElement)?.scrollIntoView({ block: 'center' });
    }
    return stop;
  }, [editor, book.id, scroller]);

  useEffect(() => room.scrollsIn(scroller), [room, scroller]);
  useEffect(() => {
    room.show(display);
    // Repaint the focus-mode mark now, without waiting for the next edit.
    if (editor && !editor.isDestroyed) editor.view.dispatch(editor.state.tr.setMeta(writingAidsKey, true));
  }, [room, display, editor]);

  // The "go to chapter" shortcut works wherever the focus is in the book.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.altKey && event.code === 'KeyG') {
        event.preventDefault();
        setOutlineOpen('goto');
        setGotoRequests((n) => n + 1);
      }
      if ((event.ctrlKey || event.metaKey) && event.altKey && event.code === 'KeyH') {
        event.preventDefault();
        onOpenHistory();
      }
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onOpenHistory]);

  if (missing) return <MissingBook onBack={onBack} />;

  const outlineShown = outlineOpen !== false;
  const closeOutline = () => {
    setOutlineOpen(false);
    editor?.commands.focus();
  };
  const viewClass = ['book-view', display.focusMode && 'focus-mode', display.typewriter && 'typewriter', quiet && 'quiet']
    .filter(Boolean)
    .join(' ');

  return (
    <section className={viewClass} aria-labelledby="book-heading">
      <h1 id="book-heading" className="sr-only">
        {title.trim() || t('untitled')}
      </h1>
      {quiet ? (
        <button type="button" className="quiet-exit" data-testid="exit-quiet" onClick={() => setQuiet(false)}>
          {t('exitDistractionFree')}
        </button>
      ) : (
        <div className="book-bar">
          <button type="button" className="back icon-button" onClick={onBack} title={t('backToBooks')}>
            <span aria-hidden="true">←</span>
            <span className="sr-only">{t('backToBooks')}</span>
          </button>
          <input
            ref={titleInput}
            className="title-input"
            data-testid="book-title"
            aria-label={t('titleLabel')}
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
          <button
            type="button"
            className="icon-button"
            data-testid="toggle-outline"
            aria-expanded={outlineShown}
            title={`${t('outline')} (${MOD}Alt+G)`}
            onClick={() => setOutlineOpen(outlineShown ? false : 'outline')}
          >
            <span aria-hidden="true">☰</span>
            <span className="sr-only">{t('outline')}</span>
          </button>
          <button
            type="button"
            className="icon-button"
            data-testid="toggle-display"
            aria-expanded={displayOpen}
            title={t('display')}
            onClick={() => setDisplayOpen(!displayOpen)}
          >
            <span aria-hidden="true">{t('glyphDisplay')}</span>
            <span className="sr-only">{t('display')}</span>
          </button>
          <details className="book-more">
            <summary data-testid="book-more" title={t('bookMenu')}>
              <span aria-hidden="true">⋯</span>
              <span className="sr-only">{t('bookMenu')}</span>
            </summary>
            <div className="book-more-menu">
              <ExportBook
                // What the editor shows, with the book's settings (language, citation style) as stored now.
                load={async () => ({ ...((await bookRepository().get(book.id)) ?? book), title, author, content: editor?.getHTML() ?? book.content })}
              />
              <button type="button" data-testid="open-history" title={`${t('openHistory')} (${MOD}Alt+H)`} onClick={onOpenHistory}>
                {t('openHistory')}
              </button>
              <AppendFile bookId={book.id} />
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
              <BookLanguageField bookId={book.id} />
              {inTab ? (
                <button type="button" data-testid="enter-quiet" onClick={() => setQuiet(true)}>
                  {t('distractionFree')}
                </button>
              ) : (
                <button type="button" onClick={() => void session.openInTab()}>
                  {t('openInTab')}
                </button>
              )}
              <button
                type="button"
                className="danger"
                data-testid="delete-book"
                onClick={() => void session.deleteBook().then(onDeleted)}
              >
                {t('deleteBook')}
              </button>
            </div>
          </details>
        </div>
      )}
      {held && (
        <p className="held-note" role="status" data-testid="editor-held">
          {t('editorHeld')}
        </p>
      )}
      {!quiet && (
        <MergeReview
          bookId={book.id}
          title={title.trim() || t('untitled')}
          onInsert={editor ? (html) => editor.chain().focus().insertContent(html).run() : undefined}
        />
      )}
      {displayOpen && !quiet && <DisplayMenu settings={display} onChange={changeDisplay} onClose={() => setDisplayOpen(false)} />}
      {editor && !quiet && (
        <Toolbar editor={editor} linkFormOpen={session.linkFormOpen} onLinkFormOpenChange={session.setLinkFormOpen} />
      )}
      <div className="room-body">
        {outlineShown && !quiet && editor && (
          <OutlineNav
            entries={outline.entries}
            current={outline.current}
            focusFilter={outlineOpen === 'goto' ? gotoRequests : 0}
            onJump={(entry) => {
              jumpTo(editor, entry);
              if (!inTab) setOutlineOpen(false);
            }}
            onClose={closeOutline}
          />
        )}
        <div className="manuscript" ref={setScroller}>
          <div className="editor" data-testid="editor">
            <EditorContent editor={editor} />
          </div>
        </div>
      </div>
      <StatusBar
        editor={editor}
        bookId={book.id}
        counts={counts}
        openingWords={openingWords}
        saveState={saveState}
        saveError={saveError}
      />
    </section>
  );
}

/** Distraction-free: only the text and the status bar, the tab in full screen when the browser allows; Escape leaves. */
function useQuietMode(): [boolean, (quiet: boolean) => void] {
  const [quiet, setQuiet] = useState(false);
  useEffect(() => {
    if (!quiet) return;
    document.documentElement.requestFullscreen?.().catch(() => undefined);
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape') setQuiet(false);
    };
    // Leaving full screen (the browser's own Escape) leaves the mode too.
    const onFullscreen = () => {
      if (!document.fullscreenElement) setQuiet(false);
    };
    window.addEventListener('keydown', onKeyDown);
    document.addEventListener('fullscreenchange', onFullscreen);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      document.removeEventListener('fullscreenchange', onFullscreen);
      if (document.fullscreenElement) void document.exitFullscreen().catch(() => undefined);
    };
  }, [quiet]);
  return [quiet, setQuiet];
}
