// Property: whatever the network, the server process and the background workers do, once every device is online
// and quiet all devices of an account and the server hold the same books, no accepted write replaced an edit its
// writer never saw, and no text a writer saved is lost: every text is where a user can reach it (a book or conflict
// copy on a device, a live book on the server), unless a writer who saw it removed it; and none is written twice. Runs the real sync engine on
// 3–5 simulated devices (sometimes one of them on a second account) against the real server on both stores (see
// convergence-world.testing.ts).
//
// Each run of the suite tries a fixed seed and a fresh random one (printed). Reproduce a failure with FC_SEED=<seed>
// FC_PATH=<path> (printed by fast-check) and `-t 'fresh seed'`; `npm run fuzz` runs many more (FUZZ_RUNS, default
// 2000) with a random seed.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { stopAll, storeFactories, type StoreFactory } from '../../../server/store/testing.ts';
import { clipToBook } from '../clipping/clipper.ts';
import type { ConflictCopy, LocalBook } from '../books/db.ts';
import { keepBoth, keepMine, listConflicts, keepServer } from './conflicts.ts';
import { mergeOf, SimClock, SimDevice, SimServer, sequentialIds, type Fault, type SimServerOptions } from './convergence-world.testing.ts';

const fuzzing = process.env.FUZZ === '1';
const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 2000);
const path = process.env.FC_PATH;
const freshSeed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
// The fixed seed explores the same scenarios on every run of the suite; the fresh one new ones each time.
const seeds = fuzzing ? [{ name: 'fresh seed', seed: freshSeed }] : [{ name: 'fixed seed', seed: 20261125 }, { name: 'fresh seed', seed: freshSeed }];
console.log(
  `[convergence] fresh seed ${freshSeed} (replay: FC_SEED=${freshSeed} npx vitest run --project unit extension/lib/sync/convergence.test.ts -t 'fresh seed')`,
);

// `npm test` runs 200 in all (half per seed): most on the embedded store, a fifth on MongoDB (jongodb), slower per run.
const RUNS = { embedded: fuzzing ? Math.ceil(fuzzRuns * 0.8) : 80, mongodb: fuzzing ? Math.floor(fuzzRuns * 0.2) : 20 };
/** MAX_PAYLOAD_BYTES of the simulated server: small, so an oversized book is cheap to make (and sent uncompressed). */
const MAX_PAYLOAD_BYTES = 64 * 1024;

/** User actions after the first settling: up to two conflicts resolved, each maybe after an edit of its book. */
const MAX_FINALE = 4;
/** Every user action puts at most one new version of one book on the server, so this many steps and resolutions
 * (plus the book's creation) never push a book past the revisions the server keeps: all it accepted stays checkable. */
const MAX_STEPS = LIMITS.revisionsKept - MAX_FINALE;

type Choice = 'mine' | 'server' | 'both';

type Step =
  | { op: 'create'; d: number }
  | { op: 'append' | 'replace' | 'rename' | 'author' | 'metadata' | 'delete' | 'clip'; d: number; pick: number }
  /** An edit the server refuses (too large for a request, markup over the limits); the writer fixes it later. */
  | { op: 'oversize' | 'invalid'; d: number; pick: number }
  /** The writer of `d` fixes the books the server refused. */
  | { op: 'fix'; d: number }
  | { op: 'resolve'; d: number; pick: number; choice: Choice }
  | { op: 'cycle'; d: number; force: boolean; faults: Fault[] }
  | { op: 'release' | 'offline' | 'online' | 'kill'; d: number }
  | { op: 'tick'; ms: number }
  /** Every device's alarm fires once (a quiet spell in which pending edits meet, and conflicts arise). */
  | { op: 'round' };

interface Scenario {
  skews: number[];
  /** The last device signs in to a second account (its books must never reach the first account, nor theirs it). */
  secondAccount: boolean;
  /** Books device 0 creates and every device pulls before the steps, so that the devices share something to fight over. */
  shared: number;
  steps: Step[];
  /** Choices for conflicts still open once everything settled, each maybe after typing into the book first (so the
   * choice meets unsent edits); then everything settles again. */
  finale: Array<{ choice: Choice; typeFirst: boolean }>;
}

