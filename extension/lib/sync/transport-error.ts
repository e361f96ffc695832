// How a call to the sync server failed, and the server URL a user typed: zod-free, so pages can use them without
// loading the transport (which validates answers with the shared schemas).

export type TransportErrorKind =
  | 'network' // no answer at all (offline, DNS, refused, CORS)
  | 'unauthorized' // 401
  | 'bad_request' // 400
  | 'not_found' // 404
  | 'conflict' // 409
  | 'too_large' // 413
  | 'rate_limited' // 429
  | 'server' // 5xx
  | 'bad_response'; // an answer that does not match the contract

export class TransportError extends Error {
  constructor(
    readonly kind: TransportErrorKind,
    message: string,
    readonly extra: {
      status?: number;
      /** The server's ErrorCode (shared/protocol.ts), when it sent one: what the engine and the UI decide by. */
      code?: string;
      /** 413: the server's payload limit in bytes. */
      limit?: number;
      /** 429: seconds to wait. */
      retryAfter?: number;
      details?: Record<string, string[]>;
      /** 400: the server's FieldReason per field in `details`, so the UI can say it in the user's language. */
      reasons?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'TransportError';
  }
}

/** Normalises what a user typed as the server URL; throws a readable error for anything but http(s). */
/**
 * True for a plain http:// server that is not on this computer: its traffic (password, token, books) can be read and
 * changed on the way. Loopback is exempt, as a server on this computer is what `npm start` gives.
 */
export function isUnencryptedRemote(raw: string): boolean {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return !(host === 'localhost' || host.endsWith('.localhost') || /^127\./.test(host) || host === '::1');
}

export function normalizeServerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new TransportError('bad_request', 'The server URL is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TransportError('bad_request', 'The server URL must start with http:// or https://');
  }
  return url.href.replace(/\/+$/, '');
}
