// A book's version history: the server's kept versions (signed in) and this browser's snapshots, by day; one selected
// shows read-only with its changes against the current text, and can be restored (a new edit) or copied from.
import { EditorContent, useEditor } from '@tiptap/react';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { RevisionSummary } from '../../shared/protocol.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { getSnapshot, watchSnapshots } from '../lib/books/snapshots.ts';
import { groupByDay, mergeHistory, type HistoryEntry } from '../lib/books/version-history.ts';
import { restoreVersion } from '../lib/books/version-restore.ts';
import { manuscriptExtensions } from '../lib/editor/schema.ts';
import { formatCount, t, uiLocale, wordCountLabel } from '../lib/i18n.ts';
import { getServerVersion, listServerVersions } from '../lib/sync/server-history.ts';
import { copyPassage } from './copy-passage.ts';
import { useObservable } from './useObservable.ts';
import { VersionDiff } from './VersionDiff.tsx';

interface HistoryViewProps {
  bookId: string;
  onBack: () => void;
  /** A version was restored: the shell opens the book. */
  onRestored: () => void;
}

/** The server's side of the history: pages loaded so far, whether older ones follow, or why there is none. */
type ServerHistory =
  | { state: 'loading' }
  | { state: 'signed-out' }
  | { state: 'failed'; message: string }
  | { state: 'ready'; versions: RevisionSummary[]; hasMore: boolean };

function useServerHistory(bookId: string): [ServerHistory, () => void] {
  const [history, setHistory] = useState<ServerHistory>({ state: 'loading' });
  const load = useCallback(
    (before?: number) => {
      listServerVersions(bookId, before).then(
        (page) =>
          setHistory((now) => {
            if (!page) return { state: 'signed-out' };
            const earlier = now.state === 'ready' && before !== undefined ? now.versions : [];
            return { state: 'ready', versions: [...earlier, ...page.versions], hasMore: page.hasMore };
          }),
        (error: unknown) => setHistory({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
      );
    },
    [bookId],
  );
  useEffect(() => load(), [load]);
  const more = () => {
    if (history.state === 'ready' && history.hasMore) load(history.versions[history.versions.length - 1]!.revision);
  };
  return [history, more];
}

function deviceLabel(entry: HistoryEntry): string {
  if (entry.source === 'device') return t('historyThisBrowser');
  if (entry.device === null) return t('historyDeviceUnknown');
  return entry.device === 'web' ? t('historyDeviceWeb') : entry.device;
}

const CAUSE_LABELS = { sync: 'historyCauseSync', conflict: 'historyCauseConflict', restore: 'historyCauseRestore' } as const;

function changeLabel(entry: HistoryEntry): string {
  if (entry.source === 'device') return `${wordCountLabel(entry.wordCount)}, ${t(CAUSE_LABELS[entry.cause])}`;
  return t('historyWordsChanged', [formatCount(entry.wordsAdded), formatCount(entry.wordsRemoved)]);
}

export function HistoryView({ bookId, onBack, onRestored }: HistoryViewProps) {
  const book = useObservable(() => bookRepository().watchBook(bookId), [bookId]);
  const snapshots = useObservable(() => watchSnapshots(bookId), [bookId]);
  const [server, more] = useServerHistory(bookId);
  const [selected, setSelected] = useState<HistoryEntry | null>(null);
  const headingId = useId();
  const heading = useRef<HTMLHeadingElement>(null);
  const locale = uiLocale();
  const dayFormat = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'full' }), [locale]);
  const timeFormat = useMemo(() => new Intl.DateTimeFormat(locale, { timeStyle: 'short' }), [locale]);

  useEffect(() => heading.current?.focus(), []);
  // Escape goes back to the book, as it leaves the editor's other overlays.
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !event.defaultPrevented) onBack();
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [onBack]);

  const days = useMemo(
    () => groupByDay(mergeHistory(server.state === 'ready' ? server.versions : [], snapshots ?? [])),
    [server, snapshots],
  );

  if (book === undefined && snapshots === undefined) return <p className="loading">{t('loading')}</p>;
  const title = book?.title.trim() || t('untitled');

  return (
    <section className="history-view" aria-labelledby={headingId} data-testid="history-view">
      <div className="list-bar">
        <h1 id={headingId} ref={heading} tabIndex={-1}>
          {t('historyHeading', title)}
        </h1>
        <button type="button" data-testid="history-back" title={`${t('backToBook')} (Esc)`} onClick={onBack}>
          {t('backToBook')}
        </button>
      </div>
      {server.state === 'signed-out' && <p className="history-note">{t('historySignedOut')}</p>}
      {server.state === 'failed' && (
        <p className="history-note" role="status">
          {t('historyServerFailed', server.message)}
        </p>
      )}
      {server.state === 'loading' && <p className="loading">{t('historyServerLoading')}</p>}
      <div className="history-body">
        <nav className="history-list" aria-label={t('historyListLabel')}>
          {days.length === 0 && server.state !== 'loading' && <p className="empty">{t('historyEmpty')}</p>}
          {days.map((day) => (
            <section key={day.day} aria-label={dayFormat.format(day.entries[0]!.at)}>
              <h2 className="history-day">{dayFormat.format(day.entries[0]!.at)}</h2>
              <ul>
                {day.entries.map((entry) => (
                  <li key={entry.key}>
                    <button
                      type="button"
                      className="history-entry"
                      data-testid="history-entry"
                      data-source={entry.source}
                      data-revision={entry.revision ?? ''}
                      aria-pressed={selected?.key === entry.key}
                      onClick={() => setSelected(entry)}
                    >
                      <span className="history-time">{timeFormat.format(entry.at)}</span>{' '}
                      <span className="history-device">{deviceLabel(entry)}</span>{' '}
                      <span className="history-words">{changeLabel(entry)}</span>
                      {entry.source === 'server' && entry.merge && <span className="history-merge"> {t('historyMerged')}</span>}
                    </button>
                  </li>
                ))}
              </ul>
            </section>
          ))}
          {server.state === 'ready' && server.hasMore && (
            <button type="button" data-testid="history-more" onClick={more}>
              {t('historyOlder')}
            </button>
          )}
        </nav>
        {selected && book && (
          <VersionPane
            key={selected.key}
            bookId={bookId}
            entry={selected}
            current={book.content}
            heading={`${dayFormat.format(selected.at)} ${timeFormat.format(selected.at)} · ${deviceLabel(selected)}`}
            onRestored={onRestored}
          />
        )}
      </div>
    </section>
  );
}

