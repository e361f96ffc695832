// Device tokens: created with the password or from a freshly signed-in session (never with a device token), listed
// with how each was made, revoked.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { ErrorCode, TokenRequest, type CreatedToken, type PublicUser } from '../../shared/protocol.ts';
import { newDeviceToken } from '../auth/device-tokens.ts';
import { checkCredentials } from '../auth/passwords.ts';
import { identify } from '../auth/require-user.ts';
import { FRESH_SESSION_MS, isFresh } from '../auth/sessions.ts';
import { signInThrottle } from '../auth/sign-in-throttle.ts';
import { currentUser, type AppContext, type AppState, type DepsWith } from '../context.ts';
import { badRequest, forbidden, notFound, unauthorized } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { jsonBody } from '../middleware/body.ts';
import { presentToken } from '../presenters.ts';
import type { AccountStore } from '../store/account-store.ts';
import type { CredentialStore, TokenRecord } from '../store/credential-store.ts';
import type { RateCounter } from '../store/rate-counter.ts';
import { parse, parseId } from '../validate.ts';

type Maker = { user: PublicUser } & Pick<TokenRecord, 'sessionId' | 'signIn'>;

export function tokenRoutes(deps: DepsWith<AccountStore & CredentialStore & RateCounter>, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();
  const countSignIn = signInThrottle({ store: deps.store, now: deps.now, perHour: deps.config.authAccountRateLimitPerHour });

  async function withPassword(email: string, password: string): Promise<Maker> {
    await countSignIn(email);
    const user = await checkCredentials(deps.store, email, password);
    // One message for unknown email and wrong password, so the answer does not reveal which accounts exist.
    if (!user) throw unauthorized('Invalid email or password', ErrorCode.invalidCredentials);
    return { user, sessionId: null, signIn: 'password' };
  }

  async function fromSession(ctx: AppContext): Promise<Maker> {
    // A leaked device token must not breed tokens that outlive its revocation.
    if (ctx.get('Authorization')) throw forbidden('A device token cannot create device tokens; send email and password');
    const caller = await identify(ctx, deps);
    if (!caller || caller.credential.kind !== 'session') throw unauthorized('Sign in, or send email and password');
    const { session } = caller.credential;
    if (!isFresh(session, deps.now())) {
      throw forbidden(
        `Sign in again: a session can create device tokens only in the ${FRESH_SESSION_MS / 60_000} minutes after signing in`,
      );
    }
    return { user: caller.user, sessionId: session.id, signIn: session.provider };
  }

  router.post('/api/tokens', guards.ipLimit, jsonBody({ limit: BODY_LIMITS.smallBytes }), async (ctx) => {
    const input = parse(TokenRequest, ctx.request.body, 'Invalid token request');
    let maker: Maker;
    if (input.email !== undefined || input.password !== undefined) {
      if (input.email === undefined) throw badRequest('Invalid token request', { email: ['is required with password'] });
      if (input.password === undefined) throw badRequest('Invalid token request', { password: ['is required with email'] });
      maker = await withPassword(input.email, input.password);
    } else {
      maker = await fromSession(ctx);
    }
    const { token, hash } = newDeviceToken();
    const record: TokenRecord = {
      id: randomUUID(),
      userId: maker.user.id,
      hash,
      deviceName: input.deviceName,
      createdAt: deps.now(),
      lastUsedAt: null,
      sessionId: maker.sessionId,
      signIn: maker.signIn,
    };
    await deps.store.createToken(record);
    const data: CreatedToken = { ...presentToken(record), token };
    ctx.status = 201;
    ctx.body = { success: true, data };
  });

  router.get('/api/tokens', guards.requireUser, async (ctx) => {
    const userId = currentUser(ctx).id;
    const [tokens, sessions] = await Promise.all([deps.store.listTokens(userId), deps.store.listSessions(userId, deps.now())]);
    // A token whose session ended (30 days after sign-in) no longer works; it is not a device to show.
    const live = new Set(sessions.map((s) => s.id));
    const working = tokens.filter((t) => t.sessionId === null || live.has(t.sessionId));
    ctx.body = { success: true, data: working.map(presentToken) };
  });

  router.delete('/api/tokens/:id', guards.requireUser, async (ctx) => {
    const id = parseId(ctx.params.id);
    if (!(await deps.store.revokeToken(currentUser(ctx).id, id))) throw notFound('Token not found');
    ctx.body = { success: true, data: { id, revoked: true } };
  });

  return router;
}
