// The status bar under the manuscript, never scrolled away: save state, words (book, selection, this session), the
// book's word target and when the book last reached the server.
import type { Editor } from '@tiptap/react';
import { useEffect, useId, useState } from 'react';
import type { BookCounts } from '../lib/books/db.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { countText } from '../lib/books/words.ts';
import type { SaveState } from '../lib/editor/autosave.ts';
import { formatCount, t, uiLocale, wordCountLabel } from '../lib/i18n.ts';
import { timeAgo } from '../lib/room/backed-up.ts';
import { readBookPrefs, writeBookPrefs } from '../lib/room/book-place.ts';
import { useObservable } from './useObservable.ts';

const SELECTION_DELAY_MS = 150;
const CLOCK_MS = 30_000;

interface StatusBarProps {
  editor: Editor | null;
  bookId: string;
  counts: BookCounts;
  /** Words in the book when it was opened: the session's words are the difference. */
  openingWords: number;
  saveState: SaveState;
  saveError: string;
}

export function StatusBar({ editor, bookId, counts, openingWords, saveState, saveError }: StatusBarProps) {
  const selected = useSelectedWords(editor);
  const session = counts.wordCount - openingWords;
  return (
    <footer className="status-bar" data-testid="status-bar" aria-label={t('statusBar')}>
      <span className={`save-state save-${saveState}`} data-testid="save-state" role={saveState === 'error' ? 'alert' : 'status'}>
        {saveState === 'error' ? t('saveFailed', saveError) : saveState === 'saved' ? t('saved') : t('saving')}
      </span>
      <span data-testid="word-count">{wordCountLabel(counts.wordCount)}</span>
      {selected !== null && <span data-testid="selection-words">{t('selectedWords', formatCount(selected))}</span>}
      <span data-testid="session-words">{t('sessionWords', `${session >= 0 ? '+' : '−'}${formatCount(Math.abs(session))}`)}</span>
      <WordTarget bookId={bookId} words={counts.wordCount} />
      <BackedUp bookId={bookId} />
    </footer>
  );
}

/** Words in the selection, or null when nothing is selected; read after the selection settles, not per keystroke. */
function useSelectedWords(editor: Editor | null): number | null {
  const [words, setWords] = useState<number | null>(null);
  useEffect(() => {
    if (!editor) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const measure = () => {
      timer = undefined;
      if (editor.isDestroyed) return;
      const { from, to, empty } = editor.state.selection;
      setWords(empty ? null : countText(editor.state.doc.textBetween(from, to, ' ', ' ')).wordCount);
    };
    const onSelection = () => {
      if (timer === undefined) timer = setTimeout(measure, SELECTION_DELAY_MS);
    };
    editor.on('selectionUpdate', onSelection);
    return () => {
      editor.off('selectionUpdate', onSelection);
      clearTimeout(timer);
    };
  }, [editor]);
  return words;
}

function WordTarget({ bookId, words }: { bookId: string; words: number }) {
  const [target, setTarget] = useState(() => readBookPrefs(localStorage, bookId).target);
  const [editing, setEditing] = useState(false);
  const inputId = useId();
  const save = (value: string) => {
    const parsed = Math.round(Number(value.replace(/\D/g, '')));
    const next = Number.isFinite(parsed) && parsed > 0 ? parsed : undefined;
    writeBookPrefs(localStorage, bookId, { target: next });
    setTarget(next);
    setEditing(false);
  };
  if (editing) {
    return (
      <form
        className="target-form"
        onSubmit={(e) => {
          e.preventDefault();
          save(new FormData(e.currentTarget).get('target') as string);
        }}
      >
        <label htmlFor={inputId}>{t('wordTarget')}</label>
        <input id={inputId} name="target" data-testid="target-input" inputMode="numeric" defaultValue={target ?? ''} autoFocus />
        <button type="submit">{t('saveTarget')}</button>
        <button type="button" onClick={() => setEditing(false)}>
          {t('cancel')}
        </button>
      </form>
    );
  }
  if (!target) {
    return (
      <button type="button" className="link-button" data-testid="set-target" onClick={() => setEditing(true)}>
        {t('setTarget')}
      </button>
    );
  }
  const percent = Math.min(100, Math.floor((words / target) * 100));
  return (
    <button type="button" className="link-button target" data-testid="target-progress" title={t('changeTarget')} onClick={() => setEditing(true)}>
      <progress max={target} value={Math.min(words, target)} aria-hidden="true" />
      <span>{t('targetProgress', [formatCount(percent), formatCount(target)])}</span>
    </button>
  );
}

function BackedUp({ bookId }: { bookId: string }) {
  const book = useObservable(() => bookRepository().watchBook(bookId), [bookId]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const clock = setInterval(() => setNow(Date.now()), CLOCK_MS);
    return () => clearInterval(clock);
  }, []);
  if (!book) return null;
  let label: string;
  if (book.syncedAt === null) label = t('notBackedUp');
  else {
    const ago = timeAgo(book.syncedAt, Math.max(now, book.syncedAt), uiLocale());
    label = ago === null ? t('backedUpJustNow') : t('backedUpAgo', ago);
  }
  return (
    <span className="backed-up" data-testid="backed-up" title={book.syncedAt ? new Date(book.syncedAt).toLocaleString(uiLocale()) : undefined}>
      {label}
    </span>
  );
}
