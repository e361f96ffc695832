// Which of our users an OAuth sign-in becomes: one pure decision (decideOAuthLink), and the store work around it.
// Accounts are matched by email, so an email the provider has not verified, or an account that has a password, would
// let whoever controls the provider account take the account over: both are refused, never linked silently.
import { randomUUID } from 'node:crypto';
import { EmailTakenError, IdentityTakenError, normaliseEmail, type AccountStore, type User } from '../store/account-store.ts';

export interface OAuthSignIn {
  provider: string;
  /** The provider's stable account id. */
  subject: string;
  email: string | null;
  /** Only the provider can say; GitHub's public profile email is not verified (see github.ts). */
  emailVerified: boolean;
  name: string | null;
}

/** What the store knows that the decision needs. */
export interface LinkFacts {
  /** The user this provider account was linked to earlier. */
  linkedUserId: string | null;
  /** The user who has the sign-in's email, with how they sign in. */
  emailOwner: { id: string; hasPassword: boolean; providers: readonly string[] } | null;
}

export type RefusalReason = 'unverified-email' | 'account-has-password' | 'linked-to-another-provider';

export type LinkDecision =
  | { action: 'sign-in'; userId: string }
  | { action: 'link'; userId: string }
  | { action: 'create' }
  | { action: 'refuse'; reason: RefusalReason };

export function decideOAuthLink(signIn: OAuthSignIn, facts: LinkFacts): LinkDecision {
  // A linked provider account is that user, whatever its email says today.
  if (facts.linkedUserId) return { action: 'sign-in', userId: facts.linkedUserId };
  if (!signIn.email || !signIn.emailVerified) return { action: 'refuse', reason: 'unverified-email' };
  const owner = facts.emailOwner;
  if (!owner) return { action: 'create' };
  // The account's owner proves themselves with the password; an email alone must not open it.
  if (owner.hasPassword) return { action: 'refuse', reason: 'account-has-password' };
  // A password-less account made through another provider: its owner signs in there. One with no recorded
  // identity predates identity links and was made by an OAuth sign-in with this email, so the email decides.
  if (owner.providers.length > 0 && !owner.providers.includes(signIn.provider)) {
    return { action: 'refuse', reason: 'linked-to-another-provider' };
  }
  return { action: 'link', userId: owner.id };
}

export type OAuthOutcome = { ok: true; user: User } | { ok: false; reason: RefusalReason };

async function gatherFacts(store: AccountStore, signIn: OAuthSignIn): Promise<LinkFacts> {
  const identity = await store.findIdentity(signIn.provider, signIn.subject);
  if (identity) return { linkedUserId: identity.userId, emailOwner: null };
  const owner = signIn.email ? await store.findUserByEmail(signIn.email) : null;
  if (!owner) return { linkedUserId: null, emailOwner: null };
  const identities = await store.listIdentities(owner.id);
  return {
    linkedUserId: null,
    emailOwner: { id: owner.id, hasPassword: owner.passwordHash !== '', providers: identities.map((i) => i.provider) },
  };
}

/** Decides, then records: a new password-less user and/or the identity link. Safe against two first sign-ins at once. */
export async function resolveOAuthUser(store: AccountStore, signIn: OAuthSignIn, now: number, attempt = 0): Promise<OAuthOutcome> {
  const decision = decideOAuthLink(signIn, await gatherFacts(store, signIn));
  if (decision.action === 'refuse') return { ok: false, reason: decision.reason };
  if (decision.action === 'sign-in') {
    const user = await store.findUserById(decision.userId);
    if (!user) throw new Error(`identity ${signIn.provider}:${signIn.subject} links to a missing user`);
    return { ok: true, user };
  }
  try {
    let user: User;
    if (decision.action === 'create') {
      user = { id: randomUUID(), email: normaliseEmail(signIn.email!), name: signIn.name, passwordHash: '', createdAt: now };
      await store.createUser(user);
    } else {
      user = (await store.findUserById(decision.userId))!;
    }
    await store.linkIdentity({ provider: signIn.provider, subject: signIn.subject, userId: user.id, createdAt: now });
    return { ok: true, user };
  } catch (error) {
    // Another sign-in of the same person won the race (created the user or the link): decide again on what it wrote.
    const raced = error instanceof EmailTakenError || error instanceof IdentityTakenError;
    if (!raced || attempt > 0) throw error;
    return resolveOAuthUser(store, signIn, now, attempt + 1);
  }
}
