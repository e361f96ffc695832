// The banner shown while a version of a book is set aside as a conflict copy: it says whose version that is, shows
// what differs from the book before any choice, and offers keep mine, take the other, or keep both. A choice that
// drops a version asks for a second click on a clearly relabelled button (an in-panel confirmation, not
// window.confirm, which a headless test cannot answer), and every choice can be undone until the notice is dismissed.
import { useState } from 'react';
import type { ConflictCopy, LocalBook } from '../lib/books/db.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { t } from '../lib/i18n.ts';
import { conflictChoices, type ConflictChoices, type ConflictReceipt } from '../lib/sync/conflicts.ts';
import { useObservable } from './useObservable.ts';
import { useBusyAction } from './useBusyAction.ts';
import { VersionDiff } from './VersionDiff.tsx';

export interface ConflictBannerViewProps {
  /** Conflict copies, oldest first; the first is offered. */
  copies: ConflictCopy[];
  /** The book the offered copy belongs to, as it is now (absent when it was deleted; undefined while loading). */
  book: LocalBook | null | undefined;
  /** Each choice takes the offered copy's id; undo takes what a choice changed. */
  choices: Pick<ConflictChoices, 'keepMine' | 'keepServer' | 'keepBoth' | 'undo'>;
}

/**
 * The writer's words for the two versions. A copy the writer's own edit replaced (origin 'replaced-by-edit') holds
 * the other text: there "keep mine" keeps the book as it is and "the other" is the copy — the reverse of a copy that
 * lost to another device's version.
 */
function wording(copy: ConflictCopy) {
  const otherInCopy = copy.origin === 'replaced-by-edit';
  return {
    message: otherInCopy ? t('conflictEditReplaced', copy.title) : t('conflictBannerBook', copy.title),
    diffLabel: otherInCopy ? t('conflictDiffOther') : t('conflictDiffMine'),
    keepMine: otherInCopy ? t('keepMyEdit') : t('keepMine'),
    useOther: otherInCopy ? t('useOtherVersion') : t('useServer'),
    confirmUseOther: otherInCopy ? t('confirmUseOther') : t('confirmUseServer'),
    useOtherWarning: otherInCopy ? t('useOtherWarning') : t('useServerWarning'),
    otherInCopy,
  };
}

export function ConflictBannerView({ copies, book, choices }: ConflictBannerViewProps) {
  const [confirmingId, setConfirmingId] = useState<string | null>(null);
  const { busy, error, run } = useBusyAction();
  const [diffShown, setDiffShown] = useState(true);
  const [done, setDone] = useState<ConflictReceipt | null>(null);
  const copy = copies[0];
  if (!copy && !done) return null;


  const undoNotice = done && (
    <div className="notice" role="status" data-testid="conflict-done">
      <span>{t('conflictChoiceDone', done.copy.title)}</span>
      <button type="button" data-testid="conflict-undo" disabled={busy} onClick={() => void run(() => choices.undo(done).then(() => setDone(null)))}>
        {t('undo')}
      </button>
      <button type="button" aria-label={t('dismiss')} onClick={() => setDone(null)}>
        <span aria-hidden="true">×</span>
      </button>
    </div>
  );
  if (!copy) return undoNotice;

  const words = wording(copy);
  const confirming = confirmingId === copy.id;
  const current = book ?? undefined;
  // Which function keeps which text depends on whose text the copy holds (see wording).
  // Over a deleted book keep mine makes it again: undoing that deletes it again.
  const keepCopyText = () =>
    choices.keepMine(copy.id).then((id) => ({ copy, ...(current ? { replacedBook: current } : { madeBookId: id }) }));
  const dropCopy = () => choices.keepServer(copy.id).then(() => ({ copy }));
  const choose = (action: () => Promise<ConflictReceipt>) =>
    run(async () => {
      setDone(await action());
      setConfirmingId(null);
    });
  const keepMine = words.otherInCopy ? dropCopy : keepCopyText;
  const useOther = words.otherInCopy ? keepCopyText : dropCopy;

  return (
    <>
      <div className="conflict-banner" data-testid="conflict-banner" data-book-id={copy.bookId}>
        {/* Only the sentence is announced at once; the comparison is read when the writer goes to it. */}
        <p role="alert">{words.message}</p>
        <button type="button" className="link-button" data-testid="conflict-toggle-diff" aria-expanded={diffShown} onClick={() => setDiffShown(!diffShown)}>
          {diffShown ? t('conflictHideDiff') : t('conflictShowDiff')}
        </button>
        {diffShown && book !== undefined && (
          <div className="conflict-banner__diff">
            <VersionDiff before={book?.content ?? ''} after={copy.content} label={words.diffLabel} testId="conflict-diff" />
          </div>
        )}
        {confirming && <p>{words.useOtherWarning}</p>}
        <div className="conflict-banner__actions">
          <button type="button" data-testid="conflict-keep-mine" disabled={busy} onClick={() => void choose(keepMine)}>
            {words.keepMine}
          </button>
          <button
            type="button"
            data-testid="conflict-use-server"
            data-confirming={confirming ? 'true' : 'false'}
            disabled={busy}
            onClick={() => (confirming ? void choose(useOther) : setConfirmingId(copy.id))}
          >
            {confirming ? words.confirmUseOther : words.useOther}
          </button>
          {confirming && (
            <button type="button" data-testid="conflict-cancel" disabled={busy} onClick={() => setConfirmingId(null)}>
              {t('cancel')}
            </button>
          )}
          <button
            type="button"
            data-testid="conflict-keep-both"
            disabled={busy}
            onClick={() => void choose(() => choices.keepBoth(copy.id).then((madeBookId) => ({ copy, madeBookId })))}
          >
            {t('keepBoth')}
          </button>
        </div>
        {error && <p role="alert">{error}</p>}
      </div>
      {undoNotice}
    </>
  );
}

/**
 * Shows the conflicts of the open book first (`bookId`), otherwise any other, so that no set-aside version goes
 * unnoticed while the writer is elsewhere in the panel.
 */
export function ConflictBanner({ bookId }: { bookId?: string }) {
  const choices = conflictChoices();
  const copies = useObservable<ConflictCopy[]>(() => choices.watch(), []) ?? [];
  const ordered = bookId ? [...copies.filter((c) => c.bookId === bookId), ...copies.filter((c) => c.bookId !== bookId)] : copies;
  const offered = ordered[0]?.bookId;
  const book = useObservable(() => bookRepository().watchBook(offered ?? ''), [offered]);
  // watchBook gives undefined for a deleted book: null tells the view there is no book to compare with.
  return <ConflictBannerView copies={ordered} book={offered ? (book ?? null) : undefined} choices={choices} />;
}
