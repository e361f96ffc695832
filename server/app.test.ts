import { Writable } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { createLogger } from './logger.ts';
import { stopAll, storeFactories } from './store/testing.ts';
import { buildBook, Client, PASSWORD, serverPerTest, signedInWriter, startServer, uniqueEmail } from './test/harness.ts';
import { RATE_WINDOW_MS } from './middleware/rate-limit.ts';

afterAll(stopAll);

describe.each(storeFactories)('protection ($name store)', (factory) => {
  const serve = serverPerTest(factory);

  it('answers GET /healthz with the store in use', async () => {
    const { server } = await serve();
    const res = await new Client(server.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, store: factory.name });
  });

  it('answers unknown routes and methods with a JSON error', async () => {
    const { server } = await serve();
    const missing = await new Client(server.url).get('/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ code: 'not_found', error: 'Not found' });
    const method = await new Client(server.url).request('PATCH', '/api/users', {});
    expect(method.status).toBe(405);
    expect(method.body).toEqual({ code: 'method_not_allowed', error: 'Method not allowed' });
  });

  it('accepts gzip-encoded request bodies', async () => {
    const { server } = await serve();
    const { client } = await signedInWriter(server.url);
    const book = buildBook();
    const res = await client.request('PUT', `/api/books/${book.id}`, gzipSync(JSON.stringify(book)), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect((await client.get(`/api/books/${book.id}`)).body.data.content).toBe(book.content);

    const unknown = await client.request('PUT', `/api/books/${book.id}`, JSON.stringify(book), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'compress',
    });
    expect(unknown.status).toBe(415);
    expect(unknown.body.error).toEqual(expect.any(String));
  });

  it('answers 413 with the limit for a body over MAX_PAYLOAD_BYTES, also when it only inflates past it', async () => {
    const { server } = await serve({ maxPayloadBytes: 64 * 1024 });
    const { client } = await signedInWriter(server.url);
    const book = buildBook({ content: `<p>${'x'.repeat(70 * 1024)}</p>` });
    const plain = await client.put(`/api/books/${book.id}`, book);
    expect(plain.status).toBe(413);
    expect(plain.body).toEqual({ code: 'payload_too_large', error: 'Request body is larger than 65536 bytes', limit: 65536 });

    const inflating = await client.request('PUT', `/api/books/${book.id}`, gzipSync(JSON.stringify(book)), {
      'Content-Type': 'application/json',
      'Content-Encoding': 'gzip',
    });
    expect(inflating.status).toBe(413);
    expect((await client.get(`/api/books/${book.id}`)).status).toBe(404);
  });

  it('limits the sync API per user with 429 and Retry-After, counting a whole sync once, until the window ends', async () => {
    let clock = 10 * RATE_WINDOW_MS + 15_000;
    const { server } = await serve({ rateLimitPerMinute: 3 }, { now: () => clock });
    const { client } = await signedInWriter(server.url);
    const other = (await signedInWriter(server.url)).client;

    expect((await client.post('/api/sync', { changes: [buildBook(), buildBook(), buildBook()] })).status).toBe(200);
    expect((await client.get('/api/books')).status).toBe(200);
    expect((await client.get('/api/books')).status).toBe(200);
    const limited = await client.get('/api/books');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ code: 'rate_limited', error: expect.any(String) });
    expect(limited.headers.get('Retry-After')).toBe('45');
    // Another user has their own budget.
    expect((await other.get('/api/books')).status).toBe(200);

    clock += 45_000;
    expect((await client.get('/api/books')).status).toBe(200);
  });

  it('limits sign-up and token creation per IP, more strictly, with one budget shared by two server processes', async () => {
    const { server, opened } = await serve({ authRateLimitPerMinute: 3 });
    // A second process on the same data (its store is closed with the first one's cleanup).
    const second = await startServer(await opened.openAnother(), { authRateLimitPerMinute: 3 });
    onTestFinished(() => second.close());
    const email = uniqueEmail();
    expect((await new Client(server.url).post('/api/users', { email, password: PASSWORD })).status).toBe(201);
    expect((await new Client(second.url).post('/api/tokens', { email, password: PASSWORD, deviceName: 'a' })).status).toBe(201);
    expect((await new Client(server.url).post('/api/tokens', { email, password: 'wrong password', deviceName: 'a' })).status).toBe(401);
    const limited = await new Client(second.url).post('/api/tokens', { email, password: PASSWORD, deviceName: 'a' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect((await new Client(server.url).post('/api/users', { email: uniqueEmail(), password: PASSWORD })).status).toBe(429);
  });

  it('allows CORS for configured and browser-extension origins only, exposing Retry-After', async () => {
    const { server } = await serve({ allowedOrigins: ['https://app.example'] });
    const client = new Client(server.url);
    for (const origin of ['https://app.example', 'chrome-extension://abcdefghijklmnop', 'moz-extension://2b7c5a6e-1234']) {
      const res = await client.get('/healthz', { Origin: origin });
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      expect(res.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    }
    const foreign = await client.get('/healthz', { Origin: 'https://evil.example' });
    expect(foreign.headers.get('Access-Control-Allow-Origin')).toBeNull();

    const preflight = await client.request('OPTIONS', '/api/books', undefined, {
      Origin: 'chrome-extension://abcdefghijklmnop',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'authorization,content-type',
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('Access-Control-Allow-Headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('Access-Control-Allow-Methods')).toMatch(/PUT/);
  });

  it('sends security headers and a request id on every response', async () => {
    const { server } = await serve();
    const res = await new Client(server.url).get('/healthz', { 'X-Request-Id': 'abc-123' });
    expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
    expect(res.headers.get('X-Frame-Options')).toBe('DENY');
    expect(res.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    expect(res.headers.get('X-Request-Id')).toBe('abc-123');
  });

  it('gzips large JSON responses for clients that accept it', async () => {
    const { server } = await serve();
    const { client } = await signedInWriter(server.url);
    const book = buildBook({ content: `<p>${'word '.repeat(2000)}</p>` });
    await client.put(`/api/books/${book.id}`, book);
    // fetch inflates transparently, so read the raw bytes with node's http module instead.
    const { request } = await import('node:http');
    const raw = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      const req = request(`${server.url}/api/books/${book.id}`, { headers: { Authorization: `Bearer ${client.token}`, 'Accept-Encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString()).data.content).toBe(book.content);
  });

  it('never writes passwords, tokens or book content to the logs', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const { server } = await serve({}, { logger: createLogger('trace', sink) });
    const { client, email } = await signedInWriter(server.url);
    const book = buildBook({ content: '<p>secret manuscript words</p>' });
    await client.put(`/api/books/${book.id}`, book);
    await client.get(`/api/books/${book.id}`);
    await new Client(server.url).post('/api/tokens', { email, password: 'wrong password', deviceName: 'x' });

    const log = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(5);
    expect(log).toContain('"path":"/api/books/');
    for (const secret of [PASSWORD, 'wrong password', client.token!, 'secret manuscript words']) {
      expect(log).not.toContain(secret);
    }
  });
});
