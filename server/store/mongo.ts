// The MongoDB store (official driver): owner-keyed documents, transactional compare-and-set writes and change feed.
// It talks to MongoDB as MongoDB documents it: multi-document transactions on a replica set (or sharded cluster),
// duplicate keys by code 11000 and `keyPattern`. What the in-memory stand-in used by tests needs instead lives in
// the test harness (jongodb.testing.ts), never here.
import { MongoClient, MongoServerError, type ClientSession, type Db } from 'mongodb';
import { LIMITS, type MergeRecord } from '../../shared/protocol.ts';
import {
  ChainMovedError,
  archiveStep,
  encodeHistory,
  fromColumns,
  planArchive,
  readText,
  toColumns,
  type ArchiveStep,
  type KeptText,
  type TextColumns,
} from '../history/chain.ts';
import { DEFAULT_HISTORY, pinnedByMerge, type HistoryPolicy } from '../history/retention.ts';
import { EmailTakenError, IdentityTakenError, normaliseEmail, type Identity, type User } from './account-store.ts';
import {
  bookVersion,
  type BookVersion,
  type BookWrite,
  type CasWrite,
  type ChangePage,
  type PutResult,
  type RevisionPage,
  type RevisionSummary,
  type StoredBook,
  type TrashedText,
} from './book-store.ts';
import { assertDistinctBooks, checkWrite, withTrash, type StepUsage } from './book-writes.ts';
import type { SessionRecord, TokenRecord } from './credential-store.ts';
import { bookSize, cutPage, revisionSize, UNBOUNDED } from './paging.ts';
import { reportingFullDisk, type Store } from './types.ts';

// Sharding: books and revisions carry `owner` and every query on them filters on it, so both can be sharded on
// { owner: 1 }; counters are keyed by the owner itself (shard on _id). Users, tokens and rate limits are small and
// stay unsharded.

/** A book version as a document: the fields of BookVersion, with the book id as _id. */
type VersionDoc = Omit<BookVersion, 'id'>;

interface BookDoc extends VersionDoc {
  /** The book id. Book ids are globally unique, so inserting an id another owner has fails on _id. */
  _id: string;
  owner: string;
  seq: number;
  /** paging.ts bookSize: pages are cut by size from the (owner, seq, size) index before any text is read. */
  size: number;
  /** How a three-way merge made this revision; absent otherwise. */
  merge?: MergeRecord;
  /** On a tombstone in the trash: the text it deleted. */
  trashed?: TrashedText;
  /** The device that wrote this revision; absent when not recorded. */
  device?: string;
}

/**
 * A kept version: its fields, and its text as a reverse patch from revision `base` or whole (server/history/chain.ts),
 * with the text's hash and the words it added and removed against the previous kept version.
 */
interface RevisionDoc extends Omit<VersionDoc, 'content'>, TextColumns {
  /** `${owner}:${bookId}:${revision}`: archiving the same version twice is a no-op, never a second copy. */
  _id: string;
  owner: string;
  bookId: string;
  replacedAt: number;
  /** paging.ts revisionSize: listings are cut by size before any version is read. */
  size: number;
  merge?: MergeRecord;
  device: string | null;
  pinned: boolean;
  hash: string;
  /** Bytes of the stored text (patch or whole copy). */
  bytes: number;
  wordsAdded: number;
  wordsRemoved: number;
}

/** A whole-copy revision as stores before the reverse-patch history wrote it (what migrateRevisionChains converts). */
interface WholeRevisionDoc extends VersionDoc {
  _id: string;
  owner: string;
  bookId: string;
  replacedAt: number;
  merge?: MergeRecord;
}

interface CounterDoc {
  /** The owner. */
  _id: string;
  seq: number;
  /** The sum of the sizes of the owner's books: what the storage quota checks. */
  bytes?: number;
}

interface MigrationDoc {
  _id: string;
  doneAt: Date;
}

interface UserDoc {
  _id: string;
  email: string;
  name: string | null;
  passwordHash: string;
  createdAt: number;
}

