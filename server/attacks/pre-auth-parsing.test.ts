// Attack class: pre-auth parsing. No body is read before the route's guards have run, and what is read is bounded
// (bytes per route, compression ratio, JSON nesting) before any parser sees it.
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { Client, PASSWORD, RawConnection, rawRequest, serveStore, signedInWriter, uniqueEmail } from '../test/harness.ts';

afterAll(stopAll);

/** 5 KB on the wire, 5 MB of `[` once inflated: ~1 s of parsing for a server that parses before it authenticates. */
const BRACKET_BOMB = gzipSync('['.repeat(5_000_000));

describe.each(storeFactories)('pre-auth parsing ($name store)', (factory) => {
  const served = serveStore(factory);
  const url = () => served.server.url;

  it.each([
    ['PUT', `/api/books/${randomUUID()}`],
    ['POST', '/api/sync'],
  ])('answers 401 to an anonymous %s %s without waiting for its body', async (method, path) => {
    const connection = await RawConnection.open(url());
    try {
      // Only the headers and the first bytes of the body: a server that reads bodies first never answers.
      connection.write(
        `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n` +
          `Content-Length: ${BRACKET_BOMB.length}\r\n\r\n`,
      );
      connection.write(BRACKET_BOMB.subarray(0, 100));
      expect(await connection.waitFor(/\r\n\r\n\{.*\}/s)).toMatch(/^HTTP\/1\.1 401 /);
    } finally {
      connection.close();
    }
  });

  it('refuses a compression bomb from a signed-in writer by its ratio, before inflating all of it', async () => {
    const { client } = await signedInWriter(url());
    const id = randomUUID();
    const res = await client.request('PUT', `/api/books/${id}`, BRACKET_BOMB, {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(413);
    expect(res.body.error).toMatch(`more than ${BODY_LIMITS.inflateRatioMax} times`);
  });

  it.each([
    ['unclosed brackets', '['.repeat(100_000)],
    ['closed brackets', '['.repeat(BODY_LIMITS.jsonDepthMax + 1) + ']'.repeat(BODY_LIMITS.jsonDepthMax + 1)],
    ['a deep value inside a sync request', `{"changes":[${'{"a":'.repeat(BODY_LIMITS.jsonDepthMax)}1${'}'.repeat(BODY_LIMITS.jsonDepthMax)}]}`],
  ])('refuses JSON nested deeper than the cap (%s) with 400 before parsing it', async (_name, body) => {
    const { client } = await signedInWriter(url());
    const res = await client.request('POST', '/api/sync', body, { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'malformed_body', error: `Request body is nested deeper than ${BODY_LIMITS.jsonDepthMax} levels` });
  });

  it('reads brackets inside strings as text, not nesting', async () => {
    const { client } = await signedInWriter(url());
    const res = await client.post('/api/sync', { changes: [{ id: 'x', title: '['.repeat(5000) + '"\\{' }] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'invalid' });
  });

  it('limits sign-up, device-token and Auth.js bodies to a few KiB, without reading past the limit', async () => {
    const big = 'x'.repeat(BODY_LIMITS.smallBytes);
    const anonymous = new Client(url());
    const signUp = await anonymous.post('/api/users', { email: uniqueEmail(), password: PASSWORD, name: big });
    expect(signUp.status).toBe(413);
    expect(signUp.body).toEqual({ code: 'payload_too_large', error: expect.any(String), limit: BODY_LIMITS.smallBytes });
    const token = await anonymous.post('/api/tokens', { email: uniqueEmail(), password: big, deviceName: 'x' });
    expect(token.status).toBe(413);
    const form = await rawRequest(url(), {
      method: 'POST',
      path: '/api/auth/callback/credentials',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: 'a@b.c', password: big }).toString(),
    });
    expect(form.status).toBe(413);
    expect(JSON.parse(form.text)).toEqual({ code: 'payload_too_large', error: expect.any(String), limit: BODY_LIMITS.smallBytes });
  });
});
