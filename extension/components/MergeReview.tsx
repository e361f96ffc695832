// The merge review above a book: says in plain words that sync merged passages both devices changed, and lists each
// one with the base and both versions side by side, for the writer to keep what the merge kept, the other words, or
// both. A passage that cannot be placed any more is never silently skipped: its words can be copied or inserted.
import { useState } from 'react';
import type { MergeOverlapRecord } from '../lib/books/db.ts';
import { passageText } from '../lib/books/version-diff.ts';
import { t } from '../lib/i18n.ts';
import type { ChoiceResult, ReviewChoice } from '../lib/sync/merge-review.ts';
import { mergeReview } from '../lib/sync/overlaps.ts';
import { useAccountSettings } from '../lib/sync/panel.ts';
import { mergeSummaryText, thisDeviceLabel } from './MergeOverlapNote.tsx';
import { useBusyAction } from './useBusyAction.ts';
import { useObservable } from './useObservable.ts';
import { VersionDiff } from './VersionDiff.tsx';
import { copyPassage } from './copy-passage.ts';

interface MergeReviewProps {
  bookId: string;
  title: string;
  /** Inserts HTML at the editor's cursor (absent while the editor is not ready). */
  onInsert?: (html: string) => void;
}

type Unplaced = Extract<ChoiceResult, { kind: 'unplaced' }>;

