// Password hashing (argon2id) and credential checks that take the same time whether or not the email exists.
import argon2 from 'argon2';
import type { PublicUser } from '../../shared/protocol.ts';
import type { AccountStore, User } from '../store/account-store.ts';

// OWASP's argon2id baseline (19 MiB, 2 passes): strong, yet cheap enough for a small shared server.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

let dummyHash: Promise<string> | null = null;

/** True when the password matches; unknown emails and password-less (OAuth) accounts cost a real verification too. */
export async function verifyPassword(hash: string | null, password: string): Promise<boolean> {
  if (!hash) {
    dummyHash ??= hashPassword('an unguessable password nobody has');
    await argon2.verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return argon2.verify(hash, password).catch(() => false);
}

export function toPublicUser(user: User): PublicUser {
  return { id: user.id, email: user.email, name: user.name };
}

/** The user these credentials belong to, or null; the caller answers both failures with the same 401. */
export async function checkCredentials(store: AccountStore, email: string, password: string): Promise<PublicUser | null> {
  const user = await store.findUserByEmail(email);
  const ok = await verifyPassword(user?.passwordHash || null, password);
  return ok && user ? toPublicUser(user) : null;
}
