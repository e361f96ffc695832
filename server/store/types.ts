// The storage interface the server needs, sized to sync: books with compare-and-set, a per-owner change feed,
// retained revisions, users, device tokens and rate-limit counters. Sync rules live above it (server/sync), not here.
import type { BookMetadata, BookRevision, MergeRecord, ServerBook } from '../../shared/protocol.ts';
import type { PageBudget } from './paging.ts';

export type StoreKind = 'embedded' | 'mongodb';

/** A book as stored: the protocol's ServerBook plus its owner and its position in the owner's change feed. */
export interface StoredBook extends ServerBook {
  owner: string;
  /** Strictly increasing per owner; the change feed is ordered by it. */
  seq: number;
  /** Present when a three-way merge made this revision (kept with it when it is archived). */
  merge?: MergeRecord;
}

/** What a writer supplies; the store assigns `seq` and `syncedAt` is set by the caller. */
export interface BookWrite {
  id: string;
  title: string;
  author: string;
  content: string;
  metadata: BookMetadata;
  updatedAt: number;
  createdAt: number;
  syncedAt: number;
  revision: number;
  deleted: boolean;
  /** How a three-way merge made this revision, when one did. */
  merge?: MergeRecord;
}

export interface CasWrite {
  book: BookWrite;
  expectedRevision: number | null;
}

export type PutResult =
  | { ok: true; book: StoredBook }
  /** The stored revision was not the expected one (or the book exists when none was expected). */
  | { ok: false; reason: 'conflict'; current: StoredBook }
  /** The id belongs to another owner; nothing was written. */
  | { ok: false; reason: 'foreign' }
  /** A revision was expected but this owner has no book with that id; nothing was written. */
  | { ok: false; reason: 'missing' }
  /** The write would take the owner's stored books over the quota; nothing was written. `used`: bytes stored now. */
  | { ok: false; reason: 'quota'; used: number };

export interface User {
  id: string;
  email: string; // stored lower-cased
  name: string | null;
  passwordHash: string;
  createdAt: number;
}

export interface TokenRecord {
  id: string;
  userId: string;
  /** sha256 of the token, hex; the token itself is never stored. */
  hash: string;
  deviceName: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** The session that created the token (it dies with it), or null when it was created with the password. */
  sessionId: string | null;
  /**
   * How the account proved itself to create it: 'password', or the Auth.js provider of the creating session
   * ('credentials', 'github', 'google'); null for tokens created before this was recorded.
   */
  signIn: string | null;
}

/** A signed-in browser session: the Auth.js JWT carries its id (`sid`) and is refused once the record is gone. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The Auth.js provider the user signed in with: 'credentials', 'github', 'google'. */
  provider: string;
  createdAt: number;
  /** The session ends at this time (ms) whatever its cookie says; the store may forget it afterwards. */
  expiresAt: number;
}

/** An OAuth identity linked to a user: once linked, the provider's account id, not the email, finds the user. */
export interface Identity {
  provider: string;
  /** The provider's stable account id (GitHub's numeric user id, Google's `sub`). */
  subject: string;
  userId: string;
  createdAt: number;
}

/** What "sign out everywhere" removed. */
export interface RevokedCount {
  sessions: number;
  tokens: number;
}

export interface ChangePage {
  books: StoredBook[];
  /** The seq of the last book returned, or the `since` given when none. */
  last: number;
  hasMore: boolean;
}

export interface RevisionPage {
  /** Newest first. */
  revisions: BookRevision[];
  /** More (older) revisions follow: ask again with `before` the last revision number returned. */
  hasMore: boolean;
}

export interface RevisionQuery {
  /** Only revisions numbered below this one (the next page after a page that ended there). */
  before?: number;
  limit?: number;
  budget?: PageBudget;
}

export interface Store {
  readonly kind: StoreKind;

