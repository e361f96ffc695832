// Sync v2 on the device: the base each synced book keeps, pushes as patches from it, and answers and pulls that
// carry patches, merges or resends. Against the real server where it answers today (first sync, resend, whole pulls),
// and against a scripted server through the engine's transport seam for what it does not send yet (merged results,
// patched serverVersions and pulls, hash mismatches).
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { applyPatch, contentHash, makePatch } from '../../../shared/manuscript/patch.ts';
import type { BookChange, BookInput, ServerBook, SyncResponse, SyncResult } from '../../../shared/protocol.ts';
import { embeddedStore } from '../../../server/store/testing.ts';
import { PASSWORD, serveStore, uniqueEmail } from '../../../server/test/harness.ts';
import { AncloraDB, type LocalBook } from '../books/db.ts';
import { createBookRepository } from '../books/repository.ts';
import { createDexieBookStore } from './dexie-store.ts';
import { createSyncEngine } from './engine.ts';
import { inProcessLock } from './lock.ts';
import { createStatusStore } from './status.ts';
import { TransportError } from './transport-error.ts';
import { createDevice, faultyFetch, memoryKeyValue } from './testing.ts';
import type { SyncCall } from './transport.ts';

const p = (...texts: string[]) => texts.map((t) => `<p>${t}</p>`).join('');
/** A book of `n` paragraphs, each different. */
const novel = (n: number) => p(...Array.from({ length: n }, (_, i) => `Paragraph ${i} of the novel, where the story goes on.`));

