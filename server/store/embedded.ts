// The embedded store: one SQLite file in DATA_DIR (better-sqlite3, WAL), the default for `npm start` and self-hosting.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LIMITS, type BookRevision, type MergeRecord } from '../../shared/protocol.ts';
import { bookSize, fitPage, REPLACED_AT_BYTES, UNBOUNDED, type PageBudget } from './paging.ts';
import {
  assertDistinctBooks,
  EmailTakenError,
  IdentityTakenError,
  reportingFullDisk,
  type CasWrite,
  type ChangePage,
  type Identity,
  type PutResult,
  type RevokedCount,
  type SessionRecord,
  type RevisionPage,
  type RevisionQuery,
  type Store,
  type StoredBook,
  type TokenRecord,
  type User,
} from './types.ts';

export const EMBEDDED_DB_FILE = 'anclora.db';

/**
 * Schema steps, applied in order; `PRAGMA user_version` records how many ran. Never edit a released step:
 * append a new one, so an existing DATA_DIR migrates forward on the next start.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL UNIQUE,
    device_name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  ) STRICT;
  CREATE INDEX tokens_user ON tokens(user_id);

  -- Book ids are globally unique: an id already owned by someone else is found by the primary key.
  CREATE TABLE books (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    synced_at INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    seq INTEGER NOT NULL
  ) STRICT;
  CREATE UNIQUE INDEX books_owner_seq ON books(owner, seq);

  CREATE TABLE revisions (
    owner TEXT NOT NULL,
    book_id TEXT NOT NULL REFERENCES books(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    content TEXT NOT NULL,
    metadata TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    synced_at INTEGER NOT NULL,
    deleted INTEGER NOT NULL,
    replaced_at INTEGER NOT NULL,
    PRIMARY KEY (owner, book_id, revision)
  ) STRICT, WITHOUT ROWID;

  -- The last seq handed out per owner: the change feed's clock.
  CREATE TABLE counters (
    owner TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE rate_limits (
    key TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    PRIMARY KEY (key, window_start)
  ) STRICT;
  CREATE INDEX rate_limits_expiry ON rate_limits(expires_at);
  `,
  // Token lineage and revocable sessions (issue 9, finding 6), OAuth identities (finding 8).
  `
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    provider TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX sessions_user ON sessions(user_id);
  CREATE INDEX sessions_expiry ON sessions(expires_at);

  -- NULL session_id: made with the password. NULL sign_in: made before lineage was recorded.
  ALTER TABLE tokens ADD COLUMN session_id TEXT;
  ALTER TABLE tokens ADD COLUMN sign_in TEXT;
  CREATE INDEX tokens_session ON tokens(session_id);

  CREATE TABLE identities (
    provider TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX identities_user ON identities(user_id);
  `,
  // Sizes (paging.ts bookSize), so that answers are paged by bytes from the indexes alone, without reading a book's
  // text, and each owner's total, which the storage quota checks. book_size() is registered by openEmbeddedStore.
  `
  ALTER TABLE books ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE revisions ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE counters ADD COLUMN bytes INTEGER NOT NULL DEFAULT 0;
  UPDATE books SET size = book_size(id, title, author, content, metadata, updated_at, created_at, synced_at, revision, deleted);
  UPDATE revisions
    SET size = book_size(book_id, title, author, content, metadata, updated_at, created_at, synced_at, revision, deleted);
  UPDATE counters SET bytes = COALESCE((SELECT SUM(size) FROM books WHERE books.owner = counters.owner), 0);
  CREATE INDEX books_owner_seq_size ON books(owner, seq, size);
  CREATE INDEX revisions_owner_book_size ON revisions(owner, book_id, revision, size);
  `,
  // Sync v2: how a three-way merge made a revision (JSON MergeRecord), kept with the book and its archived versions.
  `
  ALTER TABLE books ADD COLUMN merge TEXT;
  ALTER TABLE revisions ADD COLUMN merge TEXT;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Expired rate-limit windows are swept at most this often, so `hit()` stays one small upsert. */
const RATE_LIMIT_SWEEP_MS = 60_000;

interface BookRow {
  id: string;
  owner: string;
  title: string;
  author: string;
  content: string;
  metadata: string;
  updated_at: number;
  created_at: number;
  synced_at: number;
  revision: number;
  deleted: number;
  seq: number;
  size: number;
  /** JSON MergeRecord, or null. */
  merge: string | null;
}

interface RevisionRow extends Omit<BookRow, 'id' | 'seq'> {
  book_id: string;
  replaced_at: number;
}

