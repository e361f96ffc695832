// gzip for larger JSON responses (change feeds carry whole manuscripts) when the client accepts it.
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { AppMiddleware } from '../context.ts';

const gzipAsync = promisify(gzip);
const MIN_BYTES = 1024;

export function compressResponses(): AppMiddleware {
  return async function compressResponses(ctx, next) {
    await next();
    ctx.vary('Accept-Encoding');
    const body = ctx.body;
    if (ctx.method === 'HEAD' || body === null || body === undefined || ctx.response.get('Content-Encoding')) return;
    if (!ctx.response.is('json') || ctx.acceptsEncodings('gzip', 'identity') !== 'gzip') return;
    const raw = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
    if (raw.length < MIN_BYTES) return;
    ctx.body = await gzipAsync(raw);
    ctx.type = 'application/json; charset=utf-8';
    ctx.set('Content-Encoding', 'gzip');
  };
}
