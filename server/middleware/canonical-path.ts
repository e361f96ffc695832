// Refuses request paths that URL parsers disagree on, so the router, the limits and Auth.js all see one path.
import { ErrorCode } from '../../shared/protocol.ts';
import { ApiError } from '../errors.ts';
import type { AppMiddleware } from '../context.ts';

// Encoded dots, slashes and backslashes: the WHATWG URL parser (Auth.js) treats %2e as a dot segment, and decoders
// downstream may turn %2f/%5c into separators. Our paths (fixed names and UUIDs) never need them.
const ENCODED_SEPARATOR = /%(2e|2f|5c)/i;

/** True for a path with no empty, `.` or `..` segment, no backslash and no encoded separator. */
export function isCanonicalPath(path: string): boolean {
  if (!path.startsWith('/') || path.includes('\\') || ENCODED_SEPARATOR.test(path)) return false;
  const segments = path.slice(1).split('/');
  // A trailing slash leaves one empty last segment; that spelling is harmless (every parser keeps it).
  return segments.every((segment, i) => (segment !== '' || i === segments.length - 1) && segment !== '.' && segment !== '..');
}

export function canonicalPath(): AppMiddleware {
  return async function canonicalPath(ctx, next) {
    if (!isCanonicalPath(ctx.path)) throw new ApiError(400, ErrorCode.nonCanonicalPath, 'Request path must be canonical (no //, ./, ../, backslashes or encoded separators)');
    await next();
  };
}