interface TokenDoc {
  _id: string;
  userId: string;
  hash: string;
  deviceName: string;
  createdAt: number;
  lastUsedAt: number | null;
  /** Absent on tokens written before lineage was recorded. */
  sessionId?: string | null;
  signIn?: string | null;
}

interface SessionDoc {
  _id: string;
  userId: string;
  provider: string;
  createdAt: number;
  expiresAt: number;
  /** `expiresAt` as a date, for the TTL index that forgets ended sessions. */
  expireAt: Date;
}

interface IdentityDoc {
  /** `${provider}:${subject}`: one link per provider account, enforced by _id. */
  _id: string;
  provider: string;
  subject: string;
  userId: string;
  createdAt: number;
}

interface RateLimitDoc {
  /** `${key}:${windowStart}`. */
  _id: string;
  count: number;
  /** The TTL index removes the window once it is over. */
  expiresAt: Date;
}

/** Every collection the store keeps. */
export const MONGO_COLLECTIONS = [
  'books',
  'revisions',
  'counters',
  'users',
  'tokens',
  'sessions',
  'identities',
  'rate_limits',
  'migrations',
] as const;
type CollectionName = (typeof MONGO_COLLECTIONS)[number];

const DUPLICATE_KEY = 11000;
/** Refused for lack of disk space (the server's disk-space monitor, e.g. Atlas when a volume is full). */
const OUT_OF_DISK_SPACE = 14031;

/** MongoDB's out-of-disk refusals, by code (never by message text). */
export function isMongoStoreFull(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === OUT_OF_DISK_SPACE || error.codeName === 'OutOfDiskSpace');
}

/** Majority commit: an acknowledged sync must survive a primary failover. */
const TRANSACTION_OPTIONS = { writeConcern: { w: 'majority' as const } };

/** A duplicate key on the unique index of exactly `field`, as MongoDB reports it (code 11000, `keyPattern`). */
function isDuplicateKey(error: unknown, field: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return false;
  const keyPattern: unknown = error.keyPattern;
  return typeof keyPattern === 'object' && keyPattern !== null && Object.keys(keyPattern).join() === field;
}

/** Thrown inside the putBooks transaction to abort it when a book id belongs to another owner. */
class ForeignBookError extends Error {
  constructor(readonly bookId: string) {
    super(`book ${bookId} belongs to another owner`);
  }
}

function versionDoc(book: BookVersion): VersionDoc {
  const { id: _id, ...version } = bookVersion(book);
  return version;
}

function toBook(doc: BookDoc): StoredBook {
  const extras = { ...(doc.merge ? { merge: doc.merge } : {}), ...(doc.device ? { device: doc.device } : {}), ...(doc.trashed ? { trashed: doc.trashed } : {}) };
  return { ...bookVersion({ ...doc, id: doc._id }), owner: doc.owner, seq: doc.seq, ...extras };
}

function toBookDoc(owner: string, book: BookWrite, seq: number, size: number): BookDoc {
  const extras = { ...(book.merge ? { merge: book.merge } : {}), ...(book.device ? { device: book.device } : {}), ...(book.trashed ? { trashed: book.trashed } : {}) };
  return { _id: book.id, ...versionDoc(book), owner, seq, size, ...extras };
}

/** The document of a kept version: its fields (from the version it was) and its stored text (chain.ts). */
function toRevisionDoc(
  owner: string,
  summary: Omit<RevisionSummary, 'wordsAdded' | 'wordsRemoved'>,
  stored: KeptText & { bytes: number; words: { added: number; removed: number } },
): RevisionDoc {
  const { id: bookId, merge, ...fields } = summary;
  return {
    _id: `${owner}:${bookId}:${summary.revision}`,
    ...fields,
    owner,
    bookId,
    ...(merge ? { merge } : {}),
    pinned: pinnedByMerge(merge),
    ...toColumns(stored.text),
    hash: stored.hash,
    bytes: stored.bytes,
    wordsAdded: stored.words.added,
    wordsRemoved: stored.words.removed,
    size: revisionSize(summary),
  };
}

