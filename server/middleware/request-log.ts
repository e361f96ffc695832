// Gives every request an id and a child logger, and logs one line per request: method, path, status, time, user.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { AppMiddleware } from '../context.ts';

const SAFE_ID = /^[\w.-]{1,64}$/;

export function requestLog(logger: Logger): AppMiddleware {
  return async function requestLog(ctx, next) {
    const incoming = ctx.get('X-Request-Id');
    const requestId = SAFE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ reqId: requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } finally {
      // The path only: query strings can carry OAuth codes, and bodies are never logged.
      ctx.state.log.info(
        {
          method: ctx.method,
          path: ctx.path,
          status: ctx.status,
          ms: Math.round(performance.now() - started),
          user: ctx.state.user?.id,
        },
        'request',
      );
    }
  };
}
