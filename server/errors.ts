// The server's one error vocabulary: every expected failure is an ApiError that the error middleware renders as JSON.
import type { z } from 'zod';
import { ErrorCode, fieldErrors } from '../shared/protocol.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly expose = true;
  readonly details?: Record<string, string[]>;
  readonly headers?: Record<string, string>;
  /** 413: the limit in bytes that was exceeded. */
  readonly limit?: number;

  constructor(
    status: number,
    message: string,
    extra: { details?: Record<string, string[]>; headers?: Record<string, string>; limit?: number } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.details = extra.details;
    this.headers = extra.headers;
    this.limit = extra.limit;
  }
}

export const invalid = (message: string, error: z.ZodError) =>
  new ApiError(400, message, { details: fieldErrors(error) });
export const badRequest = (message: string, details?: Record<string, string[]>) =>
  new ApiError(400, message, { details });
export const unauthorized = (message = 'Authentication required') => new ApiError(401, message);
export const forbidden = (message: string) => new ApiError(403, message);
export const notFound = (message = 'Book not found') => new ApiError(404, message);
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
  new ApiError(429, 'Too many requests, slow down', { headers: { 'Retry-After': String(retryAfterSeconds) } });