/** The fields of a kept version from a book document (the version it was) or a whole-copy revision. */
function revisionFields(doc: VersionDoc & { merge?: MergeRecord }, id: string, replacedAt: number, device: string | null) {
  const { content: _content, ...version } = bookVersion({ ...doc, id });
  return { ...version, replacedAt, ...(doc.merge ? { merge: doc.merge } : {}), device };
}

function toSummary(doc: RevisionDoc): RevisionSummary {
  const version = bookVersion({ ...doc, id: doc.bookId, content: '' });
  const { content: _content, ...fields } = version;
  return {
    ...fields,
    replacedAt: doc.replacedAt,
    ...(doc.merge ? { merge: doc.merge } : {}),
    device: doc.device,
    wordsAdded: doc.wordsAdded,
    wordsRemoved: doc.wordsRemoved,
  };
}

function toKeptText(doc: Pick<RevisionDoc, 'revision' | 'hash' | 'snapshot' | 'patch' | 'base'>): KeptText {
  return { revision: doc.revision, text: fromColumns(doc), hash: doc.hash };
}

/** The text fields of a revision document: what reading a chain loads. */
const TEXT_PROJECTION = { _id: 0, revision: 1, hash: 1, snapshot: 1, patch: 1, base: 1 } as const;
/** Everything but the text: what a listing loads. */
const SUMMARY_PROJECTION = { snapshot: 0, patch: 0 } as const;
/** A chain read that met a concurrent write is read again, at most this many times. */
const CHAIN_READS = 5;

function toUser({ _id, ...user }: UserDoc): User {
  return { id: _id, ...user };
}

function toToken({ _id, sessionId, signIn, ...token }: TokenDoc): TokenRecord {
  return { id: _id, ...token, sessionId: sessionId ?? null, signIn: signIn ?? null };
}

function toSession({ _id, expireAt: _expireAt, ...session }: SessionDoc): SessionRecord {
  return { id: _id, ...session };
}

function toIdentity({ _id: _key, ...identity }: IdentityDoc): Identity {
  return identity;
}

/**
 * Refuses to start on a MongoDB without transactions (a standalone mongod), with a message that says what to run
 * instead, rather than failing on the first write. A replica set member reports `setName`, a mongos `msg: isdbgrid`.
 */
async function requireTransactions(db: Db): Promise<void> {
  const hello = await db.admin().command({ hello: 1 });
  if (typeof hello.setName === 'string' || hello.msg === 'isdbgrid') return;
  throw new Error('MongoDB store needs transactions: run MongoDB as a replica set (e.g. mongod --replSet rs0, see compose.yaml)');
}

export interface MongoOptions {
  /** How long earlier versions are kept (HISTORY_TIERS); DEFAULT_HISTORY when not given. */
  history?: HistoryPolicy;
}

export async function openMongoStore(uri: string, dbName: string, options: MongoOptions = {}): Promise<Store> {
  const client = new MongoClient(uri);
  await client.connect();
  try {
    return await createMongoStore(client, client.db(dbName), options.history ?? DEFAULT_HISTORY);
  } catch (error) {
    await client.close();
    throw error;
  }
}

