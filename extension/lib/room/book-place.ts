// Where the writer was in each book (cursor and scroll) and their word target: kept on this device, per book.
import type { Editor } from '@tiptap/core';
const KEY = (bookId: string) => `anclora.place.${bookId}`;

export interface BookPlace {
  /** Document position of the cursor. */
  cursor: number;
  /** Scroll offset of the manuscript, in CSS pixels. */
  scrollTop: number;
  /**
   * The top-level block at the top of the view and how far (px) its top sat below the view's top. Blocks out of view
   * are not laid out (content-visibility), so pixel offsets differ from one opening to the next; a block does not.
   */
  anchor?: { block: number; offset: number };
}

export interface BookPrefs {
  place?: BookPlace;
  /** Words the writer aims for in this book; absent when none is set. */
  target?: number;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** What was stored for `bookId`; anything unreadable is ignored rather than trusted. */
export function readBookPrefs(storage: Storage, bookId: string): BookPrefs {
  try {
    const raw = JSON.parse(storage.getItem(KEY(bookId)) ?? '{}') as Record<string, unknown>;
    const prefs: BookPrefs = {};
    const place = raw.place as Record<string, unknown> | undefined;
    if (place && isCount(place.cursor) && isCount(place.scrollTop)) {
      prefs.place = { cursor: place.cursor, scrollTop: place.scrollTop };
      const anchor = place.anchor as Record<string, unknown> | undefined;
      if (anchor && isCount(anchor.block) && typeof anchor.offset === 'number' && Number.isFinite(anchor.offset)) {
        prefs.place.anchor = { block: anchor.block, offset: anchor.offset };
      }
    }
    if (isCount(raw.target) && raw.target > 0) prefs.target = Math.round(raw.target);
    return prefs;
  } catch {
    return {};
  }
}

export function writeBookPrefs(storage: Storage, bookId: string, change: Partial<BookPrefs>): void {
  const next = { ...readBookPrefs(storage, bookId), ...change };
  if (!next.target) delete next.target;
  try {
    storage.setItem(KEY(bookId), JSON.stringify(next));
  } catch {
    // Storage full or refused: losing the reading place is harmless, the book itself lives in IndexedDB.
  }
}

export function forgetBookPrefs(storage: Storage, bookId: string): void {
  storage.removeItem(KEY(bookId));
}

const PLACE_SAVE_DELAY_MS = 300;
/** A long book may still be laying out when it opens: the scroll offset is retried for up to this many frames. */
const RESTORE_FRAMES = 60;

function restoreScroll(box: HTMLElement, top: number, frames: number): void {
  box.scrollTop = top;
  if (Math.abs(box.scrollTop - top) > 1 && frames > 0) requestAnimationFrame(() => restoreScroll(box, top, frames - 1));
}

/** Distance (px) from the top of `box` to the top of `block`. */
function offsetIn(box: HTMLElement, block: Element): number {
  return block.getBoundingClientRect().top - box.getBoundingClientRect().top;
}

/**
 * Scrolls until block `anchor.block` of `blocks` sits `anchor.offset` px below the top of `box`. The book may still be
 * loading and blocks still taking their real heights, so it checks again each frame until the place has held for a
 * few frames in a row.
 */
function restoreAnchor(box: HTMLElement, blocks: HTMLCollection, anchor: { block: number; offset: number }, frames: number, held = 0): void {
  const block = blocks[anchor.block];
  let settled = false;
  if (block) {
    const error = offsetIn(box, block) - anchor.offset;
    settled = Math.abs(error) <= 1;
    if (!settled) box.scrollTop += error;
  }
  const stillHeld = settled ? held + 1 : 0;
  if (stillHeld < 3 && frames > 0) requestAnimationFrame(() => restoreAnchor(box, blocks, anchor, frames - 1, stillHeld));
}

/** The first top-level block of `blocks` whose bottom is below the top of `box` (binary search: they are in order). */
function blockAtTop(box: HTMLElement, blocks: HTMLCollection): { block: number; offset: number } | undefined {
  const top = box.getBoundingClientRect().top;
  let low = 0;
  let high = blocks.length - 1;
  if (high < 0) return undefined;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (blocks[middle]!.getBoundingClientRect().bottom <= top) low = middle + 1;
    else high = middle;
  }
  return { block: low, offset: offsetIn(box, blocks[low]!) };
}

/**
 * Returns the open book to where the writer was (caret, then scroll offset of `box`) and keeps that place up to date
 * as they move; returns the function that stops following (saving the last place).
 */
export function keepBookPlace(editor: Editor, bookId: string, box: HTMLElement, storage: Storage = localStorage): () => void {
  const { place } = readBookPrefs(storage, bookId);
  if (place) {
    editor.commands.setTextSelection(Math.min(place.cursor, editor.state.doc.content.size));
    if (place.anchor) restoreAnchor(box, editor.view.dom.children, place.anchor, RESTORE_FRAMES);
    else restoreScroll(box, place.scrollTop, RESTORE_FRAMES);
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const save = () => {
    clearTimeout(timer);
    timer = undefined;
    if (!editor.isDestroyed) {
      const anchor = blockAtTop(box, editor.view.dom.children);
      writeBookPrefs(storage, bookId, { place: { cursor: editor.state.selection.head, scrollTop: box.scrollTop, ...(anchor ? { anchor } : {}) } });
    }
  };
  const later = () => {
    if (timer === undefined) timer = setTimeout(save, PLACE_SAVE_DELAY_MS);
  };
  editor.on('selectionUpdate', later);
  box.addEventListener('scroll', later, { passive: true });
  window.addEventListener('pagehide', save);
  return () => {
    if (timer !== undefined) save();
    editor.off('selectionUpdate', later);
    box.removeEventListener('scroll', later);
    window.removeEventListener('pagehide', save);
  };
}
