// Signed-in browser sessions: list them, revoke one (with the device tokens it made), and sign out everywhere.
import Router from '@koa/router';
import type { SignedOutEverywhere } from '../../shared/protocol.ts';
import { currentUser, type AppState, type DepsWith } from '../context.ts';
import { notFound } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { presentSession } from '../presenters.ts';
import type { CredentialStore } from '../store/credential-store.ts';
import { parseId } from '../validate.ts';

export function sessionRoutes(deps: DepsWith<CredentialStore>, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();

  router.get('/api/sessions', guards.requireUser, async (ctx) => {
    const credential = ctx.state.credential;
    const currentId = credential?.kind === 'session' ? credential.session.id : null;
    const sessions = await deps.store.listSessions(currentUser(ctx).id, deps.now());
    ctx.body = { success: true, data: sessions.map((s) => presentSession(s, currentId)) };
  });

  router.delete('/api/sessions/:id', guards.requireUser, async (ctx) => {
    const id = parseId(ctx.params.id);
    if (!(await deps.store.revokeSession(currentUser(ctx).id, id))) throw notFound('Session not found');
    ctx.body = { success: true, data: { id, revoked: true } };
  });

  // Every session and every device token of the account, the caller's own included.
  router.post('/api/account/sign-out-everywhere', guards.requireUser, async (ctx) => {
    const data: SignedOutEverywhere = await deps.store.revokeAllCredentials(currentUser(ctx).id);
    ctx.state.log.info(data, 'signed out everywhere');
    ctx.body = { success: true, data };
  });

  return router;
}