async function createMongoStore(client: MongoClient, db: Db, policy: HistoryPolicy): Promise<Store> {
  await requireTransactions(db);
  const collection = <T extends object>(name: CollectionName) => db.collection<T>(name);
  const books = collection<BookDoc>('books');
  const revisions = collection<RevisionDoc>('revisions');
  const counters = collection<CounterDoc>('counters');
  const users = collection<UserDoc>('users');
  const tokens = collection<TokenDoc>('tokens');
  const sessions = collection<SessionDoc>('sessions');
  const identities = collection<IdentityDoc>('identities');
  const rateLimits = collection<RateLimitDoc>('rate_limits');

  await Promise.all([
    // Unique on (owner, _id): the shard-key-prefixed form of "owner + id unique" that a sharded cluster accepts.
    books.createIndex({ owner: 1, _id: 1 }, { unique: true, name: 'owner_id' }),
    books.createIndex({ owner: 1, seq: 1 }, { unique: true, name: 'owner_seq' }),
    revisions.createIndex({ owner: 1, bookId: 1, revision: -1 }, { name: 'owner_book_revision' }),
    // Cover the size-only queries that cut pages by bytes (projection of seq/revision and size, no _id).
    books.createIndex({ owner: 1, seq: 1, size: 1 }, { name: 'owner_seq_size' }),
    // The trash: only tombstones that keep their deleted text are in it.
    books.createIndex({ owner: 1, syncedAt: -1 }, { name: 'owner_trash', partialFilterExpression: { trashed: { $exists: true } } }),
    revisions.createIndex({ owner: 1, bookId: 1, revision: -1, size: 1 }, { name: 'owner_book_revision_size' }),
    users.createIndex({ email: 1 }, { unique: true, name: 'email' }),
    tokens.createIndex({ hash: 1 }, { unique: true, name: 'hash' }),
    tokens.createIndex({ userId: 1 }, { name: 'userId' }),
    tokens.createIndex({ userId: 1, sessionId: 1 }, { name: 'userId_sessionId' }),
    sessions.createIndex({ userId: 1, createdAt: 1 }, { name: 'userId_createdAt' }),
    sessions.createIndex({ expireAt: 1 }, { expireAfterSeconds: 0, name: 'expireAt_ttl' }),
    identities.createIndex({ userId: 1 }, { name: 'userId' }),
    rateLimits.createIndex({ expiresAt: 1 }, { expireAfterSeconds: 0, name: 'expiresAt_ttl' }),
  ]);

  await recordSizes(db);
  await migrateRevisionChains(client, db);

  /** Keeps `doc` (the current version) among the book's revisions as `next` replaces it, thinning and re-linking. */
  async function archive(session: ClientSession, owner: string, doc: BookDoc, next: BookWrite): Promise<void> {
    const bookId = doc._id;
    const kept = await revisions
      // A whole copy has no base: its text is not loaded to find that out.
      .find({ owner, bookId }, { session, projection: { _id: 0, revision: 1, replacedAt: 1, pinned: 1, base: 1, bytes: 1 } })
      .toArray();
    const step: ArchiveStep = {
      kept: kept.map((e) => ({ revision: e.revision, replacedAt: e.replacedAt, pinned: e.pinned, snapshot: e.base === null, bytes: e.bytes })),
      replaced: { revision: doc.revision, replacedAt: next.syncedAt, pinned: pinnedByMerge(doc.merge), content: doc.content },
      next: { revision: next.revision, content: next.content },
      now: next.syncedAt,
      policy,
    };
    // The texts the step needs are known from the metadata alone, so they are read in one query before the sync part.
    const needed = planArchive(step).read;
    const bodies =
      needed.length === 0 ? [] : await revisions.find({ owner, bookId, revision: { $in: needed } }, { session, projection: TEXT_PROJECTION }).toArray();
    const out = archiveStep(step, () => new Map(bodies.map((b) => [b.revision, toKeptText(b)])));
    if (out.drop.length > 0) await revisions.deleteMany({ owner, bookId, revision: { $in: out.drop } }, { session });
    for (const update of out.updates) {
      const set = {
        ...(update.text ? { ...toColumns(update.text.text), bytes: update.text.bytes } : {}),
        ...(update.words ? { wordsAdded: update.words.added, wordsRemoved: update.words.removed } : {}),
      };
      await revisions.updateOne({ _id: `${owner}:${bookId}:${update.revision}` }, { $set: set }, { session });
    }
    const archived = toRevisionDoc(owner, revisionFields(doc, bookId, next.syncedAt, doc.device ?? null), out.archived);
    await revisions.replaceOne({ _id: archived._id }, archived, { upsert: true, session });
  }

  /**
   * One compare-and-set write inside the step's transaction. Every accepted write increments the owner's counter
   * document, so two transactions of one owner always write the same document: MongoDB aborts the later one with
   * a WriteConflict (TransientTransactionError) and withTransaction retries it from a fresh snapshot. Hence a
   * write that got seq n+1 started its successful attempt only after the one with seq n committed: commits are in
   * seq order per owner and a reader whose cursor passed n+1 can never find n appearing later.
   */
  async function putBookInTransaction(session: ClientSession, owner: string, asWritten: CasWrite, usage: StepUsage): Promise<PutResult> {
    const doc = await books.findOne({ _id: asWritten.book.id, owner }, { session });
    const write = { ...asWritten, book: withTrash(doc && toBook(doc), asWritten.book) };
    const { book, expectedRevision } = write;
    // Only when an update finds no book of this owner do we look the id up without the owner (a broadcast query
    // when sharded); a create of another owner's id is caught by the unique _id on insert instead.
    const foreign =
      !doc && expectedRevision !== null && (await books.findOne({ _id: book.id }, { session, projection: { _id: 1 } })) !== null;
    const check = checkWrite(doc && { book: toBook(doc), size: doc.size }, write, usage, foreign);
    if (!check.ok) return check;
    const counter = await counters.findOneAndUpdate(
      { _id: owner },
      { $inc: { seq: 1, bytes: check.growth } },
      { upsert: true, returnDocument: 'after', session },
    );
    usage.bytes = counter!.bytes ?? 0;
    const next = toBookDoc(owner, book, counter!.seq, check.size);

    if (!doc) {
      try {
        await books.insertOne(next, { session });
      } catch (error) {
        // A duplicate _id means another owner has this id. Throwing aborts the transaction (so the counter is not
        // bumped either); putBooks runs the step again with that write answered 'foreign'. With sharding on owner,
        // _id uniqueness is only enforced per shard, which is acceptable because book ids are random UUIDs.
        if (isDuplicateKey(error, '_id')) throw new ForeignBookError(book.id);
        throw error;
      }
      return { ok: true, book: toBook(next) };
    }

    await archive(session, owner, doc, book);
    const replaced = await books.replaceOne({ _id: book.id, owner, revision: doc.revision }, next, { session });
    // Cannot happen inside the transaction; throwing aborts it rather than commit a seq without its book.
    if (replaced.matchedCount !== 1) throw new Error(`book ${book.id} changed during its own transaction`);
    return { ok: true, book: toBook(next) };
  }

  let closed = false;

  return reportingFullDisk({
    kind: 'mongodb',

    async getBook(owner, id) {
      const doc = await books.findOne({ _id: id, owner });
      return doc ? toBook(doc) : null;
    },

    async getBooks(owner, ids) {
      if (ids.length === 0) return [];
      const docs = await books.find({ owner, _id: { $in: [...ids] } }).toArray();
      return docs.map(toBook);
    },

    async putBooks(owner, writes, quotaBytes = Number.POSITIVE_INFINITY) {
      assertDistinctBooks(writes);
      if (writes.length === 0) return [];
      // Ids found to belong to another owner: a failed insert aborts the whole transaction, so the step runs again
      // without them (a rare path: book ids are random UUIDs).
      const foreign = new Set<string>();
      for (;;) {
        const session = client.startSession();
        try {
          return await session.withTransaction(async () => {
            const counter = await counters.findOne({ _id: owner }, { session });
            const usage = { bytes: counter?.bytes ?? 0, quota: quotaBytes };
            const results: PutResult[] = [];
            for (const write of writes) {
              results.push(
                foreign.has(write.book.id) ? { ok: false, reason: 'foreign' } : await putBookInTransaction(session, owner, write, usage),
              );
            }
            return results;
          }, TRANSACTION_OPTIONS);
        } catch (error) {
          if (!(error instanceof ForeignBookError) || foreign.has(error.bookId)) throw error;
          foreign.add(error.bookId);
        } finally {
          await session.endSession();
        }
      }
    },

    async changesSince(owner, since, limit, budget = UNBOUNDED): Promise<ChangePage> {
      // Sizes first, from the owner_seq_size index (one extra tells whether another page exists), then only the books
      // that fit. A book rewritten in between has left the range for a later seq, where the next page finds it.
      const sizes = await books
        .find({ owner, seq: { $gt: since } }, { projection: { _id: 0, seq: 1, size: 1 } })
        .sort({ seq: 1 })
        .limit(limit + 1)
        .toArray();
      const { fit, hasMore } = cutPage(sizes, limit, budget);
      const last = fit.at(-1)?.seq ?? since;
      // The text a tombstone keeps for the trash never travels in the feed.
      const docs =
        fit.length > 0 ? await books.find({ owner, seq: { $gt: since, $lte: last } }, { projection: { trashed: 0 } }).sort({ seq: 1 }).toArray() : [];
      return { books: docs.map(({ trashed: _notInFeed, ...doc }) => toBook(doc)), last, hasMore };
    },

    async listRevisions(owner, id, query = {}): Promise<RevisionPage | null> {
      if (!(await books.findOne({ _id: id, owner }, { projection: { _id: 1 } }))) return null;
      const range = { $lt: query.before ?? Number.MAX_SAFE_INTEGER };
      const limit = query.limit ?? LIMITS.pageMax;
      const sizes = await revisions
        .find({ owner, bookId: id, revision: range }, { projection: { _id: 0, revision: 1, size: 1 } })
        .sort({ revision: -1 })
        .limit(limit + 1)
        .toArray();
      const { fit, hasMore } = cutPage(sizes, limit, query.budget ?? UNBOUNDED);
      const oldest = fit.at(-1)?.revision;
      const docs =
        oldest === undefined
          ? []
          : await revisions
              .find({ owner, bookId: id, revision: { ...range, $gte: oldest } }, { projection: SUMMARY_PROJECTION })
              .sort({ revision: -1 })
              .toArray();
      return { revisions: docs.map(toSummary), hasMore };
    },

    async getRevision(owner, id, which) {
      const filter =
        'revision' in which
          ? { owner, bookId: id, revision: which.revision }
          : { owner, bookId: id, syncedAt: { $lte: which.currentAt }, replacedAt: { $gt: which.currentAt } };
      // Outside a transaction: the book is read first, then the chain; a write in between shows as links that do not
      // join (readText's ChainMovedError), and the read starts again.
      for (let attempt = 1; ; attempt++) {
        const doc = await revisions.findOne(filter, { sort: { revision: -1 }, projection: SUMMARY_PROJECTION });
        if (!doc) return null;
        const book = await books.findOne({ _id: id, owner }, { projection: { revision: 1, content: 1 } });
        const links: KeptText[] = [];
        for await (const link of revisions.find({ owner, bookId: id, revision: { $gte: doc.revision } }, { projection: TEXT_PROJECTION }).sort({ revision: 1 })) {
          links.push(toKeptText(link));
          if (link.snapshot !== null) break;
        }
        try {
          return { ...toSummary(doc as RevisionDoc), content: readText(links, book && { revision: book.revision, content: book.content }) };
        } catch (error) {
          if (!(error instanceof ChainMovedError) || attempt >= CHAIN_READS) throw error;
        }
      }
    },

    async listTrash(owner, deletedAfter) {
      const docs = await books.find({ owner, syncedAt: { $gt: deletedAfter }, trashed: { $exists: true } }).sort({ syncedAt: -1, _id: 1 }).toArray();
      return docs.map(toBook);
    },

    async purgeTrash(owner, deletedUpTo, ids) {
      // Each purged tombstone shrinks to its size without the deleted text, and the owner's total with it, together.
      const session = client.startSession();
      try {
        return await session.withTransaction(async () => {
          const only = ids ? { _id: { $in: [...ids] } } : {};
          const docs = await books.find({ owner, ...only, syncedAt: { $lte: deletedUpTo }, trashed: { $exists: true } }, { session }).toArray();
          let shrunk = 0;
          for (const doc of docs) {
            const { trashed: _gone, ...tombstone } = toBook(doc);
            const size = bookSize(tombstone);
            await books.updateOne({ _id: doc._id, owner, seq: doc.seq }, { $unset: { trashed: '' }, $set: { size } }, { session });
            shrunk += doc.size - size;
          }
          if (shrunk) await counters.updateOne({ _id: owner }, { $inc: { bytes: -shrunk } }, { session });
          return docs.length;
        }, TRANSACTION_OPTIONS);
      } finally {
        await session.endSession();
      }
    },

    async storedBytes(owner) {
      return (await counters.findOne({ _id: owner }))?.bytes ?? 0;
    },

    async createUser(user) {
      try {
        await users.insertOne({
          _id: user.id,
          email: normaliseEmail(user.email),
          name: user.name,
          passwordHash: user.passwordHash,
          createdAt: user.createdAt,
        });
      } catch (error) {
        if (isDuplicateKey(error, 'email')) throw new EmailTakenError();
        throw error;
      }
    },

    async findUserByEmail(email) {
      const doc = await users.findOne({ email: normaliseEmail(email) });
      return doc ? toUser(doc) : null;
    },

    async findUserById(id) {
      const doc = await users.findOne({ _id: id });
      return doc ? toUser(doc) : null;
    },

    async createToken(token) {
      await tokens.insertOne({
        _id: token.id,
        userId: token.userId,
        hash: token.hash,
        deviceName: token.deviceName,
        createdAt: token.createdAt,
        lastUsedAt: token.lastUsedAt,
        sessionId: token.sessionId,
        signIn: token.signIn,
      });
    },

    async findTokenByHash(hash) {
      const doc = await tokens.findOne({ hash });
      return doc ? toToken(doc) : null;
    },

    async touchToken(id, at) {
      await tokens.updateOne({ _id: id }, { $set: { lastUsedAt: at } });
    },

    async listTokens(userId) {
      const docs = await tokens.find({ userId }).sort({ createdAt: 1, _id: 1 }).toArray();
      return docs.map(toToken);
    },

    async revokeToken(userId, id) {
      const result = await tokens.deleteOne({ _id: id, userId });
      return result.deletedCount === 1;
    },

    async createSession(session) {
      await sessions.insertOne({
        _id: session.id,
        userId: session.userId,
        provider: session.provider,
        createdAt: session.createdAt,
        expiresAt: session.expiresAt,
        expireAt: new Date(session.expiresAt),
      });
    },

    async findSession(id, now) {
      // The TTL monitor runs about once a minute, so an ended session may linger briefly: check the time too.
      const doc = await sessions.findOne({ _id: id, expiresAt: { $gt: now } });
      return doc ? toSession(doc) : null;
    },

    async listSessions(userId, now) {
      const docs = await sessions.find({ userId, expiresAt: { $gt: now } }).sort({ createdAt: 1, _id: 1 }).toArray();
      return docs.map(toSession);
    },

    // No transaction needed: a token whose session is gone is refused anyway (require-user checks its parent), so
    // the token deletes only tidy up, and a crash between the two steps leaves nothing that works.
    async revokeSession(userId, id) {
      const removed = await sessions.deleteOne({ _id: id, userId });
      if (removed.deletedCount !== 1) return false;
      await tokens.deleteMany({ userId, sessionId: id });
      return true;
    },

    async revokeAllCredentials(userId) {
      const removedSessions = await sessions.deleteMany({ userId });
      const removedTokens = await tokens.deleteMany({ userId });
      return { sessions: removedSessions.deletedCount, tokens: removedTokens.deletedCount };
    },

    async linkIdentity(identity) {
      try {
        await identities.insertOne({ _id: `${identity.provider}:${identity.subject}`, ...identity });
      } catch (error) {
        if (isDuplicateKey(error, '_id')) throw new IdentityTakenError();
        throw error;
      }
    },

    async findIdentity(provider, subject) {
      const doc = await identities.findOne({ _id: `${provider}:${subject}` });
      return doc ? toIdentity(doc) : null;
    },

    async listIdentities(userId) {
      const docs = await identities.find({ userId }).sort({ createdAt: 1, provider: 1 }).toArray();
      return docs.map(toIdentity);
    },

    async hit(key, windowStart, windowMs) {
      // One atomic upsert per hit, so the count holds across server processes.
      const hitOnce = () =>
        rateLimits.findOneAndUpdate(
          { _id: `${key}:${windowStart}` },
          { $inc: { count: 1 }, $setOnInsert: { expiresAt: new Date(windowStart + windowMs) } },
          { upsert: true, returnDocument: 'after' },
        );
      let doc: RateLimitDoc | null;
      try {
        doc = await hitOnce();
      } catch (error) {
        // Two first hits of a window can race on the upsert's insert; the loser's retry is then a plain update.
        if (!isDuplicateKey(error, '_id')) throw error;
        doc = await hitOnce();
      }
      return doc!.count;
    },

    async close() {
      if (closed) return;
      closed = true;
      await client.close();
    },
  }, isMongoStoreFull);
}

