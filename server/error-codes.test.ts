// Every error answer carries a stable `code` (shared/protocol.ts ErrorCode): one request per kind of refusal.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, FieldReason, LIMITS } from '../shared/protocol.ts';
import { stopAll, storeFactories } from './store/testing.ts';
import type { Store } from './store/types.ts';
import {
  buildBook,
  Client,
  PASSWORD,
  rawRequest,
  serveStore,
  signedInWriter,
  startServer,
  uniqueEmail,
  type RunningServer,
} from './test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('error codes ($name store)', (factory) => {
  const served = serveStore(factory);
  let anonymous: Client;
  let writer: Awaited<ReturnType<typeof signedInWriter>>;

  beforeAll(async () => {
    anonymous = new Client(served.server.url);
    writer = await signedInWriter(served.server.url);
  });

  it('invalid_request: a book that fails validation, with a reason per field', async () => {
    const book = buildBook({ title: '   ', author: 'x'.repeat(1000) });
    const res = await writer.client.put(`/api/books/${book.id}`, book);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: ErrorCode.invalidRequest, error: 'Invalid book' });
    expect(res.body.reasons).toEqual({ title: FieldReason.required, author: FieldReason.tooLong });
  });

  it.each([
    ['a short password', { password: 'short' }, 'password', FieldReason.tooShort],
    ['a common password', { password: 'password1' }, 'password', FieldReason.commonPassword],
    ['an invalid email', { email: 'not-an-email' }, 'email', FieldReason.invalidEmail],
  ])('invalid_request: sign-up with %s gives the field its reason', async (_name, overrides, field, reason) => {
    const res = await anonymous.post('/api/users', { email: uniqueEmail(), password: PASSWORD, ...overrides });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.invalidRequest);
    expect(res.body.details[field]).toHaveLength(1);
    expect(res.body.reasons).toEqual({ [field]: reason });
  });

  it('malformed_body: a body that is not JSON', async () => {
    const res = await writer.client.request('POST', '/api/sync', '{"changes": [', { 'Content-Type': 'application/json' });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(ErrorCode.malformedBody);
  });

  it('invalid_cursor: a cursor this server did not issue, on sync and on the change feed', async () => {
    const sync = await writer.client.post('/api/sync', { cursor: 'not-a-cursor' });
    expect(sync.status).toBe(400);
    expect(sync.body).toMatchObject({ code: ErrorCode.invalidCursor, details: { cursor: [expect.any(String)] } });
    const feed = await writer.client.get('/api/books?since=not-a-cursor');
    expect(feed.body).toMatchObject({ code: ErrorCode.invalidCursor, details: { since: [expect.any(String)] } });
  });

  it('non_canonical_path: a path with //', async () => {
    const res = await rawRequest(served.server.url, { path: '/api//books' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).code).toBe(ErrorCode.nonCanonicalPath);
  });

  it('unauthenticated, invalid_credentials and forbidden', async () => {
    expect((await anonymous.get('/api/books')).body.code).toBe(ErrorCode.unauthenticated);
    const wrong = await anonymous.post('/api/tokens', { email: writer.email, password: 'not the password', deviceName: 'x' });
    expect(wrong).toMatchObject({ status: 401, body: { code: ErrorCode.invalidCredentials } });
    const byToken = await writer.client.post('/api/tokens', { deviceName: 'x' });
    expect(byToken).toMatchObject({ status: 403, body: { code: ErrorCode.forbidden } });
  });

  it('not_found: a book, a token and a route that do not exist', async () => {
    expect((await writer.client.get(`/api/books/${randomUUID()}`)).body).toEqual({ code: ErrorCode.notFound, error: 'Book not found' });
    expect((await writer.client.delete(`/api/tokens/${randomUUID()}`)).body.code).toBe(ErrorCode.notFound);
    expect((await anonymous.get('/api/no-such-route')).body).toEqual({ code: ErrorCode.notFound, error: 'Not found' });
  });

  it('method_not_allowed: a route asked with the wrong method', async () => {
    const res = await writer.client.request('PATCH', '/api/sync');
    expect(res).toMatchObject({ status: 405, body: { code: ErrorCode.methodNotAllowed } });
  });

  it('conflict: a deletion based on an old revision that another edit changed since, and email_taken', async () => {
    // (A stale edit whose base is kept merges; a deletion against an edit made since its base is a real conflict.)
    const book = buildBook();
    await writer.client.put(`/api/books/${book.id}`, book);
    await writer.client.put(`/api/books/${book.id}`, { ...book, content: '<p>Second</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
    const stale = await writer.client.put(`/api/books/${book.id}`, { ...book, deleted: true, baseRevision: 1, updatedAt: book.updatedAt + 2 });
    expect(stale).toMatchObject({ status: 409, body: { code: ErrorCode.conflict, conflict: true } });

    const taken = await anonymous.post('/api/users', { email: writer.email, password: PASSWORD });
    expect(taken).toMatchObject({ status: 409, body: { code: ErrorCode.emailTaken } });
  });

  it('unsupported_media_type: a body that is not JSON by its Content-Type', async () => {
    const res = await writer.client.request('POST', '/api/sync', 'changes', { 'Content-Type': 'text/plain' });
    expect(res).toMatchObject({ status: 415, body: { code: ErrorCode.unsupportedMediaType } });
  });

  it('sync results: an invalid entry and a book of another account carry codes too', async () => {
    const other = await signedInWriter(served.server.url);
    const foreign = buildBook();
    await other.client.put(`/api/books/${foreign.id}`, foreign);
    const nested = buildBook({ content: '<div>'.repeat(LIMITS.markupDepthMax + 1) });
    const res = await writer.client.post('/api/sync', {
      changes: [buildBook({ title: '' }), { ...foreign, deleted: true, baseRevision: 1 }, nested],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { status: string; code?: string; reasons?: object }) => [r.status, r.code, r.reasons])).toEqual([
      ['invalid', ErrorCode.invalidRequest, { title: FieldReason.required }],
      ['not_found', ErrorCode.notFound, undefined],
      ['invalid', ErrorCode.invalidRequest, { content: FieldReason.markupTooComplex }],
    ]);
    const put = await writer.client.put(`/api/books/${nested.id}`, nested);
    expect(put.body).toMatchObject({ code: ErrorCode.invalidRequest, reasons: { content: FieldReason.markupTooComplex } });
  });
});

