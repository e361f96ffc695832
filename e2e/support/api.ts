// A small client for the server's HTTP API, used by the e2e suites to set up accounts and to check what reached the
// server independently of the extension.
import { ChangesResponse, RevisionSummary, ServerBook } from '../../shared/protocol.ts';
import { z } from 'zod';

const Created = z.object({ success: z.literal(true), data: z.object({ token: z.string() }).passthrough() });
const OneBook = z.object({ success: z.literal(true), data: ServerBook });
const Revisions = z.object({ success: z.literal(true), data: z.array(RevisionSummary) });

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private token?: string,
  ) {}

  /** Creates the account (201) and signs this client in with a device token of its own. */
  static async signUp(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    await expectStatus(await post(baseUrl, '/api/users', { email, password }), 201, 'POST /api/users');
    return ApiClient.signIn(baseUrl, email, password);
  }

  static async signIn(baseUrl: string, email: string, password: string): Promise<ApiClient> {
    const res = await post(baseUrl, '/api/tokens', { email, password, deviceName: 'e2e checker' });
    await expectStatus(res, 201, 'POST /api/tokens');
    return new ApiClient(baseUrl, Created.parse(await res.json()).data.token);
  }

  /** The book as the server has it, or undefined on 404. */
  async book(id: string): Promise<ServerBook | undefined> {
    const res = await fetch(`${this.baseUrl}/api/books/${id}`, { headers: this.headers() });
    if (res.status === 404) return undefined;
    await expectStatus(res, 200, `GET /api/books/${id}`);
    return OneBook.parse(await res.json()).data;
  }

  /** Every book of this user, tombstones included (follows the cursor to the end). */
  async books(): Promise<ServerBook[]> {
    const all: ServerBook[] = [];
    let since: string | undefined;
    for (;;) {
      const query = since === undefined ? '' : `?since=${encodeURIComponent(since)}`;
      const res = await fetch(`${this.baseUrl}/api/books${query}`, { headers: this.headers() });
      await expectStatus(res, 200, 'GET /api/books');
      const page = ChangesResponse.parse(await res.json());
      all.push(...page.data);
      if (!page.hasMore) return all;
      since = page.cursor;
    }
  }

  /** The earlier versions the server kept of a book (every accepted write replaces one). */
  async revisions(id: string): Promise<RevisionSummary[]> {
    const res = await fetch(`${this.baseUrl}/api/books/${id}/revisions`, { headers: this.headers() });
    await expectStatus(res, 200, `GET /api/books/${id}/revisions`);
    return Revisions.parse(await res.json()).data;
  }

  /** Writes a book as another device would (PUT, whole content); returns its revision. */
  async put(book: { id: string; title: string; content: string; updatedAt: number; baseRevision?: number }): Promise<number> {
    const res = await fetch(`${this.baseUrl}/api/books/${book.id}`, {
      method: 'PUT',
      headers: { ...this.headers(), 'content-type': 'application/json' },
      body: JSON.stringify({ author: '', metadata: {}, ...book }),
    });
    await expectStatus(res, 200, `PUT /api/books/${book.id}`);
    return ((await res.json()) as { data: { revision: number } }).data.revision;
  }

  /** Deletes a book as another device would (DELETE: the server keeps a tombstone). */
  async delete(id: string): Promise<void> {
    const res = await fetch(`${this.baseUrl}/api/books/${id}`, { method: 'DELETE', headers: this.headers() });
    await expectStatus(res, 200, `DELETE /api/books/${id}`);
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }
}

function post(baseUrl: string, path: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function expectStatus(res: Response, status: number, what: string): Promise<void> {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status}: ${await res.text()}`);
  }
}