export function MergeReview({ bookId, title, onInsert }: MergeReviewProps) {
  const records = useObservable(() => mergeReview().watch(bookId), [bookId]) ?? [];
  const account = useAccountSettings();
  const [open, setOpen] = useState(false);
  const [undoable, setUndoable] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const pending = records.filter((r) => !r.reviewed);
  const reviewed = records.filter((r) => r.reviewed);
  if (pending.length === 0 && reviewed.length === 0 && !undoable) return null;
  const device = thisDeviceLabel(account?.deviceName);

  async function undo(id: string) {
    setError(null);
    try {
      const result = await mergeReview().undo(id);
      if (result.kind === 'unplaced') setError(t('mergeUndoUnplaced'));
      setUndoable(null);
    } catch (e) {
      setError(t('conflictFailed', e instanceof Error ? e.message : String(e)));
    }
  }

  return (
    <section
      className="merge-review"
      {...(pending.length > 0 ? { 'aria-labelledby': `merge-summary-${bookId}` } : { 'aria-label': t('mergeReviewedHeading') })}
      data-testid="merge-review"
    >
      {pending.length > 0 && (
        <div className="merge-review__head">
          <p id={`merge-summary-${bookId}`} data-testid="merge-summary">
            {mergeSummaryText(pending.length, title, device)}
          </p>
          <button type="button" data-testid="merge-review-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t('mergeReviewClose') : t('mergeReviewOpen')}
          </button>
        </div>
      )}
      {open && pending.length > 0 && (
        <ol className="merge-review__list">
          {pending.map((record, i) => (
            <OverlapItem
              key={record.id}
              record={record}
              index={i + 1}
              device={device}
              onInsert={onInsert}
              onChosen={(id) => setUndoable(id)}
            />
          ))}
        </ol>
      )}
      {reviewed.length > 0 && (
        <details className="merge-review__reviewed" data-testid="merge-reviewed">
          <summary>{t('mergeReviewedCount', String(reviewed.length))}</summary>
          <ul>
            {reviewed.map((record) => (
              <ReviewedItem key={record.id} record={record} onUndo={() => void undo(record.id)} onError={setError} />
            ))}
          </ul>
        </details>
      )}
      {undoable && (
        <div className="notice" role="status">
          <span>{t('mergeChoiceDone')}</span>
          <button type="button" data-testid="merge-undo" onClick={() => void undo(undoable)}>
            {t('undo')}
          </button>
          <button type="button" aria-label={t('dismiss')} onClick={() => setUndoable(null)}>
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </section>
  );
}

interface OverlapItemProps {
  record: MergeOverlapRecord;
  index: number;
  device: string;
  onInsert?: (html: string) => void;
  onChosen: (id: string) => void;
}

function OverlapItem({ record, index, device, onInsert, onChosen }: OverlapItemProps) {
  const { busy, error, run } = useBusyAction();
  const [unplaced, setUnplaced] = useState<Unplaced | null>(null);
  const [copied, setCopied] = useState(false);
  const keptHere = record.keptSide === 'this-device';
  const headingId = `overlap-${record.id}`;


  const choose = (choice: ReviewChoice) =>
    run(async () => {
      const result = await mergeReview().choose(record.id, choice);
      if (result.kind === 'unplaced') setUnplaced(result);
      else onChosen(record.id);
    });

  const copy = () =>
    run(async () => {
      await copyPassage(record.lost);
      setCopied(true);
    });

  const insert = () =>
    run(async () => {
      onInsert?.(record.lost);
      await mergeReview().markReviewed(record.id, 'other');
    });

  return (
    <li className="overlap" aria-labelledby={headingId} data-testid="overlap">
      <h3 id={headingId} className="overlap__heading">
        {t('mergePassage', String(index))}
      </h3>
      {record.base.trim() && (
        <div className="overlap__base">
          <h4>{t('mergeBase')}</h4>
          <PassageText html={record.base} />
        </div>
      )}
      <div className="overlap__sides">
        <div className="overlap__side" data-testid="overlap-kept">
          <h4>{keptHere ? t('mergeKeptThis', device) : t('mergeKeptOther')}</h4>
          <VersionDiff before={record.base} after={record.kept} label={t('mergeAgainstBase')} compact context={3} />
        </div>
        <div className="overlap__side" data-testid="overlap-lost">
          <h4>{keptHere ? t('mergeAsideOther') : t('mergeAsideThis', device)}</h4>
          <VersionDiff before={record.base} after={record.lost} label={t('mergeAgainstBase')} compact context={3} />
        </div>
      </div>
      {unplaced ? (
        <div className="overlap__unplaced" role="alert" data-testid="overlap-unplaced">
          <p>
            {unplaced.placement.kind === 'ambiguous'
              ? t('mergeUnplacedAmbiguous', String(unplaced.placement.count))
              : t('mergeUnplacedMissing')}
          </p>
          <div className="conflict-banner__actions">
            <button type="button" data-testid="overlap-copy" disabled={busy} onClick={() => void copy()}>
              {copied ? t('mergeCopied') : t('mergeCopy')}
            </button>
            {onInsert && (
              <button type="button" data-testid="overlap-insert" disabled={busy} onClick={() => void insert()}>
                {t('mergeInsert')}
              </button>
            )}
            <button
              type="button"
              data-testid="overlap-done"
              disabled={busy}
              onClick={() => void run(() => mergeReview().markReviewed(record.id, 'other'))}
            >
              {t('mergeMarkReviewed')}
            </button>
          </div>
        </div>
      ) : (
        <div className="conflict-banner__actions" role="group" aria-label={t('mergeChoices')}>
          <button type="button" data-testid="overlap-keep" disabled={busy} onClick={() => void choose('kept')}>
            {t('mergeKeepKept')}
          </button>
          <button type="button" data-testid="overlap-other" disabled={busy} onClick={() => void choose('other')}>
            {t('mergeKeepOther')}
          </button>
          <button type="button" data-testid="overlap-both" disabled={busy} onClick={() => void choose('both')}>
            {t('keepBoth')}
          </button>
        </div>
      )}
      {error && <p role="alert">{error}</p>}
    </li>
  );
}

const CHOICE_LABEL = { kept: 'mergeChoseKept', other: 'mergeChoseOther', both: 'mergeChoseBoth' } as const;

/** A reviewed passage: what was chosen, the words not kept (still here until dismissed), undo and dismiss. */
function ReviewedItem({ record, onUndo, onError }: { record: MergeOverlapRecord; onUndo: () => void; onError: (message: string) => void }) {
  const choice = record.reviewed!.choice;
  const notKept = choice === 'kept' ? record.lost : choice === 'other' ? record.kept : '';
  return (
    <li className="overlap overlap--reviewed" data-testid="overlap-reviewed">
      <p>{t(CHOICE_LABEL[choice])}</p>
      {notKept.trim() && (
        <div className="overlap__base">
          <h4>{t('mergeNotKept')}</h4>
          <PassageText html={notKept} />
        </div>
      )}
      <div className="conflict-banner__actions">
        <button type="button" data-testid="overlap-undo" onClick={onUndo}>
          {t('undo')}
        </button>
        <button
          type="button"
          data-testid="overlap-dismiss"
          onClick={() => void mergeReview().dismiss(record.id).catch((e: unknown) => onError(t('conflictFailed', e instanceof Error ? e.message : String(e))))}
        >
          {t('dismiss')}
        </button>
      </div>
    </li>
  );
}

/** A passage's words as the reader sees them (a short passage: no diff to fold). */
function PassageText({ html }: { html: string }) {
  return <p className="diff-block diff-same">{passageText(html)}</p>;
}
