// The sync engine against the real server (embedded store) over HTTP, with the browser edges faked:
// fake-indexeddb for Dexie, in-memory extension storage, and a fault-injecting fetch in front of the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookChange } from '../../../shared/protocol.ts';
import { storeFactories, type OpenedStore } from '../../../server/store/testing.ts';
import { PASSWORD, startServer, uniqueEmail, type RunningServer } from '../../../server/test/harness.ts';
import { keepBoth, keepMine, listConflicts, keepServer } from './conflicts.ts';
import { parseBackoff } from './backoff.ts';
import { BACKOFF_KEY } from './engine.ts';
import { deriveState } from './status.ts';
import { createDevice, faultyFetch, type Device } from './testing.ts';
import type { FetchLike } from './transport.ts';

const embedded = storeFactories.find((f) => f.name === 'embedded')!;
const opened: OpenedStore[] = [];
const servers: RunningServer[] = [];

async function serverWith(overrides: Parameters<typeof startServer>[1] = {}): Promise<RunningServer> {
  const store = await embedded.open();
  opened.push(store);
  const running = await startServer(store.store, overrides);
  servers.push(running);
  return running;
}

let server: RunningServer;
beforeAll(async () => {
  server = await serverWith();
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const o of opened) await o.cleanup();
});

interface Options {
  email?: string;
  on?: RunningServer;
  /** The fetch behind the fault injector (default: the real one). */
  base?: FetchLike;
}

/** A device signed in to the server; a new account unless `email` names an existing one. */
async function device(options: Options = {}) {
  const target = options.on ?? server;
  const faults = faultyFetch(options.base);
  const d = createDevice({ fetch: faults.fetch });
  const email = options.email ?? uniqueEmail();
  const credentials = { serverUrl: target.url, email, password: PASSWORD };
  if (options.email) await d.account.signIn(credentials);
  else await d.account.createAccount(credentials);
  return Object.assign(d, { faults, email });
}

/** Everything the server holds for the device's account, read through a fresh full pull. */
async function serverBooks(d: Device): Promise<Map<string, BookChange>> {
  const account = (await d.account.current())!;
  const books = new Map<string, BookChange>();
  let cursor: string | undefined;
  for (;;) {
    const page = await d.transport.sync(account.serverUrl, account.token, { changes: [], ...(cursor ? { cursor } : {}) });
    for (const b of page.changes) books.set(b.id, b);
    cursor = page.cursor;
    if (!page.hasMore) return books;
  }
}

/** An edit on `d` stamped a minute in the past, so last-writer-wins prefers whatever the server already has. */
async function editBefore(d: Device, bookId: string, content: string) {
  await d.db.books.update(bookId, { content, dirty: 1, updatedAt: Date.now() - 60_000 });
}

async function localBook(d: Device, id: string) {
  return d.db.books.get(id);
}

/**
 * Everything of a book a device's writer can reach: its text, its conflict copies, and the passages a merge set aside.
 * A stale edit is merged by a merging server (the later edit keeps what both changed, the other is set aside) and is a
 * conflict otherwise (the device keeps a conflict copy): either way nothing is silently lost, which is what this checks.
 */
async function reachable(d: Device, id: string): Promise<string> {
  return [
    (await localBook(d, id))?.content ?? '',
    ...(await listConflicts(d.db, id)).map((c) => c.content),
    ...(await d.db.overlaps.where('bookId').equals(id).toArray()).map((o) => o.lost),
  ].join('\n');
}

