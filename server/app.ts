// The Koa application: the middleware order in one readable list, then one router per resource.
import Koa from 'koa';
import type { Logger } from 'pino';
import { authjs } from './auth/authjs.ts';
import type { Config } from './config.ts';
import type { AppDeps, AppState } from './context.ts';
import { createGuards } from './guards.ts';
import { canonicalPath } from './middleware/canonical-path.ts';
import { compressResponses } from './middleware/compress.ts';
import { errorHandler } from './middleware/errors.ts';
import { requestLog } from './middleware/request-log.ts';
import { corsPolicy, securityHeaders } from './middleware/security.ts';
import { bookRoutes } from './routes/books.ts';
import { trashRoutes } from './routes/trash.ts';
import { createTrashPurge } from './sync/trash-purge.ts';
import { healthRoutes } from './routes/health.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { homeRoutes } from './routes/home.ts';
import { syncRoutes } from './routes/sync.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import type { Sanitizer } from './sanitizer/pool.ts';
import type { Store } from './store/types.ts';

export interface AppOptions {
  config: Config;
  store: Store;
  /** Owned by the caller, who closes it after the server. */
  sanitizer: Sanitizer;
  logger: Logger;
  /** The server clock (ms); tests move it. */
  now?: () => number;
}

export function createApp({ config, store, sanitizer, logger, now = Date.now }: AppOptions): Koa<AppState> {
  const deps: AppDeps = { config, store, sanitizer, logger, now };
  const guards = createGuards(deps);
  const trashPurge = createTrashPurge(store, config.trashRetentionMs, now);
  // Each trusted proxy appends the address it saw to X-Forwarded-For; entries left of those were written by the client.
  const app = new Koa<AppState>({ proxy: config.trustProxy > 0, maxIpsCount: config.trustProxy });

  // Only unexpected (5xx) errors reach here; the error handler answers them and emits them for logging.
  app.on('error', (error: unknown, ctx?: { state?: Partial<AppState> }) => {
    (ctx?.state?.log ?? logger).error({ err: error }, 'request failed');
  });

  app
    .use(requestLog(logger))
    .use(errorHandler())
    .use(securityHeaders())
    .use(canonicalPath())
    .use(corsPolicy(config.allowedOrigins))
    .use(compressResponses())
    // Bodies are read by the routes that take one, after their guards (middleware/body.ts).
    .use(authjs(deps, guards.ipLimit));

  for (const router of [
    healthRoutes(deps),
    homeRoutes(deps),
    userRoutes(deps, guards),
    tokenRoutes(deps, guards),
    sessionRoutes(deps, guards),
    bookRoutes(deps, guards),
    trashRoutes(deps, guards, trashPurge),
    syncRoutes(deps, guards, trashPurge),
  ]) {
    app.use(router.routes()).use(router.allowedMethods());
  }
  return app;
}