const plainFault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: 'network' }),
  fc.constant<Fault>({ kind: 'lose-response' }),
  fc.constantFrom<'first' | 'second'>('first', 'second').map((answer): Fault => ({ kind: 'duplicate', answer })),
  fc.constantFrom<500 | 503>(500, 503).map((status): Fault => ({ kind: 'status', status })),
  fc.integer({ min: 1, max: 120 }).map((retryAfter): Fault => ({ kind: 'rate-limit', retryAfter })),
  fc.integer({ min: 0, max: 2 }).map((afterWrites): Fault => ({ kind: 'crash', afterWrites })),
);

// At most one of these per cycle: a cycle parks or dies once.
const stoppingFault: fc.Arbitrary<Fault> = fc.oneof(
  fc.constant<Fault>({ kind: 'hold-request' }),
  fc.constant<Fault>({ kind: 'hold-response' }),
  fc.constantFrom<'before' | 'after'>('before', 'after').map((when): Fault => ({ kind: 'kill', when })),
);

const faults: fc.Arbitrary<Fault[]> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Fault[]>([]) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.array(plainFault, { maxLength: 2 }), fc.option(stoppingFault, { nil: undefined }), fc.nat())
      .map(([plain, stopping, at]) => {
        if (!stopping) return plain;
        const list = [...plain];
        list.splice(at % (list.length + 1), 0, stopping);
        return list;
      }),
  },
);

function scenario(): fc.Arbitrary<Scenario> {
  return fc.integer({ min: 3, max: 5 }).chain((devices) => {
    const d = fc.integer({ min: 0, max: devices - 1 });
    const pick = fc.nat({ max: 7 });
    const step: fc.Arbitrary<Step> = fc.oneof(
      { weight: 3, arbitrary: fc.record({ op: fc.constant('create' as const), d }) },
      {
        weight: 5,
        arbitrary: fc.record({ op: fc.constantFrom('append' as const, 'replace' as const, 'rename' as const, 'clip' as const), d, pick }),
      },
      { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('author' as const, 'metadata' as const), d, pick }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('oversize' as const, 'invalid' as const), d, pick }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('fix' as const), d }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('delete' as const), d, pick }) },
      { weight: 3, arbitrary: fc.record({ op: fc.constant('resolve' as const), d, pick, choice: fc.constantFrom<Choice>('mine', 'server', 'both') }) },
      { weight: 8, arbitrary: fc.record({ op: fc.constant('cycle' as const), d, force: fc.boolean(), faults }) },
      { weight: 2, arbitrary: fc.record({ op: fc.constantFrom('release' as const, 'offline' as const, 'online' as const, 'kill' as const), d }) },
      { weight: 1, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1_000, max: 10 * 60_000 }) }) },
      { weight: 3, arbitrary: fc.constant<Step>({ op: 'round' }) },
    );
    return fc.record({
      // Clocks up to ±10 minutes off the server's, half of them exact.
      skews: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -10 * 60_000, max: 10 * 60_000 })), {
        minLength: devices,
        maxLength: devices,
      }),
      secondAccount: fc.boolean(),
      shared: fc.integer({ min: 1, max: 2 }),
      steps: fc.array(step, { minLength: 8, maxLength: MAX_STEPS, size: 'max' }),
      finale: fc.array(fc.record({ choice: fc.constantFrom<Choice>('mine', 'server', 'both'), typeFirst: fc.boolean() }), {
        maxLength: MAX_FINALE / 2,
      }),
    });
  });
}

// Every version a writer saves carries a unique token (in the content, the title, the author or the metadata), so
// whether a text survived is a plain search, whatever the merges did around it.
const TOKEN = /tok\d+z/g;
const tokensOf = (...texts: Array<string | undefined>) => new Set(texts.join(' ').match(TOKEN) ?? []);
type Version = { title: string; author: string; content: string; metadata: unknown };
const textsOf = (b: Version | undefined) => (b ? [b.title, b.author, b.content, JSON.stringify(b.metadata)] : []);
const tokensIn = (...versions: Array<Version | undefined>) => tokensOf(...versions.flatMap(textsOf));

/** The passages a merge recorded with a stored book or revision as set aside (what the merge review shows). */
const setAside = (book: object) => (mergeOf(book)?.overlaps ?? []).map((o) => o.lost);