describe('a sync cycle against the real server', () => {
  it('sends a new book, marks it clean with the server revision, and never logs its text', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'My Novel', content: '<p>secret words</p>' });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });

    const local = await localBook(a, book.id);
    expect(local).toMatchObject({ dirty: 0, revision: 1, syncIssue: null });
    expect((await serverBooks(a)).get(book.id)).toMatchObject({ content: '<p>secret words</p>', revision: 1 });
    expect(a.logs.length).toBeGreaterThan(0);
    expect(a.logs.join('\n')).not.toContain('secret words');
    const status = await a.status.get();
    expect(status).toMatchObject({ isSyncing: false, lastError: null, pendingCount: 0, isOnline: true });
    expect(deriveState(status)).toBe('synced');
    expect(a.published.some((s) => s.isSyncing)).toBe(true);
  });

  it('sends only dirty books', async () => {
    const a = await device();
    const first = await a.books.create({ title: 'One' });
    await a.engine.runCycle();
    const second = await a.books.create({ title: 'Two' });
    await a.engine.runCycle();
    expect(a.faults.syncBodies.map((b) => b.changes.map((c) => c.id))).toEqual([[first.id], [second.id]]);
    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes).toEqual([]);
  });

  it('sends the server revision as the base of the next edit and fast-forwards without conflict', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Base' });
    await a.engine.runCycle();
    await a.books.save(book.id, { content: '<p>second draft</p>' });
    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes[0]!.baseRevision).toBe(1);
    expect(await localBook(a, book.id)).toMatchObject({ revision: 2, dirty: 0 });
  });

  it('takes the text as the server stored it after sanitising, so the writing device matches every other one', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    // What the editor and the clipper save: <br>, &nbsp; and &#39;, which the server's sanitiser writes differently.
    const book = await a.books.create({ title: 'Breaks', content: '<p>one<br>two&nbsp; it&#39;s</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();
    const stored = (await serverBooks(a)).get(book.id)!.content;
    expect(stored).not.toBe('<p>one<br>two&nbsp; it&#39;s</p>');
    expect(await localBook(a, book.id)).toMatchObject({ content: stored, dirty: 0, revision: 1 });
    expect(await localBook(b, book.id)).toMatchObject({ content: stored });
  });
});

describe('large books', () => {
  it('sends a book bigger than the gzip threshold compressed, and the server stores it intact', async () => {
    const a = await device();
    const content = `<p>${'All work and no play. '.repeat(20_000)}</p>`;
    const book = await a.books.create({ title: 'Long one', content });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    expect(a.faults.syncBodies[0]!.changes[0]!.id).toBe(book.id);
    expect(a.faults.gzipped).toEqual([true]);
    expect((await serverBooks(a)).get(book.id)?.content).toBe(content);
  });
});

describe('offline queue and retries', () => {
  it('keeps edits made while the network is down, shows offline, and sends them when it returns', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Offline draft', content: '<p>one</p>' });
    a.faults.inject({ kind: 'network' });
    const failed = await a.engine.runCycle();
    expect(failed).toMatchObject({ kind: 'failed', error: 'network' });
    await a.books.save(book.id, { content: '<p>two</p>' });
    const offline = await a.status.get();
    // The browser still has a network here: the server is what cannot be reached.
    expect(deriveState(offline)).toBe('unreachable');
    expect(await localBook(a, book.id)).toMatchObject({ dirty: 1, content: '<p>two</p>' });

    // The connection returns: the `online` event forces a cycle past the backoff.
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });
    expect((await serverBooks(a)).get(book.id)?.content).toBe('<p>two</p>');
    expect(deriveState(await a.status.get())).toBe('synced');
    expect(await a.kv.get(BACKOFF_KEY)).toBeUndefined();
  });

  it('backs off exponentially after 5xx answers, waits out the backoff on alarms, and recovers', async () => {
    const a = await device();
    await a.books.create({ title: 'Stubborn' });
    const delays: number[] = [];
    for (let i = 0; i < 3; i++) {
      a.faults.inject({ kind: 'status', status: 500 });
      const result = await a.engine.runCycle();
      expect(result).toMatchObject({ kind: 'failed', error: 'server' });
      if (result.kind !== 'failed') throw new Error('unreachable');
      delays.push(result.retryAt - a.clock.now());
      // The alarm fires before the wait is over: nothing is sent.
      const sent = a.faults.syncBodies.length;
      expect(await a.engine.runCycle()).toMatchObject({ kind: 'waiting' });
      expect(a.faults.syncBodies).toHaveLength(sent);
      a.clock.offsetMs += delays[i]! + 1;
    }
    // random() is 0.5 in the test device: 3/4 of 2 s, 4 s, 8 s (equal jitter), within a few ms of test time.
    expect(delays.map((d) => Math.round(d / 100) * 100)).toEqual([1_500, 3_000, 6_000]);
    expect(parseBackoff(await a.kv.get(BACKOFF_KEY)).attempt).toBe(3);
    const status = await a.status.get();
    expect(deriveState(status)).toBe('error');
    expect(status.lastError).toBe('Server error (500)');

    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    expect(deriveState(await a.status.get())).toBe('synced');
  });

  it('retries at once when the user clicks the error state, skipping the backoff', async () => {
    const a = await device();
    await a.books.create({ title: 'Click me' });
    a.faults.inject({ kind: 'status', status: 503 });
    await a.engine.runCycle();
    expect(await a.engine.runCycle()).toMatchObject({ kind: 'waiting' });
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });
  });

  it('waits for Retry-After when the real server rate-limits, even for a manual sync, without showing an error', async () => {
    const limited = await serverWith({ rateLimitPerMinute: 1 });
    const a = await device({ on: limited });
    await a.books.create({ title: 'First' });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    await a.books.create({ title: 'Second' });
    const result = await a.engine.runCycle();
    expect(result).toMatchObject({ kind: 'failed', error: 'rate_limited' });
    if (result.kind !== 'failed') throw new Error('unreachable');
    const wait = result.retryAt - a.clock.now();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(61_000);
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'waiting', until: result.retryAt });
    const status = await a.status.get();
    expect(deriveState(status)).toBe('pending');
    expect(status.pendingCount).toBe(1);
  });
});

