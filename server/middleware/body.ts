// JSON request bodies for the API: size-limited (413), gzip/deflate-encoded bodies inflated, other types refused (415).
import { koaBody } from 'koa-body';
import { ApiError } from '../errors.ts';
import type { AppMiddleware } from '../context.ts';

export function jsonBody(maxPayloadBytes: number): AppMiddleware {
  // co-body inflates Content-Encoding gzip/deflate and applies the limit to the inflated size.
  const parse = koaBody({
    json: true,
    urlencoded: false,
    text: false,
    multipart: false,
    jsonLimit: maxPayloadBytes,
    jsonStrict: true, // parses POST, PUT and PATCH bodies (koa-body's default)
  });
  return async function jsonBody(ctx, next) {
    // is() is null without a body and false for a body of another type.
    if (['POST', 'PUT', 'PATCH'].includes(ctx.method) && ctx.request.is('json') === false) {
      throw new ApiError(415, 'Request body must be JSON (Content-Type: application/json)');
    }
    await parse(ctx, next);
  };
}
