// Server-side browser sessions: how long they last, when one is fresh enough to create a device token, and how one
// starts and ends. The Auth.js JWT only carries the session id (`sid`); the record in the store is what counts.
import { randomUUID } from 'node:crypto';
import type { CredentialStore, SessionRecord } from '../store/credential-store.ts';

/** A session ends 30 days after sign-in, however often its cookie is refreshed (also the Auth.js cookie lifetime). */
export const SESSION_MAX_AGE_S = 30 * 24 * 60 * 60;

/** Creating a device token from a session needs a sign-in this recent: a stolen old cookie cannot mint tokens. */
export const FRESH_SESSION_MS = 10 * 60 * 1000;

export function isFresh(session: SessionRecord, now: number): boolean {
  return now - session.createdAt <= FRESH_SESSION_MS;
}

/** Records a new session for a sign-in through `provider`; its id goes into the JWT as `sid`. */
export async function startSession(store: CredentialStore, userId: string, provider: string, now: number): Promise<SessionRecord> {
  const session: SessionRecord = {
    id: randomUUID(),
    userId,
    provider,
    createdAt: now,
    expiresAt: now + SESSION_MAX_AGE_S * 1000,
  };
  await store.createSession(session);
  return session;
}
