// The server's history through the background's answer and a restore from it, with the real sync engine against the
// real server (both stores): versions listed with their device and words, one read back exactly, a restore that syncs
// to the other device and is itself in history, the replaced text kept on this device.
import { afterAll, describe, expect, it } from 'vitest';
import { stopAll, storeFactories } from '../../../server/store/testing.ts';
import { PASSWORD, serveStore, uniqueEmail } from '../../../server/test/harness.ts';
import { getSnapshot, listSnapshots } from '../books/snapshots.ts';
import { restoreVersion } from '../books/version-restore.ts';
import { answerServerHistory } from './server-history.ts';
import { TransportError } from './transport-error.ts';
import { createDevice, faultyFetch } from './testing.ts';

const p = (...texts: string[]) => texts.map((t) => `<p>${t}</p>`).join('');

// This file's jongodb goes with it: a worker that ends without it would leave the server process running.
afterAll(() => stopAll());

describe.each(storeFactories)('history from the server ($name store)', (factory) => {
  const served = serveStore(factory);

  async function device(email = uniqueEmail()) {
    const d = createDevice({ fetch: faultyFetch().fetch });
    const credentials = { serverUrl: served.server.url, email, password: PASSWORD };
    await d.account.createAccount(credentials).catch(() => d.account.signIn(credentials));
    return Object.assign(d, { email, history: (request: Parameters<typeof answerServerHistory>[1]) => answerServerHistory(d, request) });
  }

  it('lists the version another device replaced with its device and words, reads it exactly, and restores it on both', async () => {
    const laptop = await device();
    const tablet = await device(laptop.email);
    const first = p('The tide came in over the salt marsh.', 'Gulls.');
    const book = await laptop.books.create({ title: 'The Long Tide', content: first });
    await laptop.engine.runCycle();
    await tablet.engine.runCycle();
    await tablet.books.save(book.id, { content: p('The tide went out over the mud flats.', 'Gulls.') });
    await tablet.engine.runCycle();
    await laptop.engine.runCycle();

    const listed = await laptop.history({ action: 'list', bookId: book.id });
    const laptopName = (await laptop.account.current())!.deviceName;
    expect(listed).toMatchObject({ ok: true, signedIn: true, hasMore: false, versions: [{ revision: 1, device: laptopName, title: 'The Long Tide' }] });
    const read = await laptop.history({ action: 'get', bookId: book.id, revision: 1 });
    expect(read).toMatchObject({ ok: true, version: { revision: 1, content: first } });

    // The pull kept the laptop's text as a snapshot first (the safety net), so history lists it from this device too.
    expect(await listSnapshots(book.id, laptop.db)).toMatchObject([{ revision: 1, cause: 'sync' }]);

    await restoreVersion(book.id, { title: 'The Long Tide', content: first }, { db: laptop.db, repo: laptop.books, now: () => Date.now(), newId: () => crypto.randomUUID() });
    expect(await laptop.books.get(book.id)).toMatchObject({ content: first, dirty: 1 });
    // The text the restore replaced (the tablet's) is kept on this device before the edit.
    const snapshots = await listSnapshots(book.id, laptop.db);
    expect(snapshots[0]).toMatchObject({ cause: 'restore', revision: 2 });
    expect((await getSnapshot(snapshots[0]!.id, laptop.db))?.content).toBe(p('The tide went out over the mud flats.', 'Gulls.'));

    expect(await laptop.engine.runCycle()).toEqual({ kind: 'synced' });
    await tablet.engine.runCycle();
    expect(await tablet.books.get(book.id)).toMatchObject({ content: first, dirty: 0, revision: 3 });
    // The restore is an edit like any other: the text it replaced is now a kept version too.
    const after = await tablet.history({ action: 'list', bookId: book.id });
    expect(after).toMatchObject({ ok: true, versions: [{ revision: 2, wordsAdded: expect.any(Number) }, { revision: 1 }] });
  });

  it('answers an empty history for a book the server does not know, null for a version no longer kept', async () => {
    const laptop = await device();
    const book = await laptop.books.create({ title: 'Draft', content: p('Only here.') });
    expect(await laptop.history({ action: 'list', bookId: book.id })).toEqual({ ok: true, signedIn: true, versions: [], hasMore: false });
    await laptop.engine.runCycle();
    expect(await laptop.history({ action: 'get', bookId: book.id, revision: 1 })).toEqual({ ok: true, signedIn: true, version: null });
  });

  it('says signed out (no server history) without asking the server', async () => {
    const laptop = await device();
    await laptop.account.signOut();
    expect(await laptop.history({ action: 'list', bookId: crypto.randomUUID() })).toEqual({ ok: true, signedIn: false });
  });

  it('carries a server refusal, and a server out of reach, as a message in the writer\'s language', async () => {
    const laptop = await device();
    const answer = await laptop.history({ action: 'get', bookId: 'not-a-uuid', revision: 1 });
    expect(answer).toMatchObject({ ok: false, message: expect.stringMatching(/\S/) });
    const unreachable = answerServerHistory(
      { account: laptop.account, transport: { ...laptop.transport, listRevisions: () => Promise.reject(new TransportError('network', 'Failed to fetch')) } },
      { action: 'list', bookId: crypto.randomUUID() },
    );
    expect(await unreachable).toEqual({ ok: false, message: `Can't reach your sync server at ${served.server.url}` });
  });
});
