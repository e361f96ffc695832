// Why the server refused a book, shown on it in the book list until it syncs (its text stays on this device).
import type { SyncIssue } from '../lib/books/db.ts';
import { formatCount, t } from '../lib/i18n.ts';
import { fieldReasonsText } from '../lib/server-errors.ts';

export function syncIssueText(issue: SyncIssue): string {
  switch (issue.kind) {
    case 'quota':
      return t('quotaExceeded');
    case 'too_large':
      return t('tooLarge', issue.limit ? `${formatCount(Math.round(issue.limit / 1024))} KB` : '?');
    case 'invalid':
      // The reasons in the user's language when every one is known; the recorded (English) text otherwise.
      return t('invalidBook', (issue.reasons && fieldReasonsText(issue.reasons)) ?? issue.message);
  }
}

export function SyncIssueNote({ issue }: { issue: SyncIssue }) {
  return (
    <span className="book-item-issue" role="status" data-testid="sync-issue">
      {syncIssueText(issue)}
    </span>
  );
}
