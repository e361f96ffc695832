import { afterAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../store/testing.ts';
import { Client, serveStore, signedInWriter } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('response policy ($name store)', (factory) => {
  const served = serveStore(factory);

  it('allows extension origins without credentials: the extension sends a bearer token, never cookies', async () => {
    const client = new Client(served.server.url);
    const res = await client.get('/healthz', { Origin: 'chrome-extension://abcdefghijklmnop' });
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('chrome-extension://abcdefghijklmnop');
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    const preflight = await client.request('OPTIONS', '/api/books', undefined, {
      Origin: 'moz-extension://2b7c5a6e-1234',
      'Access-Control-Request-Method': 'GET',
      'Access-Control-Request-Headers': 'authorization',
    });
    expect(preflight.headers.get('Access-Control-Allow-Credentials')).toBeNull();
  });

  it('marks every API answer Cache-Control: no-store, errors included', async () => {
    const { client } = await signedInWriter(served.server.url);
    const anonymous = new Client(served.server.url);
    for (const res of [
      await client.get('/api/books'),
      await client.get('/api/tokens'),
      await anonymous.get('/api/books'),
      await anonymous.get('/api/nothing-here'),
      await anonymous.get('/healthz'),
    ]) {
      expect(res.headers.get('Cache-Control')).toBe('no-store');
    }
  });
});
