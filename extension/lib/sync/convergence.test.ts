// Property: whatever the network, the server process and the background workers do, once every device is online
// and quiet all devices and the server hold the same books, and no text a writer saved is lost. Runs the real sync
// engine on 3–5 simulated devices against the real server on both stores (see convergence-world.testing.ts).
//
// Reproduce a failure with FC_SEED=<seed> FC_PATH=<path> (printed by fast-check); `npm run fuzz` runs many more
// (FUZZ_RUNS, default 2000) with a random seed.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { stopAll, storeFactories, type StoreFactory } from '../../../server/store/testing.ts';
import { clipToBook } from '../clipping/clipper.ts';
import type { ConflictCopy, LocalBook } from '../books/db.ts';
import { keepBoth, keepMine, listConflicts, keepServer } from './conflicts.ts';
import { SimClock, SimDevice, SimServer, sequentialIds, type Fault } from './convergence-world.testing.ts';

const fuzzing = process.env.FUZZ === '1';
const fuzzRuns = Number(process.env.FUZZ_RUNS ?? 2000);
// Fixed in `npm test` so every run of the suite explores the same scenarios; random (and printed) when fuzzing.
const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : fuzzing ? Date.now() % 2 ** 31 : 20261125;
const path = process.env.FC_PATH;
if (fuzzing) console.log(`[fuzz] convergence property: seed ${seed}, ${fuzzRuns} runs (replay with FC_SEED=${seed})`);

// `npm test` runs 200 in all: most on the embedded store, a fifth on MongoDB (jongodb), which is slower per run.
const RUNS = { embedded: fuzzing ? Math.ceil(fuzzRuns * 0.8) : 160, mongodb: fuzzing ? Math.floor(fuzzRuns * 0.2) : 40 };

/** User actions after the first settling: up to two conflicts resolved, each maybe after an edit of its book. */
const MAX_FINALE = 4;
/** Every user action puts at most one new version of one book on the server, so this many steps and resolutions
 * (plus the book's creation) never push a book past the revisions the server keeps: all it accepted stays checkable. */
const MAX_STEPS = LIMITS.revisionsKept - MAX_FINALE;

type Choice = 'mine' | 'server' | 'both';

type Step =
  | { op: 'create'; d: number }
  | { op: 'append' | 'replace' | 'rename' | 'delete' | 'clip'; d: number; pick: number }
  | { op: 'resolve'; d: number; pick: number; choice: Choice }
  | { op: 'cycle'; d: number; force: boolean; faults: Fault[] }
  | { op: 'release' | 'offline' | 'online' | 'kill'; d: number }
  | { op: 'tick'; ms: number }
  /** Every device's alarm fires once (a quiet spell in which pending edits meet, and conflicts arise). */
  | { op: 'round' };

interface Scenario {
  skews: number[];
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
      shared: fc.integer({ min: 1, max: 2 }),
      steps: fc.array(step, { minLength: 8, maxLength: MAX_STEPS, size: 'max' }),
      finale: fc.array(fc.record({ choice: fc.constantFrom<Choice>('mine', 'server', 'both'), typeFirst: fc.boolean() }), {
        maxLength: MAX_FINALE / 2,
      }),
    });
  });
}

