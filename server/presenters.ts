// What the API returns for stored records: never owner/seq/hashes. Manuscript HTML was sanitised on the way in and
// is served as stored (sanitising again on every read let one stored book stall every read of it).
import type { BookRevision, DeviceToken, RevisionSummary as RevisionListed, ServerBook, SessionInfo, TokenSignIn } from '../shared/protocol.ts';
import { BOOK_FIELDS, bookVersion, type BookVersion, type RevisionSummary, type StoredRevision } from './store/book-store.ts';
import type { SessionRecord, TokenRecord } from './store/credential-store.ts';

export function presentBook(book: BookVersion): ServerBook {
  return bookVersion(book);
}

/** A kept version in a history listing: its fields without the text, who wrote it, and its word counts. */
export function presentRevision(revision: RevisionSummary): RevisionListed {
  const fields = Object.fromEntries(BOOK_FIELDS.filter((field) => field !== 'content').map((field) => [field, revision[field]]));
  return {
    ...(fields as Omit<ServerBook, 'content'>),
    replacedAt: revision.replacedAt,
    ...(revision.merge ? { merge: revision.merge } : {}),
    device: revision.device,
    wordsAdded: revision.wordsAdded,
    wordsRemoved: revision.wordsRemoved,
  };
}

/** One kept version with its exact text. */
export function presentRevisionText(revision: StoredRevision): BookRevision {
  return { ...presentRevision(revision), content: revision.content };
}

export function presentTokenSignIn(token: TokenRecord): TokenSignIn | null {
  if (token.sessionId !== null) return { method: 'session', provider: token.signIn ?? 'unknown', sessionId: token.sessionId };
  return token.signIn === 'password' ? { method: 'password' } : null;
}

export function presentToken(token: TokenRecord): DeviceToken {
  return {
    id: token.id,
    deviceName: token.deviceName,
    createdAt: token.createdAt,
    lastUsedAt: token.lastUsedAt,
    signIn: presentTokenSignIn(token),
  };
}

export function presentSession(session: SessionRecord, currentId: string | null): SessionInfo {
  return {
    id: session.id,
    provider: session.provider,
    createdAt: session.createdAt,
    expiresAt: session.expiresAt,
    current: session.id === currentId,
  };
}
