// Account flows against the real server: create, sign in, sign out (revoking the token), and the failure paths.
import { describe, expect, it } from 'vitest';
import { embeddedStore } from '../../../server/store/testing.ts';
import { PASSWORD, serveStore, uniqueEmail } from '../../../server/test/harness.ts';
import { ACCOUNT_KEY, CREDENTIALS_KEY, DEFAULT_SERVER_URL, accountScope, deviceNameFor } from './account.ts';
import { createDevice, faultyFetch } from './testing.ts';
import { TransportError } from './transport-error.ts';

const served = serveStore(embeddedStore);

const fresh = () => createDevice({ fetch: faultyFetch().fetch });

describe('account service', () => {
  it('starts signed out with the default server URL', async () => {
    const d = fresh();
    expect(await d.account.current()).toBeNull();
    expect(await d.account.settings()).toEqual({ serverUrl: DEFAULT_SERVER_URL, email: '' });
  });

  it('creates an account and signs this device in, keeping the token only in extension storage', async () => {
    const d = fresh();
    const email = uniqueEmail();
    const account = await d.account.createAccount({ serverUrl: `${served.server.url}/`, email, password: PASSWORD });
    expect(account.serverUrl).toBe(served.server.url);
    expect(account.deviceName).toMatch(/^Chrome · [0-9a-z]{4}$/);
    expect(account.token.length).toBeGreaterThanOrEqual(20);
    expect(d.kv.data.get(CREDENTIALS_KEY)).toEqual({ token: account.token, tokenId: account.tokenId });
    // Pages read the public record: it says who is signed in, never the token.
    expect(d.kv.data.get(ACCOUNT_KEY)).toEqual({ serverUrl: served.server.url, email, deviceName: account.deviceName, signedIn: true });
    expect(JSON.stringify(d.kv.data.get(ACCOUNT_KEY))).not.toContain(account.token);
    expect(d.logs.join('\n')).not.toContain(account.token);
  });

  it('signs in on a second device of the same account with the same device name kept across sign-ins', async () => {
    const email = uniqueEmail();
    await fresh().account.createAccount({ serverUrl: served.server.url, email, password: PASSWORD });
    const d = fresh();
    const first = await d.account.signIn({ serverUrl: served.server.url, email, password: PASSWORD });
    await d.account.signOut();
    const second = await d.account.signIn({ serverUrl: served.server.url, email, password: PASSWORD });
    expect(second.deviceName).toBe(first.deviceName);
    expect(second.token).not.toBe(first.token);
  });

  it('refuses a wrong password with 401 and stores nothing', async () => {
    const email = uniqueEmail();
    await fresh().account.createAccount({ serverUrl: served.server.url, email, password: PASSWORD });
    const d = fresh();
    const error = await d.account.signIn({ serverUrl: served.server.url, email, password: 'wrong password!' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).kind).toBe('unauthorized');
    expect(await d.account.current()).toBeNull();
  });

  it('reports a too-short password with the server field messages', async () => {
    const error = await fresh()
      .account.createAccount({ serverUrl: served.server.url, email: uniqueEmail(), password: 'short' })
      .catch((e: unknown) => e);
    expect((error as TransportError).kind).toBe('bad_request');
    expect(Object.keys((error as TransportError).extra.details ?? {})).toContain('password');
  });

  it('validates the form before calling the server', async () => {
    const d = fresh();
    await expect(d.account.signIn({ serverUrl: 'ftp://x', email: 'a@b.c', password: 'x' })).rejects.toThrow(/http/);
    await expect(d.account.signIn({ serverUrl: served.server.url, email: ' ', password: 'x' })).rejects.toThrow(/email/);
  });

  it('moves a token kept in the public record by an earlier version to the background-only key', async () => {
    const d = fresh();
    const email = uniqueEmail();
    const made = await fresh().account.createAccount({ serverUrl: served.server.url, email, password: PASSWORD });
    await d.kv.set(ACCOUNT_KEY, { serverUrl: served.server.url, email, deviceName: 'Chrome · ab12', token: made.token, tokenId: made.tokenId });
    expect(await d.account.current()).toMatchObject({ email, token: made.token, tokenId: made.tokenId });
    expect(d.kv.data.get(ACCOUNT_KEY)).toEqual({ serverUrl: served.server.url, email, deviceName: 'Chrome · ab12', signedIn: true });
    expect(d.kv.data.get(CREDENTIALS_KEY)).toEqual({ token: made.token, tokenId: made.tokenId });
  });

  it('revokes the token on sign-out, so it is refused on its next use', async () => {
    const d = fresh();
    const account = await d.account.createAccount({ serverUrl: served.server.url, email: uniqueEmail(), password: PASSWORD });
    expect(await d.account.signOut()).toEqual({ revoked: true });
    expect(await d.account.current()).toBeNull();
    expect(d.kv.data.has(CREDENTIALS_KEY)).toBe(false);
    expect(await d.account.settings()).toEqual({ email: account.email, serverUrl: served.server.url, deviceName: account.deviceName });
    const error = await d.transport.sync(served.server.url, account.token, { changes: [] }).catch((e: unknown) => e);
    expect((error as TransportError).kind).toBe('unauthorized');
  });

  it('forgets the token locally when the server cannot be reached, and says the revocation failed', async () => {
    const faults = faultyFetch();
    const d = createDevice({ fetch: faults.fetch });
    await d.account.createAccount({ serverUrl: served.server.url, email: uniqueEmail(), password: PASSWORD });
    const offline = createDevice({ fetch: async () => Promise.reject(new TypeError('fetch failed')), restartOf: d });
    expect(await offline.account.signOut()).toEqual({ revoked: false, error: 'Network error' });
    expect(await offline.account.current()).toBeNull();
  });
});

