// Wires one open book's EditingSession to React: the TipTap editor, the view's state, and the page's lifecycle.
import { useEditor, type Editor, type Extensions } from '@tiptap/react';
import { useEffect, useRef, useState, type RefObject } from 'react';
import type { SaveState } from '../lib/editor/autosave.ts';
import { bookRepository, type RemovedBook } from '../lib/books/repository.ts';
import { setCurrentBookId } from '../lib/books/current-book.ts';
import type { BookCounts, LocalBook } from '../lib/books/db.ts';
import { EditingSession, type SessionField } from '../lib/editor/session.ts';
import { openEditorTab } from '../lib/editor/tab.ts';
import { manuscriptExtensions } from '../lib/editor/schema.ts';
import { conflictChoices } from '../lib/sync/conflicts.ts';
import { t } from '../lib/i18n.ts';

export interface BookSession {
  editor: Editor | null;
  title: string;
  author: string;
  counts: BookCounts;
  saveState: SaveState;
  saveError: string;
  /** The book was deleted elsewhere. */
  missing: boolean;
  /** The writer's version was set aside while the book was open: the editor shows it, read-only, until they choose. */
  held: boolean;
  linkFormOpen: boolean;
  setLinkFormOpen: (open: boolean) => void;
  /** The title input: a brand-new book starts with its title selected. */
  titleInput: RefObject<HTMLInputElement | null>;
  setField: (field: SessionField, value: string) => void;
  deleteBook: () => Promise<RemovedBook>;
  openInTab: () => Promise<void>;
}

/** `extensions` join the manuscript's own (writing aids, typography); they must not change the document's schema. */
export function useBookSession(book: LocalBook, extensions: Extensions = []): BookSession {
  const [title, setTitle] = useState(book.title);
  const [author, setAuthor] = useState(book.author);
  const [counts, setCounts] = useState<BookCounts>({ wordCount: book.metadata.wordCount, charCount: book.metadata.charCount });
  const [save, setSave] = useState<{ state: SaveState; error: string }>({ state: 'saved', error: '' });
  const [missing, setMissing] = useState(false);
  const [linkFormOpen, setLinkFormOpen] = useState(false);
  const titleInput = useRef<HTMLInputElement>(null);

  // One session per mounted book (BookEditor keys this component by book id); it only calls state setters.
  const [session] = useState(
    () =>
      new EditingSession(book, bookRepository(), {
        setField: (field, value) => (field === 'title' ? setTitle : setAuthor)(value),
        setCounts,
        setSaveState: (state, error) => setSave({ state, error }),
        setMissing: () => setMissing(true),
      }),
  );

  const editor = useEditor({
    extensions: [...manuscriptExtensions(), ...extensions],
    content: book.content,
    shouldRerenderOnTransaction: false,
    editorProps: {
      attributes: {
        'aria-label': t('manuscript'),
        'aria-multiline': 'true',
        role: 'textbox',
        spellcheck: 'true',
      },
      handleKeyDown: (_view, event) => {
        if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
          setLinkFormOpen(true);
          return true;
        }
        return false;
      },
    },
    onCreate: ({ editor: created }) => session.attach(created),
    onUpdate: ({ editor: updated }) => session.edited(updated.state.doc),
  });

  // Follow the stored book while it is open, except while the writer's own version is set aside as a conflict copy:
  // then the editor keeps showing what they wrote, read-only, until they choose in the banner (it never switches to
  // the other text unseen).
  const [held, setHeld] = useState(false);
  const [openedAt] = useState(Date.now);
  useEffect(() => {
    const subscription = conflictChoices()
      .watchOpenBook(session.bookId, openedAt)
      .subscribe({
        next: ({ book: latest, held: hold }) => {
          setHeld(hold);
          if (!hold) session.reconcile(latest);
        },
      });
    return () => subscription.unsubscribe();
  }, [session, openedAt]);
  useEffect(() => {
    // No update event: the text did not change, and an "edit" now would save the writer's text over the book unchosen.
    if (editor && !editor.isDestroyed) editor.setEditable(!held, false);
  }, [editor, held]);

  // A brand-new book starts with its title selected, ready to be typed over.
  useEffect(() => {
    if (book.createdAt === book.updatedAt && book.content === '' && book.revision === null) {
      titleInput.current?.focus();
      titleInput.current?.select();
    }
  }, [book]);

  // This is now the book "Clip to <current book>" appends to.
  useEffect(() => {
    void setCurrentBookId(session.bookId);
  }, [session]);

  // Never lose typing when the panel is hidden, closed or reloaded; leaving the book saves what is pending.
  useEffect(() => {
    const onHidden = () => {
      if (document.visibilityState === 'hidden') void session.journalAndFlush();
    };
    const onPageHide = () => void session.journalAndFlush();
    document.addEventListener('visibilitychange', onHidden);
    window.addEventListener('pagehide', onPageHide);
    return () => {
      document.removeEventListener('visibilitychange', onHidden);
      window.removeEventListener('pagehide', onPageHide);
      session.close();
    };
  }, [session]);

  return {
    editor,
    title,
    author,
    counts,
    saveState: save.state,
    saveError: save.error,
    missing,
    held,
    linkFormOpen,
    setLinkFormOpen,
    titleInput,
    setField: (field, value) => session.setField(field, value),
    deleteBook: () => session.delete(),
    openInTab: async () => {
      await session.flush();
      await openEditorTab(session.bookId);
    },
  };
}
