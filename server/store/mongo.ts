// The MongoDB store (official driver): owner-keyed documents, transactional compare-and-set writes and change feed.
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { MongoClient, MongoServerError, type ClientSession, type Db } from 'mongodb';
import { LIMITS, type BookRevision, type MergeRecord } from '../../shared/protocol.ts';
import { bookSize, fitPage, REPLACED_AT_BYTES, UNBOUNDED } from './paging.ts';
import {
  assertDistinctBooks,
  EmailTakenError,
  IdentityTakenError,
  reportingFullDisk,
  type BookWrite,
  type ChangePage,
  type Identity,
  type PutResult,
  type SessionRecord,
  type RevisionPage,
  type Store,
  type StoredBook,
  type TokenRecord,
  type User,
} from './types.ts';

// Sharding: books and revisions carry `owner` and every query on them filters on it, so both can be sharded on
// { owner: 1 }; counters are keyed by the owner itself (shard on _id). Users, tokens and rate limits are small and
// stay unsharded.

// jongodb, the in-memory server that npm test and the bench run on, differs from MongoDB in ways that break
// concurrent putBooks transactions (each pinned in jongodb.test.ts):
// - no write-conflict detection: two overlapping transactions that update one document both commit;
// - commits are not isolated from each other: a commit merges its changes into a copy of the collections it takes
//   before it locks the store, so two commits that overlap in time (of ANY owners) can silently drop one another's
//   writes: an acknowledged book vanishes, or an owner's counter goes back and hands out a seq a second time;
// - a commit whose merge then breaks a unique index (owner_seq) drops the connection and leaves the transaction open
//   on the server: the driver clears its pool, failing every operation in flight, and its retry on the same session
//   is refused with "transaction already in progress for this session".
// So on jongodb (detected at start-up by detectWriteConflicts) every putBooks step, of every owner and every process,
// takes one lease document in turn (withWriteLock), and no transaction ever overlaps another. Real MongoDB never takes
// that path: there the transaction alone is correct and writers of different owners run in parallel.

interface BookDoc {
  /** The book id. Book ids are globally unique, so inserting an id another owner has fails on _id. */
  _id: string;
  owner: string;
  title: string;
  author: string;
  content: string;
  metadata: BookWrite['metadata'];
  updatedAt: number;
  createdAt: number;
  syncedAt: number;
  revision: number;
  deleted: boolean;
  seq: number;
  /** paging.ts bookSize: pages are cut by size from the (owner, seq, size) index before any text is read. */
  size: number;
  /** How a three-way merge made this revision; absent otherwise. */
  merge?: MergeRecord;
}

