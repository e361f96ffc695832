// The one place where errors become responses: every failure is JSON `{error, details?, limit?}` with its status.
import type { AppMiddleware } from '../context.ts';
import { ApiError } from '../errors.ts';
import { StoreFullError } from '../store/types.ts';

/** How long a client should wait before writing again to a store that ran out of space. */
const STORE_FULL_RETRY_AFTER_S = 60;

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
    } catch (thrown) {
      let caught = thrown;
      if (thrown instanceof StoreFullError) {
        // The operator must hear of it (logged as a fault); the client is told to come back, its text is safe with it.
        ctx.app.emit('error', thrown, ctx);
        caught = new ApiError(503, 'The server is out of storage space; nothing was written, try again later', {
          headers: { 'Retry-After': String(STORE_FULL_RETRY_AFTER_S) },
        });
      }
      const err = (caught ?? {}) as HttpLikeError;
      const status = err.status ?? err.statusCode ?? 500;
      // 4xx unless marked private; 5xx only when deliberately exposed (an ApiError such as 503 + Retry-After).
      const known = status >= 400 && (status < 500 ? err.expose !== false : err.expose === true && caught instanceof ApiError);
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
