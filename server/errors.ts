// The server's one error vocabulary: every expected failure is an ApiError that the error middleware renders as JSON.
import type { z } from 'zod';
import { ErrorCode, FieldReason, fieldErrors, fieldReasons } from '../shared/protocol.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly expose = true;
  readonly details?: Record<string, string[]>;
  readonly reasons?: Record<string, FieldReason>;
  readonly headers?: Record<string, string>;
  /** 413: the limit in bytes that was exceeded. */
  readonly limit?: number;

  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    extra: {
      details?: Record<string, string[]>;
      reasons?: Record<string, FieldReason>;
      headers?: Record<string, string>;
      limit?: number;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = extra.details;
    this.reasons = extra.reasons;
    this.headers = extra.headers;
    this.limit = extra.limit;
  }
}

export const invalid = (message: string, error: z.ZodError) =>
  new ApiError(400, ErrorCode.invalidRequest, message, { details: fieldErrors(error), reasons: fieldReasons(error) });
export const badRequest = (message: string, details?: Record<string, string[]>, reasons?: Record<string, FieldReason>) =>
  new ApiError(400, ErrorCode.invalidRequest, message, { details, reasons });
export const unauthorized = (message = 'Authentication required', code: ErrorCode = ErrorCode.unauthenticated) =>
  new ApiError(401, code, message);
export const forbidden = (message: string) => new ApiError(403, ErrorCode.forbidden, message);
export const patchNotApplicable = () =>
  new ApiError(400, ErrorCode.patchNotApplicable, 'The patch does not apply to a revision this server keeps; send the whole content');
export const notFound = (message = 'Book not found') => new ApiError(404, ErrorCode.notFound, message);
const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);

/** Why a write was refused by the storage quota: the body of PUT's 413, and the fields of a sync result. */
export function quotaExceeded(used: number, quota: number) {
  return {
    error: `Storage quota exceeded: this account stores ${mib(used)} MiB of ${mib(quota)} MiB; delete books to make room`,
    code: ErrorCode.quotaExceeded,
    limit: quota,
    used,
  };
}

export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, ErrorCode.rateLimited, 'Too many requests, slow down', { headers: { 'Retry-After': String(retryAfterSeconds) } });

/** 503 + Retry-After: the server cannot take this work right now (a full queue, a hot book); nothing was written. */
export const busy = (message: string, retryAfterSeconds = 1) =>
  new ApiError(503, ErrorCode.busy, message, { headers: { 'Retry-After': String(retryAfterSeconds) } });
