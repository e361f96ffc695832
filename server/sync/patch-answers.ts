// Books in answers as patches, for clients that read them (SyncRequest `patches`): from the text the device sent (a
// sync result's serverVersion) or from the revision the feed guesses the device has, whenever that is smaller.
import { makePatch } from '../../shared/manuscript/patch.ts';
import type { BookChange } from '../../shared/protocol.ts';
import { presentBook } from '../presenters.ts';
import type { BookStore, StoredBook } from '../store/book-store.ts';

/** `book` with its content as a patch from `from`, when the patch is the smaller; otherwise whole. */
export async function presentChange(book: StoredBook, from: { text: string; revision?: number } | null): Promise<BookChange> {
  const whole = presentBook(book);
  if (!from) return whole;
  const patch = await makePatch(from.text, book.content);
  if (JSON.stringify(patch).length >= JSON.stringify(book.content).length) return whole;
  const { content: _content, ...rest } = whole;
  return { ...rest, patch, ...(from.revision === undefined ? {} : { patchBase: from.revision }) };
}

/** What the feed knows of the device that asks: what it wrote in this request, and when its cursor was issued. */
export interface DeviceKnowledge {
  /** Revisions this request wrote or answered with, and their text as the device holds it now. */
  answered: ReadonlyMap<string, { revision: number; text: string }>;
  /** When the device's cursor was issued: the device holds the revisions current then (absent for older cursors). */
  cursorIssuedAt?: number;
}

/**
 * The feed's books for a device that reads patches: each as a patch from the revision the device most likely has —
 * the one this request just answered it with, else the one current when its cursor was issued, if still kept. A
 * wrong guess is safe (the device checks `patchBase` and the hash, and reads the whole book), only wasteful.
 */
export async function presentFeed(store: BookStore, owner: string, books: readonly StoredBook[], device: DeviceKnowledge): Promise<BookChange[]> {
  return Promise.all(
    books.map(async (book) => {
      const answered = device.answered.get(book.id);
      if (answered?.revision === book.revision) return presentChange(book, answered);
      // Another write landed after this request's: the device holds the revision it was just answered with.
      const which = answered ? { revision: answered.revision } : device.cursorIssuedAt === undefined ? null : { currentAt: device.cursorIssuedAt };
      if (!which) return presentBook(book);
      const had = await store.getRevision(owner, book.id, which);
      return presentChange(book, had && !had.deleted ? { text: had.content, revision: had.revision } : null);
    }),
  );
}
