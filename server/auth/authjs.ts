// Auth.js (@auth/core) mounted at /api/auth/*: credentials sign-in with argon2 hashes, JWT sessions, optional OAuth.
import { randomUUID } from 'node:crypto';
import { Auth, type AuthConfig } from '@auth/core';
import Credentials from '@auth/core/providers/credentials';
import GitHub from '@auth/core/providers/github';
import Google from '@auth/core/providers/google';
import type { Provider } from '@auth/core/providers';
import { BODY_LIMITS } from '../../shared/limits.ts';
import type { AppContext, AppDeps, AppMiddleware } from '../context.ts';
import { parseJson, readBody } from '../middleware/body.ts';
import { publicOrigin } from '../public-origin.ts';
import { EmailTakenError, type Store, type User } from '../store/types.ts';
import { checkCredentials, normaliseEmail } from './passwords.ts';

export const AUTH_BASE_PATH = '/api/auth';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** An OAuth sign-in becomes our user with the same email (created on first sign-in, without a password). */
async function userForOAuthEmail(store: Store, email: string, name: string | null, now: number): Promise<User> {
  const normalised = normaliseEmail(email);
  const existing = await store.findUserByEmail(normalised);
  if (existing) return existing;
  const user: User = { id: randomUUID(), email: normalised, name, passwordHash: '', createdAt: now };
  try {
    await store.createUser(user);
    return user;
  } catch (error) {
    // Two first sign-ins at once: the other one created it.
    if (!(error instanceof EmailTakenError)) throw error;
    const raced = await store.findUserByEmail(normalised);
    if (!raced) throw error;
    return raced;
  }
}

export function authConfig(deps: AppDeps): AuthConfig {
  const { config, store, logger } = deps;
  const providers: Provider[] = [
    Credentials({
      name: 'Email and password',
      credentials: {
        email: { label: 'Email', type: 'email', required: true },
        password: { label: 'Password', type: 'password', required: true },
      },
      authorize: async (credentials) => {
        const { email, password } = credentials;
        if (typeof email !== 'string' || typeof password !== 'string') return null;
        return checkCredentials(store, email, password);
      },
    }),
  ];
  if (config.oauth.github) providers.push(GitHub(config.oauth.github));
  if (config.oauth.google) providers.push(Google(config.oauth.google));

  return {
    basePath: AUTH_BASE_PATH,
    secret: config.authSecret,
    // The request URL Auth.js sees is built from PUBLIC_URL (see toWebRequest), never from a client's Host header.
    trustHost: true,
    session: { strategy: 'jwt' },
    providers,
    callbacks: {
      signIn({ account, user, profile }) {
        if (!account || account.type === 'credentials') return true;
        // Accounts are matched by email, so only a verified email may sign in through a provider.
        if (account.provider === 'google' && profile?.email_verified !== true) return false;
        return typeof user.email === 'string' && user.email.length > 0;
      },
      async jwt({ token, account, user }) {
        if (account && account.type !== 'credentials' && user?.email) {
          const ours = await userForOAuthEmail(store, user.email, user.name ?? null, deps.now());
          token.sub = ours.id;
          token.email = ours.email;
        }
        return token;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    // Auth.js errors can carry request details; log only their kind.
    logger: {
      error: (error) => logger.warn({ authjs: error.name }, 'auth.js error'),
      warn: (code) => logger.warn({ authjs: code }, 'auth.js warning'),
      debug: () => {},
    },
  };
}

function toWebRequest(ctx: AppContext, origin: string, body: string | null): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(ctx.headers)) {
    if (value === undefined) continue;
    // The URL below already is the public one; nothing a client forwards may change it.
    if (name.startsWith('x-forwarded-')) continue;
    // The body is handed over already read (and inflated), so framing headers no longer apply.
    if (['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const hasBody = ctx.method !== 'GET' && ctx.method !== 'HEAD';
  // Auth.js builds every link and redirect (and checks callbackUrl) from this URL's origin.
  return new Request(`${origin}${ctx.path}${ctx.search}`, {
    method: ctx.method,
    headers,
    body: hasBody ? (body ?? '') : undefined,
  });
}

async function fromWebResponse(ctx: AppContext, response: Response): Promise<void> {
  ctx.status = response.status;
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie' && name !== 'content-length' && name !== 'content-encoding') ctx.set(name, value);
  });
  // Sign-in sets several cookies at once (session, csrf, callback-url); each must stay its own header.
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) ctx.set('Set-Cookie', cookies);
  ctx.body = Buffer.from(await response.arrayBuffer());
}

/**
 * Serves /api/auth/* through Auth.js. `signInLimit` (per IP) guards every POST: callback/credentials checks the
 * password, and counting all POST actions leaves no spelling or future action that checks one unlimited.
 */
export function authjs(deps: AppDeps, signInLimit: AppMiddleware): AppMiddleware {
  const config = authConfig(deps);
  const serve = async (ctx: AppContext) => {
    // Auth.js reads forms (and JSON) itself; this reads them under the same limits as every other body.
    let body: string | null = null;
    if (ctx.method === 'POST') {
      body = await readBody(ctx, { limit: BODY_LIMITS.smallBytes, types: [FORM, JSON_TYPE] });
      if (body !== null && ctx.request.is(JSON_TYPE)) parseJson(body);
    }
    await fromWebResponse(ctx, await Auth(toWebRequest(ctx, publicOrigin(ctx, deps.config), body), config));
  };
  return async function authjs(ctx, next) {
    if (!ctx.path.startsWith(`${AUTH_BASE_PATH}/`)) return next();
    if (ctx.method === 'POST') {
      await signInLimit(ctx, () => serve(ctx));
    } else {
      await serve(ctx);
    }
  };
}