/**
 * Re-encodes the whole-copy revisions kept before history was a chain of reverse patches (server/history/chain.ts),
 * once per database (a `migrations` document marks it done), book by book in one transaction each, so a start that
 * stops midway leaves every book either converted or whole for the next start.
 */
async function migrateRevisionChains(client: MongoClient, db: Db): Promise<void> {
  const migrations = db.collection<MigrationDoc>('migrations');
  if (await migrations.findOne({ _id: 'revision-chains' })) return;
  const whole = db.collection<WholeRevisionDoc>('revisions');
  const books = new Map<string, { owner: string; bookId: string }>();
  for await (const doc of whole.find({ hash: { $exists: false } }, { projection: { _id: 0, owner: 1, bookId: 1 } })) {
    books.set(`${doc.owner}:${doc.bookId}`, { owner: doc.owner, bookId: doc.bookId });
  }
  for (const { owner, bookId } of books.values()) {
    const session = client.startSession();
    try {
      await session.withTransaction(async () => {
        const current = await db.collection<BookDoc>('books').findOne({ _id: bookId, owner }, { session });
        const old = await whole.find({ owner, bookId, hash: { $exists: false } }, { session }).sort({ revision: -1 }).toArray();
        if (!current || old.length === 0) return;
        const encoded = encodeHistory(old, current, DEFAULT_HISTORY);
        for (const [i, doc] of old.entries()) {
          const converted = toRevisionDoc(owner, revisionFields(doc, bookId, doc.replacedAt, null), encoded[i]!);
          await db.collection<RevisionDoc>('revisions').replaceOne({ _id: converted._id }, converted, { session });
        }
      }, TRANSACTION_OPTIONS);
    } finally {
      await session.endSession();
    }
  }
  await migrations.updateOne({ _id: 'revision-chains' }, { $set: { doneAt: new Date() } }, { upsert: true });
}