interface RevisionDoc extends Omit<BookDoc, '_id' | 'seq'> {
  /** `${owner}:${bookId}:${revision}`: archiving the same version twice is a no-op, never a second copy. */
  _id: string;
  bookId: string;
  replacedAt: number;
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

interface WriteLockDoc {
  _id: string;
  holder: string | null;
  expiresAt: Date;
}

const COLLECTIONS = [
  'books',
  'revisions',
  'counters',
  'users',
  'tokens',
  'sessions',
  'identities',
  'rate_limits',
  'write_locks',
  'store_capabilities',
  'migrations',
];

const DUPLICATE_KEY = 11000;
const WRITE_CONFLICT = 112;
const ILLEGAL_OPERATION = 20;
/** Refused for lack of disk space (the server's disk-space monitor, e.g. Atlas when a volume is full). */
const OUT_OF_DISK_SPACE = 14031;

/** MongoDB's out-of-disk refusals, by code (never by message text). */
export function isMongoStoreFull(error: unknown): boolean {
  return error instanceof MongoServerError && (error.code === OUT_OF_DISK_SPACE || error.codeName === 'OutOfDiskSpace');
}

/** Majority commit: an acknowledged sync must survive a primary failover. */
const TRANSACTION_OPTIONS = { writeConcern: { w: 'majority' as const } };

/** jongodb accommodation only: the one lease document all putBooks transactions take in turn (see withWriteLock). */
const WRITE_LOCK_ID = 'putBook';
/** jongodb accommodation only: how long the write lock is honoured if its holder dies mid-write. */
const WRITE_LOCK_LEASE_MS = 30_000;

function isDuplicateKey(error: unknown, field: string): boolean {
  if (!(error instanceof MongoServerError) || error.code !== DUPLICATE_KEY) return false;
  const keyPattern = (error as MongoServerError & { keyPattern?: Record<string, unknown> }).keyPattern;
  if (keyPattern) return Object.keys(keyPattern).join() === field;
  // jongodb names the key only in its message: "E11000 duplicate key error index: email dup key: { email: … }".
  return new RegExp(`dup key: \\{ ${field}: [^,]*\\}$`).test(error.message);
}

/** Thrown inside the putBooks transaction to abort it when a book id belongs to another owner. */
class ForeignBookError extends Error {
  constructor(readonly bookId: string) {
    super(`book ${bookId} belongs to another owner`);
  }
}

// Documents are written only by this module (toBookDoc and the inserts below), so reads map them field for field.
function toBook({ _id, size: _size, ...book }: BookDoc): StoredBook {
  return { id: _id, ...book };
}

function toBookDoc(owner: string, book: BookWrite, seq: number): BookDoc {
  return {
    _id: book.id,
    owner,
    title: book.title,
    author: book.author,
    content: book.content,
    metadata: book.metadata,
    updatedAt: book.updatedAt,
    createdAt: book.createdAt,
    syncedAt: book.syncedAt,
    revision: book.revision,
    deleted: book.deleted,
    seq,
    size: bookSize(book),
    ...(book.merge ? { merge: book.merge } : {}),
  };
}

function toRevision({ _id: _key, bookId, owner: _owner, size: _size, ...version }: RevisionDoc): BookRevision {
  return { id: bookId, ...version };
}

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
 * Whether two overlapping transactions that update the same document make the second fail with WriteConflict.
 * Real MongoDB (replica set or sharded) always does; putBooks relies on it to serialise writers of one owner.
 * jongodb (the in-memory test server) does not: its commit merges documents last-writer-wins, and a commit that
 * fails on a conflicting insert still applies its other collections. Standalone mongod has no transactions at all.
 */
export async function detectWriteConflicts(client: MongoClient, db: Db): Promise<boolean> {
  const probe = db.collection<{ _id: string; n: number }>('store_capabilities');
  const _id = `write-conflict-probe-${randomUUID()}`;
  await probe.insertOne({ _id, n: 0 });
  const first = client.startSession();
  const second = client.startSession();
  try {
    first.startTransaction();
    second.startTransaction();
    await probe.updateOne({ _id }, { $inc: { n: 1 } }, { session: first });
    try {
      await probe.updateOne({ _id }, { $inc: { n: 1 } }, { session: second });
      return false;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === WRITE_CONFLICT) return true;
      throw error;
    }
  } catch (error) {
    if (error instanceof MongoServerError && error.code === ILLEGAL_OPERATION) {
      throw new Error(
        'MongoDB store needs transactions: run MongoDB as a replica set (e.g. mongod --replSet rs0, see compose.yaml)',
        { cause: error },
      );
    }
    throw error;
  } finally {
    for (const session of [first, second]) {
      if (session.inTransaction()) await session.abortTransaction().catch(() => undefined);
      await session.endSession();
    }
    await probe.deleteOne({ _id });
  }
}

/** Drops a database; on servers without dropDatabase (jongodb) empties the store's collections instead. */
export async function dropMongoDatabase(uri: string, dbName: string): Promise<void> {
  const client = new MongoClient(uri);
  try {
    const db = client.db(dbName);
    try {
      await db.dropDatabase();
    } catch (error) {
      if (!(error instanceof MongoServerError && error.codeName === 'CommandNotFound')) throw error;
      await Promise.all(COLLECTIONS.map((name) => db.collection(name).deleteMany({})));
    }
  } finally {
    await client.close();
  }
}

export async function openMongoStore(uri: string, dbName: string): Promise<Store> {
  const client = new MongoClient(uri);
  await client.connect();
  try {
    return await createMongoStore(client, client.db(dbName));
  } catch (error) {
    await client.close();
    throw error;
  }
}