/** Markup nested deeper than the server accepts (LIMITS.markupDepthMax). */
const tooDeep = (html: string) => '<blockquote>'.repeat(LIMITS.markupDepthMax + 8) + html + '</blockquote>'.repeat(LIMITS.markupDepthMax + 8);
/** A paragraph that alone takes a book past the server's MAX_PAYLOAD_BYTES. */
const padding = (token: string) => `<p>padding ${token} ${'x'.repeat(MAX_PAYLOAD_BYTES)}</p>`;

/** The opening every new or rewritten book starts with: long enough that an edit travels as a patch (sync v2). */
const OPENING = Array.from({ length: 12 }, (_, i) => `<p>Opening paragraph ${i}, the same on every device until someone edits the book.</p>`).join('');

/** A paragraph as the editor saves it: line breaks as <br>, runs of spaces with &nbsp;, marks. */
function typed(token: string, variant: number): string {
  const forms = [`<p>${token}</p>`, `<p>first line<br>${token}</p>`, `<p>two&nbsp; spaces ${token}</p>`, `<p><strong>bold</strong> ${token}</p>`];
  return forms[variant % forms.length]!;
}

/** One run: the devices, the server, and what the writers did (which tokens exist, which they removed themselves). */
class Run {
  readonly clock = new SimClock(Date.UTC(2026, 10, 25, 12));
  readonly newId = sequentialIds();
  devices: SimDevice[] = [];
  server!: SimServer;
  /** The user id of each account; `accountOf[d]` is the account device `d` signed in to. */
  owners: string[] = [];
  accountOf: number[] = [];
  /** Token → the device whose writer typed it. */
  readonly origin = new Map<string, number>();
  /** Tokens a writer saw and removed (replaced, renamed, deleted, or dropped with "use server"): not checked. */
  readonly discarded = new Set<string>();
  /** Refused fragments a writer typed (too large, too deep) → what the writer turns each into when fixing the book. */
  readonly refused = new Map<string, string>();
  /** Ids of books a writer created (directly, by clipping into nothing, or by "keep both"). */
  readonly created = new Set<string>();
  readonly violations: string[] = [];
  resolved = 0;
  killed = 0;
  authorOrMetadataEdits = 0;
  /** Books a device held with a sync issue (the server, or the engine before sending, refused them). */
  readonly refusals = new Set<string>();
  /** Highest revision each device has held for each book: it must never go down. */
  private readonly seenRevision = new Map<string, number>();
  private nextToken = 0;

  async start(factory: StoreFactory, s: Pick<Scenario, 'skews' | 'secondAccount' | 'shared'>, options: SimServerOptions = {}) {
    const { skews, secondAccount, shared } = s;
    this.server = await SimServer.start(factory, this.clock, { maxPayloadBytes: MAX_PAYLOAD_BYTES, ...options });
    this.accountOf = skews.map((_, i) => (secondAccount && i === skews.length - 1 ? 1 : 0));
    const accounts = [];
    for (let a = 0; a <= Math.max(...this.accountOf); a++) accounts.push(await this.server.createAccount(skews.length));
    this.owners = accounts.map((a) => a.userId);
    this.devices = skews.map((skew, i) => new SimDevice(i, skew, this.server, this.clock, this.newId));
    for (const [i, device] of this.devices.entries()) {
      const account = accounts[this.accountOf[i]!]!;
      await device.signIn(account.email, account.tokens[i]!);
    }
    for (let i = 0; i < shared; i++) await this.step({ op: 'create', d: 0 });
    for (const device of this.devices) await device.runCycle(false, []);
  }

  token(d: number): string {
    const token = `tok${++this.nextToken}z`;
    this.origin.set(token, d);
    return token;
  }

  /** Records the tokens a writer saw (`before`, whichever device typed them) and removed with an action. */
  discard(before: Set<string>, after: Set<string>) {
    for (const t of before) if (!after.has(t)) this.discarded.add(t);
  }

  /** The writer of `device` fixes each book the server refused: the oversized or too deep fragment goes. */
  async fix(device: SimDevice) {
    for (const book of await device.panelDb.books.toArray()) {
      if (book.deleted) continue;
      let content = book.content;
      for (const [bad, good] of this.refused) content = content.split(bad).join(good);
      if (content === book.content) continue;
      this.discard(tokensIn(book), tokensIn(await device.repo.save(book.id, { content })));
    }
  }

