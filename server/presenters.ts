// What the API returns for stored records: never owner/seq/hashes. Manuscript HTML was sanitised on the way in and
// is served as stored (sanitising again on every read let one stored book stall every read of it).
import type { BookRevision, DeviceToken, ServerBook } from '../shared/protocol.ts';
import type { StoredBook, TokenRecord } from './store/types.ts';

export function presentBook(book: StoredBook | BookRevision): ServerBook {
  return {
    id: book.id,
    title: book.title,
    author: book.author,
    content: book.content,
    metadata: book.metadata,
    updatedAt: book.updatedAt,
    createdAt: book.createdAt,
    syncedAt: book.syncedAt,
    revision: book.revision,
    deleted: book.deleted,
  };
}

export function presentRevision(revision: BookRevision): BookRevision {
  return { ...presentBook(revision), replacedAt: revision.replacedAt };
}

export function presentToken(token: TokenRecord): DeviceToken {
  return { id: token.id, deviceName: token.deviceName, createdAt: token.createdAt, lastUsedAt: token.lastUsedAt };
}