describe('answers that concern one book', () => {
  it('marks a book the server refuses as invalid, keeps its text, and does not resend it until it changes', async () => {
    const a = await device();
    const good = await a.books.create({ title: 'Good' });
    const bad = await a.books.create({ title: 'Bad', content: '<p>keep me</p>' });
    // The server judges each entry on its own: make this one invalid on the way.
    a.faults.inject({
      kind: 'rewrite',
      rewrite: (body) => ({ ...body, changes: body.changes.map((c) => (c.id === bad.id ? { ...c, title: '' } : c)) }),
    });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    const refused = await localBook(a, bad.id);
    expect(refused).toMatchObject({ dirty: 1, content: '<p>keep me</p>', syncIssue: { kind: 'invalid' } });
    expect(refused!.syncIssue!.message).toMatch(/title/);
    expect(await localBook(a, good.id)).toMatchObject({ dirty: 0 });

    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes).toEqual([]);

    await a.books.save(bad.id, { content: '<p>keep me, fixed</p>' });
    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes.map((c) => c.id)).toEqual([bad.id]);
    expect(await localBook(a, bad.id)).toMatchObject({ dirty: 0, syncIssue: null });
  });

  it('marks a book the client itself knows is invalid without sending it', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Will be blank' });
    await a.db.books.update(book.id, { title: '   ' });
    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes).toEqual([]);
    expect((await localBook(a, book.id))!.syncIssue).toMatchObject({ kind: 'invalid' });
  });

  it('splits a batch the server finds too large and marks only the oversized book, with the limit', async () => {
    const small = await serverWith({ maxPayloadBytes: 8_192 });
    const a = await device({ on: small });
    const big = await a.books.create({ title: 'Huge', content: `<p>${'x'.repeat(12_000)}</p>` });
    const ok = await a.books.create({ title: 'Small' });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    expect(await localBook(a, ok.id)).toMatchObject({ dirty: 0 });
    const marked = await localBook(a, big.id);
    expect(marked).toMatchObject({ dirty: 1, syncIssue: { kind: 'too_large', limit: 8_192 } });
    expect(marked!.content).toHaveLength(12_007);
    expect(marked!.syncIssue!.message).toBe('Too large to sync (the server accepts up to 8192 bytes)');

    const sent = a.faults.syncBodies.length;
    await a.engine.runCycle();
    expect(a.faults.syncBodies.slice(sent).flatMap((b) => b.changes)).toEqual([]);
  });

  it('signs the device out on 401 and keeps every book dirty', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Kept' });
    const account = (await a.account.current())!;
    await a.transport.revokeToken(account.serverUrl, account.token, account.tokenId);

    expect(await a.engine.runCycle()).toEqual({ kind: 'signed-out' });
    expect(await localBook(a, book.id)).toMatchObject({ dirty: 1 });
    expect(await a.account.current()).toBeNull();
    expect(await a.account.settings()).toMatchObject({ email: a.email, serverUrl: server.url });
    const status = await a.status.get();
    expect(status).toMatchObject({ signedOut: true, pendingCount: 1 });
    expect(deriveState(status)).toBe('error');

    await a.account.signIn({ serverUrl: server.url, email: a.email, password: PASSWORD });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });
    expect((await a.status.get()).signedOut).toBeUndefined();
  });

  it('keeps a book edited while its upload was in flight dirty, and sends the newer text next', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Busy', content: '<p>v1</p>' });
    let release!: () => void;
    a.faults.inject({ kind: 'hold', release: new Promise<void>((r) => (release = r)) });
    const cycle = a.engine.runCycle();
    await a.faults.requested();
    await a.books.save(book.id, { content: '<p>v2</p>' });
    release();
    expect(await cycle).toEqual({ kind: 'synced' });
    expect(await localBook(a, book.id)).toMatchObject({ dirty: 1, revision: 1, content: '<p>v2</p>' });

    await a.engine.runCycle();
    expect(a.faults.syncBodies.at(-1)!.changes[0]).toMatchObject({ id: book.id, baseRevision: 1 });
    expect(await localBook(a, book.id)).toMatchObject({ dirty: 0, revision: 2 });
    expect((await serverBooks(a)).get(book.id)?.content).toBe('<p>v2</p>');
  });
});

