import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pollingUri, startJongodb } from './jongodb.testing.ts';
import { openMongoStore } from './mongo.ts';

describe('the MongoDB store on a MongoDB without transactions', () => {
  let server: Awaited<ReturnType<typeof startJongodb>>;

  beforeAll(async () => {
    server = await startJongodb('standalone');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('refuses to open, saying to run MongoDB as a replica set, before it serves any write', async () => {
    await expect(openMongoStore(pollingUri(server.uri), 'standalone')).rejects.toThrow(/needs transactions: run MongoDB as a replica set/);
  });
});
