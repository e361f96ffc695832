import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../store/testing.ts';
import { Client, PASSWORD, serveStore, signedInWriter, uniqueEmail, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('accounts and device tokens ($name store)', (factory) => {
  const served = serveStore(factory);
  let server: RunningServer;
  let anonymous: Client;

  beforeAll(() => {
    server = served.server;
    anonymous = new Client(server.url);
  });

  describe('POST /api/users', () => {
    it('creates an account and answers 201 with its public fields only', async () => {
      const email = uniqueEmail();
      const res = await anonymous.post('/api/users', { email: email.toUpperCase(), password: PASSWORD, name: ' Ana ' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ success: true, data: { id: expect.any(String), email, name: 'Ana' } });
    });

    it('answers 409 when the email is already registered, whatever its case', async () => {
      const email = uniqueEmail();
      expect((await anonymous.post('/api/users', { email, password: PASSWORD })).status).toBe(201);
      const again = await anonymous.post('/api/users', { email: email.toUpperCase(), password: 'another password' });
      expect(again.status).toBe(409);
      expect(again.body).toEqual({ code: 'email_taken', error: 'Email already registered' });
    });

    it.each([
      ['an invalid email', { email: 'not-an-email', password: PASSWORD }, 'email'],
      ['a password shorter than 8 characters', { email: uniqueEmail(), password: 'short' }, 'password'],
      ['a missing password', { email: uniqueEmail() }, 'password'],
      ['an unknown field', { email: uniqueEmail(), password: PASSWORD, admin: true }, '_'],
      ['a MongoDB operator instead of an email', { email: { $gt: '' }, password: PASSWORD }, 'email'],
      ['one of the most common passwords', { email: uniqueEmail(), password: 'password1' }, 'password'],
      ['a common password in other letter case', { email: uniqueEmail(), password: 'Iloveyou' }, 'password'],
      ['a name with a lone surrogate', { email: uniqueEmail(), password: PASSWORD, name: 'Ana \ud800' }, 'name'],
      ['a password with a lone surrogate', { email: uniqueEmail(), password: `${PASSWORD}\udc00` }, 'password'],
    ])('answers 400 with field details for %s', async (_name, body, field) => {
      const res = await anonymous.post('/api/users', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Invalid sign-up');
      expect(Object.keys(res.body.details)).toContain(field);
    });
  });

  describe('POST /api/tokens', () => {
    it('creates a device token with email and password, and the token opens the API', async () => {
      const email = uniqueEmail();
      await anonymous.post('/api/users', { email, password: PASSWORD });
      const res = await anonymous.post('/api/tokens', { email, password: PASSWORD, deviceName: 'Firefox on laptop' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        success: true,
        data: {
          id: expect.any(String),
          token: expect.any(String),
          deviceName: 'Firefox on laptop',
          createdAt: expect.any(Number),
          lastUsedAt: null,
          signIn: { method: 'password' },
        },
      });
      // At least 128 bits of randomness in base64url.
      expect(res.body.data.token).toMatch(/^[A-Za-z0-9_-]{22,}$/);
      expect((await anonymous.withToken(res.body.data.token).get('/api/books')).status).toBe(200);
    });

    it('answers the same 401 for an unknown email and for a wrong password', async () => {
      const { email } = await signedInWriter(server.url);
      const wrongPassword = await anonymous.post('/api/tokens', { email, password: 'wrong password', deviceName: 'x' });
      const unknownEmail = await anonymous.post('/api/tokens', { email: uniqueEmail(), password: PASSWORD, deviceName: 'x' });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(unknownEmail.body).toEqual(wrongPassword.body);
    });

    it('answers 401 without credentials or a session', async () => {
      const res = await anonymous.post('/api/tokens', { deviceName: 'x' });
      expect(res.status).toBe(401);
      expect(res.body.error).toEqual(expect.any(String));
    });

    it('answers 400 for a device name with a lone surrogate', async () => {
      const res = await anonymous.post('/api/tokens', { email: uniqueEmail(), password: PASSWORD, deviceName: 'Chrome \ud800' });
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveProperty('deviceName');
    });

    it('answers 400 for a missing device name or a password without email', async () => {
      const noName = await anonymous.post('/api/tokens', { email: uniqueEmail(), password: PASSWORD });
      expect(noName.status).toBe(400);
      expect(noName.body.details).toHaveProperty('deviceName');
      const noEmail = await anonymous.post('/api/tokens', { password: PASSWORD, deviceName: 'x' });
      expect(noEmail.status).toBe(400);
      expect(noEmail.body.details).toHaveProperty('email');
    });
  });

  describe('GET and DELETE /api/tokens', () => {
    it('lists the caller\'s tokens without their values', async () => {
      const { client, tokenId } = await signedInWriter(server.url);
      const res = await client.get('/api/tokens');
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual([
        {
          id: tokenId,
          deviceName: 'test laptop',
          createdAt: expect.any(Number),
          lastUsedAt: expect.any(Number),
          signIn: { method: 'password' },
        },
      ]);
      expect(JSON.stringify(res.body)).not.toContain(client.token);
    });

    it('revokes a token so that its very next request gets 401', async () => {
      const { client, email } = await signedInWriter(server.url);
      const second = await anonymous.post('/api/tokens', { email, password: PASSWORD, deviceName: 'phone' });
      const phone = anonymous.withToken(second.body.data.token);
      expect((await phone.get('/api/books')).status).toBe(200);

      const revoked = await client.delete(`/api/tokens/${second.body.data.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body).toEqual({ success: true, data: { id: second.body.data.id, revoked: true } });
      const next = await phone.get('/api/books');
      expect(next.status).toBe(401);
      expect(next.body).toEqual({ code: 'unauthenticated', error: 'Authentication required' });
      // The other device is unaffected.
      expect((await client.get('/api/books')).status).toBe(200);
    });

    it('answers 404 when revoking another user\'s token, which keeps working', async () => {
      const alice = await signedInWriter(server.url);
      const bob = await signedInWriter(server.url);
      const res = await bob.client.delete(`/api/tokens/${alice.tokenId}`);
      expect(res.status).toBe(404);
      expect((await alice.client.get('/api/books')).status).toBe(200);
      expect((await bob.client.get('/api/tokens')).body.data.map((t: { id: string }) => t.id)).not.toContain(alice.tokenId);
    });

    it('answers 400 for a token id that is not a UUID and 401 without a token', async () => {
      const { client } = await signedInWriter(server.url);
      expect((await client.delete('/api/tokens/not-a-uuid')).status).toBe(400);
      expect((await anonymous.get('/api/tokens')).status).toBe(401);
      expect((await anonymous.withToken('made-up-token-value-123456').get('/api/tokens')).status).toBe(401);
    });
  });
});

describe.each(storeFactories)('per-account sign-in limit ($name store)', (factory) => {
  const served = serveStore(factory, { authAccountRateLimitPerHour: 3 });

  it('answers 429 with Retry-After once one account had its credential checks for the hour, whatever the password', async () => {
    const anonymous = new Client(served.server.url);
    const { email } = await signedInWriter(served.server.url); // one check
    for (const password of ['guess one', 'guess two']) {
      expect((await anonymous.post('/api/tokens', { email, password, deviceName: 'x' })).status).toBe(401);
    }
    // The right password no longer helps, and the email's spelling does not open a new budget.
    const limited = await anonymous.post('/api/tokens', { email: ` ${email.toUpperCase()} `, password: PASSWORD, deviceName: 'x' });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('Retry-After'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('Retry-After'))).toBeLessThanOrEqual(3600);

    // Another account is not affected.
    const other = await signedInWriter(served.server.url);
    expect((await other.client.get('/api/books')).status).toBe(200);

    // An email with no account is limited the same way, so a 429 does not tell whether an account exists.
    const nobody = uniqueEmail();
    for (let i = 0; i < 3; i++) await anonymous.post('/api/tokens', { email: nobody, password: `guess ${i}`, deviceName: 'x' });
    const unknown = await anonymous.post('/api/tokens', { email: nobody, password: PASSWORD, deviceName: 'x' });
    expect(unknown.status).toBe(429);
    expect(unknown.body).toEqual(limited.body);
  });
});