describe('against the real server', () => {
  const served = serveStore(embeddedStore);

  async function device(email = uniqueEmail()) {
    const faults = faultyFetch();
    const d = createDevice({ fetch: faults.fetch });
    const credentials = { serverUrl: served.server.url, email, password: PASSWORD };
    await d.account.createAccount(credentials).catch(() => d.account.signIn(credentials));
    return Object.assign(d, { faults, email });
  }

  type Sent = BookInput & { patches?: boolean };
  const sentChanges = (d: Awaited<ReturnType<typeof device>>) => d.faults.syncBodies.map((b) => b.changes as Sent[]);

  it('sends a new book whole and keeps what the server accepted as its base, in the same transaction as the outcome', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Base', content: p('First words.') });
    await a.engine.runCycle();
    expect(sentChanges(a).at(-1)![0]).toMatchObject({ content: p('First words.') });
    expect((a.faults.syncBodies.at(-1) as { patches?: boolean }).patches).toBe(true);
    expect(await a.db.bases.get(book.id)).toEqual({
      bookId: book.id,
      revision: 1,
      content: p('First words.'),
      hash: await contentHash(p('First words.')),
    });
    expect(await a.db.books.get(book.id)).toMatchObject({ revision: 1, dirty: 0 });
  });

  it('sends an edit as a patch from the base, proportional to the edit, and the base follows what the server took', async () => {
    const a = await device();
    const text = novel(2_000);
    const book = await a.books.create({ title: 'Long', content: text });
    await a.engine.runCycle();
    const edited = text.replace('Paragraph 1500 of', 'Paragraph 1500, rewritten, of');
    await a.books.save(book.id, { content: edited });
    const before = a.faults.syncBodies.length;
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });

    const [patched] = sentChanges(a).slice(before).map((changes) => changes[0]!);
    // The patch: from the base's hash to the edited text's, applying exactly, far smaller than the book.
    expect(patched).toMatchObject({ baseRevision: 1 });
    expect(patched!.content).toBeUndefined();
    expect(await applyPatch(text, patched!.patch!)).toBe(edited);
    expect(JSON.stringify(patched).length).toBeLessThan(1_000);
    expect(text.length).toBeGreaterThan(100_000);
    // Applied by the server, or answered `resend` and sent whole in the same cycle (scripted below): either way the
    // base is the edited text at the new revision.
    expect(await a.db.bases.get(book.id)).toMatchObject({ revision: 2, content: edited, hash: await contentHash(edited) });
    expect(await a.db.books.get(book.id)).toMatchObject({ revision: 2, dirty: 0, content: edited });
  });

  it('advances the base of a clean book with every pulled change, and drops it with the book on a pulled deletion', async () => {
    const a = await device();
    const b = await device(a.email);
    const book = await a.books.create({ title: 'Shared', content: p('One.') });
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.db.bases.get(book.id)).toMatchObject({ revision: 1, content: p('One.') });

    await a.books.save(book.id, { content: p('One.', 'Two.') });
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.db.bases.get(book.id)).toMatchObject({ revision: 2, content: p('One.', 'Two.'), hash: await contentHash(p('One.', 'Two.')) });
    // Cycles with nothing to do never lose it.
    await b.engine.runCycle();
    expect(await b.db.bases.get(book.id)).toMatchObject({ revision: 2 });

    await a.books.remove(book.id);
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await b.db.books.get(book.id)).toBeUndefined();
    expect(await b.db.bases.get(book.id)).toBeUndefined();
    expect(await a.db.bases.get(book.id)).toBeUndefined();
  });

  it('keeps the base on its revision while unsent edits hold a pulled change back, and patches from it', async () => {
    const a = await device();
    const b = await device(a.email);
    const rest = novel(40);
    const book = await a.books.create({ title: 'Shared', content: p('One.', 'Two.') + rest });
    await a.engine.runCycle();
    await b.engine.runCycle();
    await a.books.save(book.id, { content: p('One, from A.', 'Two.') + rest });
    await a.engine.runCycle();
    await b.books.save(book.id, { content: p('One.', 'Two, from B.') + rest });
    const before = b.faults.syncBodies.length;
    await b.engine.runCycle();
    const first = sentChanges(b)[before]![0]!;
    expect(first).toMatchObject({ baseRevision: 1 });
    expect(await applyPatch(p('One.', 'Two.') + rest, first.patch!)).toBe(p('One.', 'Two, from B.') + rest);
    // Whatever the server made of it (a conflict today, a merge once it merges), the base is what it now holds.
    const settled = (await b.db.books.get(book.id))!;
    expect(settled.dirty).toBe(0);
    expect(await b.db.bases.get(book.id)).toMatchObject({ revision: settled.revision, content: settled.content });
  });

  it('sends a push whose answer was lost again exactly as it was before the newer text, so a merging server doubles nothing', async () => {
    const a = await device();
    const rest = novel(40);
    const book = await a.books.create({ title: 'Lost answer', content: p('One.') + rest });
    await a.engine.runCycle();
    expect(await a.db.unanswered.count()).toBe(0);
    await a.books.save(book.id, { content: p('One two.') + rest });
    a.faults.inject({ kind: 'lose-response' });
    await a.engine.runCycle();
    // The server holds "One two." as revision 2; the device never heard so, and its writer goes on typing.
    expect(await a.db.unanswered.get(book.id)).toMatchObject({ sent: { content: p('One two.') + rest, revision: 1 } });
    await a.books.save(book.id, { content: p('One two three.') + rest });
    const before = a.faults.syncBodies.length;
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });

    const [lostOne, retry] = sentChanges(a).slice(before - 1).map((changes) => changes[0]!);
    expect(retry).toEqual(lostOne);
    const onServer = (await a.transport.getBook(served.server.url, (await a.account.current())!.token, book.id))!;
    expect(onServer.content).toBe(p('One two three.') + rest);
    expect(await a.db.books.get(book.id)).toMatchObject({ content: onServer.content, revision: onServer.revision, dirty: 0 });
    expect(await a.db.unanswered.count()).toBe(0);
    expect(await a.db.conflicts.count()).toBe(0);
  });

  it('sends whole content once for a book with unsynced edits and no base (a database migrated from version 1)', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Migrated', content: p('Old.') });
    await a.engine.runCycle();
    await a.db.bases.clear();
    await a.books.save(book.id, { content: p('Old.', 'New.') });
    const before = a.faults.syncBodies.length;
    await a.engine.runCycle();
    expect(sentChanges(a).slice(before).map((c) => c[0]!.content)).toEqual([p('Old.', 'New.')]);
    expect(await a.db.bases.get(book.id)).toMatchObject({ revision: 2, content: p('Old.', 'New.') });
  });
});

/** A server the test scripts answer by answer, behind the engine's transport seam. */
function scriptedServer() {
  const answers: Array<(call: SyncCall) => Promise<SyncResponse> | SyncResponse> = [];
  const calls: SyncCall[] = [];
  const books = new Map<string, ServerBook>();
  const fetched: string[] = [];
  return {
    calls,
    /** What GET /api/books/:id returns. */
    books,
    fetched,
    answer: (...next: typeof answers) => void answers.push(...next),
    transport: {
      async sync(_url: string, _token: string, call: SyncCall): Promise<SyncResponse> {
        calls.push(structuredClone(call));
        const next = answers.shift();
        return next ? next(call) : { success: true, results: [], changes: [], cursor: 'c', hasMore: false };
      },
      async getBook(_url: string, _token: string, id: string) {
        fetched.push(id);
        return books.get(id) ?? null;
      },
    },
  };
}

const ACCOUNT = { serverUrl: 'https://sync.example', email: 'w@example.test', token: 't', tokenId: 'i', deviceName: 'd' };

