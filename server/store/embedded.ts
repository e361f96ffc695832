// The embedded store: one SQLite file in DATA_DIR (better-sqlite3, WAL), the default for `npm start` and self-hosting.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LIMITS, type MergeRecord } from '../../shared/protocol.ts';
import {
  archiveStep,
  encodeHistory,
  fromColumns,
  readText,
  toColumns,
  type ArchiveStep,
  type KeptEntry,
  type KeptText,
  type TextColumns,
} from '../history/chain.ts';
import { DEFAULT_HISTORY, pinnedByMerge, type HistoryPolicy } from '../history/retention.ts';
import { EmailTakenError, IdentityTakenError, normaliseEmail, type Identity, type User } from './account-store.ts';
import {
  BOOK_FIELDS,
  bookVersion,
  type BookVersion,
  type BookWrite,
  type CasWrite,
  type ChangePage,
  type PutResult,
  type RevisionPage,
  type RevisionQuery,
  type RevisionSummary,
  type StoredBook,
  type TrashedText,
} from './book-store.ts';
import { assertDistinctBooks, checkWrite, withTrash, type StepUsage } from './book-writes.ts';
import type { RevokedCount, SessionRecord, TokenRecord } from './credential-store.ts';
import { bookSize, cutPage, revisionSize, UNBOUNDED, type PageBudget } from './paging.ts';
import { reportingFullDisk, type Store } from './types.ts';

export const EMBEDDED_DB_FILE = 'anclora.db';

/** A schema step: SQL, or a function for a step that must compute (re-encoding kept versions). */
export type Migration = string | ((db: Database.Database) => void);

/**
 * Schema steps, applied in order; `PRAGMA user_version` records how many ran. Never edit a released step:
 * append a new one, so an existing DATA_DIR migrates forward on the next start.
 */