async function createMongoStore(client: MongoClient, db: Db): Promise<Store> {
  const books = db.collection<BookDoc>('books');
  const revisions = db.collection<RevisionDoc>('revisions');
  const counters = db.collection<CounterDoc>('counters');
  const users = db.collection<UserDoc>('users');
  const tokens = db.collection<TokenDoc>('tokens');
  const sessions = db.collection<SessionDoc>('sessions');
  const identities = db.collection<IdentityDoc>('identities');
  const rateLimits = db.collection<RateLimitDoc>('rate_limits');
  const writeLocks = db.collection<WriteLockDoc>('write_locks');

  await Promise.all([
    // Unique on (owner, _id): the shard-key-prefixed form of "owner + id unique" that a sharded cluster accepts.
    books.createIndex({ owner: 1, _id: 1 }, { unique: true, name: 'owner_id' }),
    books.createIndex({ owner: 1, seq: 1 }, { unique: true, name: 'owner_seq' }),
    revisions.createIndex({ owner: 1, bookId: 1, revision: -1 }, { name: 'owner_book_revision' }),
    // Cover the size-only queries that cut pages by bytes (projection of seq/revision and size, no _id).
    books.createIndex({ owner: 1, seq: 1, size: 1 }, { name: 'owner_seq_size' }),
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

  // On real MongoDB this is true and the owner's counter document alone serialises writers (see
  // putBookInTransaction). Otherwise this is jongodb, whose transactions must not overlap at all (see the comment at
  // the top of the module).
  const serialiseAllWrites = !(await detectWriteConflicts(client, db));
  await recordSizes(db);

  /**
   * One compare-and-set write inside the step's transaction. Every accepted write increments the owner's counter
   * document, so two transactions of one owner always write the same document: MongoDB aborts the later one with
   * a WriteConflict (TransientTransactionError) and withTransaction retries it from a fresh snapshot. Hence a
   * write that got seq n+1 started its successful attempt only after the one with seq n committed: commits are in
   * seq order per owner and a reader whose cursor passed n+1 can never find n appearing later.
   */
  async function putBookInTransaction(
    session: ClientSession,
    owner: string,
    book: BookWrite,
    expectedRevision: number | null,
    usage: { bytes: number; quota: number },
  ): Promise<PutResult> {
    const current = await books.findOne({ _id: book.id, owner }, { session });
    if (!current) {
      if (expectedRevision !== null) {
        // Only on this rare path do we look the id up without the owner (a broadcast query when sharded).
        const other = await books.findOne({ _id: book.id }, { session, projection: { _id: 1 } });
        return other ? { ok: false, reason: 'foreign' } : { ok: false, reason: 'missing' };
      }
    } else if (current.revision !== expectedRevision) {
      return { ok: false, reason: 'conflict', current: toBook(current) };
    }

    const size = bookSize(book);
    const growth = size - (current?.size ?? 0);
    if (growth > 0 && !book.deleted && usage.bytes + growth > usage.quota) return { ok: false, reason: 'quota', used: usage.bytes };
    const counter = await counters.findOneAndUpdate(
      { _id: owner },
      { $inc: { seq: 1, bytes: growth } },
      { upsert: true, returnDocument: 'after', session },
    );
    const seq = counter!.seq;
    usage.bytes = counter!.bytes ?? 0;
    const doc = toBookDoc(owner, book, seq);

    if (!current) {
      try {
        await books.insertOne(doc, { session });
      } catch (error) {
        // A duplicate _id means another owner has this id. Throwing aborts the transaction (so the counter is not
        // bumped either); putBooks runs the step again with that write answered 'foreign'. With sharding on owner,
        // _id uniqueness is only enforced per shard, which is acceptable because book ids are random UUIDs.
        if (isDuplicateKey(error, '_id')) throw new ForeignBookError(book.id);
        throw error;
      }
      return { ok: true, book: toBook(doc) };
    }

    const { _id: bookId, seq: _replacedSeq, ...replaced } = current;
    await revisions.replaceOne(
      { _id: `${owner}:${bookId}:${current.revision}` },
      { ...replaced, bookId, replacedAt: book.syncedAt },
      { upsert: true, session },
    );
    const beyondKept = await revisions
      .find({ owner, bookId }, { session, projection: { _id: 1 } })
      .sort({ revision: -1 })
      .skip(LIMITS.revisionsKept)
      .toArray();
    if (beyondKept.length > 0) {
      await revisions.deleteMany({ owner, _id: { $in: beyondKept.map((r) => r._id) } }, { session });
    }
    const replacedBook = await books.replaceOne({ _id: bookId, owner, revision: current.revision }, doc, { session });
    // Cannot happen inside the transaction; throwing aborts it rather than commit a seq without its book.
    if (replacedBook.matchedCount !== 1) throw new Error(`book ${bookId} changed during its own transaction`);
    return { ok: true, book: toBook(doc) };
  }

  /**
   * jongodb accommodation (serialiseAllWrites): putBooks transactions take turns, in this process through a promise
   * chain and across processes through a lease document taken with one atomic conditional update. A lock per owner
   * is not enough: commits of different owners overlapping in time lose each other's writes on jongodb. The lease
   * document is never written inside a transaction, so those merges cannot drop its updates; nor is any document of
   * books, counters or revisions written outside one. Not used on real MongoDB, where the transaction alone is correct.
   */
  let localTurn: Promise<unknown> = Promise.resolve();
  async function withWriteLock<T>(write: () => Promise<T>): Promise<T> {
    const turn = localTurn.catch(() => undefined).then(async () => {
      const holder = randomUUID();
      await acquireWriteLock(holder);
      try {
        return await write();
      } finally {
        await writeLocks.updateOne({ _id: WRITE_LOCK_ID, holder }, { $set: { holder: null } });
      }
    });
    localTurn = turn;
    return turn;
  }

  let writeLockDocExists = false;
  async function acquireWriteLock(holder: string): Promise<void> {
    if (!writeLockDocExists) {
      try {
        await writeLocks.insertOne({ _id: WRITE_LOCK_ID, holder: null, expiresAt: new Date(0) });
      } catch (error) {
        if (!isDuplicateKey(error, '_id')) throw error;
      }
      writeLockDocExists = true;
    }
    for (let attempt = 0; ; attempt++) {
      const now = Date.now();
      const taken = await writeLocks.updateOne(
        { _id: WRITE_LOCK_ID, $or: [{ holder: null }, { expiresAt: { $lt: new Date(now) } }] },
        { $set: { holder, expiresAt: new Date(now + WRITE_LOCK_LEASE_MS) } },
      );
      if (taken.modifiedCount === 1) return;
      // Another process holds the lock (a write takes a few ms): back off briefly, jittered, and retry.
      await delay(Math.random() * Math.min(10, 1 + attempt));
    }
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
      const write = async (): Promise<PutResult[]> => {
        const session = client.startSession();
        try {
          return await session.withTransaction(async () => {
            const counter = await counters.findOne({ _id: owner }, { session });
            const usage = { bytes: counter?.bytes ?? 0, quota: quotaBytes };
            const results: PutResult[] = [];
            for (const { book, expectedRevision } of writes) {
              results.push(
                foreign.has(book.id)
                  ? { ok: false, reason: 'foreign' }
                  : await putBookInTransaction(session, owner, book, expectedRevision, usage),
              );
            }
            return results;
          }, TRANSACTION_OPTIONS);
        } finally {
          await session.endSession();
        }
      };
      for (;;) {
        try {
          return await (serialiseAllWrites ? withWriteLock(write) : write());
        } catch (error) {
          if (!(error instanceof ForeignBookError) || foreign.has(error.bookId)) throw error;
          foreign.add(error.bookId);
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
      const count = fitPage(sizes.map((d) => d.size), limit, budget);
      const last = count > 0 ? sizes[count - 1]!.seq : since;
      const docs = count > 0 ? await books.find({ owner, seq: { $gt: since, $lte: last } }).sort({ seq: 1 }).toArray() : [];
      return { books: docs.map(toBook), last, hasMore: sizes.length > count };
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
      const count = fitPage(sizes.map((d) => d.size + REPLACED_AT_BYTES), limit, query.budget ?? UNBOUNDED);
      const docs =
        count > 0
          ? await revisions
              .find({ owner, bookId: id, revision: { ...range, $gte: sizes[count - 1]!.revision } })
              .sort({ revision: -1 })
              .toArray()
          : [];
      return { revisions: docs.map(toRevision), hasMore: sizes.length > count };
    },

    async getRevision(owner, id, which) {
      const filter =
        'revision' in which
          ? { owner, bookId: id, revision: which.revision }
          : { owner, bookId: id, syncedAt: { $lte: which.currentAt }, replacedAt: { $gt: which.currentAt } };
      const read = () => revisions.findOne(filter, { sort: { revision: -1 } });
      // jongodb accommodation: its commits are not atomic to readers, so a book already at the next revision can be
      // read while the revision it replaced is not there yet; reading in the writers' turn waits for whole commits.
      const doc = await (serialiseAllWrites ? withWriteLock(read) : read());
      return doc ? toRevision(doc) : null;
    },

    async storedBytes(owner) {
      return (await counters.findOne({ _id: owner }))?.bytes ?? 0;
    },

    async createUser(user) {
      try {
        await users.insertOne({
          _id: user.id,
          email: user.email.toLowerCase(),
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
      const doc = await users.findOne({ email: email.toLowerCase() });
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
 * Gives books and revisions written before sizes were recorded their size, and each owner's counter the total, once
 * per database (a `migrations` document marks it done). Runs before the store serves, so every write after it keeps
 * the totals; a second process starting at the same time repeats it harmlessly (it only fills what is missing).
 */
async function recordSizes(db: Db): Promise<void> {
  const migrations = db.collection<MigrationDoc>('migrations');
  if (await migrations.findOne({ _id: 'book-sizes' })) return;
  for (const name of ['books', 'revisions'] as const) {
    const collection = db.collection<BookDoc | RevisionDoc>(name);
    for await (const doc of collection.find({ size: { $exists: false } })) {
      const id = name === 'books' ? doc._id : (doc as RevisionDoc).bookId;
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