type Loaded = { state: 'loading' } | { state: 'gone' } | { state: 'failed'; message: string } | { state: 'ready'; title: string; content: string };

async function loadVersion(bookId: string, entry: HistoryEntry): Promise<{ title: string; content: string } | null> {
  if (entry.source === 'device') return (await getSnapshot(entry.snapshotId)) ?? null;
  return getServerVersion(bookId, entry.revision);
}

function VersionPane(props: { bookId: string; entry: HistoryEntry; current: string; heading: string; onRestored: () => void }) {
  const { bookId, entry, current, heading, onRestored } = props;
  const [version, setVersion] = useState<Loaded>({ state: 'loading' });
  const [showing, setShowing] = useState<'changes' | 'text'>('changes');
  const [restoreError, setRestoreError] = useState('');
  const [restoring, setRestoring] = useState(false);
  const [copied, setCopied] = useState<'' | 'passage' | 'version'>('');
  const body = useRef<HTMLDivElement>(null);
  const paneHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    let live = true;
    loadVersion(bookId, entry).then(
      (found) => live && setVersion(found ? { state: 'ready', title: found.title, content: found.content } : { state: 'gone' }),
      (error: unknown) => live && setVersion({ state: 'failed', message: error instanceof Error ? error.message : String(error) }),
    );
    paneHeading.current?.focus();
    return () => {
      live = false;
    };
  }, [bookId, entry]);

  const restore = async () => {
    if (version.state !== 'ready') return;
    setRestoring(true);
    try {
      await restoreVersion(bookId, version);
      onRestored();
    } catch (error) {
      setRestoreError(error instanceof Error ? error.message : String(error));
      setRestoring(false);
    }
  };

  // The passage selected in the whole text when there is one (a selection in the changes would mix both versions),
  // else the whole version.
  const copy = async () => {
    if (version.state !== 'ready') return;
    const selection = window.getSelection();
    const range = selection && !selection.isCollapsed && selection.rangeCount > 0 ? selection.getRangeAt(0) : null;
    const inside = showing === 'text' && range !== null && body.current?.contains(range.commonAncestorContainer) === true;
    let html = version.content;
    if (inside) {
      const holder = document.createElement('div');
      holder.append(range.cloneContents());
      html = holder.innerHTML;
    }
    try {
      await copyPassage(html);
      setCopied(inside ? 'passage' : 'version');
    } catch (error) {
      setRestoreError(error instanceof Error ? error.message : String(error));
    }
  };

  return (
    <section className="history-version" aria-labelledby={`${entry.key}-heading`} data-testid="history-version">
      <h2 id={`${entry.key}-heading`} ref={paneHeading} tabIndex={-1}>
        {heading}
      </h2>
      {version.state === 'loading' && <p className="loading">{t('loading')}</p>}
      {version.state === 'gone' && <p role="status">{t('historyVersionGone')}</p>}
      {version.state === 'failed' && <p role="status">{t('historyServerFailed', version.message)}</p>}
      {version.state === 'ready' && (
        <>
          <div className="history-actions">
            <button type="button" data-testid="history-show-changes" aria-pressed={showing === 'changes'} onClick={() => setShowing('changes')}>
              {t('historyShowChanges')}
            </button>
            <button type="button" data-testid="history-show-text" aria-pressed={showing === 'text'} onClick={() => setShowing('text')}>
              {t('historyShowText')}
            </button>
            <button type="button" data-testid="history-restore" disabled={restoring} onClick={() => void restore()}>
              {t('historyRestore')}
            </button>
            <button type="button" data-testid="history-copy" title={t('historyCopyHint')} onClick={() => void copy()}>
              {t('historyCopy')}
            </button>
          </div>
          <p role="status" className="history-note" data-testid="history-copied">
            {copied && t(copied === 'passage' ? 'historyCopiedPassage' : 'historyCopiedVersion')}
          </p>
          {restoreError && <p role="alert">{restoreError}</p>}
          <div ref={body}>
            {showing === 'changes' ? (
              <VersionDiff before={version.content} after={current} label={t('historyDiffLabel')} testId="history-diff" />
            ) : (
              <ReadOnlyText content={version.content} />
            )}
          </div>
        </>
      )}
    </section>
  );
}

/** The version as the editor would show it, read-only: select a passage and copy it like any text. */
function ReadOnlyText({ content }: { content: string }) {
  const editor = useEditor(
    {
      extensions: manuscriptExtensions(),
      content,
      editable: false,
      editorProps: { attributes: { 'aria-label': t('historyTextLabel'), 'aria-multiline': 'true', 'aria-readonly': 'true', role: 'textbox' } },
    },
    [content],
  );
  return (
    <div className="history-text editor" data-testid="history-text">
      <EditorContent editor={editor} />
    </div>
  );
}
