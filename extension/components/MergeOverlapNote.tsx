// Says in plain words that a sync merge found passages both devices changed ("This browser (Chrome · k3f9) and
// another device both changed 2 passages in “The Long Tide”"): on the book in the list, and above the merge review.
import { formatCount, t } from '../lib/i18n.ts';
import { useAccountSettings } from '../lib/sync/panel.ts';

/**
 * This device as the writer knows it: its own name is its device token's name. The other device is "another device":
 * the server's merge record says which side was kept, not which device wrote it.
 */
export function thisDeviceLabel(deviceName: string | undefined): string {
  return deviceName ? t('thisBrowserNamed', deviceName) : t('thisBrowser');
}

export function mergeSummaryText(count: number, title: string, device: string): string {
  return count === 1 ? t('mergeSummaryOne', [device, title]) : t('mergeSummaryOther', [device, formatCount(count), title]);
}

export function MergeOverlapNote({ count, title }: { count: number; title: string }) {
  const account = useAccountSettings();
  return (
    <span className="book-item-issue" role="status" data-testid="merge-overlaps">
      {mergeSummaryText(count, title, thisDeviceLabel(account?.deviceName))}
    </span>
  );
}