  private async liveBook(device: SimDevice, pick: number): Promise<LocalBook | undefined> {
    const books = (await device.repo.list()).sort((a, b) => a.id.localeCompare(b.id));
    return books.length ? books[pick % books.length] : undefined;
  }

  async step(s: Step) {
    this.clock.advance(1_000);
    if (s.op === 'tick') return this.clock.advance(s.ms);
    if (s.op === 'round') {
      for (const device of this.devices) await device.runCycle(false, []);
      return;
    }
    const device = this.devices[s.d]!;
    const { repo } = device;
    switch (s.op) {
      case 'create': {
        const book = await repo.create({ title: `Book ${this.token(s.d)}`, content: OPENING + typed(this.token(s.d), s.d) });
        this.created.add(book.id);
        return;
      }
      case 'clip': {
        const target = await this.liveBook(device, s.pick);
        // Page text as selections give it: apostrophes and line breaks, which the clip turns into entities and <br>.
        const text = `Don't quote ${this.token(s.d)}\nsecond line`;
        const result = await clipToBook(
          { text, title: 'Source page', url: 'https://example.com/source', ...(target ? { bookId: target.id } : {}) },
          {
            repo,
            getCurrentBookId: async () => null,
            setCurrentBookId: async () => undefined,
            locale: () => 'en-GB',
            newBookTitle: () => 'Clippings',
            now: device.clock.now,
          },
        );
        if (result.created) this.created.add(result.bookId);
        return;
      }
      case 'append':
      case 'replace':
      case 'rename':
      case 'author':
      case 'metadata':
      case 'oversize':
      case 'invalid':
      case 'delete': {
        const book = await this.liveBook(device, s.pick);
        if (!book) return;
        const before = tokensIn(book);
        if (s.op === 'append') await repo.save(book.id, { content: book.content + typed(this.token(s.d), s.pick) });
        if (s.op === 'replace') await repo.save(book.id, { content: OPENING + typed(this.token(s.d), s.pick) });
        if (s.op === 'rename') await repo.rename(book.id, `Renamed ${this.token(s.d)}`);
        if (s.op === 'author' || s.op === 'metadata') this.authorOrMetadataEdits++;
        if (s.op === 'author') await repo.save(book.id, { author: `Author ${this.token(s.d)}` });
        if (s.op === 'metadata') {
          // No screen edits metadata yet; a client that does (or a newer version) writes it as any edit is written.
          const updatedAt = Math.max(device.clock.now(), book.updatedAt + 1);
          await device.panelDb.books.put({ ...book, metadata: { ...book.metadata, note: `Note ${this.token(s.d)}` }, dirty: 1, updatedAt });
        }
        if (s.op === 'oversize' || s.op === 'invalid') {
          const kept = typed(this.token(s.d), s.pick);
          const bad = s.op === 'oversize' ? kept + padding(this.token(s.d)) : tooDeep(kept);
          this.refused.set(bad, kept);
          await repo.save(book.id, { content: book.content + bad });
        }
        if (s.op === 'delete') await repo.remove(book.id);
        this.discard(before, tokensIn(await repo.get(book.id)));
        return;
      }
      case 'fix':
        return this.fix(device);
      case 'resolve': {
        // The writer of the first device from `d` on that has a conflict to resolve (conflicts are rare enough).
        for (let k = 0; k < this.devices.length; k++) {
          const at = this.devices[(s.d + k) % this.devices.length]!;
          const copies = await listConflicts(at.panelDb);
          if (copies.length) return this.resolve(at, copies[s.pick % copies.length]!, s.choice);
        }
        return;
      }
      case 'cycle':
        return device.runCycle(s.force, s.faults);
      case 'release':
        return device.release();
      case 'offline':
        device.offline = true;
        return;
      case 'online':
        // The browser's `online` event forces a cycle past any error backoff.
        device.offline = false;
        return device.runCycle(true, []);
      case 'kill':
        // Idle, or with a cycle held in flight: either way the worker's memory is gone.
        this.killed++;
        return device.restartWorker();
    }
  }

