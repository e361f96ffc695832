// The one place where errors become responses: every failure is JSON `{code, error, details?, reasons?, limit?}`.
import { ErrorCode } from '../../shared/protocol.ts';
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
  code?: unknown;
  details?: Record<string, string[]>;
  reasons?: Record<string, string>;
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
        ctx.body =
          status === 404
            ? { code: ErrorCode.notFound, error: 'Not found' }
            : { code: ErrorCode.methodNotAllowed, error: 'Method not allowed' };
        ctx.status = status; // assigning a body would otherwise turn it into 200
      }
    } catch (thrown) {
      let caught = thrown;
      if (thrown instanceof StoreFullError) {
        // The operator must hear of it (logged as a fault); the client is told to come back, its text is safe with it.
        ctx.app.emit('error', thrown, ctx);
        caught = new ApiError(503, ErrorCode.storageFull, 'The server is out of storage space; nothing was written, try again later', {
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
          code: codeOf(err, status),
          error: err.message || 'Bad request',
          ...(err.details ? { details: err.details } : {}),
          ...(err.reasons ? { reasons: err.reasons } : {}),
          ...(err.limit !== undefined ? { limit: err.limit } : {}),
        };
      } else {
        ctx.body = { code: ErrorCode.internal, error: 'Internal server error' };
        ctx.app.emit('error', caught, ctx);
      }
      for (const [name, value] of Object.entries(err.headers ?? {})) ctx.set(name, value);
    }
  };
}

/** An ApiError names its code; an http-errors 4xx thrown by a library (Koa, the router) gets the code of its status. */
function codeOf(err: HttpLikeError, status: number): ErrorCode {
  if (typeof err.code === 'string' && (Object.values(ErrorCode) as string[]).includes(err.code)) return err.code as ErrorCode;
  return STATUS_CODES[status] ?? ErrorCode.invalidRequest;
}

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  401: ErrorCode.unauthenticated,
  403: ErrorCode.forbidden,
  404: ErrorCode.notFound,
  405: ErrorCode.methodNotAllowed,
  409: ErrorCode.conflict,
  413: ErrorCode.payloadTooLarge,
  415: ErrorCode.unsupportedMediaType,
  429: ErrorCode.rateLimited,
};
