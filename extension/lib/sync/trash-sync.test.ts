// The trash and the local safety net through the real sync engine against the real server (both stores): a deletion
// on one device is restorable on another, and text a change from elsewhere replaces is kept on the device first.
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../../../server/store/testing.ts';
import { PASSWORD, serveStore, uniqueEmail } from '../../../server/test/harness.ts';
import { getSnapshot, listSnapshots } from '../books/snapshots.ts';
import { createTrash } from '../books/trash.ts';
import { answerServerTrash } from './server-trash.ts';
import { createDevice, faultyFetch } from './testing.ts';

const p = (...texts: string[]) => texts.map((t) => `<p>${t}</p>`).join('');

// This file's jongodb goes with it: a worker that ends without it would leave the server process running.
afterAll(() => stopAll());

describe.each(storeFactories)('the trash across devices ($name store)', (factory) => {
  const served = serveStore(factory);

  async function device(email = uniqueEmail()) {
    const d = createDevice({ fetch: faultyFetch().fetch });
    const credentials = { serverUrl: served.server.url, email, password: PASSWORD };
    await d.account.createAccount(credentials).catch(() => d.account.signIn(credentials));
    return Object.assign(d, { email, trash: createTrash(d.db) });
  }

  it('a book deleted on device A is in B\'s trash with its text, and restoring it on B brings it back on both', async () => {
    const a = await device();
    const b = await device(a.email);
    const book = await a.books.create({ title: 'The Long Tide', content: p('Chapter one.', 'Chapter two.') });
    await a.engine.runCycle();
    await b.engine.runCycle();
    await a.books.remove(book.id);
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.books.list()).toEqual([]);
    expect(await b.trash.list()).toMatchObject([{ bookId: book.id, title: 'The Long Tide', content: p('Chapter one.', 'Chapter two.'), deletedBy: 'other-device' }]);

    expect(await b.trash.restore(book.id)).toBe(true);
    expect(await b.engine.runCycle()).toEqual({ kind: 'synced' });
    expect(await b.books.get(book.id)).toMatchObject({ dirty: 0, content: p('Chapter one.', 'Chapter two.') });
    await a.engine.runCycle();
    expect(await a.books.get(book.id)).toMatchObject({ title: 'The Long Tide', content: p('Chapter one.', 'Chapter two.'), dirty: 0 });
    // Back to life on A from elsewhere: A's own trash entry goes (its text is the book's, so no snapshot is needed).
    expect(await a.trash.list()).toEqual([]);
  });

  it('a book restored from the trash on the device that deleted it, after the deletion synced, comes back on the server', async () => {
    const a = await device();
    const b = await device(a.email);
    const book = await a.books.create({ title: 'Tide', content: p('Kept.') });
    await a.engine.runCycle();
    await a.books.remove(book.id);
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.books.list()).toEqual([]);
    await a.trash.restore(book.id);
    await a.engine.runCycle();
    expect(await a.books.get(book.id)).toMatchObject({ dirty: 0, deleted: 0 });
    await b.engine.runCycle();
    expect(await b.books.get(book.id)).toMatchObject({ content: p('Kept.') });
  });

  it('a device that never held a deleted book lists it in the server\'s trash, brings its text in, and restores it', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Only on A', content: p('Written on the laptop.') });
    await a.engine.runCycle();
    await a.books.remove(book.id);
    await a.engine.runCycle();

    const c = await device(a.email);
    await c.engine.runCycle();
    expect(await c.trash.list()).toEqual([]);
    const deps = { transport: c.transport, account: c.account, db: c.db };
    const listed = await answerServerTrash(deps, { action: 'list' });
    expect(listed).toMatchObject({ ok: true, books: [{ id: book.id, title: 'Only on A', revision: 2 }] });
    expect(await answerServerTrash(deps, { action: 'fetch', id: book.id })).toMatchObject({ ok: true });
    expect(await c.trash.list()).toMatchObject([{ bookId: book.id, content: p('Written on the laptop.'), deletedBy: 'other-device', revision: 2 }]);

    await c.trash.restore(book.id);
    await c.engine.runCycle();
    await a.engine.runCycle();
    expect(await a.books.get(book.id)).toMatchObject({ content: p('Written on the laptop.'), dirty: 0 });
    // Live again: no longer in the server's trash, and a fetch of it says so.
    expect(await answerServerTrash(deps, { action: 'list' })).toEqual({ ok: true, books: [] });
    expect(await answerServerTrash(deps, { action: 'fetch', id: book.id })).toEqual({ ok: false, message: 'This book is no longer in the trash' });
  });

  it('deleting forever from the server\'s trash keeps the book from coming back there; the deletion still reaches devices', async () => {
    const a = await device();
    const first = await a.books.create({ title: 'First', content: p('One.') });
    const second = await a.books.create({ title: 'Second', content: p('Two.') });
    await a.engine.runCycle();
    await a.books.remove(first.id);
    await a.books.remove(second.id);
    await a.engine.runCycle();
    const deps = { transport: a.transport, account: a.account, db: a.db };
    expect((await answerServerTrash(deps, { action: 'list' })) as { books: unknown[] }).toMatchObject({ books: [{}, {}] });
    await answerServerTrash(deps, { action: 'forget', id: first.id });
    expect(await answerServerTrash(deps, { action: 'list' })).toMatchObject({ ok: true, books: [{ id: second.id }] });
    await answerServerTrash(deps, { action: 'forget' });
    expect(await answerServerTrash(deps, { action: 'list' })).toEqual({ ok: true, books: [] });
    // Forgetting again is not an error: it is already done.
    expect(await answerServerTrash(deps, { action: 'forget', id: first.id })).toEqual({ ok: true, books: [] });
  });

  it('keeps a snapshot of the text a pulled change replaces, readable through the books layer', async () => {
    const a = await device();
    const b = await device(a.email);
    const book = await a.books.create({ title: 'Tide', content: p('What B saw.') });
    await a.engine.runCycle();
    await b.engine.runCycle();
    await a.books.save(book.id, { content: p('What A wrote next.') });
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.books.get(book.id)).toMatchObject({ content: p('What A wrote next.') });
    const [snapshot] = await listSnapshots(book.id, b.db);
    expect(snapshot).toMatchObject({ bookId: book.id, cause: 'sync', revision: 1, title: 'Tide' });
    expect((await getSnapshot(snapshot!.id, b.db))?.content).toBe(p('What B saw.'));
    // A's own edits are not snapshots: only changes made elsewhere are.
    expect(await listSnapshots(book.id, a.db)).toEqual([]);
  });
});