  /** Resolves an open conflict (of the first device from `d` on that has one), maybe after typing into its book. */
  async finale(d: number, choice: Choice, typeFirst: boolean) {
    for (let k = 0; k < this.devices.length; k++) {
      const device = this.devices[(d + k) % this.devices.length]!;
      const [copy] = await listConflicts(device.panelDb);
      if (!copy) continue;
      const book = await device.repo.get(copy.bookId);
      if (typeFirst && book) await device.repo.save(book.id, { content: book.content + typed(this.token(device.index), 0) });
      return this.resolve(device, copy, choice);
    }
  }

  private async resolve(device: SimDevice, copy: ConflictCopy, choice: Choice) {
    this.resolved++;
    if (choice === 'server') {
      // Dropping the copy is the writer's explicit (confirmed) choice: its own texts there are theirs to drop.
      const book = await device.repo.get(copy.bookId);
      await keepServer(device.panelDb, copy.id);
      this.discard(tokensIn(copy), tokensIn(book));
    } else if (choice === 'mine') {
      // The writer saw the server's version beside theirs and chose theirs: what only the server's had goes (unless
      // the book was edited since the conflict, when its text becomes a conflict copy in turn).
      const book = await device.repo.get(copy.bookId);
      await keepMine(device.panelDb, copy.id, device.clock.now(), this.newId);
      const after = [await device.repo.get(copy.bookId), ...(await device.panelDb.conflicts.toArray())];
      this.discard(tokensIn(book), tokensIn(...after));
    } else {
      this.created.add(await keepBoth(device.panelDb, copy.id, device.clock.now(), this.newId));
    }
  }

  /** Local revisions only ever move forward (checked after every step). */
  async checkRevisionsForward() {
    for (const device of this.devices) {
      for (const book of await device.panelDb.books.toArray()) {
        if (book.syncIssue) this.refusals.add(`${device.index} ${book.id} ${book.updatedAt}`);
        if (book.revision === null) continue;
        const key = `${device.index} ${book.id}`;
        const seen = this.seenRevision.get(key) ?? 0;
        if (book.revision < seen) this.violations.push(`device ${device.index}: book ${book.id} went from revision ${seen} back to ${book.revision}`);
        this.seenRevision.set(key, Math.max(seen, book.revision));
      }
    }
  }

  private async snapshot(): Promise<string> {
    const parts: unknown[] = [];
    for (const device of this.devices) {
      parts.push(await device.panelDb.books.orderBy('id').toArray(), await device.panelDb.conflicts.orderBy('id').toArray());
    }
    for (const owner of this.owners) parts.push((await this.server.store.changesSince(owner, 0, 10_000)).books);
    return JSON.stringify(parts);
  }

  /** Every device online, every held request through, waits over; then cycles until two rounds change nothing. */
  async settle() {
    for (const device of this.devices) {
      await device.release();
      device.offline = false;
      device.faults = [];
    }
    this.clock.advance(11 * 60_000);
    // Writers fix what the server refused (after a while: an edit in the very millisecond of a refusal counts as refused).
    for (const device of this.devices) await this.fix(device);
    let previous = '';
    let quietRounds = 0;
    for (let round = 0; quietRounds < 2; round++) {
      if (round >= 12) throw new Error('the devices did not converge within 12 rounds of cycles');
      const pushedBefore = this.devices.map((d) => d.pushed);
      for (const device of this.devices) {
        const result = await device.worker.engine.runCycle({ force: true });
        if (result.kind !== 'synced') throw new Error(`device ${device.index} could not sync once healthy: ${JSON.stringify(result)}`);
        this.clock.advance(1_000);
      }
      const now = await this.snapshot();
      const pushed = this.devices.some((d, i) => d.pushed !== pushedBefore[i]);
      quietRounds = now === previous && !pushed ? quietRounds + 1 : 0;
      previous = now;
    }
  }

  async close() {
    for (const device of this.devices) device.close();
    await this.server?.close();
  }
}

const comparable = (b: { id: string; title: string; author: string; content: string; metadata: unknown; revision: number | null }) => ({
  id: b.id,
  title: b.title,
  author: b.author,
  content: b.content,
  metadata: b.metadata,
  revision: b.revision,
});

