// Conformance for the account-security part of every Store: sessions, token lineage, sign out everywhere, identities.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeFactories, stopAll, type OpenedStore } from './testing.ts';
import { IdentityTakenError, type User } from './account-store.ts';
import type { SessionRecord, TokenRecord } from './credential-store.ts';
import type { Store } from './types.ts';

afterAll(stopAll);

const NOW = 1_700_000_000_000;
const DAY = 24 * 60 * 60 * 1000;

function user(): User {
  return { id: randomUUID(), email: `writer-${randomUUID()}@example.com`, name: null, passwordHash: 'hash', createdAt: NOW };
}

function session(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { id: randomUUID(), userId, provider: 'credentials', createdAt: NOW, expiresAt: NOW + 30 * DAY, ...overrides };
}

function token(userId: string, overrides: Partial<TokenRecord> = {}): TokenRecord {
  return {
    id: randomUUID(),
    userId,
    hash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
    deviceName: 'Laptop',
    createdAt: NOW,
    lastUsedAt: null,
    sessionId: null,
    signIn: 'password',
    ...overrides,
  };
}

describe.each(storeFactories)('the $name store: sessions, token lineage and identities', (factory) => {
  let opened: OpenedStore;
  let store: Store;
  let ana: User;
  let bo: User;

  beforeEach(async () => {
    opened = await factory.open();
    store = opened.store;
    ana = user();
    bo = user();
    await store.createUser(ana);
    await store.createUser(bo);
  });

  afterEach(async () => {
    await opened.cleanup();
  });

  it('creates and finds a session until it expires, and lists the live ones oldest first', async () => {
    const older = session(ana.id, { createdAt: NOW - 1000 });
    const newer = session(ana.id, { provider: 'github' });
    const ended = session(ana.id, { createdAt: NOW - 31 * DAY, expiresAt: NOW - DAY });
    for (const s of [newer, older, ended]) await store.createSession(s);

    expect(await store.findSession(newer.id, NOW)).toEqual(newer);
    expect(await store.findSession(ended.id, NOW)).toBeNull();
    expect(await store.findSession(newer.id, newer.expiresAt)).toBeNull();
    expect(await store.findSession(randomUUID(), NOW)).toBeNull();
    expect(await store.listSessions(ana.id, NOW)).toEqual([older, newer]);
    expect(await store.listSessions(bo.id, NOW)).toEqual([]);
  });

  it('keeps a token\'s lineage', async () => {
    const parent = session(ana.id);
    await store.createSession(parent);
    const child = token(ana.id, { sessionId: parent.id, signIn: 'credentials' });
    await store.createToken(child);
    expect(await store.findTokenByHash(child.hash)).toEqual(child);
    expect(await store.listTokens(ana.id)).toEqual([child]);
  });

  it('revokes a session together with the tokens it made, and nothing else', async () => {
    const parent = session(ana.id);
    const sibling = session(ana.id);
    await store.createSession(parent);
    await store.createSession(sibling);
    const child = token(ana.id, { sessionId: parent.id, signIn: 'credentials' });
    const cousin = token(ana.id, { sessionId: sibling.id, signIn: 'credentials' });
    const byPassword = token(ana.id);
    for (const t of [child, cousin, byPassword]) await store.createToken(t);

    expect(await store.revokeSession(bo.id, parent.id)).toBe(false);
    expect(await store.findSession(parent.id, NOW)).toEqual(parent);

    expect(await store.revokeSession(ana.id, parent.id)).toBe(true);
    expect(await store.findSession(parent.id, NOW)).toBeNull();
    expect(await store.findTokenByHash(child.hash)).toBeNull();
    expect((await store.listTokens(ana.id)).map((t) => t.id).sort()).toEqual([cousin.id, byPassword.id].sort());
    expect(await store.revokeSession(ana.id, parent.id)).toBe(false);
  });

  it('revokes every session and token of one user, and counts them', async () => {
    const mine = session(ana.id);
    await store.createSession(mine);
    await store.createSession(session(ana.id));
    await store.createToken(token(ana.id));
    await store.createToken(token(ana.id, { sessionId: mine.id, signIn: 'credentials' }));
    const boSession = session(bo.id);
    const boToken = token(bo.id);
    await store.createSession(boSession);
    await store.createToken(boToken);

    expect(await store.revokeAllCredentials(ana.id)).toEqual({ sessions: 2, tokens: 2 });
    expect(await store.listSessions(ana.id, NOW)).toEqual([]);
    expect(await store.listTokens(ana.id)).toEqual([]);
    expect(await store.findSession(boSession.id, NOW)).toEqual(boSession);
    expect(await store.findTokenByHash(boToken.hash)).toEqual(boToken);
    expect(await store.revokeAllCredentials(ana.id)).toEqual({ sessions: 0, tokens: 0 });
  });

  it('links an OAuth identity once, finds it by provider and subject, and lists a user\'s identities', async () => {
    const github = { provider: 'github', subject: '4242', userId: ana.id, createdAt: NOW };
    const google = { provider: 'google', subject: '4242', userId: ana.id, createdAt: NOW + 1 };
    await store.linkIdentity(github);
    await store.linkIdentity(google);

    expect(await store.findIdentity('github', '4242')).toEqual(github);
    expect(await store.findIdentity('github', '4243')).toBeNull();
    expect(await store.listIdentities(ana.id)).toEqual([github, google]);
    expect(await store.listIdentities(bo.id)).toEqual([]);
    await expect(store.linkIdentity({ ...github, userId: bo.id })).rejects.toBeInstanceOf(IdentityTakenError);
    expect(await store.findIdentity('github', '4242')).toEqual(github);
  });

  it('keeps sessions and identities when the store is opened again', async () => {
    const s = session(ana.id);
    await store.createSession(s);
    await store.linkIdentity({ provider: 'github', subject: '1', userId: ana.id, createdAt: NOW });
    await store.close();
    const reopened = await opened.openAnother();
    expect(await reopened.findSession(s.id, NOW)).toEqual(s);
    expect(await reopened.findIdentity('github', '1')).toMatchObject({ userId: ana.id });
  });
});
