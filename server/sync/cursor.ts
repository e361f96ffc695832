// The change-feed cursor handed to clients: opaque base64url text that wraps a position in the owner's feed and, for
// clients that read patches, when it was issued (the feed guesses from it which revision of a book the device has).
import { ErrorCode } from '../../shared/protocol.ts';
import { ApiError } from '../errors.ts';

const PREFIX = 'seq:';
const ISSUED = ';at:';

/** Books per page of the change feed when the client does not say. */
export const DEFAULT_PAGE = 100;

/** A feed position; `issuedAt` (server ms) when the cursor records when its page was read. */
export interface FeedPosition {
  seq: number;
  issuedAt?: number;
}

export function encodeCursor(seq: number, issuedAt?: number): string {
  const text = issuedAt === undefined ? `${PREFIX}${seq}` : `${PREFIX}${seq}${ISSUED}${issuedAt}`;
  return Buffer.from(text).toString('base64url');
}

/** The feed position of a cursor (position 0 for an absent one), or null when it is not a cursor this server issued. */
export function readCursor(cursor: string | undefined): FeedPosition | null {
  if (cursor === undefined || cursor === '') return { seq: 0 };
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  const match = /^seq:(\d{1,15})(?:;at:(\d{1,16}))?$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) return null;
  return match[2] === undefined ? { seq: Number(match[1]) } : { seq: Number(match[1]), issuedAt: Number(match[2]) };
}

/** The feed position, 0 for an absent cursor, or null when the text is not a cursor this server issued. */
export function decodeCursor(cursor: string | undefined): number | null {
  return readCursor(cursor)?.seq ?? null;
}

/** The feed position a client cursor stands for, or 400 naming the field it came in. */
export function cursorPosition(cursor: string | undefined, field: string): FeedPosition {
  const position = readCursor(cursor);
  if (position === null) throw new ApiError(400, ErrorCode.invalidCursor, 'Invalid cursor', { details: { [field]: ['is not a cursor from this server'] } });
  return position;
}
