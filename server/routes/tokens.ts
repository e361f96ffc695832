// Device tokens: create with email+password (or a session cookie), list without values, revoke.
import { randomUUID } from 'node:crypto';
import Router from '@koa/router';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { TokenRequest, type CreatedToken, type PublicUser } from '../../shared/protocol.ts';
import { newDeviceToken } from '../auth/device-tokens.ts';
import { checkCredentials } from '../auth/passwords.ts';
import { authenticate } from '../auth/require-user.ts';
import { currentUser, type AppDeps, type AppState } from '../context.ts';
import { ApiError, badRequest, unauthorized } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { jsonBody } from '../middleware/body.ts';
import { presentToken } from '../presenters.ts';
import { parse, parseId } from '../validate.ts';

export function tokenRoutes(deps: AppDeps, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();

  router.post('/api/tokens', guards.ipLimit, jsonBody({ limit: BODY_LIMITS.smallBytes }), async (ctx) => {
    const input = parse(TokenRequest, ctx.request.body, 'Invalid token request');
    let user: PublicUser | null;
    if (input.email !== undefined || input.password !== undefined) {
      if (input.email === undefined) throw badRequest('Invalid token request', { email: ['is required with password'] });
      if (input.password === undefined) throw badRequest('Invalid token request', { password: ['is required with email'] });
      user = await checkCredentials(deps.store, input.email, input.password);
      // One message for unknown email and wrong password, so the answer does not reveal which accounts exist.
      if (!user) throw unauthorized('Invalid email or password');
    } else {
      user = await authenticate(ctx, deps);
      if (!user) throw unauthorized('Sign in, or send email and password');
    }
    const { token, hash } = newDeviceToken();
    const record = { id: randomUUID(), userId: user.id, hash, deviceName: input.deviceName, createdAt: deps.now(), lastUsedAt: null };
    await deps.store.createToken(record);
    const data: CreatedToken = { id: record.id, token, deviceName: record.deviceName, createdAt: record.createdAt };
    ctx.status = 201;
    ctx.body = { success: true, data };
  });

  router.get('/api/tokens', guards.requireUser, async (ctx) => {
    const tokens = await deps.store.listTokens(currentUser(ctx).id);
    ctx.body = { success: true, data: tokens.map(presentToken) };
  });

  router.delete('/api/tokens/:id', guards.requireUser, async (ctx) => {
    const id = parseId(ctx.params.id);
    if (!(await deps.store.revokeToken(currentUser(ctx).id, id))) throw new ApiError(404, 'Token not found');
    ctx.body = { success: true, data: { id, revoked: true } };
  });

  return router;
}