/**
 * Gives books and revisions written before sizes were recorded their size, and each owner's counter the total, once
 * per database (a `migrations` document marks it done). Runs before the store serves, so every write after it keeps
 * the totals; a second process starting at the same time repeats it harmlessly (it only fills what is missing).
 */
async function recordSizes(db: Db): Promise<void> {
  const migrations = db.collection<MigrationDoc>('migrations');
  if (await migrations.findOne({ _id: 'book-sizes' })) return;
  for (const name of ['books', 'revisions'] as const) {
    const collection = db.collection<BookDoc | WholeRevisionDoc>(name);
    for await (const doc of collection.find({ size: { $exists: false } })) {
      const id = name === 'books' ? doc._id : (doc as WholeRevisionDoc).bookId;
      await collection.updateOne({ _id: doc._id }, { $set: { size: bookSize({ ...doc, id }) } });
    }
  }
  const totals = db.collection<BookDoc>('books').aggregate<{ _id: string; bytes: number }>([
    { $group: { _id: '$owner', bytes: { $sum: '$size' } } },
  ]);
  for await (const { _id, bytes } of totals) {
    await db.collection<CounterDoc>('counters').updateOne({ _id, bytes: { $exists: false } }, { $set: { bytes } });
  }
  await migrations.updateOne({ _id: 'book-sizes' }, { $set: { doneAt: new Date() } }, { upsert: true });
}