async function checkConverged(run: Run) {
  const { server } = run;
  /**
   * Per account: the texts its users can reach (device books, conflict copies, the passages merges set aside and the
   * books in the trash, live server books and the merge records of their revisions).
   */
  const reachable = run.owners.map((): string[] => []);
  const serverBooks = [];

  for (const [a, owner] of run.owners.entries()) {
    const books = (await server.store.changesSince(owner, 0, 10_000)).books;
    serverBooks.push(...books);
    const live = books.filter((b) => !b.deleted);
    for (const b of live) reachable[a]!.push(...textsOf(b), ...setAside(b));
    const expected = live.map(comparable).sort((x, y) => x.id.localeCompare(y.id));
    for (const device of run.devices.filter((d) => run.accountOf[d.index] === a)) {
      const local = await device.panelDb.books.orderBy('id').toArray();
      // Nothing waits to be sent: no dirty book, no local tombstone, no refused book.
      expect(local.filter((b) => b.dirty || b.deleted || b.syncIssue).map((b) => ({ id: b.id, dirty: b.dirty, deleted: b.deleted, syncIssue: b.syncIssue })), `device ${device.index} is idle`).toEqual([]);
      expect(local.map(comparable), `device ${device.index} holds what the server holds for its account`).toEqual(expected);
      for (const b of local) reachable[a]!.push(...textsOf(b));
      for (const c of await device.panelDb.conflicts.toArray()) reachable[a]!.push(...textsOf(c));
      for (const o of await device.panelDb.overlaps.toArray()) reachable[a]!.push(o.lost);
      // A book in the trash is restorable with its text on the device that holds it.
      for (const e of await device.panelDb.trash.toArray()) reachable[a]!.push(...textsOf(e));
    }

    for (const book of books) {
      const revisions = (await server.store.listRevisions(owner, book.id))?.revisions ?? [];
      if (!book.deleted) for (const r of revisions) reachable[a]!.push(...setAside(r));
      const numbers = revisions.map((r) => r.revision);
      // Newest first, strictly decreasing, all older than the current one.
      expect(numbers, `revisions of ${book.id}`).toEqual([...new Set(numbers)].sort((x, y) => y - x));
      expect(numbers.every((n) => n < book.revision), `revisions of ${book.id} precede ${book.revision}`).toBe(true);
      const writes = server.committed.get(book.id) ?? [];
      expect(writes.length, 'the run stays within the revisions the server keeps').toBeLessThanOrEqual(LIMITS.revisionsKept + 1);
      expect(writes.at(-1), `last write of ${book.id}`).toBe(book.revision);
    }
  }

  // Nothing doubled: a merge never writes one saved text twice into a book (each token is typed once).
  for (const book of serverBooks.filter((b) => !b.deleted)) {
    const twice = [...tokensOf(book.content)].filter((t) => book.content.split(t).length > 2);
    expect(twice, `texts written twice into ${book.id}`).toEqual([]);
  }

  // No duplicates: every book on the server is one a writer created, once.
  const ids = serverBooks.map((b) => b.id);
  expect(new Set(ids).size, 'one entry per book on the server').toBe(ids.length);
  expect(ids.filter((id) => !run.created.has(id)), 'books nobody created').toEqual([]);
  expect(server.violations, 'server revisions only increase').toEqual([]);
  expect(run.violations, 'device revisions only increase').toEqual([]);
  expect(server.unseenReplaced, 'accepted writes that replaced an edit their writer never saw').toEqual([]);

  // No text lost: every token a writer typed, unless a writer who saw it removed it, is where a user of that account
  // can reach it; and no token reaches the users of another account.
  for (const [a] of run.owners.entries()) {
    const found = tokensOf(...reachable[a]!);
    const mine = [...run.origin].filter(([, d]) => run.accountOf[d] === a).map(([t]) => t);
    const lost = mine.filter((t) => !run.discarded.has(t) && !found.has(t));
    expect(lost, `account ${a}: texts saved on some device and found nowhere a user can reach`).toEqual([]);
    const foreign = [...found].filter((t) => run.accountOf[run.origin.get(t)!] !== a);
    expect(foreign, `account ${a}: texts of another account`).toEqual([]);
  }
}

/** What the runs of one store went through, to check that the scenarios really reach every fault and outcome. */
type Tally = Record<string, number>;
let tallied: Tally = {};

