// Request bodies, read only by the routes that take one and only after their guards: a byte limit (413), gzip/deflate
// inflated under a compression-ratio cap (413), strict UTF-8, JSON nesting capped by a linear scan before JSON.parse.
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { BODY_LIMITS } from '../../shared/limits.ts';
import { ErrorCode } from '../../shared/protocol.ts';
import type { AppContext, AppMiddleware } from '../context.ts';
import { ApiError } from '../errors.ts';

declare module 'koa' {
  interface Request {
    /** The parsed JSON body, set by jsonBody on the routes that take one. */
    body?: unknown;
  }
}

const INFLATE = { gzip: promisify(gunzip), 'x-gzip': promisify(gunzip), deflate: promisify(inflate) } as const;
type Encoding = keyof typeof INFLATE;

const tooLarge = (limit: number, why = `Request body is larger than ${limit} bytes`) =>
  // The rest of the body is never read, so the connection cannot be reused.
  new ApiError(413, ErrorCode.payloadTooLarge, why, { limit, headers: { Connection: 'close' } });

/** 400 for a body that cannot be read as JSON at all, before any field is looked at. */
const malformed = (why: string) => new ApiError(400, ErrorCode.malformedBody, why);

function readRaw(ctx: AppContext, limit: number): Promise<Buffer> {
  const declared = Number(ctx.get('Content-Length') || NaN);
  if (declared > limit) return Promise.reject(tooLarge(limit));
  // Events rather than `for await`: leaving that loop early destroys the socket, and the 413 with it.
  return new Promise((resolve, reject) => {
    const req = ctx.req;
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error: Error | null) => {
      req.off('data', onData).off('end', onEnd).off('error', done).off('aborted', onAborted).off('close', onAborted);
      if (error) {
        req.pause();
        reject(error);
      } else resolve(Buffer.concat(chunks, length));
    };
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) done(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => done(null);
    const onAborted = () => done(malformed('Request body was cut off'));
    // A connection closed by a timeout or the client ends the body without 'end'.
    req.on('data', onData).on('end', onEnd).on('error', done).on('aborted', onAborted).on('close', onAborted);
  });
}

async function inflateBody(raw: Buffer, encoding: Encoding, limit: number): Promise<Buffer> {
  // Real manuscripts compress 3-10x; a body inflating far beyond that is a bomb, refused before it is all inflated.
  const ratioCap = Math.max(raw.length * BODY_LIMITS.inflateRatioMax, BODY_LIMITS.inflateRatioFloorBytes);
  const maxOutputLength = Math.min(limit, ratioCap);
  try {
    return await INFLATE[encoding](raw, { maxOutputLength });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_BUFFER_TOO_LARGE') {
      throw malformed(`Request body is not valid ${encoding} data`);
    }
    if (maxOutputLength === limit) throw tooLarge(limit);
    throw tooLarge(limit, `Request body inflates more than ${BODY_LIMITS.inflateRatioMax} times its compressed size`);
  }
}

const TYPE_NAMES: Record<string, string> = { 'application/json': 'JSON', 'application/x-www-form-urlencoded': 'a form' };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Reads the whole body of a request whose type is one of `types` (`null` without a body): 415 for another type,
 * charset or Content-Encoding, 413 over `limit` bytes (compressed or inflated), 400 for corrupt data or invalid UTF-8.
 */
export async function readBody(ctx: AppContext, { limit, types }: { limit: number; types: string[] }): Promise<string | null> {
  if (!ctx.request.length && !ctx.get('Transfer-Encoding')) return null;
  if (!ctx.request.is(types)) {
    throw new ApiError(415, ErrorCode.unsupportedMediaType, `Request body must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')} (Content-Type: ${types.join(' or ')})`);
  }
  const charset = ctx.request.charset;
  if (charset && charset !== 'utf-8' && charset !== 'utf8') throw new ApiError(415, ErrorCode.unsupportedMediaType, 'Request body must be UTF-8');
  const encoding = (ctx.get('Content-Encoding') || 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !(encoding in INFLATE)) {
    throw new ApiError(415, ErrorCode.unsupportedMediaType, 'Content-Encoding must be gzip or deflate (or none)');
  }
  const raw = await readRaw(ctx, limit);
  const bytes = encoding === 'identity' ? raw : await inflateBody(raw, encoding as Encoding, limit);
  try {
    return utf8.decode(bytes);
  } catch {
    throw malformed('Request body is not valid UTF-8');
  }
}

/** The deepest nesting of arrays and objects in `json`, counted without parsing; stops once past `max`. */
export function jsonDepthExceeds(json: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}

/** Parses JSON text nested at most BODY_LIMITS.jsonDepthMax deep; 400 otherwise. */
export function parseJson(text: string): unknown {
  if (jsonDepthExceeds(text, BODY_LIMITS.jsonDepthMax)) {
    throw malformed(`Request body is nested deeper than ${BODY_LIMITS.jsonDepthMax} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw malformed('Request body is not valid JSON');
  }
}

/** Sets ctx.request.body from a JSON body of at most `limit` bytes (`{}` without a body). */
export function jsonBody({ limit }: { limit: number }): AppMiddleware {
  return async function jsonBody(ctx, next) {
    const text = await readBody(ctx, { limit, types: ['application/json'] });
    ctx.request.body = text === null ? {} : parseJson(text);
    await next();
  };
}
