// The stable error codes of every error answer, and the reasons a field is refused: zod-free, for the extension UI too.

/**
 * Stable error codes: every error answer carries one in `code`, so clients tell one refusal from another (and show
 * it in the user's language) whatever language `error` is written in. Each names one cause; a field's problem stays
 * in `details`, with its reason in `reasons`.
 */
export const ErrorCode = {
  /** 400: the body, query or path parameters failed validation; `details` (and `reasons`) say which fields. */
  invalidRequest: 'invalid_request',
  /** 400: the body could not be read as JSON at all (not UTF-8, not JSON, nested too deep, cut off). */
  malformedBody: 'malformed_body',
  /** 400: a sync cursor (`cursor`, `since`) that this server did not issue; pull again without one. */
  invalidCursor: 'invalid_cursor',
  /** 400: the request path is not canonical (`//`, `./`, `../`, backslashes, encoded separators). */
  nonCanonicalPath: 'non_canonical_path',
  /** 400: a patch whose base revision the server no longer keeps, or whose hashes do not match: send whole content. */
  patchNotApplicable: 'patch_not_applicable',
  /** 401: no valid credential (device token or session) came with the request. */
  unauthenticated: 'unauthenticated',
  /** 401: the email and password do not match an account. */
  invalidCredentials: 'invalid_credentials',
  /** 403: the credential is valid but may not do this. */
  forbidden: 'forbidden',
  /** 404: no such route, or no such book, token or session for this account. */
  notFound: 'not_found',
  /** 405: the route exists but not for this method. */
  methodNotAllowed: 'method_not_allowed',
  /** 409: the server holds a newer version of the book (the body carries it as `serverVersion`). */
  conflict: 'conflict',
  /** 409: an account with this email already exists. */
  emailTaken: 'email_taken',
  /** 413: the request body is over the server's limit (`limit`, in bytes). */
  payloadTooLarge: 'payload_too_large',
  /** 413 (or a sync result): the write would take the account's stored books over the server's storage quota. */
  quotaExceeded: 'quota_exceeded',
  /** 415: wrong Content-Type, charset or Content-Encoding. */
  unsupportedMediaType: 'unsupported_media_type',
  /** 429: too many requests from this client; wait `Retry-After` seconds. */
  rateLimited: 'rate_limited',
  /** 429: too many sign-in attempts for this account; wait `Retry-After` seconds. */
  signInThrottled: 'sign_in_throttled',
  /** 503: the server is busy (too much work queued, or one book written too often at once); retry after `Retry-After`. */
  busy: 'busy',
  /** 503: the server's disk is full; nothing was written, retry after `Retry-After`. */
  storageFull: 'storage_full',
  /** 500: an unexpected failure on the server. */
  internal: 'internal',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why one field was refused (in `reasons`, beside the English text in `details`), so clients can localise it. */
export const FieldReason = {
  /** Empty, or blank once trimmed. */
  required: 'required',
  tooShort: 'too_short',
  tooLong: 'too_long',
  invalidEmail: 'invalid_email',
  /** A manuscript over the markup limits (nested too deep, or too many elements). */
  markupTooComplex: 'markup_too_complex',
  /** The password is on the server's list of the most common passwords. */
  commonPassword: 'common_password',
  /** Any other problem: the English text in `details` says which. */
  invalid: 'invalid',
} as const;
export type FieldReason = (typeof FieldReason)[keyof typeof FieldReason];
