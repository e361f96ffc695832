// The recent clips of this browser (for "undo" on the page's confirmation) and the last destination (preselected in
// the picker, the target of the quick "Clip to <book>"), kept in extension storage so they outlive the background.
import { browser } from 'wxt/browser';
import type { Clip } from './clip-record.ts';

const RECENT_KEY = 'recentClips';
const LAST_KEY = 'lastClipBookId';
/** Enough for any undo a writer can still reach from a page's confirmation. */
const RECENT_KEPT = 20;

export interface LoggedClip {
  clip: Clip;
  bookId: string;
  /** The HTML the clip put into the book, which undo looks for. */
  html: string;
  /** The book was created for this clip. */
  created: boolean;
}

export interface ClipLog {
  record(entry: LoggedClip): Promise<void>;
  find(clipId: string): Promise<LoggedClip | undefined>;
  forget(clipId: string): Promise<void>;
  lastBookId(): Promise<string | null>;
}

async function recent(): Promise<LoggedClip[]> {
  const stored = (await browser.storage.local.get(RECENT_KEY))[RECENT_KEY];
  return Array.isArray(stored) ? (stored as LoggedClip[]) : [];
}

export const clipLog: ClipLog = {
  async record(entry) {
    const kept = [...(await recent()), entry].slice(-RECENT_KEPT);
    await browser.storage.local.set({ [RECENT_KEY]: kept, [LAST_KEY]: entry.bookId });
  },
  async find(clipId) {
    return (await recent()).find((entry) => entry.clip.id === clipId);
  },
  async forget(clipId) {
    await browser.storage.local.set({ [RECENT_KEY]: (await recent()).filter((entry) => entry.clip.id !== clipId) });
  },
  async lastBookId() {
    const id = (await browser.storage.local.get(LAST_KEY))[LAST_KEY];
    return typeof id === 'string' ? id : null;
  },
};

/** Calls `listener` whenever the last destination changes (the menu names it); returns the unsubscribe function. */
export function onLastDestinationChanged(listener: () => void): () => void {
  const handler = (changes: Record<string, unknown>, area: string) => {
    if (area === 'local' && LAST_KEY in changes) listener();
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
