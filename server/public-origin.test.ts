import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from './config.ts';
import { stopAll, storeFactories } from './store/testing.ts';
import { rawRequest, serverPerTest } from './test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('public URL ($name store)', (factory) => {
  const serveOne = serverPerTest(factory);
  const serve = async (overrides: Partial<Config> = {}) => (await serveOne(overrides)).server;

  const forged = { Host: 'evil.example', 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' };

  it('builds sign-in links and redirects from PUBLIC_URL, whatever Host the request names', async () => {
    const server = await serve({ publicUrl: 'https://sync.example.org', trustProxy: 1 });
    const page = await rawRequest(server.url, { path: '/api/auth/signin', headers: forged });
    expect(page.status).toBe(200);
    expect(page.text).toContain('https://sync.example.org/api/auth/callback/credentials');
    expect(page.text).not.toContain('evil.example');

    const signout = await rawRequest(server.url, {
      method: 'POST',
      path: '/api/auth/signout',
      headers: { ...forged, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ callbackUrl: 'https://evil.example/phish' }).toString(),
    });
    expect(signout.headers.location ?? '').not.toContain('evil.example');

    const home = await rawRequest(server.url, { path: '/', headers: forged });
    expect(home.text).toContain('<code>https://sync.example.org</code>');
    expect(home.text).not.toContain('evil.example');
  });

  it('without PUBLIC_URL (development only), takes the origin from the request', async () => {
    const server = await serve({ publicUrl: null });
    const page = await rawRequest(server.url, { path: '/api/auth/signin', headers: { Host: 'localhost:9999' } });
    expect(page.text).toContain('http://localhost:9999/api/auth/callback/credentials');
  });
});