  getBook(owner: string, id: string): Promise<StoredBook | null>;
  /** The owner's books among `ids` (tombstones included), in one query; ids the owner has no book for are absent. */
  getBooks(owner: string, ids: readonly string[]): Promise<StoredBook[]>;
  /**
   * Compare-and-set writes of distinct books, checked one by one in order and committed together in one atomic step
   * (one transaction: one disk flush, one MongoDB commit). For each write, `expectedRevision` null means "create:
   * must not exist" and a number means the stored revision must equal it; a write whose check fails is skipped and
   * reported, the others still land. A written book's replaced version (if any) is kept in the revisions history
   * (the newest LIMITS.revisionsKept at least) and the book gets the owner's next seq. Results are in `writes` order.
   * The store keeps each book's size (paging.ts bookSize) and each owner's total; a write that would grow that total
   * past `quotaBytes` is refused as 'quota' (a write that does not grow it, and a tombstone, always pass the check).
   */
  putBooks(owner: string, writes: readonly CasWrite[], quotaBytes?: number): Promise<PutResult[]>;
  /**
   * Books (tombstones included) with seq > since, in seq order: at most `limit`, and at most `budget` bytes by their
   * recorded sizes. Sizes are read before books, so no book is loaded that the page does not return.
   */
  changesSince(owner: string, since: number, limit: number, budget?: PageBudget): Promise<ChangePage>;
  /**
   * Earlier versions of the owner's book, newest first, paged like the change feed (a revision counts its size plus
   * REPLACED_AT_BYTES); null when the owner has no book with this id (another owner's id included).
   */
  listRevisions(owner: string, id: string, query?: RevisionQuery): Promise<RevisionPage | null>;
  /**
   * One kept earlier version of the owner's book (not the current one): the revision numbered `revision`, or the one
   * that was current at time `currentAt` (its syncedAt at or before it, replaced after it). Null when not kept.
   */
  getRevision(owner: string, id: string, which: { revision: number } | { currentAt: number }): Promise<BookRevision | null>;
  /** Bytes the owner's stored books take (the sum of their sizes, tombstones included): what the quota counts. */
  storedBytes(owner: string): Promise<number>;

  /** Throws EmailTakenError when the (lower-cased) email is registered. */
  createUser(user: User): Promise<void>;
  findUserByEmail(email: string): Promise<User | null>;
  findUserById(id: string): Promise<User | null>;

  createToken(token: TokenRecord): Promise<void>;
  findTokenByHash(hash: string): Promise<TokenRecord | null>;
  touchToken(id: string, at: number): Promise<void>;
  listTokens(userId: string): Promise<TokenRecord[]>;
  /** True when a token of this user was revoked (deleted). */
  revokeToken(userId: string, id: string): Promise<boolean>;

  createSession(session: SessionRecord): Promise<void>;
  /** The session with this id, unless it was revoked or expired before `now`. */
  findSession(id: string, now: number): Promise<SessionRecord | null>;
  /** The user's live sessions at `now`, oldest first. */
  listSessions(userId: string, now: number): Promise<SessionRecord[]>;
  /** Deletes a session of this user and every device token it created, in one step; true when it existed. */
  revokeSession(userId: string, id: string): Promise<boolean>;
  /** Deletes every session and every device token of the user, in one step ("sign out everywhere"). */
  revokeAllCredentials(userId: string): Promise<RevokedCount>;

  /** Throws IdentityTakenError when (provider, subject) is already linked. */
  linkIdentity(identity: Identity): Promise<void>;
  findIdentity(provider: string, subject: string): Promise<Identity | null>;
  listIdentities(userId: string): Promise<Identity[]>;

  /** Counts one hit for `key` in the fixed window starting at `windowStart`; returns the count so far in it. */
  hit(key: string, windowStart: number, windowMs: number): Promise<number>;

  close(): Promise<void>;
}

/** The store's disk (or its database's space) is full: nothing was written; worth retrying later. */
export class StoreFullError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the store is out of space', options);
    this.name = 'StoreFullError';
  }
}

export class EmailTakenError extends Error {
  constructor() {
    super('email already registered');
    this.name = 'EmailTakenError';
  }
}

export class IdentityTakenError extends Error {
  constructor() {
    super('identity already linked');
    this.name = 'IdentityTakenError';
  }
}

/** putBooks takes each book once: a second write of one book in the same step would be checked against a guess. */
export function assertDistinctBooks(writes: readonly CasWrite[]): void {
  const ids = new Set(writes.map((w) => w.book.id));
  if (ids.size !== writes.length) throw new Error('putBooks: a book appears twice in one step');
}

/**
 * The store with every call's out-of-space failure (as `isFull` recognises it for that database) thrown as
 * StoreFullError, so the server answers 503 + Retry-After whichever store it runs on.
 */
export function reportingFullDisk(store: Store, isFull: (error: unknown) => boolean): Store {
  const wrapped = { ...store };
  for (const key of Object.keys(store) as Array<keyof Store>) {
    const method = store[key];
    if (typeof method !== 'function') continue;
    (wrapped as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (error) {
        throw isFull(error) ? new StoreFullError({ cause: error }) : error;
      }
    };
  }
  return wrapped;
}
