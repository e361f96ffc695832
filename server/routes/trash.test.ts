import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrashedBook } from '../../shared/protocol.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, Client, serveStore, signedInWriter } from '../test/harness.ts';

afterAll(stopAll);

const DAY = 24 * 60 * 60 * 1000;

describe.each(storeFactories)('the trash API ($name store)', (factory) => {
  const clock = { now: Date.now() };
  const served = serveStore(factory, { trashRetentionMs: 3 * DAY }, { now: () => clock.now++ });
  let alice: Client;
  let aliceId: string;
  let bob: Client;

  beforeAll(async () => {
    ({ client: alice, userId: aliceId } = await signedInWriter(served.server.url));
    bob = (await signedInWriter(served.server.url)).client;
  });

  /** A book of Alice's, written then deleted the way a device does (a tombstone without content, on its revision). */
  async function deletedBook(fields: Record<string, unknown> = {}) {
    const book = buildBook(fields);
    expect((await alice.put(`/api/books/${book.id}`, book)).status).toBe(200);
    const tombstone = { ...book, content: '', deleted: true, baseRevision: 1, updatedAt: book.updatedAt + 1 };
    expect((await alice.put(`/api/books/${book.id}`, tombstone)).status).toBe(200);
    return book;
  }

  it('lists the deleted books with when they go, reads one with its text, and shows them to nobody else', async () => {
    const book = await deletedBook({ title: 'The Long Tide', content: '<p>Salt marsh at dawn.</p>' });
    const list = await alice.get('/api/trash');
    expect(list.status).toBe(200);
    const entry = TrashedBook.parse(list.body.data.find((b: { id: string }) => b.id === book.id));
    expect(entry).toMatchObject({ title: 'The Long Tide', author: book.author, revision: 2 });
    expect(entry.purgeAt - entry.deletedAt).toBe(3 * DAY);
    expect(entry.content).toBeUndefined();

    const one = await alice.get(`/api/trash/${book.id}`);
    expect(one.status).toBe(200);
    expect(TrashedBook.parse(one.body.data)).toMatchObject({ content: '<p>Salt marsh at dawn.</p>', metadata: book.metadata });
    expect((await bob.get('/api/trash')).body.data).toEqual([]);
    expect((await bob.get(`/api/trash/${book.id}`)).status).toBe(404);
    expect((await bob.post(`/api/trash/${book.id}/restore`, {})).status).toBe(404);
  });

  it('restores a book as a new edit on top of its tombstone: live again, in the change feed, and out of the trash', async () => {
    const book = await deletedBook({ content: '<p>Bring me back.</p>' });
    const restored = await alice.post(`/api/trash/${book.id}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body.data).toMatchObject({ id: book.id, revision: 3, deleted: false, content: '<p>Bring me back.</p>', title: book.title });
    expect((await alice.get(`/api/books/${book.id}`)).body.data).toMatchObject({ deleted: false, revision: 3, content: '<p>Bring me back.</p>' });
    const feed = await alice.get('/api/books');
    expect(feed.body.data.find((b: { id: string }) => b.id === book.id)).toMatchObject({ revision: 3, deleted: false });
    expect((await alice.get('/api/trash')).body.data.map((b: { id: string }) => b.id)).not.toContain(book.id);
    // Restoring twice: it is no longer in the trash.
    expect((await alice.post(`/api/trash/${book.id}/restore`, {})).status).toBe(404);
  });

  it('answers 404 for a live book, an unknown id, and a book past the retention, whose text is then purged', async () => {
    const live = buildBook();
    await alice.put(`/api/books/${live.id}`, live);
    expect((await alice.get(`/api/trash/${live.id}`)).status).toBe(404);
    expect((await alice.post(`/api/trash/${live.id}/restore`, {})).status).toBe(404);
    expect((await alice.get(`/api/trash/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await alice.get('/api/trash/not-an-id')).status).toBe(400);

    const old = await deletedBook();
    expect((await served.opened.store.getBook(aliceId, old.id))?.trashed?.content).toBe(old.content);
    clock.now += 3 * DAY + 1000;
    expect((await alice.get(`/api/trash/${old.id}`)).status).toBe(404);
    expect((await alice.post(`/api/trash/${old.id}/restore`, {})).status).toBe(404);
    expect((await alice.get('/api/trash')).body.data.map((b: { id: string }) => b.id)).not.toContain(old.id);
    expect((await served.opened.store.getBook(aliceId, old.id))?.trashed).toBeUndefined();
    // The tombstone stays (devices still learn of the deletion); only its kept text went.
    expect((await alice.get(`/api/books/${old.id}`)).body.data).toMatchObject({ deleted: true });
  });

  it('deletes one book forever, then empties the trash; the tombstones stay', async () => {
    const one = await deletedBook();
    const two = await deletedBook();
    expect((await alice.delete(`/api/trash/${one.id}`)).body).toEqual({ success: true, data: { id: one.id } });
    expect((await alice.get(`/api/trash/${one.id}`)).status).toBe(404);
    expect((await alice.delete(`/api/trash/${one.id}`)).status).toBe(404);
    expect((await bob.delete(`/api/trash/${two.id}`)).status).toBe(404);
    const emptied = await alice.delete('/api/trash');
    expect(emptied.status).toBe(200);
    expect(emptied.body.data.purged).toBeGreaterThanOrEqual(1);
    expect((await alice.get('/api/trash')).body.data).toEqual([]);
    expect((await alice.get(`/api/books/${two.id}`)).body.data).toMatchObject({ deleted: true });
  });

  it('purges the text of books past the retention as their owner syncs, even if nobody opens the trash', async () => {
    const { client: carol, userId } = await signedInWriter(served.server.url);
    const book = buildBook();
    await carol.put(`/api/books/${book.id}`, book);
    await carol.put(`/api/books/${book.id}`, { ...book, content: '', deleted: true, baseRevision: 1, updatedAt: book.updatedAt + 1 });
    const quotaWithText = await served.opened.store.storedBytes(userId);
    expect((await served.opened.store.getBook(userId, book.id))?.trashed).toBeDefined();
    clock.now += 3 * DAY + 1000;
    expect((await carol.post('/api/sync', { changes: [] })).status).toBe(200);
    expect((await served.opened.store.getBook(userId, book.id))?.trashed).toBeUndefined();
    expect(await served.opened.store.storedBytes(userId)).toBeLessThan(quotaWithText - String(book.content).length);
  });

  it('needs a signed-in user', async () => {
    expect((await new Client(served.server.url).get('/api/trash')).status).toBe(401);
  });
});
