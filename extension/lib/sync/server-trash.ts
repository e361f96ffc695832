// The server's trash on this device: books deleted on any device of the account whose text the server still keeps,
// listed for the trash view and brought into this device's trash (with their text) to be restored like any other.
import type { TrashedBook } from '../../../shared/protocol.ts';
import type { AncloraDB, TrashEntry } from '../books/db.ts';
import { sendToBackground } from '../messaging.ts';
import type { AccountService } from './account.ts';
import type { Transport } from './transport.ts';

export type ServerTrashRequest = { action: 'list' } | { action: 'fetch'; id: string } | { action: 'forget'; id?: string };

/** Errors travel as data: runtime messages carry JSON, not Error objects. */
export type ServerTrashAnswer = { ok: true; books: TrashedBook[] } | { ok: false; message: string };

/** The trash entry a book in the server's trash makes on this device (deleted elsewhere, on the tombstone's revision). */
export function trashEntryFromServer(book: TrashedBook & { content: string }): TrashEntry {
  const metadata = { wordCount: 0, charCount: 0, ...(book.metadata ?? {}) } as TrashEntry['metadata'];
  return {
    bookId: book.id,
    title: book.title,
    author: book.author,
    content: book.content,
    metadata,
    createdAt: book.updatedAt,
    updatedAt: book.updatedAt,
    deletedAt: book.deletedAt,
    deletedBy: 'other-device',
    revision: book.revision,
  };
}

/**
 * Background side: lists the server's trash, brings one of its books into this device's trash (unless the book is
 * live here, or already in the trash here), or deletes one book (or all) from it forever. Signed out, the server's
 * trash is simply empty.
 */
export async function answerServerTrash(
  deps: { transport: Pick<Transport, 'listTrash' | 'getTrashed' | 'forgetTrashed'>; account: Pick<AccountService, 'current'>; db: AncloraDB },
  request: ServerTrashRequest,
): Promise<ServerTrashAnswer> {
  try {
    const account = await deps.account.current();
    if (!account) return { ok: true, books: [] };
    if (request.action === 'forget') {
      await deps.transport.forgetTrashed(account.serverUrl, account.token, request.id);
      return { ok: true, books: [] };
    }
    if (request.action === 'list') {
      const books = await deps.transport.listTrash(account.serverUrl, account.token);
      // A book live here (restored here, the restore not yet synced) is not in the trash for this device.
      const local = await deps.db.books.bulkGet(books.map((b) => b.id));
      return { ok: true, books: books.filter((_, i) => !local[i] || local[i]!.deleted) };
    }
    const book = await deps.transport.getTrashed(account.serverUrl, account.token, request.id);
    if (!book || book.content === undefined) return { ok: false, message: 'This book is no longer in the trash' };
    const text = { ...book, content: book.content };
    await deps.db.transaction('rw', deps.db.books, deps.db.trash, async () => {
      const local = await deps.db.books.get(book.id);
      if ((local && !local.deleted) || (await deps.db.trash.get(book.id))) return;
      await deps.db.trash.put(trashEntryFromServer(text));
    });
    return { ok: true, books: [book] };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function ask(request: ServerTrashRequest): Promise<TrashedBook[]> {
  const answer = await sendToBackground('server-trash', request);
  if (!answer) throw new Error('The extension is restarting; try again in a moment');
  if (!answer.ok) throw new Error(answer.message);
  return answer.books;
}

/** Page side: the books in the server's trash (none when signed out). */
export function listServerTrash(): Promise<TrashedBook[]> {
  return ask({ action: 'list' });
}

/** Page side: brings a book of the server's trash into this device's trash, so it can be restored here. */
export async function fetchServerTrashed(id: string): Promise<void> {
  await ask({ action: 'fetch', id });
}

/**
 * Page side: deletes a book (or, without `id`, every book) from the server's trash forever, so that it does not come
 * back into this trash view from there. Signed out it does nothing; a failure is left to the server's own retention.
 */
export async function forgetServerTrashed(id?: string): Promise<void> {
  await ask(id === undefined ? { action: 'forget' } : { action: 'forget', id }).catch(() => undefined);
}
