// GET /healthz: liveness plus which store this process uses.
import Router from '@koa/router';
import type { AppDeps, AppState } from '../context.ts';

export function healthRoutes(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true, store: deps.store.kind };
  });
  return router;
}