interface UserRow {
  id: string;
  email: string;
  name: string | null;
  password_hash: string;
  created_at: number;
}

interface TokenRow {
  id: string;
  user_id: string;
  hash: string;
  device_name: string;
  created_at: number;
  last_used_at: number | null;
  session_id: string | null;
  sign_in: string | null;
}

interface SessionRow {
  id: string;
  user_id: string;
  provider: string;
  created_at: number;
  expires_at: number;
}

interface IdentityRow {
  provider: string;
  subject: string;
  user_id: string;
  created_at: number;
}

function toBook(row: BookRow): StoredBook {
  return {
    id: row.id,
    owner: row.owner,
    title: row.title,
    author: row.author,
    content: row.content,
    metadata: JSON.parse(row.metadata) as StoredBook['metadata'],
    updatedAt: row.updated_at,
    createdAt: row.created_at,
    syncedAt: row.synced_at,
    revision: row.revision,
    deleted: row.deleted === 1,
    seq: row.seq,
    ...(row.merge ? { merge: JSON.parse(row.merge) as MergeRecord } : {}),
  };
}

function toRevision({ book_id, replaced_at, ...row }: RevisionRow): BookRevision {
  const { owner: _owner, seq: _seq, ...version } = toBook({ ...row, id: book_id, seq: 0 });
  return { ...version, replacedAt: replaced_at };
}

function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, passwordHash: row.password_hash, createdAt: row.created_at };
}

function toToken(row: TokenRow): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    hash: row.hash,
    deviceName: row.device_name,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    sessionId: row.session_id,
    signIn: row.sign_in,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return { id: row.id, userId: row.user_id, provider: row.provider, createdAt: row.created_at, expiresAt: row.expires_at };
}

function toIdentity(row: IdentityRow): Identity {
  return { provider: row.provider, subject: row.subject, userId: row.user_id, createdAt: row.created_at };
}

/** SQLite's book_size(): bookSize of a row, for the migration that records sizes of existing books. */
function registerBookSize(db: Database.Database): void {
  db.function(
    'book_size',
    { deterministic: true },
    (id, title, author, content, metadata, updatedAt, createdAt, syncedAt, revision, deleted) =>
      bookSize({
        id: String(id),
        title: String(title),
        author: String(author),
        content: String(content),
        metadata: JSON.parse(String(metadata)) as StoredBook['metadata'],
        updatedAt: Number(updatedAt),
        createdAt: Number(createdAt),
        syncedAt: Number(syncedAt),
        revision: Number(revision),
        deleted: Number(deleted) === 1,
      }),
  );
}

/** SQLITE_FULL: the disk (or max_page_count) is full; SQLite rolls the statement or transaction back. */
function isFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

/**
 * The data dir 0700 and the database 0600 (SQLite gives its -wal and -shm files the database's mode): books and
 * token hashes are nobody else's business on a shared machine. Tightened on every start, for dirs made before.
 */
