import { randomBytes } from 'node:crypto';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, serveStore, signedInWriter } from '../test/harness.ts';
import { jsonDepthExceeds } from './body.ts';

afterAll(stopAll);

describe('jsonDepthExceeds', () => {
  it.each([
    ['{}', 1, false],
    ['{}', 0, true],
    ['[[1],[2]]', 2, false],
    ['[[[1]]]', 2, true],
    ['{"a":{"b":[]}}', 3, false],
    ['{"a":{"b":[]}}', 2, true],
    ['"[[[[["', 0, false],
    ['["\\"[[[["]', 1, false],
    ['["\\\\",[[1]]]', 2, true],
  ])('%s deeper than %i: %s', (json, max, expected) => {
    expect(jsonDepthExceeds(json, max)).toBe(expected);
  });
});

/** Text that compresses like prose (about 3-4x), not like a bomb. */
function proseLike(bytes: number): string {
  const words = Array.from({ length: 2000 }, () => randomBytes(4).toString('base64url').replace(/[^a-z]/gi, 'e').toLowerCase());
  const picks = randomBytes(bytes);
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += words[picks.readUInt16LE(i * 2) % words.length]! + (i % 13 === 0 ? '. ' : ' ');
  return text;
}

describe.each(storeFactories)('request bodies ($name store)', (factory) => {
  const served = serveStore(factory);
  const writer = () => signedInWriter(served.server.url);
  const json = { 'Content-Type': 'application/json' };

  it.each([
    ['corrupt gzip', Buffer.from('not gzip at all'), 'gzip'],
    ['truncated gzip', gzipSync(JSON.stringify(buildBook())).subarray(0, 40), 'gzip'],
    ['corrupt deflate', Buffer.from('still not deflate'), 'deflate'],
  ])('answers 400 for %s', async (_name, body, encoding) => {
    const { client } = await writer();
    const res = await client.request('POST', '/api/sync', body, { ...json, 'Content-Encoding': encoding });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'malformed_body', error: `Request body is not valid ${encoding} data` });
  });

  it.each(['br', 'compress', 'gzip, gzip', 'zstd'])('answers 415 for Content-Encoding: %s', async (encoding) => {
    const { client } = await writer();
    const res = await client.request('POST', '/api/sync', gzipSync('{}'), { ...json, 'Content-Encoding': encoding });
    expect(res.status).toBe(415);
    expect(res.body.error).toMatch(/Content-Encoding/);
  });

  it('accepts deflate as well as gzip', async () => {
    const { client } = await writer();
    const book = buildBook();
    const res = await client.request('PUT', `/api/books/${book.id}`, deflateSync(JSON.stringify(book)), { ...json, 'Content-Encoding': 'deflate' });
    expect(res.status).toBe(200);
  });

  it('answers 400 for a body that is not UTF-8, instead of storing it mangled', async () => {
    const { client } = await writer();
    const book = buildBook({ title: 'TITLE_HERE' });
    const bytes = Buffer.from(JSON.stringify(book));
    const at = bytes.indexOf('TITLE_HERE');
    bytes[at] = 0xff; // never valid in UTF-8
    const res = await client.request('PUT', `/api/books/${book.id}`, bytes, json);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 'malformed_body', error: 'Request body is not valid UTF-8' });
    expect((await client.get(`/api/books/${book.id}`)).status).toBe(404);
  });

  it('answers 415 for a charset other than UTF-8', async () => {
    const { client } = await writer();
    const res = await client.request('POST', '/api/sync', '{}', { 'Content-Type': 'application/json; charset=iso-8859-1' });
    expect(res.status).toBe(415);
  });

  it('accepts a compressed manuscript of several hundred KiB, which compresses like prose', async () => {
    const { client } = await writer();
    const book = buildBook({ content: `<p>${proseLike(600 * 1024)}</p>` });
    const body = gzipSync(JSON.stringify(book));
    expect(JSON.stringify(book).length / body.length).toBeLessThan(10);
    const res = await client.request('PUT', `/api/books/${book.id}`, body, { ...json, 'Content-Encoding': 'gzip' });
    expect(res.status).toBe(200);
  });

  it('accepts a small body however well it compresses, and refuses a large one that inflates past the ratio', async () => {
    const { client } = await writer();
    const small = buildBook({ content: `<p>${'word '.repeat(40_000)}</p>` });
    expect(JSON.stringify(small).length).toBeLessThan(BODY_LIMITS.inflateRatioFloorBytes);
    const put = (book: typeof small) =>
      client.request('PUT', `/api/books/${book.id}`, gzipSync(JSON.stringify(book)), { ...json, 'Content-Encoding': 'gzip' });
    expect((await put(small)).status).toBe(200);

    const large = buildBook({ content: `<p>${'word '.repeat(300_000)}</p>` });
    expect(JSON.stringify(large).length).toBeGreaterThan(BODY_LIMITS.inflateRatioFloorBytes);
    const refused = await put(large);
    expect(refused.status).toBe(413);
    expect(refused.body.error).toMatch(`more than ${BODY_LIMITS.inflateRatioMax} times`);
  });
});
