// Pins the jongodb gaps that mongo.ts accommodates, so the accommodation can go once jongodb closes them.
import { MongoClient, MongoServerError } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectWriteConflicts } from './mongo.ts';
import { startJongodb } from './testing.ts';

describe('jongodb, the in-memory MongoDB used by npm test', () => {
  let server: Awaited<ReturnType<typeof startJongodb>>;
  let client: MongoClient;

  beforeAll(async () => {
    server = await startJongodb();
    client = await new MongoClient(server.uri).connect();
  });

  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('reports itself as a one-node replica set, as production runs', async () => {
    const hello = await client.db('admin').command({ hello: 1 });

    expect(hello).toMatchObject({ isWritablePrimary: true, setName: 'rs0' });
  });

  it('lets two overlapping transactions update one document without a WriteConflict, so mongo.ts adds an owner lock', async () => {
    expect(await detectWriteConflicts(client, client.db('gaps'))).toBe(false);
  });

  it('has no dropDatabase command, so test cleanup empties the collections instead', async () => {
    const error = await client.db('gaps').dropDatabase().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(MongoServerError);
    expect((error as MongoServerError).codeName).toBe('CommandNotFound');
  });
});
