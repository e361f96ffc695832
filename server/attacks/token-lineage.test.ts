// Attack class "token lineage": a leaked credential must not outlive its revocation. Device tokens cannot breed
// tokens, tokens made by a session die with it, and a session cookie is worthless once its session ends on the server.
import { encode } from '@auth/core/jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRESH_SESSION_MS, SESSION_MAX_AGE_S } from '../auth/sessions.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { browserSignIn, browserSignOut, type CookieJar } from '../test/browser-session.ts';
import { Client, PASSWORD, serveStore, signedInWriter, testConfig, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('token lineage ($name store)', (factory) => {
  let clock = Date.now();
  const served = serveStore(factory, {}, { now: () => clock });
  let server: RunningServer;
  let anonymous: Client;

  beforeAll(() => {
    server = served.server;
    anonymous = new Client(server.url);
  });

  const withCookie = (jar: CookieJar) => ({ Cookie: jar.header() });

  async function tokenFromSession(jar: CookieJar, deviceName = 'from the browser') {
    return anonymous.post('/api/tokens', { deviceName }, withCookie(jar));
  }

  it('refuses to let a device token create device tokens', async () => {
    const { client } = await signedInWriter(server.url);
    const bred = await client.post('/api/tokens', { deviceName: 'offspring' });
    expect(bred.status).toBe(403);
    expect(bred.body).toEqual({ code: 'forbidden', error: expect.stringMatching(/device token cannot create/) });
    expect((await client.get('/api/tokens')).body.data).toHaveLength(1);
  });

  it('revokes the device tokens a session made when that session signs out', async () => {
    const { email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    const made = await tokenFromSession(jar);
    expect(made.status).toBe(201);
    const device = anonymous.withToken(made.body.data.token);
    expect((await device.get('/api/books')).status).toBe(200);

    await browserSignOut(server.url, jar);
    expect((await device.get('/api/books')).status).toBe(401);
  });

  it('keeps a password-made token working when a browser session of the account signs out', async () => {
    const { client, email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    await browserSignOut(server.url, jar);
    expect((await client.get('/api/books')).status).toBe(200);
  });

  it('refuses a copy of the session cookie after sign-out, on the API and on /api/auth/session', async () => {
    const { email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    const stolen = jar.copy();
    await browserSignOut(server.url, jar);
    expect((await anonymous.get('/api/books', withCookie(stolen))).status).toBe(401);
    expect((await tokenFromSession(stolen)).status).toBe(401);
    const session = await fetch(`${server.url}/api/auth/session`, { headers: withCookie(stolen) });
    expect(await session.json()).toBeNull();
  });

  it('refuses a correctly signed JWT that names no live session', async () => {
    const { userId, email } = await signedInWriter(server.url);
    const salt = 'authjs.session-token';
    const secret = testConfig().authSecret;
    for (const token of [{ sub: userId, email }, { sub: userId, email, sid: crypto.randomUUID() }]) {
      const forged = await encode({ token, secret, salt });
      const res = await anonymous.get('/api/books', { Cookie: `${salt}=${forged}` });
      expect(res.status).toBe(401);
    }
  });

  it('refuses a session of another user smuggled into a JWT', async () => {
    const alice = await signedInWriter(server.url);
    const bob = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, alice.email, PASSWORD);
    const [aliceSession] = (await anonymous.get('/api/sessions', withCookie(jar))).body.data;
    const salt = 'authjs.session-token';
    const forged = await encode({ token: { sub: bob.userId, sid: aliceSession.id }, secret: testConfig().authSecret, salt });
    expect((await anonymous.get('/api/books', { Cookie: `${salt}=${forged}` })).status).toBe(401);
  });

  it('lets only a fresh session create device tokens', async () => {
    const { email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    try {
      clock += FRESH_SESSION_MS + 1000;
      const stale = await tokenFromSession(jar);
      expect(stale.status).toBe(403);
      expect(stale.body.error).toMatch(/Sign in again/);
      // The session still opens the API; only minting tokens needs a recent sign-in.
      expect((await anonymous.get('/api/books', withCookie(jar))).status).toBe(200);
      const again = await browserSignIn(server.url, email, PASSWORD);
      expect((await tokenFromSession(again.jar)).status).toBe(201);
    } finally {
      clock = Date.now();
    }
  });

  it('ends a session 30 days after sign-in however it is used, and the tokens it made with it', async () => {
    const { client, email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    const device = anonymous.withToken((await tokenFromSession(jar)).body.data.token);
    try {
      clock += SESSION_MAX_AGE_S * 1000 + 1000;
      expect((await anonymous.get('/api/books', withCookie(jar))).status).toBe(401);
      expect((await device.get('/api/books')).status).toBe(401);
      expect((await client.get('/api/tokens')).body.data.map((t: { deviceName: string }) => t.deviceName)).toEqual(['test laptop']);
    } finally {
      clock = Date.now();
    }
  });

  it('lists tokens with when they were made and used and by which sign-in', async () => {
    const { client, email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    const made = await tokenFromSession(jar, 'Firefox at work');
    const [session] = (await anonymous.get('/api/sessions', withCookie(jar))).body.data;
    expect(session).toEqual({
      id: expect.any(String),
      provider: 'credentials',
      createdAt: expect.any(Number),
      expiresAt: expect.any(Number),
      current: true,
    });

    const list = (await client.get('/api/tokens')).body.data as Array<{ deviceName: string }>;
    // Both were made at the same (frozen) server time: order by name to compare.
    list.sort((a, b) => a.deviceName.localeCompare(b.deviceName));
    expect(list).toEqual([
      {
        id: made.body.data.id,
        deviceName: 'Firefox at work',
        createdAt: expect.any(Number),
        lastUsedAt: null,
        signIn: { method: 'session', provider: 'credentials', sessionId: session.id },
      },
      {
        id: expect.any(String),
        deviceName: 'test laptop',
        createdAt: expect.any(Number),
        lastUsedAt: expect.any(Number),
        signIn: { method: 'password' },
      },
    ]);
  });

  it('revokes one session with DELETE /api/sessions/:id, and the tokens it made with it', async () => {
    const { client, email } = await signedInWriter(server.url);
    const { jar } = await browserSignIn(server.url, email, PASSWORD);
    const device = anonymous.withToken((await tokenFromSession(jar)).body.data.token);
    const [session] = (await client.get('/api/sessions')).body.data;
    expect(session.current).toBe(false);

    expect((await client.delete(`/api/sessions/${session.id}`)).status).toBe(200);
    expect((await anonymous.get('/api/books', withCookie(jar))).status).toBe(401);
    expect((await device.get('/api/books')).status).toBe(401);
    expect((await client.get('/api/tokens')).body.data).toHaveLength(1);
    expect((await client.delete(`/api/sessions/${session.id}`)).status).toBe(404);
  });

  it('signs out everywhere: every token and session of the account, the caller included, and no one else', async () => {
    const ana = await signedInWriter(server.url);
    const other = await signedInWriter(server.url);
    const phoneToken = await anonymous.post('/api/tokens', { email: ana.email, password: PASSWORD, deviceName: 'phone' });
    const phone = anonymous.withToken(phoneToken.body.data.token);
    const { jar } = await browserSignIn(server.url, ana.email, PASSWORD);
    const fromSession = anonymous.withToken((await tokenFromSession(jar)).body.data.token);

    const everywhere = await phone.post('/api/account/sign-out-everywhere', {});
    expect(everywhere.status).toBe(200);
    expect(everywhere.body).toEqual({ success: true, data: { sessions: 1, tokens: 3 } });
    for (const client of [ana.client, phone, fromSession]) expect((await client.get('/api/books')).status).toBe(401);
    expect((await anonymous.get('/api/books', withCookie(jar))).status).toBe(401);

    expect((await other.client.get('/api/books')).status).toBe(200);
    // The password still signs in afresh.
    const back = await anonymous.post('/api/tokens', { email: ana.email, password: PASSWORD, deviceName: 'laptop' });
    expect(back.status).toBe(201);
  });

  it('answers 401 to sign-out-everywhere without credentials', async () => {
    expect((await anonymous.post('/api/account/sign-out-everywhere', {})).status).toBe(401);
  });
});