async function tally(run: Run) {
  const add = (key: string, n: number) => void (tallied[key] = (tallied[key] ?? 0) + n);
  for (const device of run.devices) {
    for (const [kind, n] of device.fired) add(`fault ${kind}`, n);
    add('conflict copies left', await device.panelDb.conflicts.count());
    add('edits sent as patches', device.patched);
  }
  add('server restarts', run.server.restarts);
  add('conflicts resolved', run.resolved);
  add('workers killed while idle or held', run.killed);
  add('texts checked', [...run.origin.keys()].filter((t) => !run.discarded.has(t)).length);
  add('books the server refused', run.refusals.size);
  add('runs with a second account', run.owners.length > 1 ? 1 : 0);
  add('author or metadata edits', run.authorOrMetadataEdits);
}

async function runScenario(factory: StoreFactory, s: Scenario, options: SimServerOptions = {}): Promise<void> {
  const run = new Run();
  try {
    await run.start(factory, s, options);
    for (const step of s.steps) {
      await run.step(step);
      await run.checkRevisionsForward();
    }
    await run.settle();
    for (const [i, { choice, typeFirst }] of s.finale.entries()) await run.finale(i % s.skews.length, choice, typeFirst);
    await run.settle();
    await run.checkRevisionsForward();
    await checkConverged(run);
    await tally(run);
  } finally {
    await run.close();
  }
}

afterAll(async () => {
  await stopAll();
});

describe('sync under faults (property-based)', () => {
  for (const factory of storeFactories) {
    const numRuns = RUNS[factory.name];
    for (const { name, seed } of seeds) {
      it(`converges without losing text on ${numRuns} random runs of 3–5 devices against the ${factory.name} store (${name} ${seed})`, async () => {
        tallied = {};
        await fc.assert(fc.asyncProperty(scenario(), (s) => runScenario(factory, s)), { numRuns, seed, ...(path ? { path } : {}) });
        // Replaying one counterexample, or a fresh seed in `npm test` (too few runs to be sure each rare event happens:
        // the fixed seed and fuzzing check the scenarios).
        if (path || (name === 'fresh seed' && !fuzzing)) return;
        // The property is only as good as the scenarios: every fault must have happened, and conflicts must have arisen.
        const kinds: Array<Fault['kind']> = ['network', 'lose-response', 'duplicate', 'status', 'rate-limit', 'crash', 'hold-request', 'hold-response', 'kill'];
        for (const kind of kinds) expect(tallied[`fault ${kind}`] ?? 0, `runs where "${kind}" happened`).toBeGreaterThan(0);
        const outcomes = ['server restarts', 'conflict copies left', 'conflicts resolved', 'workers killed while idle or held', 'texts checked'];
        const more = ['books the server refused', 'runs with a second account', 'author or metadata edits', 'edits sent as patches'];
        for (const key of [...outcomes, ...more]) {
          expect(tallied[key] ?? 0, key).toBeGreaterThan(0);
        }
        if (fuzzing) console.log(`[fuzz] ${factory.name}: ${JSON.stringify(tallied)}`);
      }, fuzzing ? 24 * 3600_000 : 600_000);
    }
  }
});

