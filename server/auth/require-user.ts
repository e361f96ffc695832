// Finds the caller: a Bearer device token or a live Auth.js session; routes behind requireUser get ctx.state.user.
import { getToken } from '@auth/core/jwt';
import type { PublicUser } from '../../shared/protocol.ts';
import type { AppContext, AppMiddleware, DepsWith } from '../context.ts';
import { unauthorized } from '../errors.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { CredentialStore, SessionRecord, TokenRecord } from '../store/credential-store.ts';
import { publicOrigin } from '../public-origin.ts';
import { hashDeviceToken } from './device-tokens.ts';
import { toPublicUser } from './passwords.ts';

/** lastUsedAt is only written when it is older than this, so a busy device does not write on every request. */
const TOUCH_INTERVAL_MS = 60_000;

/** The caller is found by a credential and turned into its user. */
export type IdentifyDeps = DepsWith<AccountStore & CredentialStore, 'now' | 'config'>;

/** How the caller proved who they are: routes that create or revoke credentials need to know. */
export type Credential = { kind: 'token'; token: TokenRecord } | { kind: 'session'; session: SessionRecord };

export interface Caller {
  user: PublicUser;
  credential: Credential;
}

async function fromDeviceToken(authorization: string, deps: IdentifyDeps): Promise<Caller | null> {
  const match = /^Bearer\s+([A-Za-z0-9_-]{16,200})$/i.exec(authorization);
  if (!match) return null;
  // Looked up on every request, so a revoked token fails on its very next use.
  const token = await deps.store.findTokenByHash(hashDeviceToken(match[1]!));
  if (!token) return null;
  const now = deps.now();
  // A token made by a session dies with it, even if deleting the token itself did not happen (yet).
  if (token.sessionId !== null && !(await deps.store.findSession(token.sessionId, now))) return null;
  if (token.lastUsedAt === null || now - token.lastUsedAt >= TOUCH_INTERVAL_MS) {
    await deps.store.touchToken(token.id, now);
  }
  const user = await deps.store.findUserById(token.userId);
  return user ? { user: toPublicUser(user), credential: { kind: 'token', token } } : null;
}

async function fromSessionCookie(ctx: AppContext, deps: IdentifyDeps): Promise<Caller | null> {
  const jwt = await getToken({
    req: { headers: new Headers({ cookie: ctx.get('Cookie') }) },
    secret: deps.config.authSecret,
    // Auth.js prefixes its cookie with __Secure- when its URL (the public one) is https.
    secureCookie: publicOrigin(ctx, deps.config).startsWith('https:'),
  });
  // A valid signature is not enough: the session must still be on record (not signed out, revoked or ended).
  if (!jwt?.sub || typeof jwt.sid !== 'string') return null;
  const session = await deps.store.findSession(jwt.sid, deps.now());
  if (!session || session.userId !== jwt.sub) return null;
  const user = await deps.store.findUserById(session.userId);
  return user ? { user: toPublicUser(user), credential: { kind: 'session', session } } : null;
}

/** The caller of this request, from a Bearer device token or else an Auth.js session cookie; null when neither works. */
export async function identify(ctx: AppContext, deps: IdentifyDeps): Promise<Caller | null> {
  const authorization = ctx.get('Authorization');
  if (authorization) return fromDeviceToken(authorization, deps);
  if (!ctx.get('Cookie')) return null;
  return fromSessionCookie(ctx, deps);
}

export async function authenticate(ctx: AppContext, deps: IdentifyDeps): Promise<PublicUser | null> {
  return (await identify(ctx, deps))?.user ?? null;
}

export function requireUser(deps: IdentifyDeps): AppMiddleware {
  return async function requireUser(ctx, next) {
    const caller = await identify(ctx, deps);
    if (!caller) throw unauthorized();
    ctx.state.user = caller.user;
    ctx.state.credential = caller.credential;
    await next();
  };
}