function scriptedDevice(newId: () => string = () => crypto.randomUUID()) {
  const server = scriptedServer();
  const db = new AncloraDB(`patches-${crypto.randomUUID()}`, { indexedDB: new IDBFactory(), IDBKeyRange });
  const kv = memoryKeyValue();
  const logs: string[] = [];
  const log = { info: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m), error: (m: string) => void logs.push(m) };
  const engine = createSyncEngine({
    books: createDexieBookStore(db),
    transport: server.transport,
    account: { current: async () => ACCOUNT, markSignedOut: async () => undefined },
    kv,
    status: createStatusStore(kv, () => undefined, log),
    lock: inProcessLock(),
    clock: { now: () => Date.now() },
    random: () => 0.5,
    newId,
    log,
  });
  return { server, db, engine, logs, books: createBookRepository(db) };
}

function stored(input: BookInput, content: string, revision: number, fields: Partial<ServerBook> = {}): ServerBook {
  return {
    id: input.id,
    title: input.title,
    author: input.author,
    content,
    metadata: input.metadata,
    updatedAt: input.updatedAt,
    createdAt: 1,
    syncedAt: Date.now(),
    revision,
    deleted: false,
    ...fields,
  };
}

const page = (results: SyncResult[], changes: BookChange[] = []): SyncResponse => ({
  success: true,
  results,
  changes,
  cursor: 'c',
  hasMore: false,
});

/** A book synced as revision 1 through the engine (so its base is what the engine wrote). */
async function syncedBook(d: ReturnType<typeof scriptedDevice>, content: string): Promise<LocalBook> {
  const book = await d.books.create({ title: 'Novel', content });
  d.server.answer(() => page([{ id: book.id, status: 'ok', revision: 1, syncedAt: Date.now() }]));
  await d.engine.runCycle();
  return (await d.db.books.get(book.id))!;
}

// Books long enough that a patch is smaller than the text (a shorter one goes whole).
const rest = novel(40);
const base = p('One fish.', 'Two fish.', 'Red fish.') + rest;
const mine = p('One cat.', 'Two fish.', 'Red fish.') + rest;
const theirs = p('One fish.', 'Two fish.', 'Red dog.') + rest;
const merged = p('One cat.', 'Two fish.', 'Red dog.') + rest;