describe('sign out everywhere', () => {
  it('revokes every device of the account on the server, and forgets this one', async () => {
    const email = uniqueEmail();
    const laptop = fresh();
    const phone = fresh();
    const mine = await laptop.account.createAccount({ serverUrl: served.server.url, email, password: PASSWORD });
    const theirs = await phone.account.signIn({ serverUrl: served.server.url, email, password: PASSWORD });

    expect(await laptop.account.signOutEverywhere()).toEqual({ sessions: 0, tokens: 2 });
    expect(await laptop.account.current()).toBeNull();
    expect(await laptop.account.settings()).toMatchObject({ email, serverUrl: served.server.url });
    for (const token of [mine.token, theirs.token]) {
      const error = await laptop.transport.sync(served.server.url, token, { changes: [] }).catch((e: unknown) => e);
      expect((error as TransportError).kind).toBe('unauthorized');
    }
  });

  it('stays signed in when the server cannot be reached, so the user can try again', async () => {
    const d = fresh();
    await d.account.createAccount({ serverUrl: served.server.url, email: uniqueEmail(), password: PASSWORD });
    const offline = createDevice({ fetch: async () => Promise.reject(new TypeError('fetch failed')), restartOf: d });
    await expect(offline.account.signOutEverywhere()).rejects.toMatchObject({ kind: 'network' });
    expect(await offline.account.current()).not.toBeNull();
  });

  it('forgets a token the server already revoked, and says the others were not signed out', async () => {
    const email = uniqueEmail();
    const laptop = fresh();
    const phone = fresh();
    await laptop.account.createAccount({ serverUrl: served.server.url, email, password: PASSWORD });
    await phone.account.signIn({ serverUrl: served.server.url, email, password: PASSWORD });
    await phone.account.signOutEverywhere();
    await expect(laptop.account.signOutEverywhere()).rejects.toMatchObject({ kind: 'unauthorized' });
    expect(await laptop.account.current()).toBeNull();
    expect((await laptop.account.settings()).signedOutReason).toBeTruthy();
  });
});

describe('account helpers', () => {
  it.each([
    ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36', 'Chrome'],
    ['Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Firefox'],
    ['Mozilla/5.0 AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0', 'Edge'],
    ['curl/8', 'Browser'],
  ])('names a device by its browser brand: %s → %s', (ua, brand) => {
    expect(deviceNameFor(ua, () => 0)).toBe(`${brand} · 0000`);
  });

  it('scopes cursors by server and case-insensitive email', () => {
    expect(accountScope({ serverUrl: 'http://s', email: ' Ana@Example.com ' })).toBe('http://s ana@example.com');
  });
});
