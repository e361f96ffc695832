// GET /healthz: liveness plus which store this process uses.
import Router from '@koa/router';
import type { AppState, DepsWith } from '../context.ts';
import type { Store } from '../store/types.ts';

export function healthRoutes(deps: DepsWith<Pick<Store, 'kind'>>): Router<AppState> {
  const router = new Router<AppState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true, store: deps.store.kind };
  });
  return router;
}
