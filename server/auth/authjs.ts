// Auth.js (@auth/core) mounted at /api/auth/*: credentials sign-in with argon2 hashes, OAuth, and JWT cookies that
// carry a server-side session id (`sid`), so signing out or revoking a session ends it at once.
import { AsyncLocalStorage } from 'node:async_hooks';
import { Auth, type AuthConfig } from '@auth/core';
import { CredentialsSignin } from '@auth/core/errors';
import Credentials from '@auth/core/providers/credentials';
import Google from '@auth/core/providers/google';
import type { Provider } from '@auth/core/providers';
import { BODY_LIMITS } from '../../shared/limits.ts';
import type { AppContext, AppMiddleware, DepsWith } from '../context.ts';
import { gitHubProvider } from './github.ts';
import { resolveOAuthUser, type RefusalReason } from './oauth-linking.ts';
import { checkCredentials } from './passwords.ts';
import { SESSION_MAX_AGE_S, startSession } from './sessions.ts';
import { signInThrottle, SignInThrottledError } from './sign-in-throttle.ts';
import { parseJson, readBody } from '../middleware/body.ts';
import { publicOrigin } from '../public-origin.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import type { RateCounter } from '../store/rate-counter.ts';

export const AUTH_BASE_PATH = '/api/auth';
const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/** Where a refused OAuth sign-in lands: Auth.js's sign-in page, which explains the error above the password form. */
const REFUSAL_PAGE: Record<RefusalReason, string> = {
  // "To confirm your identity, sign in with the same account you used originally."
  'account-has-password': `${AUTH_BASE_PATH}/signin?error=OAuthAccountNotLinked`,
  'linked-to-another-provider': `${AUTH_BASE_PATH}/signin?error=OAuthAccountNotLinked`,
  // "Try signing in with a different account."
  'unverified-email': `${AUTH_BASE_PATH}/signin?error=OAuthSignin`,
};

/** Per request: a credential check refused by the per-account limit, so the answer can be a 429 (see authHandler). */
const throttledSignIn = new AsyncLocalStorage<{ refused: SignInThrottledError | null }>();

/** What Auth.js needs of the app (no sanitiser: it never writes books). */
/** Sign-in needs accounts, sessions and the per-account throttle's counter. */
export type AuthDeps = DepsWith<AccountStore & CredentialStore & RateCounter, 'config' | 'logger' | 'now'>;

export interface AuthOptions {
  /** GitHub's API calls (profile and emails); tests pass a fake. */
  fetch?: typeof fetch;
}

export function authConfig(deps: AuthDeps, options: AuthOptions = {}): AuthConfig {
  const { config, store, logger } = deps;
  const countSignIn = signInThrottle({ store, now: deps.now, perHour: config.authAccountRateLimitPerHour });
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
        try {
          await countSignIn(email);
        } catch (error) {
          const request = throttledSignIn.getStore();
          if (!(error instanceof SignInThrottledError) || !request) throw error;
          request.refused = error;
          throw new CredentialsSignin();
        }
        return checkCredentials(store, email, password);
      },
    }),
  ];
  if (config.oauth.github) providers.push(gitHubProvider(config.oauth.github, options.fetch));
  if (config.oauth.google) providers.push(Google(config.oauth.google));

  return {
    basePath: AUTH_BASE_PATH,
    secret: config.authSecret,
    // The request URL Auth.js sees is built from PUBLIC_URL (see toWebRequest), never from a client's Host header.
    trustHost: true,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_S },
    providers,
    callbacks: {
      /** OAuth: decides which of our users this is (or refuses); `user.id` becomes our user id for the jwt callback. */
      async signIn({ account, user, profile }) {
        if (!account || account.type === 'credentials') return true;
        const outcome = await resolveOAuthUser(
          store,
          {
            provider: account.provider,
            subject: account.providerAccountId,
            email: typeof user.email === 'string' ? user.email : null,
            // Google's profile says so itself; GitHub's comes from gitHubProvider.
            emailVerified: profile?.email_verified === true,
            name: user.name ?? null,
          },
          deps.now(),
        );
        if (!outcome.ok) {
          logger.info({ provider: account.provider, reason: outcome.reason }, 'oauth sign-in refused');
          return REFUSAL_PAGE[outcome.reason];
        }
        user.id = outcome.user.id;
        user.email = outcome.user.email;
        return true;
      },
      async jwt({ token, user, account }) {
        if (account && user?.id) {
          // A sign-in: the one moment a session starts. Its record, not the cookie, decides how long it lives.
          const session = await startSession(store, user.id, account.provider, deps.now());
          token.sub = user.id;
          token.email = user.email;
          token.sid = session.id;
          return token;
        }
        // A refresh (GET /api/auth/session): a signed-out or revoked session clears its cookie.
        const live = typeof token.sid === 'string' ? await store.findSession(token.sid, deps.now()) : null;
        return live && live.userId === token.sub ? token : null;
      },
      session({ session, token }) {
        if (token.sub) session.user.id = token.sub;
        return session;
      },
    },
    events: {
      async signOut(message) {
        const token = 'token' in message ? message.token : null;
        if (token && typeof token.sid === 'string' && token.sub) await store.revokeSession(token.sub, token.sid);
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

/**
 * Answers a web Request with Auth.js. A credential check refused by the per-account limit throws
 * SignInThrottledError (a 429 with Retry-After) instead of Auth.js's usual redirect.
 */
export function authHandler(deps: AuthDeps, options: AuthOptions = {}): (request: Request) => Promise<Response> {
  const config = authConfig(deps, options);
  return async (request) => {
    const outcome = { refused: null as SignInThrottledError | null };
    const response = await throttledSignIn.run(outcome, () => Auth(request, config));
    if (outcome.refused) throw outcome.refused;
    return response;
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
export function authjs(deps: AuthDeps, signInLimit: AppMiddleware): AppMiddleware {
  const handle = authHandler(deps);
  const serve = async (ctx: AppContext) => {
    // Auth.js reads forms (and JSON) itself; this reads them under the same limits as every other body.
    let body: string | null = null;
    if (ctx.method === 'POST') {
      body = await readBody(ctx, { limit: BODY_LIMITS.smallBytes, types: [FORM, JSON_TYPE] });
      if (body !== null && ctx.request.is(JSON_TYPE)) parseJson(body);
    }
    await fromWebResponse(ctx, await handle(toWebRequest(ctx, publicOrigin(ctx, deps.config), body)));
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