describe('worker restarts', () => {
  it('resumes after the worker is killed mid-cycle: the retry is idempotent, nothing is duplicated or lost', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Survivor', content: '<p>precious</p>' });
    a.faults.inject({ kind: 'hang' });
    void a.engine.runCycle(); // this worker dies waiting for the answer
    await a.faults.requested();
    expect((await a.status.get()).isSyncing).toBe(true);

    // A new worker: same IndexedDB and extension storage, nothing from the old worker's memory.
    const faults = faultyFetch();
    const b = createDevice({ fetch: faults.fetch, restartOf: a });
    await b.engine.recover();
    expect((await b.status.get()).isSyncing).toBe(false);
    expect(await b.engine.runCycle()).toEqual({ kind: 'synced' });

    expect(faults.syncBodies[0]!.changes.map((c) => c.id)).toEqual([book.id]);
    expect(await localBook(b, book.id)).toMatchObject({ dirty: 0, revision: 1 });
    const onServer = await serverBooks(b);
    expect([...onServer.keys()]).toEqual([book.id]);
    expect(onServer.get(book.id)).toMatchObject({ revision: 1, content: '<p>precious</p>' });
  });

  it('treats a lost answer like a network error and the identical retry gets the same revision', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Lost answer' });
    a.faults.inject({ kind: 'lose-response' });
    expect(await a.engine.runCycle()).toMatchObject({ kind: 'failed', error: 'network' });
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });
    expect(await localBook(a, book.id)).toMatchObject({ revision: 1, dirty: 0 });
  });

  it('never runs two cycles at once', async () => {
    const a = await device();
    await a.books.create({ title: 'Once' });
    let release!: () => void;
    a.faults.inject({ kind: 'hold', release: new Promise<void>((r) => (release = r)) });
    const first = a.engine.runCycle();
    await a.faults.requested();
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'busy' });
    release();
    expect(await first).toEqual({ kind: 'synced' });
  });
});