// Every version a writer saves carries a unique token (in the content, or the title for a rename), so whether a text
// survived is a plain search, whatever the merges did around it.
const TOKEN = /tok\d+z/g;
const tokensOf = (...texts: Array<string | undefined>) => new Set(texts.join(' ').match(TOKEN) ?? []);

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
  owner = '';
  /** Token → the device whose writer typed it. */
  readonly origin = new Map<string, number>();
  /** Tokens their own writer removed (replaced, renamed, deleted, or dropped with "use server"): not checked. */
  readonly discarded = new Set<string>();
  /** Ids of books a writer created (directly, by clipping into nothing, or by "keep both"). */
  readonly created = new Set<string>();
  readonly violations: string[] = [];
  resolved = 0;
  killed = 0;
  /** Highest revision each device has held for each book: it must never go down. */
  private readonly seenRevision = new Map<string, number>();
  private nextToken = 0;

  async start(factory: StoreFactory, skews: number[], shared: number) {
    this.server = await SimServer.start(factory, this.clock);
    const account = await this.server.createAccount(skews.length);
    this.owner = account.userId;
    this.devices = skews.map((skew, i) => new SimDevice(i, skew, this.server, this.clock, this.newId));
    for (const [i, device] of this.devices.entries()) await device.signIn(account.email, account.tokens[i]!);
    for (let i = 0; i < shared; i++) await this.step({ op: 'create', d: 0 });
    for (const device of this.devices) await device.runCycle(false, []);
  }

  token(d: number): string {
    const token = `tok${++this.nextToken}z`;
    this.origin.set(token, d);
    return token;
  }

  /** Records the tokens of `d` that its writer's own action removed from a book (or a conflict copy). */
  discard(d: number, before: Set<string>, after: Set<string>) {
    for (const t of before) if (!after.has(t) && this.origin.get(t) === d) this.discarded.add(t);
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
        const book = await repo.create({ title: `Book ${this.token(s.d)}`, content: typed(this.token(s.d), s.d) });
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
      case 'delete': {
        const book = await this.liveBook(device, s.pick);
        if (!book) return;
        const before = tokensOf(book.title, book.content);
        if (s.op === 'append') await repo.save(book.id, { content: book.content + typed(this.token(s.d), s.pick) });
        if (s.op === 'replace') await repo.save(book.id, { content: typed(this.token(s.d), s.pick) });
        if (s.op === 'rename') await repo.rename(book.id, `Renamed ${this.token(s.d)}`);
        if (s.op === 'delete') await repo.remove(book.id);
        const after = await repo.get(book.id);
        this.discard(s.d, before, tokensOf(after?.title, after?.content));
        return;
      }
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
      this.discard(device.index, tokensOf(copy.title, copy.content), tokensOf(book?.title, book?.content));
    } else if (choice === 'mine') {
      // Not a removal: the book's current text is the server's (kept in its revisions) or, when edited since
      // the conflict, text the writer typed and never chose to throw away.
      await keepMine(device.panelDb, copy.id, device.clock.now(), this.newId);
    } else {
      this.created.add(await keepBoth(device.panelDb, copy.id, device.clock.now(), this.newId));
    }
  }

  /** Local revisions only ever move forward (checked after every step). */
  async checkRevisionsForward() {
    for (const device of this.devices) {
      for (const book of await device.panelDb.books.toArray()) {
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
    parts.push((await this.server.store.changesSince(this.owner, 0, 10_000)).books);
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
  const { server, owner } = run;
  const serverBooks = (await server.store.changesSince(owner, 0, 10_000)).books;
  const live = serverBooks.filter((b) => !b.deleted).map(comparable).sort((a, b) => a.id.localeCompare(b.id));
  const recoverable: string[] = [];

  for (const device of run.devices) {
    const local = await device.panelDb.books.orderBy('id').toArray();
    // Nothing waits to be sent: no dirty book, no local tombstone, no refused book.
    expect(local.filter((b) => b.dirty || b.deleted || b.syncIssue).map((b) => b.id), `device ${device.index} is idle`).toEqual([]);
    expect(local.map(comparable), `device ${device.index} holds what the server holds`).toEqual(live);
    for (const b of local) recoverable.push(b.title, b.content);
    for (const c of await device.panelDb.conflicts.toArray()) recoverable.push(c.title, c.content);
  }

  // No duplicates: every book on the server is one a writer created, once.
  const ids = serverBooks.map((b) => b.id);
  expect(new Set(ids).size, 'one entry per book on the server').toBe(ids.length);
  expect(ids.filter((id) => !run.created.has(id)), 'books nobody created').toEqual([]);

  for (const book of serverBooks) {
    recoverable.push(book.title, book.content);
    const revisions = (await server.store.listRevisions(owner, book.id))?.revisions ?? [];
    const numbers = revisions.map((r) => r.revision);
    // Newest first, strictly decreasing, all older than the current one.
    expect(numbers, `revisions of ${book.id}`).toEqual([...new Set(numbers)].sort((a, b) => b - a));
    expect(numbers.every((n) => n < book.revision), `revisions of ${book.id} precede ${book.revision}`).toBe(true);
    for (const r of revisions) recoverable.push(r.title, r.content);
    const writes = server.committed.get(book.id) ?? [];
    expect(writes.length, 'the run stays within the revisions the server keeps').toBeLessThanOrEqual(LIMITS.revisionsKept + 1);
    expect(writes.at(-1), `last write of ${book.id}`).toBe(book.revision);
  }
  expect(server.violations, 'server revisions only increase').toEqual([]);
  expect(run.violations, 'device revisions only increase').toEqual([]);

  // No text lost: every token a writer typed and did not remove themselves is in a book, a conflict copy or a revision.
  const found = tokensOf(...recoverable);
  const lost = [...run.origin.keys()].filter((t) => !run.discarded.has(t) && !found.has(t));
  expect(lost, 'texts saved on some device and found nowhere').toEqual([]);
}

/** What the runs of one store went through, to check that the scenarios really reach every fault and outcome. */
type Tally = Record<string, number>;
let tallied: Tally = {};

async function tally(run: Run) {
  const add = (key: string, n: number) => void (tallied[key] = (tallied[key] ?? 0) + n);
  for (const device of run.devices) {
    for (const [kind, n] of device.fired) add(`fault ${kind}`, n);
    add('conflict copies left', await device.panelDb.conflicts.count());
  }
  add('server restarts', run.server.restarts);
  add('conflicts resolved', run.resolved);
  add('workers killed while idle or held', run.killed);
  add('texts checked', [...run.origin.keys()].filter((t) => !run.discarded.has(t)).length);
}

async function runScenario(factory: StoreFactory, s: Scenario): Promise<void> {
  const run = new Run();
  try {
    await run.start(factory, s.skews, s.shared);
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
    it(`converges without losing text on ${numRuns} random runs of 3–5 devices against the ${factory.name} store`, async () => {
      tallied = {};
      await fc.assert(fc.asyncProperty(scenario(), (s) => runScenario(factory, s)), { numRuns, seed, ...(path ? { path } : {}) });
      if (path) return; // replaying one counterexample
      // The property is only as good as the scenarios: every fault must have happened, and conflicts must have arisen.
      const kinds: Array<Fault['kind']> = ['network', 'lose-response', 'duplicate', 'status', 'rate-limit', 'crash', 'hold-request', 'hold-response', 'kill'];
      for (const kind of kinds) expect(tallied[`fault ${kind}`] ?? 0, `runs where "${kind}" happened`).toBeGreaterThan(0);
      for (const key of ['server restarts', 'conflict copies left', 'conflicts resolved', 'workers killed while idle or held', 'texts checked']) {
        expect(tallied[key] ?? 0, key).toBeGreaterThan(0);
      }
      if (fuzzing) console.log(`[fuzz] ${factory.name}: ${JSON.stringify(tallied)}`);
    }, fuzzing ? 24 * 3600_000 : 600_000);
  }
});
