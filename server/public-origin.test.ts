import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Config } from './config.ts';
import { stopAll, storeFactories, type OpenedStore } from './store/testing.ts';
import { rawRequest, startServer, type RunningServer } from './test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('public URL ($name store)', (factory) => {
  const running: RunningServer[] = [];
  const stores: OpenedStore[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.close()));
    await Promise.all(stores.splice(0).map((s) => s.cleanup()));
  });

  async function serve(overrides: Partial<Config>) {
    const opened = await factory.open();
    stores.push(opened);
    const server = await startServer(opened.store, overrides);
    running.push(server);
    return server;
  }

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
