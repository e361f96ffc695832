// The server's one error vocabulary: every expected failure is an ApiError that the error middleware renders as JSON.
import type { z } from 'zod';
import { fieldErrors } from '../shared/protocol.ts';

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
export const notFound = (message = 'Book not found') => new ApiError(404, message);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(429, 'Too many requests, slow down', { headers: { 'Retry-After': String(retryAfterSeconds) } });
