// The change-feed cursor handed to clients: opaque base64url text that wraps a position in the owner's feed.
import { ErrorCode } from '../../shared/protocol.ts';
import { ApiError } from '../errors.ts';

const PREFIX = 'seq:';

/** Books per page of the change feed when the client does not say. */
export const DEFAULT_PAGE = 100;

export function encodeCursor(seq: number): string {
  return Buffer.from(`${PREFIX}${seq}`).toString('base64url');
}

/** The feed position, 0 for an absent cursor, or null when the text is not a cursor this server issued. */
export function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined || cursor === '') return 0;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(PREFIX)) return null;
  const digits = text.slice(PREFIX.length);
  if (!/^\d{1,15}$/.test(digits)) return null;
  return Number(digits);
}

/** The feed position a client cursor stands for, or 400 naming the field it came in. */
export function cursorPosition(cursor: string | undefined, field: string): number {
  const seq = decodeCursor(cursor);
  if (seq === null) throw new ApiError(400, ErrorCode.invalidCursor, 'Invalid cursor', { details: { [field]: ['is not a cursor from this server'] } });
  return seq;
}