describe('local failures', () => {
  it('reports a failing local database as a local error, not as a bad server answer, and keeps the book pending', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Stuck on disk', content: '<p>kept</p>' });
    const refuse = () => {
      throw new Error('QuotaExceededError: the disk is full');
    };
    a.db.books.hook('creating', refuse);
    a.db.books.hook('updating', refuse);

    const result = await a.engine.runCycle();

    expect(result).toMatchObject({ kind: 'failed', error: 'local' });
    const status = await a.status.get();
    expect(status).toMatchObject({ localError: true, isOnline: true, pendingCount: 1 });
    expect(deriveState(status)).toBe('error');
    a.db.books.hook('creating').unsubscribe(refuse);
    a.db.books.hook('updating').unsubscribe(refuse);
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });
    expect(await localBook(a, book.id)).toMatchObject({ dirty: 0, content: '<p>kept</p>' });
    expect((await a.status.get()).localError).toBeUndefined();
  });
});

describe('two devices on one account', () => {
  it('pulls books, edits and deletions from the other device', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    const book = await a.books.create({ title: 'Shared', content: '<p>a1</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await localBook(b, book.id)).toMatchObject({ content: '<p>a1</p>', dirty: 0, revision: 1 });

    await a.books.save(book.id, { content: '<p>a2</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();
    expect(await localBook(b, book.id)).toMatchObject({ content: '<p>a2</p>', revision: 2 });

    await a.books.remove(book.id);
    await a.engine.runCycle();
    expect(await localBook(a, book.id)).toBeUndefined();
    await b.engine.runCycle();
    expect(await localBook(b, book.id)).toBeUndefined();
  });

  it('does not let a pulled change overwrite newer unsent local edits', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    const book = await a.books.create({ title: 'Contested', content: '<p>base</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();

    // B starts a cycle with nothing to send; while it is in flight A's edit lands and B's writer types.
    await a.books.save(book.id, { content: '<p>from a</p>' });
    let release!: () => void;
    b.faults.inject({ kind: 'hold', release: new Promise<void>((r) => (release = r)) });
    const cycle = b.engine.runCycle();
    await b.faults.requested();
    await a.engine.runCycle();
    await b.books.save(book.id, { content: '<p>from b, newer</p>' });
    release();
    await cycle;
    expect(await localBook(b, book.id)).toMatchObject({ content: '<p>from b, newer</p>', dirty: 1 });

    // B's edit is later but started from the revision before A's: never a silent overwrite of A's text. Both
    // devices end on the same text, and both writers' words stay within B's writer's reach.
    await b.engine.runCycle();
    await a.engine.runCycle();
    const settled = (await localBook(b, book.id))!;
    expect(settled.dirty).toBe(0);
    expect(await localBook(a, book.id)).toMatchObject({ content: settled.content, dirty: 0 });
    expect(await reachable(b, book.id)).toContain('from a');
    expect(await reachable(b, book.id)).toContain('from b, newer');
  });

  it('an edit made after a lost answer goes on top of its own earlier version, without a conflict copy', async () => {
    const a = await device();
    const book = await a.books.create({ title: 'Lost answer', content: '<p>one</p>' });
    await a.engine.runCycle();
    await a.books.save(book.id, { content: '<p>one two</p>' });
    a.faults.inject({ kind: 'lose-response' });
    await a.engine.runCycle();
    // The server has "one two" as revision 2; the device still thinks its book is based on revision 1.
    await a.books.save(book.id, { content: '<p>one two three</p>' });
    expect(await a.engine.runCycle({ force: true })).toEqual({ kind: 'synced' });
    expect(await listConflicts(a.db, book.id)).toEqual([]);
    expect((await serverBooks(a)).get(book.id)).toMatchObject({ content: '<p>one two three</p>', revision: 3 });
    expect(await localBook(a, book.id)).toMatchObject({ content: '<p>one two three</p>', dirty: 0, revision: 3 });
  });

  it('keeps the losing local version as a conflict copy and offers keep mine, use server and keep both', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    /** A book both devices hold; A deletes it while B, unaware, edits it: a conflict whatever the server merges. */
    const conflictOver = async (title: string, mine: string) => {
      const book = await a.books.create({ title, content: '<p>base</p>' });
      await a.engine.runCycle();
      await b.engine.runCycle();
      await a.books.remove(book.id);
      await a.engine.runCycle();
      await b.books.save(book.id, { content: mine });
      await b.engine.runCycle();
      const [copy] = await listConflicts(b.db, book.id);
      expect(copy).toMatchObject({ bookId: book.id, content: mine, serverRevision: 2 });
      expect(await localBook(b, book.id)).toBeUndefined();
      return { book, copy: copy! };
    };

    // Keep mine: the local text goes back on top of the winning revision (the deletion).
    const first = await conflictOver('Draft 1', '<p>mine 1</p>');
    await keepMine(b.db, first.copy.id, Date.now());
    await b.engine.runCycle();
    expect((await serverBooks(b)).get(first.book.id)).toMatchObject({ content: '<p>mine 1</p>', revision: 3, deleted: false });
    expect(await listConflicts(b.db)).toEqual([]);

    // Keep both: the local text becomes a new book.
    const second = await conflictOver('Draft 2', '<p>mine 2</p>');
    const newId = await keepBoth(b.db, second.copy.id, Date.now(), () => crypto.randomUUID());
    await b.engine.runCycle();
    const onServer = await serverBooks(b);
    expect(onServer.get(newId)).toMatchObject({ title: 'Draft 2 (conflict copy)', content: '<p>mine 2</p>' });
    expect(onServer.get(second.book.id)).toMatchObject({ deleted: true });

    // Use server: the copy is dropped and the deletion stands.
    const third = await conflictOver('Draft 3', '<p>mine 3</p>');
    await keepServer(b.db, third.copy.id);
    await b.engine.runCycle();
    expect(await listConflicts(b.db)).toEqual([]);
    expect(await localBook(b, third.book.id)).toBeUndefined();
  });

  it('keeps the text of a book edited on one device and deleted on the other', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    const book = await a.books.create({ title: 'Doomed', content: '<p>base</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();
    await a.books.remove(book.id);
    await a.engine.runCycle();
    await editBefore(b, book.id, '<p>last words</p>');
    await b.engine.runCycle();
    expect(await localBook(b, book.id)).toBeUndefined();
    const [copy] = await listConflicts(b.db, book.id);
    expect(copy).toMatchObject({ content: '<p>last words</p>' });

    // Keep mine brings the book back on every device.
    await keepMine(b.db, copy!.id, Date.now());
    await b.engine.runCycle();
    await a.engine.runCycle();
    expect(await localBook(a, book.id)).toMatchObject({ content: '<p>last words</p>', deleted: 0 });
  });

  it('converges after interleaved offline edits, creations and deletions on both devices', async () => {
    const a = await device();
    const b = await device({ email: a.email });
    const shared = await a.books.create({ title: 'Shared', content: '<p>0</p>' });
    const doomed = await a.books.create({ title: 'Doomed', content: '<p>0</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();

    // Both offline: every cycle fails on the network.
    a.faults.inject({ kind: 'network' });
    b.faults.inject({ kind: 'network' });
    await a.books.save(shared.id, { content: '<p>a edit</p>' });
    await b.books.save(shared.id, { content: '<p>b edit</p>' });
    await a.books.remove(doomed.id);
    const fromA = await a.books.create({ title: 'From A', content: '<p>a</p>' });
    const fromB = await b.books.create({ title: 'From B', content: '<p>b</p>' });
    await a.engine.runCycle();
    await b.engine.runCycle();

    // Back online, in an awkward order.
    for (const d of [b, a, b, a]) await d.engine.runCycle({ force: true });

    const summary = async (d: Device) =>
      (await d.db.books.toArray())
        .filter((x) => !x.deleted)
        .map((x) => ({ id: x.id, content: x.content, revision: x.revision, dirty: x.dirty }))
        .sort((x, y) => x.id.localeCompare(y.id));
    expect(await summary(a)).toEqual(await summary(b));
    const ids = (await summary(a)).map((x) => x.id).sort();
    expect(ids).toEqual([shared.id, fromA.id, fromB.id].sort());
    expect((await summary(a)).every((x) => x.dirty === 0)).toBe(true);

    // Whatever lost on `shared` is still somewhere: the current text, a conflict copy or a passage a merge set aside.
    const texts = (await reachable(a, shared.id)) + (await reachable(b, shared.id));
    expect(texts).toContain('b edit');
    expect(texts).toContain('a edit');
  });
});

describe('answers bounded by bytes', () => {
  const KIB = 1024;
  const BUDGET = 128 * KIB;
  let small: RunningServer;
  beforeAll(async () => {
    small = await serverWith({ maxPayloadBytes: 64 * KIB, answerBudgetBytes: BUDGET, storageQuotaBytes: 400 * KIB });
  });

  /** A fetch that records the size of every /api/sync answer. */
  function measuring() {
    const sizes: number[] = [];
    const base: FetchLike = async (input, init) => {
      const response = await fetch(input, init);
      if (!input.endsWith('/api/sync')) return response;
      const body = await response.text();
      sizes.push(Buffer.byteLength(body));
      return new Response(body, { status: response.status, headers: { 'content-type': 'application/json' } });
    };
    return { sizes, base };
  }

  const text = (kib: number, mark: string) => `<p>${mark.repeat(kib * KIB)}</p>`;

  it('pulls every book through pages that end early, each answer within the budget', async () => {
    const a = await device({ on: small });
    const created = [];
    for (let i = 0; i < 6; i++) created.push(await a.books.create({ title: `Long ${i}`, content: text(40, String(i)) }));
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });

    const measured = measuring();
    const b = await device({ on: small, email: a.email, base: measured.base });
    expect(await b.engine.runCycle()).toEqual({ kind: 'synced' });

    for (const book of created) expect(await localBook(b, book.id)).toMatchObject({ content: book.content, dirty: 0 });
    expect(measured.sizes.length).toBeGreaterThan(1);
    expect(Math.max(...measured.sizes)).toBeLessThanOrEqual(BUDGET);
  });

  it('settles conflicts whose server version did not fit by reading those books, keeping every local text', async () => {
    const a = await device({ on: small });
    const books = [];
    for (let i = 0; i < 5; i++) books.push(await a.books.create({ title: `Shared ${i}`, content: '<p>base</p>' }));
    await a.engine.runCycle();
    const b = await device({ on: small, email: a.email });
    await b.engine.runCycle();
    // 5 × 32 KiB: more than one answer's budget when sent whole, and room in the quota for a merged revision of each.
    for (const [i, book] of books.entries()) await a.books.save(book.id, { content: text(32, 'abcde'[i]!) });
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });

    for (const [i, book] of books.entries()) await editBefore(b, book.id, `<p>b's older edit ${i}</p>`);
    expect(await b.engine.runCycle()).toEqual({ kind: 'synced' });

    const held = await serverBooks(b);
    for (const [i, book] of books.entries()) {
      // The server's text (A's newer edit won the passage both changed), and B's older edit within B's reach.
      expect(await localBook(b, book.id)).toMatchObject({ content: held.get(book.id)!.content, dirty: 0 });
      expect(held.get(book.id)!.content).toBe(text(32, 'abcde'[i]!));
      expect(await reachable(b, book.id)).toContain(`b's older edit ${i}`);
    }
    // All five went in one request, so the answer could not carry all five server versions.
    expect(b.faults.syncBodies.filter((body) => body.changes.length > 0).map((body) => body.changes.length)).toEqual([5]);
  });

  it('keeps a book the storage quota refused, marked with the reason, while the others sync', async () => {
    const a = await device({ on: small });
    const books = [];
    for (let i = 0; i < 12; i++) books.push(await a.books.create({ title: `Chapter ${i}`, content: text(40, String(i % 10)) }));
    expect(await a.engine.runCycle()).toEqual({ kind: 'synced' });

    const local = await Promise.all(books.map((book) => localBook(a, book.id)));
    const refused = local.filter((book) => book?.syncIssue);
    expect(refused.length).toBeGreaterThan(0);
    expect(local.filter((book) => book?.dirty === 0).length).toBeGreaterThan(0);
    for (const book of refused) {
      expect(book).toMatchObject({ dirty: 1, syncIssue: { kind: 'quota' } });
      expect(book!.syncIssue!.message).toMatch(/quota/i);
      expect(book!.content).toBe(books.find((b) => b.id === book!.id)!.content);
    }
  });
});
