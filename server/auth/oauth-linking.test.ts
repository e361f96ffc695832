import { describe, expect, it } from 'vitest';
import { decideOAuthLink, type LinkDecision, type LinkFacts, type OAuthSignIn } from './oauth-linking.ts';

const github = (overrides: Partial<OAuthSignIn> = {}): OAuthSignIn => ({
  provider: 'github',
  subject: '42',
  email: 'ana@example.com',
  emailVerified: true,
  name: 'Ana',
  ...overrides,
});

const none: LinkFacts = { linkedUserId: null, emailOwner: null };
const owner = (hasPassword: boolean, providers: string[] = []): LinkFacts => ({
  linkedUserId: null,
  emailOwner: { id: 'u1', hasPassword, providers },
});

describe('decideOAuthLink', () => {
  it.each<[string, OAuthSignIn, LinkFacts, LinkDecision]>([
    ['a linked provider account signs in as its user', github(), { linkedUserId: 'u9', emailOwner: null }, { action: 'sign-in', userId: 'u9' }],
    ['a linked one signs in even with an unverified email now', github({ emailVerified: false }), { linkedUserId: 'u9', emailOwner: null }, { action: 'sign-in', userId: 'u9' }],
    ['a new verified email creates an account', github(), none, { action: 'create' }],
    ['an unverified email is refused', github({ emailVerified: false }), none, { action: 'refuse', reason: 'unverified-email' }],
    ['no email at all is refused', github({ email: null }), none, { action: 'refuse', reason: 'unverified-email' }],
    ['an unverified email of an existing account is refused', github({ emailVerified: false }), owner(false, ['github']), { action: 'refuse', reason: 'unverified-email' }],
    ['an account with a password is never linked', github(), owner(true), { action: 'refuse', reason: 'account-has-password' }],
    ['…not even when it also has this provider linked', github(), owner(true, ['github']), { action: 'refuse', reason: 'account-has-password' }],
    ['a password-less account of this provider is linked', github(), owner(false, ['github']), { action: 'link', userId: 'u1' }],
    ['a password-less account of another provider is refused', github(), owner(false, ['google']), { action: 'refuse', reason: 'linked-to-another-provider' }],
    ['a password-less account from before identity links is linked by verified email', github(), owner(false), { action: 'link', userId: 'u1' }],
  ])('%s', (_name, signIn, facts, expected) => {
    expect(decideOAuthLink(signIn, facts)).toEqual(expected);
  });
});
