// Attack class: path normalisation. A path spelled so that the limiter and Auth.js read it differently must never
// reach a password check unlimited.
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { PASSWORD, rawRequest, serverPerTest, uniqueEmail } from '../test/harness.ts';

afterAll(stopAll);

/** Every spelling some URL parser reads as /api/auth/callback/credentials (or as another Auth.js action). */
const SPELLINGS = [
  '/api/auth//callback/credentials',
  '/api/auth/callback//credentials',
  '/api/auth/./callback/credentials',
  '/api/auth/x/../callback/credentials',
  '/api/auth/%2e/callback/credentials',
  '/api/auth/%2E%2e/auth/callback/credentials',
  '/api/x/%2e%2e/auth/callback/credentials',
  '/api/auth/callback%2fcredentials',
  '/api/auth/callback%2Fcredentials',
  '/api/auth/callback\\credentials',
  '/api/auth\\callback/credentials',
  '/api/auth/callback%5ccredentials',
  '/api/auth/callback/credentials/.',
  '/api/auth/callback/credentials/..',
];

describe.each(storeFactories)('path normalisation ($name store)', (factory) => {
  const serveOne = serverPerTest(factory);
  const serve = async (overrides: Partial<Config> = {}) => (await serveOne(overrides)).server;

  const signInForm = (email: string, password: string) =>
    new URLSearchParams({ email, password, csrfToken: 'x', callbackUrl: '/' }).toString();

  it.each(SPELLINGS)('refuses %s with 400 before any password check', async (path) => {
    const server = await serve();
    const res = await rawRequest(server.url, {
      method: 'POST',
      path,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: signInForm(uniqueEmail(), PASSWORD),
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text)).toEqual({ code: 'non_canonical_path', error: expect.stringMatching(/path/i) });
  });

  it('refuses non-canonical paths on every route, not only under /api/auth', async () => {
    const server = await serve();
    for (const path of ['/api//books', '/api/books/./x', '/api/tokens/%2e%2e/users', '/healthz/..', '/api\\books']) {
      const res = await rawRequest(server.url, { path });
      expect(res.status, path).toBe(400);
    }
    expect((await rawRequest(server.url, { path: '/healthz' })).status).toBe(200);
  });

  it('counts every POST under /api/auth against the per-IP sign-in budget, whichever action it names', async () => {
    const server = await serve({ authRateLimitPerMinute: 3 });
    const post = (path: string) =>
      rawRequest(server.url, {
        method: 'POST',
        path,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: signInForm('someone@example.test', 'a guess'),
      });
    // signin/credentials and callback/credentials both reach the credentials provider; signout and session are POSTs too.
    for (const path of ['/api/auth/signin/credentials', '/api/auth/signout', '/api/auth/session']) {
      expect((await post(path)).status, path).not.toBe(429);
    }
    for (const path of ['/api/auth/callback/credentials', '/api/auth/signin/credentials', '/api/auth/signin', '/api/auth/nonsense']) {
      const limited = await post(path);
      expect(limited.status, path).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});
