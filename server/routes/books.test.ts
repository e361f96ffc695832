import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BookRevision, LIMITS, RevisionsResponse, type RevisionSummary } from '../../shared/protocol.ts';
import { browserSignIn } from '../test/browser-session.ts';
import { putBook, stopAll, storeFactories, type OpenedStore } from '../store/testing.ts';
import { buildBook, Client, PASSWORD, serveStore, signedInWriter, type RunningServer } from '../test/harness.ts';

afterAll(stopAll);

describe.each(storeFactories)('books API ($name store)', (factory) => {
  const served = serveStore(factory);
  let opened: OpenedStore;
  let server: RunningServer;
  let alice: Client;
  let bob: Client;
  let aliceId: string;
  let aliceEmail: string;

  beforeAll(async () => {
    ({ opened, server } = served);
    const a = await signedInWriter(server.url);
    alice = a.client;
    aliceId = a.userId;
    aliceEmail = a.email;
    bob = (await signedInWriter(server.url)).client;
  });

  describe('PUT /api/books/:id', () => {
    it('stores a new book at revision 1 and answers with the seed-compatible body', async () => {
      const book = buildBook();
      const res = await alice.put(`/api/books/${book.id}`, book);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        message: 'Book synced successfully',
        data: { id: book.id, title: book.title, author: book.author, updatedAt: book.updatedAt, syncedAt: expect.any(Number), revision: 1 },
      });
    });

    it('sanitises the manuscript before storing it', async () => {
      const book = buildBook({ content: '<p onclick="x()">Hi<script>alert(1)</script> <a href="javascript:x">l</a></p>' });
      await alice.put(`/api/books/${book.id}`, book);
      const stored = await opened.store.getBook(aliceId, book.id);
      expect(stored?.content).toBe('<p>Hi <a>l</a></p>');
    });

    it.each([
      ['a missing title', { title: undefined }, 'title'],
      ['a blank title', { title: '   ' }, 'title'],
      ['a title over 500 characters', { title: 'x'.repeat(LIMITS.titleMax + 1) }, 'title'],
      ['an author over 200 characters', { author: 'x'.repeat(LIMITS.authorMax + 1) }, 'author'],
      ['missing content', { content: undefined }, 'content'],
      ['a non-numeric updatedAt', { updatedAt: 'yesterday' }, 'updatedAt'],
      ['an unknown field', { owner: 'someone-else' }, '_'],
      ['a MongoDB operator as a value', { title: { $gt: '' } }, 'title'],
      ['a MongoDB operator as a metadata key', { metadata: { $where: 'sleep(1000)' } }, 'metadata.$where'],
      ['metadata over 16 KB', { metadata: { notes: 'x'.repeat(LIMITS.metadataMaxBytes) } }, 'metadata'],
    ])('answers 400 with details for %s', async (_name, overrides, field) => {
      const book = buildBook(overrides as Record<string, unknown>);
      const res = await alice.put(`/api/books/${book.id}`, book);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('Invalid book');
      expect(Object.keys(res.body.details)).toContain(field);
      expect((await alice.get(`/api/books/${book.id}`)).status).toBe(404);
    });

    it('answers 400 when the id in the path differs from the body', async () => {
      const book = buildBook();
      const res = await alice.put(`/api/books/${randomUUID()}`, book);
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual({ id: ['must match the id in the path'] });
    });

    it('answers 400 for a path id that is not a UUID', async () => {
      const res = await alice.put('/api/books/1234', buildBook({ id: '1234' }));
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveProperty('id');
    });

    it('answers 400 for malformed JSON and 415 for a body that is not JSON', async () => {
      const id = randomUUID();
      const malformed = await alice.request('PUT', `/api/books/${id}`, '{"title": ', { 'Content-Type': 'application/json' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error).toEqual(expect.any(String));
      const text = await alice.request('PUT', `/api/books/${id}`, 'title=x', { 'Content-Type': 'application/x-www-form-urlencoded' });
      expect(text.status).toBe(415);
      expect(text.body.error).toMatch(/JSON/);
    });
  });

  describe('GET /api/books/:id', () => {
    it('returns the whole book with its server fields', async () => {
      const book = buildBook();
      await alice.put(`/api/books/${book.id}`, book);
      const res = await alice.get(`/api/books/${book.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        success: true,
        data: {
          id: book.id,
          title: book.title,
          author: book.author,
          content: book.content,
          metadata: book.metadata,
          updatedAt: book.updatedAt,
          createdAt: expect.any(Number),
          syncedAt: expect.any(Number),
          revision: 1,
          deleted: false,
          device: 'test laptop',
        },
      });
    });

    it('serves the manuscript as stored: it was sanitised once, on the way in', async () => {
      const id = randomUUID();
      const now = Date.now();
      // The sanitiser would write <br /> and close the <b>: text served unchanged was not sanitised again.
      const content = '<p>one<br>two <b>bold</p>';
      await putBook(
        opened.store,
        aliceId,
        { id, title: 'Old', author: '', content, metadata: {}, updatedAt: now, createdAt: now, syncedAt: now, revision: 1, deleted: false },
        null,
      );
      const res = await alice.get(`/api/books/${id}`);
      expect(res.body.data.content).toBe(content);
    });

    it('answers 404 for an unknown id and 401 without a token', async () => {
      const res = await alice.get(`/api/books/${randomUUID()}`);
      expect(res.status).toBe(404);
      expect(res.body).toEqual({ code: 'not_found', error: 'Book not found' });
      const anonymous = await new Client(server.url).get(`/api/books/${randomUUID()}`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ code: 'unauthenticated', error: 'Authentication required' });
    });
  });

  describe('DELETE /api/books/:id', () => {
    it('turns the book into a tombstone with a new revision, and deleting again changes nothing', async () => {
      const book = buildBook();
      await alice.put(`/api/books/${book.id}`, book);
      const res = await alice.delete(`/api/books/${book.id}`);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ success: true, data: { id: book.id, revision: 2, deleted: true } });
      const again = await alice.delete(`/api/books/${book.id}`);
      expect(again.body).toEqual({ success: true, data: { id: book.id, revision: 2, deleted: true } });
      const stored = await alice.get(`/api/books/${book.id}`);
      expect(stored.body.data).toMatchObject({ deleted: true, revision: 2 });
      // The deleted text is still in the history.
      const revisions = await alice.get(`/api/books/${book.id}/revisions`);
      expect(revisions.body.data[0]).toMatchObject({ revision: 1, deleted: false });
      const deletedText = await alice.get(`/api/books/${book.id}/revisions/1`);
      expect(deletedText.body.data).toMatchObject({ revision: 1, content: book.content, deleted: false });
    });

    it('answers 404 for an unknown id', async () => {
      expect((await alice.delete(`/api/books/${randomUUID()}`)).status).toBe(404);
    });
  });

  describe('GET /api/books (change feed)', () => {
    it('pages through every change, tombstones included, with an opaque cursor', async () => {
      const writer = (await signedInWriter(server.url)).client;
      const books = Array.from({ length: 5 }, (_, i) => buildBook({ title: `Book ${i}` }));
      for (const book of books) await writer.put(`/api/books/${book.id}`, book);
      await writer.delete(`/api/books/${books[1]!.id}`);

      const first = await writer.get('/api/books?limit=2');
      expect(first.status).toBe(200);
      expect(first.body.data.map((b: { title: string }) => b.title)).toEqual(['Book 0', 'Book 2']);
      expect(first.body.hasMore).toBe(true);
      expect(first.body.cursor).toEqual(expect.any(String));

      const second = await writer.get(`/api/books?since=${first.body.cursor}&limit=2`);
      expect(second.body.data.map((b: { title: string }) => b.title)).toEqual(['Book 3', 'Book 4']);
      const third = await writer.get(`/api/books?since=${second.body.cursor}&limit=2`);
      expect(third.body.data).toEqual([expect.objectContaining({ id: books[1]!.id, deleted: true, revision: 2 })]);
      expect(third.body.hasMore).toBe(false);

      const caughtUp = await writer.get(`/api/books?since=${third.body.cursor}`);
      expect(caughtUp.body).toEqual({ success: true, data: [], cursor: third.body.cursor, hasMore: false });
    });

    it.each([
      ['a cursor this server never issued', 'since=bm90LWEtY3Vyc29y', 'since'],
      ['a limit above the page maximum', `limit=${LIMITS.pageMax + 1}`, 'limit'],
      ['a limit that is not a number', 'limit=all', 'limit'],
    ])('answers 400 for %s', async (_name, query, field) => {
      const res = await alice.get(`/api/books?${query}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveProperty(field);
    });
  });

  describe('GET /api/books/:id/revisions', () => {
    it('lists every replaced version newest first, without text, with the device that wrote it and its word counts', async () => {
      const book = buildBook({ content: '<p>one</p>' });
      await alice.put(`/api/books/${book.id}`, book);
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>one two three</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
      const { jar } = await browserSignIn(server.url, aliceEmail, PASSWORD);
      const web = await fetch(`${server.url}/api/books/${book.id}`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', cookie: jar.header(), origin: server.url },
        body: JSON.stringify({ ...book, title: 'Renamed on the web', content: '<p>one three</p>', baseRevision: 2, updatedAt: book.updatedAt + 2 }),
      });
      expect(web.status).toBe(200);
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>four</p>', baseRevision: 3, updatedAt: book.updatedAt + 3 });

      const res = await alice.get(`/api/books/${book.id}/revisions`);
      expect(res.status).toBe(200);
      expect(RevisionsResponse.parse(res.body)).toEqual(res.body);
      expect(res.body.data.map((r: RevisionSummary) => [r.revision, r.title, r.device, r.wordsAdded, r.wordsRemoved])).toEqual([
        [3, 'Renamed on the web', 'web', 0, 1],
        [2, book.title, 'test laptop', 2, 0],
        [1, book.title, 'test laptop', 1, 0],
      ]);
      expect((await alice.get(`/api/books/${book.id}`)).body.data).toMatchObject({ revision: 4, device: 'test laptop' });
      for (const revision of res.body.data) {
        expect(revision).not.toHaveProperty('content');
        expect(revision.replacedAt).toEqual(expect.any(Number));
      }
    });

    it('answers 404 for an unknown id', async () => {
      expect((await alice.get(`/api/books/${randomUUID()}/revisions`)).status).toBe(404);
    });
  });

  describe('GET /api/books/:id/revisions/:revision', () => {
    it("answers one kept version's exact text with its fields", async () => {
      const book = buildBook({ content: '<p>first draft</p>' });
      await alice.put(`/api/books/${book.id}`, book);
      await alice.put(`/api/books/${book.id}`, { ...book, title: 'Second', content: '<p>second draft</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>third draft</p>', baseRevision: 2, updatedAt: book.updatedAt + 2 });

      const res = await alice.get(`/api/books/${book.id}/revisions/2`);
      expect(res.status).toBe(200);
      expect(BookRevision.parse(res.body.data)).toEqual(res.body.data);
      expect(res.body.data).toMatchObject({ id: book.id, revision: 2, title: 'Second', content: '<p>second draft</p>', device: 'test laptop' });
      expect((await alice.get(`/api/books/${book.id}/revisions/1`)).body.data.content).toBe('<p>first draft</p>');
    });

    it.each([
      ['the current revision (not an earlier version)', 3],
      ['a revision never written', 99],
    ])('answers 404 for %s', async (_name, revision) => {
      const book = buildBook();
      await alice.put(`/api/books/${book.id}`, book);
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>2</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>3</p>', baseRevision: 2, updatedAt: book.updatedAt + 2 });
      expect((await alice.get(`/api/books/${book.id}/revisions/${revision}`)).status).toBe(404);
    });

    it.each(['0', 'latest', '1.5'])('answers 400 with details for revision %s', async (revision) => {
      const res = await alice.get(`/api/books/${randomUUID()}/revisions/${revision}`);
      expect(res.status).toBe(400);
      expect(res.body.details).toHaveProperty('revision');
    });
  });

  describe('two users', () => {
    it('never lets one user read, write, delete or list another user\'s book, which stays unchanged', async () => {
      const book = buildBook({ content: '<p>Alice only</p>' });
      await alice.put(`/api/books/${book.id}`, book);

      const overwrite = await bob.put(`/api/books/${book.id}`, { ...book, content: '<p>Bob was here</p>', updatedAt: book.updatedAt + 1000 });
      expect(overwrite.status).toBe(404);
      expect(overwrite.body).toEqual({ code: 'not_found', error: 'Book not found' });
      expect((await bob.get(`/api/books/${book.id}`)).status).toBe(404);
      expect((await bob.delete(`/api/books/${book.id}`)).status).toBe(404);
      expect((await bob.get(`/api/books/${book.id}/revisions`)).status).toBe(404);
      await alice.put(`/api/books/${book.id}`, { ...book, content: '<p>Alice again</p>', baseRevision: 1, updatedAt: book.updatedAt + 1 });
      expect((await bob.get(`/api/books/${book.id}/revisions/1`)).status).toBe(404);
      const feed = await bob.get('/api/books?limit=500');
      expect(feed.body.data.map((b: { id: string }) => b.id)).not.toContain(book.id);
      const sync = await bob.post('/api/sync', { changes: [{ ...book, content: '<p>Bob</p>', updatedAt: book.updatedAt + 2000 }] });
      expect(sync.body.results).toEqual([{ id: book.id, status: 'not_found', code: 'not_found', error: 'Book not found' }]);

      const mine = await alice.get(`/api/books/${book.id}`);
      expect(mine.body.data).toMatchObject({ content: '<p>Alice again</p>', revision: 2, deleted: false });
      expect((await alice.get(`/api/books/${book.id}/revisions/1`)).body.data.content).toBe('<p>Alice only</p>');
    });
  });
});
