// Attack class "identity linking": an OAuth sign-in must not take over an account through an email it does not own
// (unverified) or an account that has a password. Auth.js's callbacks run here against real stores; the OAuth
// redirect dance itself is Auth.js's and is not repeated.
import { randomUUID } from 'node:crypto';
import type { Account, AuthConfig, Profile, User as AuthUser } from '@auth/core/types';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authConfig, type AuthDeps } from '../auth/authjs.ts';
import { GITHUB_API } from '../auth/github.ts';
import { hashPassword } from '../auth/passwords.ts';
import { stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import type { Store } from '../store/types.ts';
import { testConfig } from '../test/harness.ts';

afterAll(stopAll);

type Callbacks = Required<Pick<NonNullable<AuthConfig['callbacks']>, 'signIn' | 'jwt'>>;

describe.each(storeFactories)('identity linking ($name store)', (factory) => {
  let opened: OpenedStore;
  let store: Store;
  let callbacks: Callbacks;
  let deps: AuthDeps;

  beforeAll(async () => {
    opened = await factory.open();
    store = opened.store;
    deps = {
      config: testConfig({ oauth: { github: { clientId: 'gh', clientSecret: 's' }, google: { clientId: 'g', clientSecret: 's' } } }),
      store,
      logger: pino({ level: 'silent' }),
      now: Date.now,
    };
    callbacks = authConfig(deps).callbacks as Callbacks;
  });

  afterAll(async () => {
    await opened?.cleanup();
  });

  async function passwordAccount(email: string) {
    const id = randomUUID();
    await store.createUser({ id, email, name: 'Ana', passwordHash: await hashPassword('correct horse battery'), createdAt: 1 });
    return id;
  }

  /** Runs Auth.js's signIn then jwt callbacks as its OAuth callback route does. */
  async function oauthSignIn(provider: 'github' | 'google', subject: string, email: string | null, emailVerified: boolean) {
    const user: AuthUser = { id: randomUUID(), email, name: 'Mallory' };
    const account: Account = { provider, type: 'oauth', providerAccountId: subject };
    const profile: Profile = { email, email_verified: emailVerified };
    const allowed = await callbacks.signIn({ user, account, profile });
    if (allowed !== true) return { allowed, token: null };
    const token = await callbacks.jwt({ token: { sub: user.id, email }, user, account, profile, trigger: 'signIn' });
    return { allowed, token };
  }

  it('refuses a GitHub sign-in with the (verified) email of an account that has a password', async () => {
    const email = `ana-${randomUUID()}@example.com`;
    await passwordAccount(email);
    const { allowed } = await oauthSignIn('github', `gh-${randomUUID()}`, email, true);
    expect(allowed).toBe('/api/auth/signin?error=OAuthAccountNotLinked');
    expect(await store.listIdentities((await store.findUserByEmail(email))!.id)).toEqual([]);
  });

  it('refuses an OAuth sign-in whose email the provider has not verified, and creates nothing', async () => {
    const email = `new-${randomUUID()}@example.com`;
    const { allowed } = await oauthSignIn('github', `gh-${randomUUID()}`, email, false);
    expect(allowed).toBe('/api/auth/signin?error=OAuthSignin');
    expect(await store.findUserByEmail(email)).toBeNull();
  });

  it('takes GitHub\'s verified primary email, not the public profile one (the provider as configured)', async () => {
    const victim = `victim-${randomUUID()}@example.com`;
    const victimId = await passwordAccount(victim);
    // The attacker's GitHub account shows the victim's address publicly, and has it as an unverified primary.
    const fakeGitHub = (async (input: string | URL | Request) =>
      String(input) === `${GITHUB_API}/user`
        ? Response.json({ id: 99, login: 'mallory', email: victim })
        : Response.json([{ email: victim, primary: true, verified: false }])) as typeof fetch;
    const provider = authConfig(deps, { fetch: fakeGitHub }).providers.find(
      (p) => typeof p !== 'function' && p.id === 'github',
    ) as { userinfo: { request: (context: unknown) => Promise<Profile> } };
    const profile = await provider.userinfo.request({ tokens: { access_token: 'gho_x' } });
    expect(profile).toMatchObject({ email: null, email_verified: false });
    const { allowed } = await oauthSignIn('github', '99', profile.email ?? null, profile.email_verified === true);
    expect(allowed).not.toBe(true);
    expect(await store.listIdentities(victimId)).toEqual([]);
  });

  it('creates a password-less account for a new verified email, then finds it by the provider account', async () => {
    const email = `new-${randomUUID()}@example.com`;
    const subject = `gh-${randomUUID()}`;
    const first = await oauthSignIn('github', subject, email, true);
    expect(first.allowed).toBe(true);
    const user = (await store.findUserByEmail(email))!;
    expect(user).toMatchObject({ passwordHash: '' });
    expect(first.token).toMatchObject({ sub: user.id, email, sid: expect.any(String) });
    expect(await store.findSession(first.token!.sid as string, Date.now())).toMatchObject({ userId: user.id, provider: 'github' });

    // Later the GitHub account's email changes: the link, not the email, decides.
    const again = await oauthSignIn('github', subject, `changed-${randomUUID()}@example.com`, true);
    expect(again.token).toMatchObject({ sub: user.id });
  });

  it('refuses another provider with the same verified email as an account made through GitHub', async () => {
    const email = `gh-${randomUUID()}@example.com`;
    await oauthSignIn('github', `gh-${randomUUID()}`, email, true);
    const { allowed } = await oauthSignIn('google', `g-${randomUUID()}`, email, true);
    expect(allowed).toBe('/api/auth/signin?error=OAuthAccountNotLinked');
  });

  it('gives two first sign-ins of one GitHub account at once the same single account', async () => {
    const email = `race-${randomUUID()}@example.com`;
    const subject = `gh-${randomUUID()}`;
    const [a, b] = await Promise.all([oauthSignIn('github', subject, email, true), oauthSignIn('github', subject, email, true)]);
    expect(a.token?.sub).toBeDefined();
    expect(a.token?.sub).toBe(b.token?.sub);
    expect(await store.listIdentities(a.token!.sub!)).toHaveLength(1);
  });
});
