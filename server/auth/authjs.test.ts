import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../store/testing.ts';
import { browserSignIn, browserSignOut } from '../test/browser-session.ts';
import { buildBook, Client, PASSWORD, serveStore, startServer, uniqueEmail, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('Auth.js at /api/auth ($name store)', (factory) => {
  const served = serveStore(factory);
  let server: RunningServer;
  const email = uniqueEmail();

  beforeAll(async () => {
    server = served.server;
    await new Client(server.url).post('/api/users', { email, password: PASSWORD, name: 'Ana' });
  });

  const signIn = (password: string) => browserSignIn(server.url, email, password);

  it('serves a sign-in page with an email and password form', async () => {
    const res = await fetch(`${server.url}/api/auth/signin`);
    expect(res.status).toBe(200);
    expect(res.headers.get('Content-Type')).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain('/api/auth/callback/credentials');
    expect(html).toMatch(/name="email"/);
    expect(html).toMatch(/type="password"/);
  });

  it('lists the credentials provider', async () => {
    const res = await fetch(`${server.url}/api/auth/providers`);
    expect(await res.json()).toMatchObject({ credentials: { id: 'credentials', type: 'credentials' } });
  });

  it('signs in with email and password, and the session cookie shows the user and can create a device token', async () => {
    const { jar, callback } = await signIn(PASSWORD);
    expect(callback.status).toBe(302);
    expect(jar.has('authjs.session-token')).toBe(true);

    const session = await fetch(`${server.url}/api/auth/session`, { headers: { Cookie: jar.header() } });
    const body = (await session.json()) as { user: { id: string; email: string; name: string } };
    expect(body.user).toMatchObject({ email, name: 'Ana', id: expect.any(String) });

    const token = await new Client(server.url).post('/api/tokens', { deviceName: 'browser' }, { Cookie: jar.header() });
    expect(token.status).toBe(201);
    const device = new Client(server.url, token.body.data.token);
    const book = buildBook();
    expect((await device.put(`/api/books/${book.id}`, book)).status).toBe(200);

    // The landing page the sign-in redirects to greets the user.
    const home = await fetch(`${server.url}/`, { headers: { Cookie: jar.header() } });
    expect(await home.text()).toContain(`Signed in as <strong>${email}</strong>`);

    // The session cookie itself also opens the API, as the same user.
    const viaCookie = await new Client(server.url).get(`/api/books/${book.id}`, { Cookie: jar.header() });
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body.data.id).toBe(book.id);
  });

  it('refuses a wrong password without a session', async () => {
    const { jar, callback } = await signIn('not the password');
    expect(callback.status).toBe(302);
    expect(callback.headers.get('Location')).toMatch(/error=CredentialsSignin/);
    expect(jar.has('authjs.session-token')).toBe(false);
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { Cookie: jar.header() } });
    expect(await session.json()).toBeNull();
  });

  it('rejects a forged session cookie', async () => {
    const res = await new Client(server.url).get('/api/books', { Cookie: 'authjs.session-token=forged.jwt.value' });
    expect(res.status).toBe(401);
  });

  it('signs out, after which the cookie no longer opens the API', async () => {
    const { jar } = await signIn(PASSWORD);
    const stolen = jar.copy();
    await browserSignOut(server.url, jar);
    expect(jar.has('authjs.session-token')).toBe(false);
    expect((await new Client(server.url).get('/api/books', { Cookie: jar.header() })).status).toBe(401);
    // A copy of the cookie taken before signing out is refused too: the session ended on the server.
    expect((await new Client(server.url).get('/api/books', { Cookie: stolen.header() })).status).toBe(401);
    const session = await fetch(`${server.url}/api/auth/session`, { headers: { Cookie: stolen.header() } });
    expect(await session.json()).toBeNull();
  });
});

describe('Auth.js OAuth providers', () => {
  it('offers GitHub and Google only when their client id and secret are configured', async () => {
    const opened = await storeFactories[0]!.open();
    const plain = await startServer(opened.store);
    const withOAuth = await startServer(opened.store, {
      oauth: { github: { clientId: 'gh-id', clientSecret: 'gh-secret' }, google: { clientId: 'g-id', clientSecret: 'g-secret' } },
    });
    try {
      const none = (await (await fetch(`${plain.url}/api/auth/providers`)).json()) as Record<string, unknown>;
      expect(Object.keys(none)).toEqual(['credentials']);
      const both = (await (await fetch(`${withOAuth.url}/api/auth/providers`)).json()) as Record<string, unknown>;
      expect(Object.keys(both).sort()).toEqual(['credentials', 'github', 'google']);
      expect(both.github).toMatchObject({ callbackUrl: `${withOAuth.url}/api/auth/callback/github` });
    } finally {
      await plain.close();
      await withOAuth.close();
      await opened.cleanup();
    }
  });
});

describe('Auth.js sign-in rate limit', () => {
  it('answers 429 with Retry-After once one IP has tried to sign in too often', async () => {
    const opened = await storeFactories[0]!.open();
    const server = await startServer(opened.store, { authRateLimitPerMinute: 2 });
    try {
      const attempt = () =>
        fetch(`${server.url}/api/auth/callback/credentials`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ email: 'a@b.c', password: 'guess' }),
        });
      expect((await attempt()).status).not.toBe(429);
      expect((await attempt()).status).not.toBe(429);
      const limited = await attempt();
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
      expect(await limited.json()).toEqual({ code: 'rate_limited', error: expect.any(String) });
    } finally {
      await server.close();
      await opened.cleanup();
    }
  });
});

describe.each(storeFactories)('Auth.js per-account sign-in limit ($name store)', (factory) => {
  const served = serveStore(factory, { authAccountRateLimitPerHour: 2 });

  it('answers 429 with Retry-After once one account had its credential checks, and sets no session', async () => {
    const email = uniqueEmail();
    await new Client(served.server.url).post('/api/users', { email, password: PASSWORD });
    expect((await browserSignIn(served.server.url, email, 'guess one')).callback.status).toBe(302);
    expect((await browserSignIn(served.server.url, email, 'guess two')).callback.status).toBe(302);
    const { jar, callback } = await browserSignIn(served.server.url, email.toUpperCase(), PASSWORD);
    expect(callback.status).toBe(429);
    expect(Number(callback.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(await callback.json()).toEqual({ code: 'sign_in_throttled', error: expect.any(String) });
    expect(jar.has('authjs.session-token')).toBe(false);
    // POST /api/tokens shares the account's budget.
    const token = await new Client(served.server.url).post('/api/tokens', { email, password: PASSWORD, deviceName: 'x' });
    expect(token.status).toBe(429);
  });
});