describe.each(storeFactories)('error codes under tight limits ($name store)', (factory) => {
  const served = serveStore(factory, {
    rateLimitPerMinute: 3,
    authAccountRateLimitPerHour: 2,
    maxPayloadBytes: 64 * 1024,
    storageQuotaBytes: 16 * 1024,
  });

  it('payload_too_large and quota_exceeded', async () => {
    const { client } = await signedInWriter(served.server.url);
    const huge = buildBook({ content: `<p>${'x'.repeat(100 * 1024)}</p>` });
    const tooLarge = await client.put(`/api/books/${huge.id}`, huge);
    expect(tooLarge).toMatchObject({ status: 413, body: { code: ErrorCode.payloadTooLarge, limit: 64 * 1024 } });
    const big = buildBook({ content: `<p>${'x'.repeat(32 * 1024)}</p>` });
    const overQuota = await client.put(`/api/books/${big.id}`, big);
    expect(overQuota).toMatchObject({ status: 413, body: { code: ErrorCode.quotaExceeded } });
  });

  it('rate_limited: too many requests from one user', async () => {
    const { client } = await signedInWriter(served.server.url);
    let last;
    for (let i = 0; i < 4; i++) last = await client.get('/api/books');
    expect(last).toMatchObject({ status: 429, body: { code: ErrorCode.rateLimited } });
  });

  it('sign_in_throttled: too many sign-in attempts for one account', async () => {
    const anonymous = new Client(served.server.url);
    const email = uniqueEmail();
    let last;
    for (let i = 0; i < 3; i++) last = await anonymous.post('/api/tokens', { email, password: `guess ${i}`, deviceName: 'x' });
    expect(last).toMatchObject({ status: 429, body: { code: ErrorCode.signInThrottled } });
  });
});

describe.each(storeFactories)('an unexpected failure ($name store)', (factory) => {
  let server: RunningServer;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const opened = await factory.open();
    // A store whose change feed breaks, as a bug or a lost database would.
    const broken = new Proxy(opened.store, {
      get(target, name, receiver) {
        if (name === 'changesSince') return () => Promise.reject(new Error('the database went away'));
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Store;
    server = await startServer(broken);
    cleanup = opened.cleanup;
  });
  afterAll(async () => {
    await server?.close();
    await cleanup?.();
  });

  it('internal: a 500 with a generic message', async () => {
    const { client } = await signedInWriter(server.url);
    const res = await client.get('/api/books');
    expect(res).toMatchObject({ status: 500, body: { code: ErrorCode.internal, error: 'Internal server error' } });
  });
});
