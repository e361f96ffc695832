// The one HTTP client of the extension: typed calls to the sync server, answers validated with the shared schemas,
// failures classified so the engine can decide between retry, back off, mark the book, or sign out.
import { z } from 'zod';
import {
  CreatedToken,
  ErrorBody,
  BookRevision,
  PublicUser,
  RevisionsResponse,
  SignedOutEverywhere,
  ServerBook,
  SyncResponse,
  TrashedBook,
  type BookInput,
  type SyncRequest,
} from '../../../shared/protocol.ts';
import { TransportError } from './transport-error.ts';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch: FetchLike;
  /** Bodies bigger than this are gzip-compressed when the platform has CompressionStream (the server accepts it). */
  gzipAbove?: number;
}

export type SyncCall = Omit<SyncRequest, 'changes'> & { changes: BookInput[] };

const UserAnswer = z.object({ success: z.literal(true), data: PublicUser });
const TokenAnswer = z.object({ success: z.literal(true), data: CreatedToken });
const SignedOutEverywhereAnswer = z.object({ success: z.literal(true), data: SignedOutEverywhere });
const BookAnswer = z.object({ success: z.literal(true), data: ServerBook });
const TrashAnswer = z.object({ success: z.literal(true), data: z.array(TrashedBook) });
const TrashedAnswer = z.object({ success: z.literal(true), data: TrashedBook });
const RevisionAnswer = z.object({ success: z.literal(true), data: BookRevision });
// Read leniently: a proxy in front of the server (or an older server) may answer an error without a code.
const ErrorAnswer = ErrorBody.partial({ code: true });

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); 1 when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number {
  if (!header) return 1;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(header);
  if (Number.isFinite(date)) return Math.max(0, Math.ceil((date - now) / 1000));
  return 1;
}