export const MIGRATIONS: readonly Migration[] = [
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
  // The trash: a tombstone keeps the text it deleted (JSON TrashedText) until the retention ends.
  `
  ALTER TABLE books ADD COLUMN trashed TEXT;
  CREATE INDEX books_owner_trash ON books(owner, synced_at) WHERE trashed IS NOT NULL;
  `,
  // History that reaches back (issue 11 item 6): a kept version's text is a reverse patch from the next newer one or a
  // whole copy (server/history/chain.ts), with its hash, its word counts and the device that wrote it; `size` is now
  // its size in a listing (paging.ts revisionSize). The whole copies kept so far are re-encoded.
  (db) => {
    db.exec(`
      ALTER TABLE books ADD COLUMN device TEXT;
      ALTER TABLE revisions RENAME TO whole_revisions;
      CREATE TABLE revisions (
        owner TEXT NOT NULL,
        book_id TEXT NOT NULL REFERENCES books(id) ON DELETE CASCADE,
        revision INTEGER NOT NULL,
        title TEXT NOT NULL,
        author TEXT NOT NULL,
        metadata TEXT NOT NULL,
        updated_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        synced_at INTEGER NOT NULL,
        deleted INTEGER NOT NULL,
        replaced_at INTEGER NOT NULL,
        merge TEXT,
        device TEXT,
        pinned INTEGER NOT NULL,
        base INTEGER,
        hash TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        words_added INTEGER NOT NULL,
        words_removed INTEGER NOT NULL,
        size INTEGER NOT NULL,
        -- The text, last (a column after a large value is reached through its overflow pages): a JSON patch that turns
        -- revision base's text into this one, or the whole text.
        patch TEXT,
        snapshot TEXT,
        CHECK ((snapshot IS NULL) <> (patch IS NULL)),
        PRIMARY KEY (owner, book_id, revision)
      ) STRICT, WITHOUT ROWID;
    `);
    const books = db.prepare<[], { owner: string; id: string }>('SELECT DISTINCT owner, book_id AS id FROM whole_revisions').all();
    const insert = insertRevisionStatement(db);
    for (const { owner, id } of books) {
      const current = db.prepare<[string, string], { revision: number; content: string }>('SELECT revision, content FROM books WHERE id = ? AND owner = ?').get(id, owner);
      if (!current) continue;
      const rows = db
        .prepare<[string, string], RevisionRow & { content: string }>(
          `SELECT ${selectFields(REVISION_COLUMNS)}, replaced_at AS replacedAt, merge, NULL AS device FROM whole_revisions
           WHERE owner = ? AND book_id = ? ORDER BY revision DESC`,
        )
        .all(owner, id);
      const encoded = encodeHistory(rows, current, DEFAULT_HISTORY);
      rows.forEach((row, i) => insert.run(revisionRow(owner, toRevisionSummary(row), encoded[i]!)));
    }
    db.exec(`
      DROP TABLE whole_revisions;
      CREATE INDEX revisions_owner_book_size ON revisions(owner, book_id, revision, size);
    `);
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Expired rate-limit windows are swept at most this often, so `hit()` stays one small upsert. */
const RATE_LIMIT_SWEEP_MS = 60_000;

/** The column of each book field in the books table (the revisions table names the id column book_id). */
const BOOK_COLUMNS: Record<keyof BookVersion, string> = {
  id: 'id',
  title: 'title',
  author: 'author',
  content: 'content',
  metadata: 'metadata',
  updatedAt: 'updated_at',
  createdAt: 'created_at',
  syncedAt: 'synced_at',
  revision: 'revision',
  deleted: 'deleted',
};
const REVISION_COLUMNS: Record<keyof BookVersion, string> = { ...BOOK_COLUMNS, id: 'book_id' };

/** `column AS field, …` for every book field (or those given): rows come back with the fields' names. */
function selectFields(columns: Record<keyof BookVersion, string>, fields: ReadonlyArray<keyof BookVersion> = BOOK_FIELDS): string {
  return fields.map((field) => `${columns[field]} AS ${field}`).join(', ');
}

/** A book version as SQLite holds it: metadata as JSON text, deleted as 0 or 1. */
type VersionRow = Omit<BookVersion, 'metadata' | 'deleted'> & { metadata: string; deleted: number };

interface BookRow extends VersionRow {
  owner: string;
  seq: number;
  size: number;
  /** JSON MergeRecord, or null. */
  merge: string | null;
  /** JSON TrashedText, or null (absent from rows read without it: the change feed). */
  trashed?: string | null;
  device: string | null;
}

/** A kept version's fields as SQLite holds them (its text aside). */
interface RevisionRow extends Omit<VersionRow, 'content'> {
  replacedAt: number;
  merge: string | null;
  device: string | null;
}

interface SummaryRow extends RevisionRow {
  wordsAdded: number;
  wordsRemoved: number;
}

/** Every column of a kept version, as the insert statement names them. */
interface RevisionInsert extends TextColumns {
  owner: string;
  book_id: string;
  revision: number;
  title: string;
  author: string;
  metadata: string;
  updated_at: number;
  created_at: number;
  synced_at: number;
  deleted: number;
  replaced_at: number;
  merge: string | null;
  device: string | null;
  pinned: number;
  hash: string;
  bytes: number;
  words_added: number;
  words_removed: number;
  size: number;
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

function toVersion(row: VersionRow): BookVersion {
  return bookVersion({ ...row, metadata: JSON.parse(row.metadata) as BookVersion['metadata'], deleted: row.deleted === 1 });
}

function toVersionRow(book: BookVersion): VersionRow {
  return { ...bookVersion(book), metadata: JSON.stringify(book.metadata), deleted: book.deleted ? 1 : 0 };
}

/** A merge record as SQLite holds it (JSON text, or null when no merge made the version). */
function withMerge(merge: string | null): { merge?: MergeRecord } {
  return merge ? { merge: JSON.parse(merge) as MergeRecord } : {};
}

function toBook(row: BookRow): StoredBook {
  const trashed = row.trashed ? { trashed: JSON.parse(row.trashed) as TrashedText } : {};
  return { ...toVersion(row), owner: row.owner, seq: row.seq, ...withMerge(row.merge), ...(row.device ? { device: row.device } : {}), ...trashed };
}

/** A kept version's fields (text and word counts aside) from its row. */
function toRevisionSummary(row: RevisionRow): Omit<RevisionSummary, 'wordsAdded' | 'wordsRemoved'> {
  const { content: _content, ...version } = toVersion({ ...row, content: '' });
  return { ...version, replacedAt: row.replacedAt, ...withMerge(row.merge), device: row.device };
}

function toSummary(row: SummaryRow): RevisionSummary {
  return { ...toRevisionSummary(row), wordsAdded: row.wordsAdded, wordsRemoved: row.wordsRemoved };
}

/** The row of a kept version: its fields and its stored text (chain.ts), with the size it takes in a listing. */
function revisionRow(
  owner: string,
  summary: Omit<RevisionSummary, 'wordsAdded' | 'wordsRemoved'>,
  stored: KeptText & { bytes: number; words: { added: number; removed: number } },
): RevisionInsert {
  return {
    owner,
    book_id: summary.id,
    revision: summary.revision,
    title: summary.title,
    author: summary.author,
    metadata: JSON.stringify(summary.metadata),
    updated_at: summary.updatedAt,
    created_at: summary.createdAt,
    synced_at: summary.syncedAt,
    deleted: summary.deleted ? 1 : 0,
    replaced_at: summary.replacedAt,
    merge: summary.merge ? JSON.stringify(summary.merge) : null,
    device: summary.device,
    pinned: pinnedByMerge(summary.merge) ? 1 : 0,
    ...toColumns(stored.text),
    hash: stored.hash,
    bytes: stored.bytes,
    words_added: stored.words.added,
    words_removed: stored.words.removed,
    size: revisionSize(summary),
  };
}

const REVISION_INSERT_COLUMNS = [
  'owner', 'book_id', 'revision', 'title', 'author', 'metadata', 'updated_at', 'created_at', 'synced_at', 'deleted', 'replaced_at',
  'merge', 'device', 'pinned', 'snapshot', 'patch', 'base', 'hash', 'bytes', 'words_added', 'words_removed', 'size',
] as const satisfies ReadonlyArray<keyof RevisionInsert>;

function insertRevisionStatement(db: Database.Database) {
  return db.prepare<RevisionInsert>(
    `INSERT OR REPLACE INTO revisions (${REVISION_INSERT_COLUMNS.join(', ')})
     VALUES (${REVISION_INSERT_COLUMNS.map((column) => `@${column}`).join(', ')})`,
  );
}

function toKeptText(row: TextColumns & { revision: number; hash: string }): KeptText {
  return { revision: row.revision, text: fromColumns(row), hash: row.hash };
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

/**
 * SQLite's book_size(…): bookSize of a row, for the migration that records sizes of existing books. Its arguments are
 * the row's book columns in BOOK_FIELDS order (the revisions table passing book_id as the id).
 */
function registerBookSize(db: Database.Database): void {
  db.function('book_size', { deterministic: true, varargs: true }, (...columns: unknown[]) =>
    bookSize(toVersion(Object.fromEntries(BOOK_FIELDS.map((field, i) => [field, columns[i]])) as VersionRow)),
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
      const step = MIGRATIONS[version]!;
      if (typeof step === 'string') db.exec(step);
      else step(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

export interface EmbeddedOptions {
  /** Caps the database at this many pages (PRAGMA max_page_count): how tests fill the disk. */
  maxPageCount?: number;
  /** How long earlier versions are kept (HISTORY_TIERS); DEFAULT_HISTORY when not given. */
  history?: HistoryPolicy;
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

  const bookColumns = BOOK_FIELDS.map((field) => BOOK_COLUMNS[field]);
  const bookFields = selectFields(BOOK_COLUMNS);
  const policy = options.history ?? DEFAULT_HISTORY;
  const summaryFields = `${selectFields(REVISION_COLUMNS, BOOK_FIELDS.filter((field) => field !== 'content'))},
    replaced_at AS replacedAt, merge, device, words_added AS wordsAdded, words_removed AS wordsRemoved`;
  const q = {
    // By owner and id together: another owner's book is never read (its size would show in the time taken).
    ownBook: db.prepare<[string, string], BookRow>(`SELECT ${bookFields}, owner, seq, size, merge, device, trashed FROM books WHERE id = ? AND owner = ?`),
    ownsBook: db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM books WHERE id = ? AND owner = ?'),
    idTaken: db.prepare<[string], { one: number }>('SELECT 1 AS one FROM books WHERE id = ?'),
    insertRevision: insertRevisionStatement(db),
    keptEntries: db.prepare<[string, string], { revision: number; replacedAt: number; pinned: number; snapshot: number; bytes: number }>(
      `SELECT revision, replaced_at AS replacedAt, pinned, base IS NULL AS snapshot, bytes FROM revisions
       WHERE owner = ? AND book_id = ?`,
    ),
    keptText: db.prepare<[string, string, number], TextColumns & { revision: number; hash: string }>(
      'SELECT revision, base, hash, patch, snapshot FROM revisions WHERE owner = ? AND book_id = ? AND revision = ?',
    ),
    // A version's chain: it and the newer kept versions, oldest first; the reader stops at the first whole one.
    chainFrom: db.prepare<[string, string, number], TextColumns & { revision: number; hash: string }>(
      'SELECT revision, base, hash, patch, snapshot FROM revisions WHERE owner = ? AND book_id = ? AND revision >= ? ORDER BY revision',
    ),
    updateText: db.prepare<TextColumns & { owner: string; id: string; revision: number; bytes: number }>(
      `UPDATE revisions SET snapshot = @snapshot, patch = @patch, base = @base, bytes = @bytes
       WHERE owner = @owner AND book_id = @id AND revision = @revision`,
    ),
    updateWords: db.prepare<[number, number, string, string, number]>(
      'UPDATE revisions SET words_added = ?, words_removed = ? WHERE owner = ? AND book_id = ? AND revision = ?',
    ),
    dropRevision: db.prepare<[string, string, number]>('DELETE FROM revisions WHERE owner = ? AND book_id = ? AND revision = ?'),
    nextSeq: db.prepare<[string, number], { seq: number; bytes: number }>(
      `INSERT INTO counters (owner, seq, bytes) VALUES (?, 1, ?)
       ON CONFLICT (owner) DO UPDATE SET seq = seq + 1, bytes = bytes + excluded.bytes RETURNING seq, bytes`,
    ),
    storedBytes: db.prepare<[string], { bytes: number }>('SELECT bytes FROM counters WHERE owner = ?'),
    upsertBook: db.prepare<VersionRow & { owner: string; seq: number; size: number; merge: string | null; device: string | null; trashed: string | null }>(
      `INSERT INTO books (${bookColumns.join(', ')}, owner, seq, size, merge, device, trashed)
       VALUES (${BOOK_FIELDS.map((field) => `@${field}`).join(', ')}, @owner, @seq, @size, @merge, @device, @trashed)
       ON CONFLICT (id) DO UPDATE SET
         ${[...bookColumns.filter((column) => column !== 'id'), 'seq', 'size', 'merge', 'device', 'trashed'].map((column) => `${column} = excluded.${column}`).join(', ')}`,
    ),
    trash: db.prepare<[string, number], BookRow>(
      `SELECT ${bookFields}, owner, seq, size, merge, trashed FROM books
       WHERE owner = ? AND synced_at > ? AND trashed IS NOT NULL ORDER BY synced_at DESC, id`,
    ),
    trashUpTo: db.prepare<[string, number], BookRow>(
      `SELECT ${bookFields}, owner, seq, size, merge, trashed FROM books WHERE owner = ? AND synced_at <= ? AND trashed IS NOT NULL`,
    ),
    forgetTrashed: db.prepare<[number, string, string]>('UPDATE books SET trashed = NULL, size = ? WHERE id = ? AND owner = ?'),
    addBytes: db.prepare<[number, string]>('UPDATE counters SET bytes = bytes + ? WHERE owner = ?'),
    // Sizes come from the (owner, seq, size) index alone; only the books that fit are read.
    changeSizes: db.prepare<[string, number, number], { seq: number; size: number }>(
      'SELECT seq, size FROM books WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    changes: db.prepare<[string, number, number], BookRow>(
      `SELECT ${bookFields}, owner, seq, size, merge, device FROM books WHERE owner = ? AND seq > ? AND seq <= ? ORDER BY seq`,
    ),
    revisionSizes: db.prepare<[string, string, number, number], { revision: number; size: number }>(
      `SELECT revision, size FROM revisions WHERE owner = ? AND book_id = ? AND revision < ?
       ORDER BY revision DESC LIMIT ?`,
    ),
    revisionNumbered: db.prepare<[string, string, number], SummaryRow>(
      `SELECT ${summaryFields} FROM revisions WHERE owner = ? AND book_id = ? AND revision = ?`,
    ),
    revisionCurrentAt: db.prepare<[string, string, number, number], SummaryRow>(
      `SELECT ${summaryFields} FROM revisions WHERE owner = ? AND book_id = ? AND synced_at <= ? AND replaced_at > ?
       ORDER BY revision DESC LIMIT 1`,
    ),
    revisions: db.prepare<[string, string, number, number], SummaryRow>(
      `SELECT ${summaryFields} FROM revisions
       WHERE owner = ? AND book_id = ? AND revision < ? AND revision >= ? ORDER BY revision DESC`,
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

  /** Keeps `replaced` among the book's revisions as `next` replaces it, thinning and re-linking (history/chain.ts). */
  const archive = (owner: string, replaced: StoredBook, next: BookWrite): void => {
    const id = replaced.id;
    const step: ArchiveStep = {
      kept: q.keptEntries.all(owner, id).map((e): KeptEntry => ({ ...e, pinned: e.pinned === 1, snapshot: e.snapshot === 1 })),
      replaced: { revision: replaced.revision, replacedAt: next.syncedAt, pinned: pinnedByMerge(replaced.merge), content: replaced.content },
      next: { revision: next.revision, content: next.content },
      now: next.syncedAt,
      policy,
    };
    const out = archiveStep(step, (revisions) => new Map(revisions.map((r) => [r, toKeptText(q.keptText.get(owner, id, r)!)])));
    for (const revision of out.drop) q.dropRevision.run(owner, id, revision);
    for (const update of out.updates) {
      if (update.text) q.updateText.run({ ...toColumns(update.text.text), bytes: update.text.bytes, owner, id, revision: update.revision });
      if (update.words) q.updateWords.run(update.words.added, update.words.removed, owner, id, update.revision);
    }
    const { content: _content, owner: _owner, seq: _seq, ...fields } = replaced;
    q.insertRevision.run(revisionRow(owner, { ...fields, replacedAt: next.syncedAt, device: replaced.device ?? null }, out.archived));
  };

  /** One write of a step; `usage` is the owner's stored bytes, kept up to date across the step. */
  const putOne = (owner: string, asWritten: CasWrite, usage: StepUsage): PutResult => {
    const row = q.ownBook.get(asWritten.book.id, owner);
    const current = row ? { book: toBook(row), size: row.size } : null;
    const write = { ...asWritten, book: withTrash(current?.book ?? null, asWritten.book) };
    const { book } = write;
    // Checked for creates too: the upsert below would otherwise take over another owner's book.
    const check = checkWrite(current, write, usage, !row && q.idTaken.get(book.id) !== undefined);
    if (!check.ok) return check;
    if (current) archive(owner, current.book, book);
    const counter = q.nextSeq.get(owner, check.growth)!;
    usage.bytes = counter.bytes;
    const merge = book.merge ? JSON.stringify(book.merge) : null;
    const trashed = book.trashed ? JSON.stringify(book.trashed) : null;
    q.upsertBook.run({ ...toVersionRow(book), owner, seq: counter.seq, size: check.size, merge, device: book.device ?? null, trashed });
    const extras = { ...(book.merge ? { merge: book.merge } : {}), ...(book.device ? { device: book.device } : {}), ...(book.trashed ? { trashed: book.trashed } : {}) };
    return { ok: true, book: { ...bookVersion(book), owner, seq: counter.seq, ...extras } };
  };
  // One IMMEDIATE transaction for the whole step: the write lock is taken before the first read, so no revision
  // check, archive, seq or new row can interleave with another writer (another connection waits on busy_timeout),
  // and the step costs one fsync however many books it writes.
  const putBooksTx = db.transaction((owner: string, writes: readonly CasWrite[], quota: number) => {
    const usage = { bytes: q.storedBytes.get(owner)?.bytes ?? 0, quota };
    return writes.map((write) => putOne(owner, write, usage));
  });
  // Each purged tombstone shrinks to its size without the deleted text, and the owner's total with it, in one step.
  const purgeTrashTx = db.transaction((owner: string, deletedUpTo: number, ids?: readonly string[]): number => {
    const only = ids && new Set(ids);
    const rows = q.trashUpTo.all(owner, deletedUpTo).filter((row) => !only || only.has(row.id));
    let shrunk = 0;
    for (const row of rows) {
      const { trashed: _gone, ...tombstone } = toBook(row);
      const size = bookSize(tombstone);
      q.forgetTrashed.run(size, row.id, owner);
      shrunk += row.size - size;
    }
    if (shrunk) q.addBytes.run(-shrunk, owner);
    return rows.length;
  });
  // Sizes then rows in one read transaction, so both see the same snapshot.
  const changesTx = db.transaction((owner: string, since: number, limit: number, budget: PageBudget): ChangePage => {
    const { fit, hasMore } = cutPage(q.changeSizes.all(owner, since, limit + 1), limit, budget);
    const last = fit.at(-1)?.seq ?? since;
    return { books: fit.length > 0 ? q.changes.all(owner, since, last).map(toBook) : [], last, hasMore };
  });
  const revisionsTx = db.transaction((owner: string, id: string, query: RevisionQuery): RevisionPage | null => {
    if (!q.ownsBook.get(id, owner)) return null;
    const before = query.before ?? Number.MAX_SAFE_INTEGER;
    const limit = query.limit ?? LIMITS.pageMax;
    const sizes = q.revisionSizes.all(owner, id, before, limit + 1);
    const { fit, hasMore } = cutPage(sizes, limit, query.budget ?? UNBOUNDED);
    const oldest = fit.at(-1)?.revision;
    return { revisions: oldest === undefined ? [] : q.revisions.all(owner, id, before, oldest).map(toSummary), hasMore };
  });
  // The version's row, its chain up to a whole copy and (when none is whole) the current book, in one snapshot.
  const revisionTx = db.transaction((owner: string, id: string, which: { revision: number } | { currentAt: number }) => {
    const row =
      'revision' in which
        ? q.revisionNumbered.get(owner, id, which.revision)
        : q.revisionCurrentAt.get(owner, id, which.currentAt, which.currentAt);
    if (!row) return null;
    const links: KeptText[] = [];
    for (const link of q.chainFrom.iterate(owner, id, row.revision)) {
      links.push(toKeptText(link));
      if (link.snapshot !== null) break;
    }
    const whole = links.at(-1)?.text && 'snapshot' in links.at(-1)!.text;
    const book = whole ? null : q.ownBook.get(id, owner);
    return { ...toSummary(row), content: readText(links, book ? { revision: book.revision, content: book.content } : null) };
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
      return revisionTx(owner, id, which);
    },

    async listTrash(owner, deletedAfter) {
      return q.trash.all(owner, deletedAfter).map(toBook);
    },

    async purgeTrash(owner, deletedUpTo, ids) {
      return purgeTrashTx(owner, deletedUpTo, ids);
    },

    async storedBytes(owner) {
      return q.storedBytes.get(owner)?.bytes ?? 0;
    },

    async createUser(user) {
      try {
        q.insertUser.run({ ...user, email: normaliseEmail(user.email) });
      } catch (error) {
        if (error instanceof Database.SqliteError && error.message.includes('users.email')) throw new EmailTakenError();
        throw error;
      }
    },

    async findUserByEmail(email) {
      const row = q.userByEmail.get(normaliseEmail(email));
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