function privateFiles(dataDir: string, file: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  closeSync(openSync(file, 'a', 0o600));
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `${EMBEDDED_DB_FILE} has schema version ${current}, newer than this server knows (${MIGRATIONS.length}); upgrade the server`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

export interface EmbeddedOptions {
  /** Caps the database at this many pages (PRAGMA max_page_count): how tests fill the disk. */
  maxPageCount?: number;
}

export async function openEmbeddedStore(dataDir: string, options: EmbeddedOptions = {}): Promise<Store> {
  const file = path.join(dataDir, EMBEDDED_DB_FILE);
  privateFiles(dataDir, file);
  const db = new Database(file);
  if (options.maxPageCount) db.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
  db.pragma('journal_mode = WAL');
  // FULL, not NORMAL: an accepted write clears the device's dirty flag, so the server must not forget it even on
  // power loss. In WAL mode that costs one fsync of the log per commit, which a single-user store can afford.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // A second process on the same file (e.g. a restart overlapping the old one) waits instead of failing at once.
  db.pragma('busy_timeout = 5000');
  registerBookSize(db);
  migrate(db);
  // Rate-limit counters and token last-use times are bookkeeping, not writing: losing the last few on power loss is
  // harmless, so they go through a second connection with NORMAL (in WAL mode: no fsync per commit). With FULL they
  // cost an fsync on every request, more than the book write itself (measured by `npm run bench`).
  const bookkeeping = new Database(file);
  if (options.maxPageCount) bookkeeping.pragma(`max_page_count = ${Math.floor(options.maxPageCount)}`);
  bookkeeping.pragma('synchronous = NORMAL');
  bookkeeping.pragma('busy_timeout = 5000');

  const q = {
    // By owner and id together: another owner's book is never read (its size would show in the time taken).
    ownBook: db.prepare<[string, string], BookRow>('SELECT * FROM books WHERE id = ? AND owner = ?'),
    ownsBook: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM books WHERE id = ? AND owner = ?'),
    idTaken: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM books WHERE id = ?'),
    archive: db.prepare(
      `INSERT OR REPLACE INTO revisions
         (owner, book_id, revision, title, author, content, metadata, updated_at, created_at, synced_at, deleted, replaced_at, size, merge)
       VALUES (@owner, @id, @revision, @title, @author, @content, @metadata, @updated_at, @created_at, @synced_at, @deleted, @replaced_at, @size, @merge)`,
    ),
    prune: db.prepare(
      `DELETE FROM revisions WHERE owner = @owner AND book_id = @id AND revision NOT IN (
         SELECT revision FROM revisions WHERE owner = @owner AND book_id = @id ORDER BY revision DESC LIMIT @keep)`,
    ),
    nextSeq: db.prepare<[string, number], { seq: number; bytes: number }>(
      `INSERT INTO counters (owner, seq, bytes) VALUES (?, 1, ?)
       ON CONFLICT (owner) DO UPDATE SET seq = seq + 1, bytes = bytes + excluded.bytes RETURNING seq, bytes`,
    ),
    storedBytes: db.prepare<[string], { bytes: number }>('SELECT bytes FROM counters WHERE owner = ?'),
    upsertBook: db.prepare(
      `INSERT INTO books (id, owner, title, author, content, metadata, updated_at, created_at, synced_at, revision, deleted, seq, size, merge)
       VALUES (@id, @owner, @title, @author, @content, @metadata, @updatedAt, @createdAt, @syncedAt, @revision, @deleted, @seq, @size, @merge)
       ON CONFLICT (id) DO UPDATE SET
         title = excluded.title, author = excluded.author, content = excluded.content, metadata = excluded.metadata,
         updated_at = excluded.updated_at, created_at = excluded.created_at, synced_at = excluded.synced_at,
         revision = excluded.revision, deleted = excluded.deleted, seq = excluded.seq, size = excluded.size,
         merge = excluded.merge`,
    ),
    // Sizes come from the (owner, seq, size) index alone; only the books that fit are read.
    changeSizes: db.prepare<[string, number, number], { seq: number; size: number }>(
      'SELECT seq, size FROM books WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    changes: db.prepare<[string, number, number], BookRow>(
      'SELECT * FROM books WHERE owner = ? AND seq > ? AND seq <= ? ORDER BY seq',
    ),
    revisionSizes: db.prepare<[string, string, number, number], { revision: number; size: number }>(
      `SELECT revision, size FROM revisions WHERE owner = ? AND book_id = ? AND revision < ?
       ORDER BY revision DESC LIMIT ?`,
    ),
    revisionNumbered: db.prepare<[string, string, number], RevisionRow>(
      'SELECT * FROM revisions WHERE owner = ? AND book_id = ? AND revision = ?',
    ),
    revisionCurrentAt: db.prepare<[string, string, number, number], RevisionRow>(
      `SELECT * FROM revisions WHERE owner = ? AND book_id = ? AND synced_at <= ? AND replaced_at > ?
       ORDER BY revision DESC LIMIT 1`,
    ),
    revisions: db.prepare<[string, string, number, number], RevisionRow>(
      `SELECT * FROM revisions WHERE owner = ? AND book_id = ? AND revision < ? AND revision >= ?
       ORDER BY revision DESC`,
    ),
    insertUser: db.prepare(
      'INSERT INTO users (id, email, name, password_hash, created_at) VALUES (@id, @email, @name, @passwordHash, @createdAt)',
    ),
    userByEmail: db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?'),
    userById: db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    insertToken: db.prepare(
      `INSERT INTO tokens (id, user_id, hash, device_name, created_at, last_used_at, session_id, sign_in)
       VALUES (@id, @userId, @hash, @deviceName, @createdAt, @lastUsedAt, @sessionId, @signIn)`,
    ),
    tokenByHash: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE hash = ?'),
    touchToken: bookkeeping.prepare('UPDATE tokens SET last_used_at = ? WHERE id = ?'),
    tokensOf: db.prepare<[string], TokenRow>('SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at, id'),
    revokeToken: db.prepare('DELETE FROM tokens WHERE user_id = ? AND id = ?'),
    insertSession: db.prepare(
      `INSERT INTO sessions (id, user_id, provider, created_at, expires_at)
       VALUES (@id, @userId, @provider, @createdAt, @expiresAt)`,
    ),
    sessionById: db.prepare<[string, number], SessionRow>('SELECT * FROM sessions WHERE id = ? AND expires_at > ?'),
    sessionsOf: db.prepare<[string, number], SessionRow>(
      'SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY created_at, id',
    ),
    deleteSession: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id = ?'),
    deleteSessionTokens: db.prepare('DELETE FROM tokens WHERE user_id = ? AND session_id = ?'),
    deleteSessionsOf: db.prepare('DELETE FROM sessions WHERE user_id = ?'),
    deleteTokensOf: db.prepare('DELETE FROM tokens WHERE user_id = ?'),
    sweepSessions: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    insertIdentity: db.prepare(
      `INSERT INTO identities (provider, subject, user_id, created_at) VALUES (@provider, @subject, @userId, @createdAt)`,
    ),
    identity: db.prepare<[string, string], IdentityRow>('SELECT * FROM identities WHERE provider = ? AND subject = ?'),
    identitiesOf: db.prepare<[string], IdentityRow>('SELECT * FROM identities WHERE user_id = ? ORDER BY created_at, provider'),
    hit: bookkeeping.prepare<[string, number, number], { count: number }>(
      `INSERT INTO rate_limits (key, window_start, count, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
    ),
    sweepRateLimits: bookkeeping.prepare('DELETE FROM rate_limits WHERE expires_at < ?'),
  };

  /** One write of a step; `usage` is the owner's stored bytes, kept up to date across the step. */
  const putOne = (owner: string, { book, expectedRevision }: CasWrite, usage: { bytes: number; quota: number }): PutResult => {
    const current = q.ownBook.get(book.id, owner);
    if (!current) {
      if (q.idTaken.get(book.id)) return { ok: false, reason: 'foreign' };
      if (expectedRevision !== null) return { ok: false, reason: 'missing' };
    } else if (expectedRevision === null || current.revision !== expectedRevision) {
      return { ok: false, reason: 'conflict', current: toBook(current) };
    }
    const size = bookSize(book);
    const growth = size - (current?.size ?? 0);
    if (growth > 0 && !book.deleted && usage.bytes + growth > usage.quota) return { ok: false, reason: 'quota', used: usage.bytes };
    if (current) {
      q.archive.run({ ...current, replaced_at: book.syncedAt });
      q.prune.run({ owner, id: book.id, keep: LIMITS.revisionsKept });
    }
    const counter = q.nextSeq.get(owner, growth)!;
    usage.bytes = counter.bytes;
    const merge = book.merge ? JSON.stringify(book.merge) : null;
    const row = { ...book, owner, seq: counter.seq, size, metadata: JSON.stringify(book.metadata), deleted: book.deleted ? 1 : 0, merge };
    q.upsertBook.run(row);
    return { ok: true, book: { ...book, owner, seq: counter.seq } };
  };
  // One IMMEDIATE transaction for the whole step: the write lock is taken before the first read, so no revision
  // check, archive, seq or new row can interleave with another writer (another connection waits on busy_timeout),
  // and the step costs one fsync however many books it writes.
  const putBooksTx = db.transaction((owner: string, writes: readonly CasWrite[], quota: number) => {
    const usage = { bytes: q.storedBytes.get(owner)?.bytes ?? 0, quota };
    return writes.map((write) => putOne(owner, write, usage));
  });
  // Sizes then rows in one read transaction, so both see the same snapshot.
  const changesTx = db.transaction((owner: string, since: number, limit: number, budget: PageBudget): ChangePage => {
    const sizes = q.changeSizes.all(owner, since, limit + 1);
    const count = fitPage(sizes.map((s) => s.size), limit, budget);
    const last = count > 0 ? sizes[count - 1]!.seq : since;
    const books = count > 0 ? q.changes.all(owner, since, last).map(toBook) : [];
    return { books, last, hasMore: sizes.length > count };
  });
  const revisionsTx = db.transaction((owner: string, id: string, query: RevisionQuery): RevisionPage | null => {
    if (!q.ownsBook.get(id, owner)) return null;
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const limit = query.limit ?? LIMITS.pageMax;
    const sizes = q.revisionSizes.all(owner, id, before, limit + 1);
    const count = fitPage(sizes.map((s) => s.size + REPLACED_AT_BYTES), limit, query.budget ?? UNBOUNDED);
    const revisions = count > 0 ? q.revisions.all(owner, id, before, sizes[count - 1]!.revision).map(toRevision) : [];
    return { revisions, hasMore: sizes.length > count };
  });

  // A session and the tokens it made go together, so a crash between the two cannot leave an orphan token alive.
  const revokeSessionTx = db.transaction((userId: string, id: string): boolean => {
    const removed = q.deleteSession.run(userId, id).changes > 0;
    if (removed) q.deleteSessionTokens.run(userId, id);
    return removed;
  });
  const revokeAllTx = db.transaction(
    (userId: string): RevokedCount => ({
      sessions: q.deleteSessionsOf.run(userId).changes,
      tokens: q.deleteTokensOf.run(userId).changes,
    }),
  );

  let lastSweep = 0;
  let closed = false;

  return reportingFullDisk({
    kind: 'embedded',

    async getBook(owner, id) {
      const row = q.ownBook.get(id, owner);
      return row ? toBook(row) : null;
    },

    async getBooks(owner, ids) {
      // One prepared lookup per id: in-process and synchronous, so a loop costs no round trips.
      return ids.flatMap((id) => {
        const row = q.ownBook.get(id, owner);
        return row ? [toBook(row)] : [];
      });
    },

    async putBooks(owner, writes, quotaBytes = Number.POSITIVE_INFINITY) {
      assertDistinctBooks(writes);
      return writes.length === 0 ? [] : putBooksTx.immediate(owner, writes, quotaBytes);
    },

    async changesSince(owner, since, limit, budget = UNBOUNDED): Promise<ChangePage> {
      return changesTx(owner, since, limit, budget);
    },

    async listRevisions(owner, id, query = {}) {
      return revisionsTx(owner, id, query);
    },

    async getRevision(owner, id, which) {
      const row =
        'revision' in which
          ? q.revisionNumbered.get(owner, id, which.revision)
          : q.revisionCurrentAt.get(owner, id, which.currentAt, which.currentAt);
      return row ? toRevision(row) : null;
    },

    async storedBytes(owner) {
      return q.storedBytes.get(owner)?.bytes ?? 0;
    },

    async createUser(user) {
      try {
        q.insertUser.run({ ...user, email: user.email.toLowerCase() });
      } catch (error) {
        if (error instanceof Database.SqliteError && error.message.includes('users.email')) throw new EmailTakenError();
        throw error;
      }
    },

    async findUserByEmail(email) {
      const row = q.userByEmail.get(email.toLowerCase());
      return row ? toUser(row) : null;
    },

    async findUserById(id) {
      const row = q.userById.get(id);
      return row ? toUser(row) : null;
    },

    async createToken(token) {
      q.insertToken.run(token);
    },

    async findTokenByHash(hash) {
      const row = q.tokenByHash.get(hash);
      return row ? toToken(row) : null;
    },

    async touchToken(id, at) {
      q.touchToken.run(at, id);
    },

    async listTokens(userId) {
      return q.tokensOf.all(userId).map(toToken);
    },

    async revokeToken(userId, id) {
      return q.revokeToken.run(userId, id).changes > 0;
    },

    async createSession(session) {
      // Expired sessions are dropped as new ones start, so the table holds only live ones and recent leftovers.
      q.sweepSessions.run(session.createdAt);
      q.insertSession.run(session);
    },

    async findSession(id, now) {
      const row = q.sessionById.get(id, now);
      return row ? toSession(row) : null;
    },

    async listSessions(userId, now) {
      return q.sessionsOf.all(userId, now).map(toSession);
    },

    async revokeSession(userId, id) {
      return revokeSessionTx.immediate(userId, id);
    },

    async revokeAllCredentials(userId) {
      return revokeAllTx.immediate(userId);
    },

    async linkIdentity(identity) {
      try {
        q.insertIdentity.run(identity);
      } catch (error) {
        if (error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') throw new IdentityTakenError();
        throw error;
      }
    },

    async findIdentity(provider, subject) {
      const row = q.identity.get(provider, subject);
      return row ? toIdentity(row) : null;
    },

    async listIdentities(userId) {
      return q.identitiesOf.all(userId).map(toIdentity);
    },

    async hit(key, windowStart, windowMs) {
      const now = Date.now();
      if (now - lastSweep >= RATE_LIMIT_SWEEP_MS) {
        lastSweep = now;
        q.sweepRateLimits.run(now);
      }
      return q.hit.get(key, windowStart, windowStart + windowMs)!.count;
    },

    async close() {
      if (closed) return;
      closed = true;
      bookkeeping.close();
      db.close();
    },
  }, isFull);
}
