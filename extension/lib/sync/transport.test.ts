import { describe, expect, it } from 'vitest';
import { TransportError, normalizeServerUrl } from './transport-error.ts';
import { createTransport, parseRetryAfter, type FetchLike } from './transport.ts';

const answering =
  (status: number, body: unknown, headers: Record<string, string> = {}): FetchLike =>
  async () =>
    new Response(body === undefined ? null : JSON.stringify(body), { status, headers });

async function failureOf(fetch: FetchLike): Promise<TransportError> {
  const transport = createTransport({ fetch });
  const error = await transport.sync('http://server', 'token', { changes: [] }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('transport error classification', () => {
  it.each([
    [400, { error: 'Invalid request', details: { cursor: ['bad'] } }, 'bad_request'],
    [401, { error: 'Unauthorized' }, 'unauthorized'],
    [404, { error: 'Not found' }, 'not_found'],
    [409, { error: 'Conflict' }, 'conflict'],
    [413, { error: 'Payload too large', limit: 1024 }, 'too_large'],
    [429, { error: 'Too many requests' }, 'rate_limited'],
    [500, { error: 'boom' }, 'server'],
    [503, undefined, 'server'],
    [418, { error: 'teapot' }, 'bad_response'],
  ] as const)('classifies HTTP %i as %s', async (status, body, kind) => {
    const error = await failureOf(answering(status, body, { 'retry-after': '7' }));
    expect(error.kind).toBe(kind);
    expect(error.extra.status).toBe(status);
  });

  it('carries the 413 limit, the 429 Retry-After and the 400 field details', async () => {
    expect((await failureOf(answering(413, { error: 'x', limit: 2048 }))).extra.limit).toBe(2048);
    expect((await failureOf(answering(429, { error: 'x' }, { 'retry-after': '12' }))).extra.retryAfter).toBe(12);
    expect((await failureOf(answering(400, { error: 'x', details: { cursor: ['bad'] } }))).extra.details).toEqual({
      cursor: ['bad'],
    });
  });

  it('reports a refused connection as a network error', async () => {
    const error = await failureOf(async () => {
      throw new TypeError('fetch failed');
    });
    expect(error.kind).toBe('network');
    expect(error.message).toBe('Network error');
  });

  it('rejects a 200 answer that does not match the sync contract', async () => {
    expect((await failureOf(answering(200, { success: true, results: 'nope' }))).kind).toBe('bad_response');
  });

  it('sends the token as a bearer header and the body as JSON', async () => {
    let seen: RequestInit | undefined;
    const transport = createTransport({
      fetch: async (_url, init) => {
        seen = init;
        return new Response(JSON.stringify({ success: true, results: [], changes: [], cursor: 'c1', hasMore: false }));
      },
    });
    const answer = await transport.sync('http://server', 'secret-token', { changes: [], cursor: 'c0' });
    expect(answer.cursor).toBe('c1');
    expect(new Headers(seen?.headers).get('authorization')).toBe('Bearer secret-token');
    expect(JSON.parse(String(seen?.body))).toEqual({ changes: [], cursor: 'c0' });
  });

  it('gzip-compresses large bodies and marks them with content-encoding', async () => {
    let seen: RequestInit | undefined;
    const transport = createTransport({
      gzipAbove: 10,
      fetch: async (_url, init) => {
        seen = init;
        return new Response(JSON.stringify({ success: true, results: [], changes: [], cursor: 'c', hasMore: false }));
      },
    });
    await transport.sync('http://server', 't', { changes: [], cursor: 'a'.repeat(100) });
    expect(new Headers(seen?.headers).get('content-encoding')).toBe('gzip');
    const text = await new Response(
      new Blob([seen?.body as ArrayBuffer]).stream().pipeThrough(new DecompressionStream('gzip')),
    ).text();
    expect(JSON.parse(text).cursor).toBe('a'.repeat(100));
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['5', 5],
    ['0.2', 1],
    [null, 1],
    ['soon', 1],
    [new Date(60_000).toUTCString(), 50],
  ])('reads %s as %i seconds', (header, seconds) => {
    expect(parseRetryAfter(header, 10_000)).toBe(seconds);
  });
});

describe('normalizeServerUrl', () => {
  it('drops trailing slashes and refuses other schemes', () => {
    expect(normalizeServerUrl(' http://127.0.0.1:8787/ ')).toBe('http://127.0.0.1:8787');
    expect(() => normalizeServerUrl('ftp://x')).toThrow(/http/);
    expect(() => normalizeServerUrl('not a url')).toThrow(/valid URL/);
  });
});