// Scenarios the property found, kept as plain examples.
describe('sync under faults (found scenarios)', () => {
  it.each(storeFactories)('a book the server refused as too large can still be deleted ($name store)', async (factory) => {
    await runScenario(factory, {
      skews: [0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'oversize', d: 1, pick: 0 },
        { op: 'cycle', d: 1, force: true, faults: [] },
        { op: 'delete', d: 1, pick: 0 },
        { op: 'cycle', d: 1, force: true, faults: [] },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('a rename meets a crashed push, another rename and a new book ($name store)', async (factory) => {
    await runScenario(factory, {
      skews: [0, 0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'rename', d: 0, pick: 0 },
        { op: 'append', d: 2, pick: 0 },
        { op: 'cycle', d: 2, force: false, faults: [{ kind: 'crash', afterWrites: 0 }] },
        { op: 'round' },
        { op: 'rename', d: 2, pick: 0 },
        { op: 'create', d: 0 },
        { op: 'round' },
        { op: 'round' },
        { op: 'tick', ms: 1000 },
        { op: 'cycle', d: 0, force: false, faults: [] },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('a held push, "keep mine", a deletion and new books ($name store)', async (factory) => {
    await runScenario(factory, {
      skews: [0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'append', d: 0, pick: 0 },
        { op: 'cycle', d: 0, force: false, faults: [{ kind: 'hold-request' }] },
        { op: 'append', d: 1, pick: 0 },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'round' },
        { op: 'resolve', d: 0, pick: 0, choice: 'mine' },
        { op: 'delete', d: 0, pick: 0 },
        { op: 'create', d: 0 },
        { op: 'create', d: 0 },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'cycle', d: 0, force: false, faults: [] },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('a worker killed after the server took its push, then more typing: nothing doubled ($name store)', async (factory) => {
    // Before merges kept an addition that extends the other side's once, the typing the lost answer covered came twice.
    await runScenario(factory, {
      skews: [0, 0, 0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'append', d: 0, pick: 0 },
        { op: 'append', d: 3, pick: 0 },
        { op: 'create', d: 0 },
        { op: 'fix', d: 0 },
        { op: 'cycle', d: 3, force: false, faults: [{ kind: 'kill', when: 'after' }] },
        { op: 'append', d: 0, pick: 0 },
        { op: 'append', d: 0, pick: 0 },
        { op: 'oversize', d: 0, pick: 0 },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('a rewrite on one device and an appended paragraph resent by another: nothing doubled ($name store)', async (factory) => {
    // The diff of the merged book folds the appended paragraph into the rewritten one beside it; the resent push
    // inserts the same paragraph at that edge.
    await runScenario(factory, {
      skews: [0, 0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'append', d: 3, pick: 0 },
        { op: 'tick', ms: 1000 },
        { op: 'replace', d: 0, pick: 0 },
        { op: 'release', d: 0 },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'cycle', d: 3, force: false, faults: [{ kind: 'kill', when: 'after' }] },
        { op: 'release', d: 0 },
        { op: 'release', d: 0 },
        { op: 'fix', d: 0 },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('the first push of a new book retried from a clock ahead, after another device edited it ($name store)', async (factory) => {
    // Without a base the retry looked like a later edit (its clock ahead) and replaced the other device's words.
    await runScenario(factory, {
      skews: [0, 0, 301_001],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'create', d: 2 },
        { op: 'cycle', d: 2, force: false, faults: [{ kind: 'kill', when: 'after' }] },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'append', d: 0, pick: 3 },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'round' },
      ],
      finale: [],
    });
  });
  it.each(storeFactories)('a push retried after a third device\'s edit was merged in after it: nothing doubled ($name store)', async (factory) => {
    await runScenario(factory, {
      skews: [0, 0, 0, 0],
      secondAccount: false,
      shared: 1,
      steps: [
        { op: 'replace', d: 0, pick: 0 },
        { op: 'oversize', d: 1, pick: 0 },
        { op: 'append', d: 0, pick: 0 },
        { op: 'cycle', d: 0, force: false, faults: [] },
        { op: 'author', d: 0, pick: 0 },
        { op: 'append', d: 3, pick: 0 },
        { op: 'cycle', d: 3, force: false, faults: [{ kind: 'kill', when: 'after' }] },
      ],
      finale: [],
    });
  });
});

// The test of the test: a server that lets an edit replace one its writer never saw must make the property fail.
describe('the convergence property with a wrong-winner bug injected', () => {
  /** Device 1 edits the shared book without having seen device 0's edit of it, and syncs: its edit must not win. */
  const staleEdit: Scenario = {
    skews: [0, 0, 0],
    secondAccount: false,
    shared: 1,
    steps: [
      { op: 'append', d: 0, pick: 0 },
      { op: 'cycle', d: 0, force: true, faults: [] },
      { op: 'replace', d: 1, pick: 0 },
      { op: 'cycle', d: 1, force: true, faults: [] },
    ],
    finale: [],
  };

  describe.each(storeFactories)('on the $name store', (factory) => {
    it('passes a stale edit on the real server (it becomes a conflict copy)', async () => {
      await runScenario(factory, staleEdit);
    });

    it('fails when the server lets the stale edit win', async () => {
      await expect(runScenario(factory, staleEdit, { wrongWinner: true })).rejects.toThrow(/never saw|found nowhere/);
    });

    it('fails within a few random runs when the server lets stale edits win', async () => {
      const result = await fc.check(fc.asyncProperty(scenario(), (s) => runScenario(factory, s, { wrongWinner: true })), {
        numRuns: 10,
        seed: 20261129,
        endOnFailure: true,
      });
      expect(result.failed, 'a random run caught the wrong winner').toBe(true);
    }, 120_000);
  });
});
