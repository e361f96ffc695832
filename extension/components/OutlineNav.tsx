// The book's outline: its headings with section word counts, the current chapter marked, a filter ("go to
// chapter") and a click or Enter to jump. A drawer in the panel, a sidebar in the full tab.
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { t, wordCountLabel } from '../lib/i18n.ts';
import { filterOutline, type OutlineEntry } from '../lib/room/outline.ts';

interface OutlineNavProps {
  entries: OutlineEntry[];
  current: number;
  onJump: (entry: OutlineEntry) => void;
  /** Non-zero: focus the filter (the "go to chapter" shortcut); each new value focuses it again. */
  focusFilter: number;
  onClose?: () => void;
}

export function OutlineNav({ entries, current, onJump, focusFilter, onClose }: OutlineNavProps) {
  const [query, setQuery] = useState('');
  const shown = useMemo(() => filterOutline(entries, query), [entries, query]);
  const filter = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const headingId = useId();
  useEffect(() => {
    if (focusFilter) filter.current?.focus();
  }, [focusFilter]);
  const currentEntry = entries[current];

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    if (event.key === 'Escape' && onClose) {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    if (!buttons.length) return;
    event.preventDefault();
    const index = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = index < 0 ? (event.key === 'ArrowDown' ? 0 : buttons.length - 1) : index + (event.key === 'ArrowDown' ? 1 : -1);
    if (next < 0) filter.current?.focus();
    else buttons[Math.min(next, buttons.length - 1)]?.focus();
  };

  return (
    <nav className="outline" data-testid="outline" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <div className="outline-head">
        <h2 id={headingId}>{t('outline')}</h2>
        {onClose && (
          <button type="button" data-testid="close-outline" onClick={onClose}>
            {t('close')}
          </button>
        )}
      </div>
      <input
        ref={filter}
        type="search"
        data-testid="outline-filter"
        aria-label={t('goToChapter')}
        placeholder={t('goToChapter')}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && shown[0]) {
            e.preventDefault();
            onJump(shown[0]);
          }
        }}
      />
      {entries.length === 0 ? (
        <p className="outline-empty">{t('outlineEmpty')}</p>
      ) : shown.length === 0 ? (
        <p className="outline-empty">{t('outlineNoMatch')}</p>
      ) : (
        <ol ref={list} className="outline-list">
          {shown.map((entry) => (
            <li key={`${entry.index}`} className={`outline-level-${Math.min(entry.level, 3)}`}>
              <button
                type="button"
                data-testid="outline-entry"
                aria-current={entry === currentEntry ? 'location' : undefined}
                onClick={() => onJump(entry)}
              >
                <span className="outline-text">{entry.text || t('untitledHeading')}</span>
                <span className="outline-words">{wordCountLabel(entry.words)}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </nav>
  );
}
