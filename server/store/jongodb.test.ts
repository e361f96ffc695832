// Pins the jongodb gaps that the test harness accommodates (jongodb.testing.ts), so each accommodation can go once
// jongodb closes its gap.
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { MongoClient, MongoNetworkError, MongoServerError, type ServerHeartbeatFailedEvent } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollingUri, readDuplicateKeysFromMessages, startJongodb } from './jongodb.testing.ts';

describe('jongodb, the in-memory MongoDB used by npm test', () => {
  let server: Awaited<ReturnType<typeof startJongodb>>;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startJongodb();
    client = await new MongoClient(pollingUri(server.uri)).connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  const collection = (name: string) => client.db('gaps').collection<{ _id: string; n: number }>(`${name}-${randomUUID()}`);

  it('reports itself as a one-node replica set, as production runs', async () => {
    const hello = await client.db('admin').command({ hello: 1 });

    expect(hello).toMatchObject({ isWritablePrimary: true, setName: 'rs0' });
  });

  it('lets two overlapping transactions update one document without a WriteConflict, so putBooks steps take turns', async () => {
    const docs = collection('write-conflict');
    await docs.insertOne({ _id: 'one', n: 0 });
    const [first, second] = [client.startSession(), client.startSession()];
    try {
      first.startTransaction();
      second.startTransaction();
      await docs.updateOne({ _id: 'one' }, { $inc: { n: 1 } }, { session: first });
      // MongoDB refuses this update with WriteConflict (code 112): the first transaction holds the document.
      await docs.updateOne({ _id: 'one' }, { $inc: { n: 1 } }, { session: second });
      await first.commitTransaction();
      await second.commitTransaction();

      expect(await docs.findOne({ _id: 'one' })).toMatchObject({ n: 1 });
    } finally {
      await Promise.all([first, second].map((session) => session.endSession()));
    }
  });

  it('names a duplicate key only in its message; the harness reads keyPattern and keyValue from it', async () => {
    const docs = client.db('gaps').collection<{ _id: string; email: string }>(`dup-${randomUUID()}`);
    await docs.createIndex({ email: 1 }, { unique: true });
    await docs.insertOne({ _id: 'a', email: 'ada@example.com' });
    const error = await docs.insertOne({ _id: 'b', email: 'ada@example.com' }).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 11000 });
    expect((error as MongoServerError).errorResponse).not.toHaveProperty('keyPattern');
    readDuplicateKeysFromMessages();
    expect(error).toMatchObject({ keyPattern: { email: 1 }, keyValue: { email: 'ada@example.com' } });
    const onId = await docs.insertOne({ _id: 'a', email: 'other@example.com' }).catch((e: unknown) => e);
    expect(onId).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'a' } });
  });

  it('silently drops acknowledged writes of transactions on different documents whose commits overlap', async () => {
    const docs = collection('overlap');
    // A commit merges into a copy of the collection taken before it locks the store; a bigger collection widens
    // that window, so overlapping commits drop each other's writes in most rounds.
    await docs.insertMany(Array.from({ length: 500 }, (_, n) => ({ _id: `filler-${n}`, n })));
    const writers = 20;
    let lost = 0;
    for (let round = 0; round < 10 && lost === 0; round++) {
      const sessions = Array.from({ length: writers }, () => client.startSession());
      try {
        for (const [n, session] of sessions.entries()) {
          session.startTransaction();
          await docs.insertOne({ _id: `round-${round}-${n}`, n }, { session });
        }
        // Every commit is acknowledged...
        await Promise.all(sessions.map((session) => session.commitTransaction()));
      } finally {
        await Promise.all(sessions.map((session) => session.endSession()));
      }
      // ...yet some of the documents are not there.
      lost = writers - (await docs.countDocuments({ _id: { $regex: `^round-${round}-` } }));
    }

    expect(lost).toBeGreaterThan(0);
  });

  it('drops the connection and keeps the transaction open when a commit breaks a unique index', async () => {
    const docs = collection('unique');
    await docs.createIndex({ n: 1 }, { unique: true });
    const session = client.startSession();
    try {
      session.startTransaction();
      await docs.insertOne({ _id: 'in-transaction', n: 1 }, { session });
      await docs.insertOne({ _id: 'outside', n: 1 });

      expect(await session.commitTransaction().catch((e: unknown) => e)).toBeInstanceOf(MongoNetworkError);

      // The session's next transaction (a higher txnNumber) is refused: the failed one never ended on the server.
      session.startTransaction();
      const refused = await docs.findOne({}, { session }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(MongoServerError);
      expect(refused).toMatchObject({ code: 14, message: 'transaction already in progress for this session' });
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
  });

  it('answers a commit that meets a concurrent insert with a WriteConflict that withTransaction does not retry', async () => {
    const docs = collection('conflict');
    const session = client.startSession();
    try {
      session.startTransaction();
      await docs.insertOne({ _id: 'same', n: 1 }, { session });
      await docs.insertOne({ _id: 'same', n: 2 });

      const error = await session.commitTransaction().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MongoServerError);
      expect(error).toMatchObject({ code: 112, message: 'commit transaction write conflict on _id=same' });
      // MongoDB labels a WriteConflict TransientTransactionError, which withTransaction retries; jongodb does not.
      expect((error as MongoServerError).hasErrorLabel('TransientTransactionError')).toBe(false);
    } finally {
      await session.endSession();
    }
  });

  it("breaks the driver's streaming heartbeat and so clears its pool, which is why its clients poll", async () => {
    const streaming = new MongoClient(server.uri, { serverMonitoringMode: 'stream', heartbeatFrequencyMS: 500 });
    try {
      const signal = AbortSignal.timeout(15_000);
      const failed = once(streaming, 'serverHeartbeatFailed', { signal });
      const cleared = once(streaming, 'connectionPoolCleared', { signal });
      await streaming.connect();
      const [event] = (await failed) as [ServerHeartbeatFailedEvent];

      expect(event.awaited).toBe(true);
      expect(event.failure.message).toBe('Server ended moreToCome unexpectedly');
      await cleared;
    } finally {
      await streaming.close();
    }
  });

  it('has neither dropDatabase nor listCollections, so test cleanup empties the store\'s collections by name', async () => {
    const dropped = await client.db('gaps').dropDatabase().catch((e: unknown) => e);
    const listed = await client.db('gaps').listCollections().toArray().catch((e: unknown) => e);

    expect(dropped).toBeInstanceOf(MongoServerError);
    expect((dropped as MongoServerError).codeName).toBe('CommandNotFound');
    expect(listed).toBeInstanceOf(MongoServerError);
    expect((listed as MongoServerError).message).toMatch(/no such command: listcollections/i);
  });
});
