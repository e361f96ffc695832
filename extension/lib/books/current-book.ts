// The "current book": the one last opened in the editor, which "Clip to <current book>" appends to.
import { browser } from 'wxt/browser';

const KEY = 'currentBookId';

export async function getCurrentBookId(): Promise<string | null> {
  const stored = await browser.storage.local.get(KEY);
  const id = stored[KEY];
  return typeof id === 'string' ? id : null;
}

export async function setCurrentBookId(id: string | null): Promise<void> {
  if (id === null) await browser.storage.local.remove(KEY);
  else await browser.storage.local.set({ [KEY]: id });
}

/** Calls `listener` whenever another context changes the current book; returns the unsubscribe function. */
export function onCurrentBookChanged(listener: (id: string | null) => void): () => void {
  const handler = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area !== 'local' || !(KEY in changes)) return;
    const value = changes[KEY]?.newValue;
    listener(typeof value === 'string' ? value : null);
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
