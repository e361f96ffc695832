// Restoring an earlier version from the history view: a new edit through the repository (so it syncs, and is itself
// in history), with the text it replaces kept first as a snapshot on this device.
import { database, type AncloraDB } from './db.ts';
import { bookRepository, BookNotFoundError, type BookRepository } from './repository.ts';
import { putSnapshots, snapshotOf, thinSnapshots } from './snapshots.ts';

export interface RestoreDeps {
  db: AncloraDB;
  repo: BookRepository;
  now: () => number;
  newId: () => string;
}

/**
 * Makes `version` the book's text (and title) again. The text it replaces is kept as a 'restore' snapshot, so the
 * restore itself can be undone from history even before it syncs. Anything written between reading the book and this
 * save is merged by the repository, never overwritten.
 */
export async function restoreVersion(
  bookId: string,
  version: { title: string; content: string },
  deps: RestoreDeps = { db: database(), repo: bookRepository(), now: () => Date.now(), newId: () => crypto.randomUUID() },
): Promise<void> {
  const book = await deps.repo.get(bookId);
  if (!book || book.deleted) throw new BookNotFoundError(bookId);
  if (book.content === version.content && book.title === version.title) return;
  const at = deps.now();
  if (book.content !== version.content) {
    await deps.db.transaction('rw', deps.db.snapshots, deps.db.snapshotTexts, () => putSnapshots(deps.db, [snapshotOf(book, 'restore', at, deps.newId())]));
  }
  await deps.repo.save(bookId, { title: version.title, content: version.content }, { baseContent: book.content });
  await thinSnapshots(deps.db, at);
}
