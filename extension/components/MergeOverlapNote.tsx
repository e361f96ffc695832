// Shown on a book in the book list when a sync merge kept the later of two edits to the same passage: the writer
// learns that another device's words were replaced (they are kept on this device for the merge review).
import { formatCount, t } from '../lib/i18n.ts';

export function mergeOverlapText(count: number): string {
  return count === 1 ? t('mergeOverlapsOne') : t('mergeOverlapsOther', formatCount(count));
}

export function MergeOverlapNote({ count }: { count: number }) {
  return (
    <span className="book-item-issue" role="status" data-testid="merge-overlaps">
      {mergeOverlapText(count)}
    </span>
  );
}