describe('answers with patches, merges and resends (scripted server)', () => {
  it('a merged result: the book becomes the merged text, the base the merged revision, and overlaps are recorded', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    const overlap = { base: 'fish.', kept: 'cat.', lost: 'bird.', keptSide: 'incoming' as const };
    d.server.answer(async (call) => {
      const input = call.changes[0]!;
      expect(await applyPatch(base, input.patch!)).toBe(mine);
      const serverVersion = { ...stored(input, '', 3), content: undefined, patch: await makePatch(mine, merged) };
      return page([{ id: book.id, status: 'merged', revision: 3, syncedAt: Date.now(), serverVersion, overlaps: [overlap] }]);
    });
    await d.engine.runCycle();

    expect(await d.db.books.get(book.id)).toMatchObject({ content: merged, revision: 3, dirty: 0 });
    expect(await d.db.bases.get(book.id)).toEqual({ bookId: book.id, revision: 3, content: merged, hash: await contentHash(merged) });
    expect(await d.db.overlaps.where('bookId').equals(book.id).toArray()).toEqual([
      expect.objectContaining({ revision: 3, base: 'fish.', kept: 'cat.', lost: 'bird.', keptSide: 'this-device' }),
    ]);
    expect(d.logs.join('\n')).toContain('1 overlapping passages');
  });

  it('writes the book, its base and the overlaps in one transaction: when one write fails, none happens', async () => {
    let broken = false;
    // Once broken, new records get no id: IndexedDB refuses the overlap, which must take the whole outcome with it.
    const d = scriptedDevice(() => (broken ? (undefined as unknown as string) : crypto.randomUUID()));
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    broken = true;
    const overlap = { base: 'fish.', kept: 'cat.', lost: 'bird.', keptSide: 'incoming' as const };
    d.server.answer((call) => {
      const serverVersion = stored(call.changes[0]!, merged, 3);
      return page([{ id: book.id, status: 'merged', revision: 3, syncedAt: Date.now(), serverVersion, overlaps: [overlap] }]);
    });
    expect(await d.engine.runCycle()).toMatchObject({ kind: 'failed', error: 'local' });

    expect(await d.db.books.get(book.id)).toMatchObject({ content: mine, revision: 1, dirty: 1 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 1, content: base });
    expect(await d.db.overlaps.count()).toBe(0);
  });

  it('a merged result for a book edited meanwhile: the new edits are merged on top and sent next as a patch from the merge', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    const later = p('One cat.', 'Two fish, and more.', 'Red fish.') + rest;
    d.server.answer(async (call) => {
      // The writer types while the request is in flight.
      await d.books.save(book.id, { content: later });
      const serverVersion = { ...stored(call.changes[0]!, merged, 3) };
      return page([{ id: book.id, status: 'merged', revision: 3, syncedAt: Date.now(), serverVersion, overlaps: [] }]);
    });
    await d.engine.runCycle();

    const local = await d.db.books.get(book.id);
    const rebased = p('One cat.', 'Two fish, and more.', 'Red dog.') + rest;
    expect(local).toMatchObject({ content: rebased, revision: 3, dirty: 1 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 3, content: merged });

    d.server.answer(() => page([{ id: book.id, status: 'ok', revision: 4, syncedAt: Date.now() }]));
    await d.engine.runCycle();
    const next = d.server.calls.at(-1)!.changes[0]!;
    expect(next.baseRevision).toBe(3);
    expect(await applyPatch(merged, next.patch!)).toBe(rebased);
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 4, content: rebased });
  });

  it('a serverVersion patch that does not apply to the text sent: the whole book is read instead', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    d.server.answer(async (call) => {
      const input = call.changes[0]!;
      d.server.books.set(book.id, stored(input, merged, 3));
      // Made from another text than the one sent: its `from` hash cannot match.
      const serverVersion = { ...stored(input, '', 3), content: undefined, patch: await makePatch(theirs, merged) };
      return page([{ id: book.id, status: 'merged', revision: 3, syncedAt: Date.now(), serverVersion, overlaps: [] }]);
    });
    await d.engine.runCycle();
    expect(d.server.fetched).toEqual([book.id]);
    expect(await d.db.books.get(book.id)).toMatchObject({ content: merged, revision: 3, dirty: 0 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 3, content: merged });
  });

  it('a pulled patch from the base applies and advances the base; one from another base or text reads the whole book', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    const change = async (from: string, to: string, revision: number, patchBase: number): Promise<BookChange> => ({
      ...stored({ ...(await d.db.books.get(book.id))!, metadata: {} } as unknown as BookInput, '', revision),
      content: undefined,
      patch: await makePatch(from, to),
      patchBase,
    });

    d.server.answer(async () => page([], [await change(base, theirs, 2, 1)]));
    await d.engine.runCycle();
    expect(d.server.fetched).toEqual([]);
    expect(await d.db.books.get(book.id)).toMatchObject({ content: theirs, revision: 2, dirty: 0 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 2, content: theirs, hash: await contentHash(theirs) });

    // From a revision this device does not hold.
    d.server.books.set(book.id, { ...(await change(theirs, merged, 4, 3)), content: merged });
    d.server.answer(async () => page([], [await change(theirs, merged, 4, 3)]));
    await d.engine.runCycle();
    expect(d.server.fetched).toEqual([book.id]);
    expect(await d.db.books.get(book.id)).toMatchObject({ content: merged, revision: 4 });

    // The right revision, but made from another text (the hash does not match).
    const five = p('Five.') + rest;
    d.server.books.set(book.id, { ...(await change(base, five, 5, 4)), content: five });
    d.server.answer(async () => page([], [await change(base, five, 5, 4)]));
    await d.engine.runCycle();
    expect(d.server.fetched).toEqual([book.id, book.id]);
    expect(await d.db.books.get(book.id)).toMatchObject({ content: five, revision: 5 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 5, content: five });
  });

  it('keeps the record of a push that got no answer, and forgets one the server refused', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    d.server.answer(() => {
      throw new TransportError('network', 'Network error');
    });
    await d.engine.runCycle();
    expect(await d.db.unanswered.get(book.id)).toMatchObject({ sent: { content: mine, revision: 1 } });

    d.server.answer(() => {
      throw new TransportError('bad_request', 'Invalid book');
    });
    await d.engine.runCycle({ force: true });
    expect(await d.db.unanswered.count()).toBe(0);
  });

  it('a resend drops the base and sends the whole text in the same cycle; a conflict makes the winner the base', async () => {
    const d = scriptedDevice();
    const book = await syncedBook(d, base);
    await d.books.save(book.id, { content: mine });
    d.server.answer(
      () => page([{ id: book.id, status: 'resend', code: 'patch_not_applicable' }]),
      (call) => {
        expect(call.changes[0]).toMatchObject({ content: mine, baseRevision: 1 });
        return page([{ id: book.id, status: 'conflict', serverVersion: stored(call.changes[0]!, theirs, 2, { updatedAt: Date.now() + 1 }) }]);
      },
    );
    await d.engine.runCycle();
    expect(d.server.calls.slice(-2).map((c) => c.changes[0]!.patch !== undefined)).toEqual([true, false]);
    expect(await d.db.books.get(book.id)).toMatchObject({ content: theirs, revision: 2, dirty: 0 });
    expect(await d.db.bases.get(book.id)).toMatchObject({ revision: 2, content: theirs });
    expect((await d.db.conflicts.toArray()).map((c) => c.content)).toEqual([mine]);
  });
});