export function createTransport(options: TransportOptions) {
  const gzipAbove = options.gzipAbove ?? 256 * 1024;

  async function encodeBody(json: string): Promise<{ body: BodyInit; headers: Record<string, string> }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (json.length > gzipAbove && typeof CompressionStream === 'function') {
      const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('gzip'));
      const body = await new Response(stream).arrayBuffer();
      return { body, headers: { ...headers, 'content-encoding': 'gzip' } };
    }
    return { body: json, headers };
  }

  async function request<T>(
    schema: z.ZodType<T>,
    method: string,
    url: string,
    init: { token?: string; body?: unknown } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    let body: BodyInit | undefined;
    if (init.body !== undefined) {
      const encoded = await encodeBody(JSON.stringify(init.body));
      body = encoded.body;
      Object.assign(headers, encoded.headers);
    }
    if (init.token) headers.authorization = `Bearer ${init.token}`;

    let response: Response;
    try {
      response = await options.fetch(url, { method, headers, body });
    } catch (error) {
      throw new TransportError('network', 'Network error', {
        details: { cause: [error instanceof Error ? error.message : String(error)] },
      });
    }

    let payload: unknown = undefined;
    const text = await response.text().catch(() => '');
    if (text) {
      try {
        payload = JSON.parse(text);
      } catch {
        payload = undefined;
      }
    }

    if (!response.ok) throw errorFor(response, payload);
    if (response.status === 204 || schema === NoContent) return undefined as T;
    const parsed = schema.safeParse(payload);
    if (!parsed.success) {
      throw new TransportError('bad_response', 'The server answered in an unexpected format', {
        status: response.status,
      });
    }
    return parsed.data;
  }

  function errorFor(response: Response, payload: unknown): TransportError {
    const body = ErrorAnswer.safeParse(payload);
    const serverMessage = body.success ? body.data.error : undefined;
    const status = response.status;
    const { code, details, reasons } = body.success ? body.data : {};
    const base = { status, ...(code ? { code } : {}), ...(details ? { details } : {}), ...(reasons ? { reasons } : {}) };
    switch (true) {
      case status === 400:
        return new TransportError('bad_request', serverMessage ?? 'The server refused the request', base);
      case status === 401:
        return new TransportError('unauthorized', serverMessage ?? 'Not signed in', base);
      case status === 404:
        return new TransportError('not_found', serverMessage ?? 'Not found', base);
      case status === 409:
        return new TransportError('conflict', serverMessage ?? 'Conflict', base);
      case status === 413:
        return new TransportError('too_large', serverMessage ?? 'Too large for the server', {
          ...base,
          ...(body.success && body.data.limit !== undefined ? { limit: body.data.limit } : {}),
        });
      case status === 429:
        return new TransportError('rate_limited', serverMessage ?? 'Too many requests', {
          ...base,
          retryAfter: parseRetryAfter(response.headers.get('retry-after'), Date.now()),
        });
      case status >= 500:
        return new TransportError('server', `Server error (${status})`, base);
      default:
        return new TransportError('bad_response', serverMessage ?? `Unexpected answer (${status})`, base);
    }
  }

  return {
    health(serverUrl: string) {
      return request(z.object({ ok: z.literal(true) }).loose(), 'GET', `${serverUrl}/healthz`);
    },
    async createUser(serverUrl: string, input: { email: string; password: string; name?: string }) {
      return (await request(UserAnswer, 'POST', `${serverUrl}/api/users`, { body: input })).data;
    },
    async createToken(serverUrl: string, input: { email: string; password: string; deviceName: string }) {
      return (await request(TokenAnswer, 'POST', `${serverUrl}/api/tokens`, { body: input })).data;
    },
    async revokeToken(serverUrl: string, token: string, id: string) {
      await request(NoContent, 'DELETE', `${serverUrl}/api/tokens/${encodeURIComponent(id)}`, { token });
    },
    /** Revokes every session and device token of the account, this one included. */
    async signOutEverywhere(serverUrl: string, token: string) {
      const url = `${serverUrl}/api/account/sign-out-everywhere`;
      return (await request(SignedOutEverywhereAnswer, 'POST', url, { token, body: {} })).data;
    },
    sync(serverUrl: string, token: string, call: SyncCall) {
      return request(SyncResponse, 'POST', `${serverUrl}/api/sync`, { token, body: call });
    },
    /** One book as the server holds it (tombstones included); null when this account has no such book. */
    async getBook(serverUrl: string, token: string, id: string): Promise<ServerBook | null> {
      try {
        return (await request(BookAnswer, 'GET', `${serverUrl}/api/books/${encodeURIComponent(id)}`, { token })).data;
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    /** The account's books in the server's trash (deleted on any device, text still kept), without their text. */
    async listTrash(serverUrl: string, token: string): Promise<TrashedBook[]> {
      return (await request(TrashAnswer, 'GET', `${serverUrl}/api/trash`, { token })).data;
    },
    /** One book in the server's trash with its text; null when it is no longer there. */
    async getTrashed(serverUrl: string, token: string, id: string): Promise<TrashedBook | null> {
      try {
        return (await request(TrashedAnswer, 'GET', `${serverUrl}/api/trash/${encodeURIComponent(id)}`, { token })).data;
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    /** A page of a book's kept earlier versions, newest first, without their text (`before`: older than this one). */
    listRevisions(serverUrl: string, token: string, id: string, before?: number): Promise<RevisionsResponse> {
      const query = before === undefined ? '' : `?before=${before}`;
      return request(RevisionsResponse, 'GET', `${serverUrl}/api/books/${encodeURIComponent(id)}/revisions${query}`, { token });
    },
    /** One kept earlier version with its exact text; null when it is no longer kept (thinned, or the book is gone). */
    async getRevision(serverUrl: string, token: string, id: string, revision: number): Promise<BookRevision | null> {
      const url = `${serverUrl}/api/books/${encodeURIComponent(id)}/revisions/${revision}`;
      try {
        return (await request(RevisionAnswer, 'GET', url, { token })).data;
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'not_found') return null;
        throw error;
      }
    },
    /** Deletes the text the server's trash keeps of one book (`id`), or of every book (no `id`) forever. */
    async forgetTrashed(serverUrl: string, token: string, id?: string): Promise<void> {
      const path = id === undefined ? '/api/trash' : `/api/trash/${encodeURIComponent(id)}`;
      try {
        await request(NoContent, 'DELETE', `${serverUrl}${path}`, { token });
      } catch (error) {
        // Already gone from the server's trash: what was asked for is done.
        if (!(error instanceof TransportError && error.kind === 'not_found')) throw error;
      }
    },
  };
}

// Answers whose body the client does not need (e.g. a revoke): any 2xx is success.
const NoContent = z.unknown();

export type Transport = ReturnType<typeof createTransport>;
