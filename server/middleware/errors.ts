// The one place where errors become responses: every failure is JSON `{error, details?, limit?}` with its status.
import type { AppMiddleware } from '../context.ts';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
  details?: Record<string, string[]>;
  headers?: Record<string, string>;
  limit?: number;
}

export function errorHandler(): AppMiddleware {
  return async function errorHandler(ctx, next) {
    try {
      await next();
      // Unmatched routes and wrong methods end without a body; give them the same JSON shape.
      const status = ctx.status;
      if (ctx.body === undefined && (status === 404 || status === 405)) {
        ctx.body = { error: status === 404 ? 'Not found' : 'Method not allowed' };
        ctx.status = status; // assigning a body would otherwise turn it into 200
      }
    } catch (caught) {
      const err = (caught ?? {}) as HttpLikeError;
      const status = err.status ?? err.statusCode ?? 500;
      const known = status >= 400 && status < 500 && err.expose !== false;
      ctx.status = known ? status : 500;
      if (known) {
        ctx.body = {
          error: err.message || 'Bad request',
          ...(err.details ? { details: err.details } : {}),
          ...(err.limit !== undefined ? { limit: err.limit } : {}),
        };
      } else {
        ctx.body = { error: 'Internal server error' };
        ctx.app.emit('error', caught, ctx);
      }
      for (const [name, value] of Object.entries(err.headers ?? {})) ctx.set(name, value);
    }
  };
}
