// Attack class: proxy headers. Behind trusted proxies the per-IP limits must key on the address the proxies saw,
// never on an X-Forwarded-For entry the client wrote itself.
import { afterAll, describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { Client, PASSWORD, serverPerTest, uniqueEmail } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('proxy headers ($name store)', (factory) => {
  const serveOne = serverPerTest(factory);
  const serve = async (overrides: Partial<Config>) =>
    new Client((await serveOne({ authRateLimitPerMinute: 2, ...overrides })).server.url);

  /** A sign-up attempt arriving with this X-Forwarded-For header. */
  const signUp = (client: Client, forwardedFor: string) =>
    client.post('/api/users', { email: uniqueEmail(), password: PASSWORD }, { 'X-Forwarded-For': forwardedFor });

  let spoof = 0;
  /** A fresh client-written entry each time, as an attacker rotating addresses would send. */
  const spoofed = () => `198.51.100.${++spoof % 250}`;

  it('behind one proxy, keys the limit on the address the proxy appended, whatever the client prepends', async () => {
    const client = await serve({ trustProxy: 1 });
    expect((await signUp(client, `${spoofed()}, 203.0.113.7`)).status).toBe(201);
    expect((await signUp(client, `${spoofed()}, 203.0.113.7`)).status).toBe(201);
    const limited = await signUp(client, `${spoofed()}, 203.0.113.7`);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    // Another real client behind the same proxy has its own budget.
    expect((await signUp(client, `${spoofed()}, 203.0.113.8`)).status).toBe(201);
  });

  it('behind two proxies, keys the limit on the address the outer proxy appended', async () => {
    const client = await serve({ trustProxy: 2 });
    for (let i = 0; i < 2; i++) expect((await signUp(client, `${spoofed()}, 203.0.113.9, 10.0.0.2`)).status).toBe(201);
    expect((await signUp(client, `${spoofed()}, 203.0.113.9, 10.0.0.3`)).status).toBe(429);
    expect((await signUp(client, `${spoofed()}, 203.0.113.10, 10.0.0.2`)).status).toBe(201);
  });

  it('without a trusted proxy, ignores X-Forwarded-For entirely', async () => {
    const client = await serve({ trustProxy: 0 });
    expect((await signUp(client, spoofed())).status).toBe(201);
    expect((await signUp(client, spoofed())).status).toBe(201);
    expect((await signUp(client, spoofed())).status).toBe(429);
  });
});
