// The sync cycle: push every dirty book and pull everything changed since the saved cursor through POST /api/sync,
// apply the answers to the local database, and keep retry state and status in storage so a killed worker resumes.
import { BookInput, ErrorCode, LIMITS, fieldErrors, fieldReasons, type ServerBook, type SyncResponse, type SyncResult } from '../../../shared/protocol.ts';
import { accountScope, type AccountService, type SignedInAccount } from './account.ts';
import { parseBackoff, type BackoffState } from './backoff.ts';
import { outgoing, sentAgain, unansweredPush, wholeBook, type Outgoing, type PatchSource, type WholeBook } from './delta.ts';
import type { CycleLock } from './lock.ts';
import type {
  Clock,
  ConflictCopy,
  KeyValue,
  LocalBook,
  LocalBookStore,
  LocalChanges,
  Logger,
  MergeOverlapRecord,
  SyncBase,
  SyncIssue,
  TrashEntry,
} from './ports.ts';
import {
  afterAccepted,
  afterConflict,
  afterMerged,
  afterNotFound,
  afterRefused,
  afterResend,
  onPulled,
  shouldSend,
  toBookInput,
  withBase,
  type LocalDecision,
} from './reconcile.ts';
import {
  afterFailure,
  afterRestart,
  afterSendError,
  afterSuccess,
  classifyFailure,
  waitUntil,
  type CycleResult,
} from './recovery.ts';
import type { StatusStore, SyncStatus } from './status.ts';
import { TransportError, type TransportErrorKind } from './transport-error.ts';
import type { Transport } from './transport.ts';

export const BACKOFF_KEY = 'syncBackoff';

// The cycle's result type lives with the decisions that produce it; re-exported for the engine's callers.
export type { CycleResult };

export interface BatchLimits {
  /** Books per request (the server takes up to LIMITS.syncBatchMax). */
  maxBooks: number;
  /** Approximate JSON bytes per request, well under the server's default 5 MiB payload limit. */
  maxBytes: number;
}

export interface EngineDeps {
  books: LocalBookStore;
  transport: Pick<Transport, 'sync' | 'getBook'>;
  account: Pick<AccountService, 'current' | 'markSignedOut'>;
  kv: KeyValue;
  status: StatusStore;
  lock: CycleLock;
  clock: Clock;
  random: () => number;
  newId: () => string;
  log: Logger;
  batch?: Partial<BatchLimits>;
}

/** Failures after which the server may have applied the request without this device hearing so. */
const MAYBE_APPLIED = new Set<TransportErrorKind>(['network', 'server', 'bad_response']);

// A server that keeps answering hasMore would otherwise hold the lock forever.
const MAX_REQUESTS_PER_CYCLE = 500;

/** Splits books into requests bounded by count and approximate size; a book bigger than the budget goes alone. */
export function planBatches(books: Outgoing[], limits: BatchLimits): Outgoing[][] {
  const batches: Outgoing[][] = [];
  let current: Outgoing[] = [];
  let bytes = 0;
  for (const book of books) {
    const size = JSON.stringify(book.input).length;
    if (current.length > 0 && (current.length >= limits.maxBooks || bytes + size > limits.maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(book);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

function describeInvalid(result: Pick<SyncResult, 'error' | 'details'>): string {
  const fields = Object.entries(result.details ?? {}).map(([field, messages]) => `${field}: ${messages.join(', ')}`);
  return [result.error ?? 'The server refused this book', ...fields].join('; ');
}

/** Folds decisions about books into the final writes of one transaction (a book may be decided on twice). */
class Plan {
  private readonly state: Map<string, LocalBook | undefined>;
  private readonly touched = new Set<string>();
  private readonly conflicts: ConflictCopy[] = [];
  /** A book's new base, or null when it is dropped. */
  private readonly bases = new Map<string, SyncBase | null>();
  private readonly overlaps: MergeOverlapRecord[] = [];
  private readonly trash: TrashEntry[] = [];
  private readonly trashRevisions: Array<{ bookId: string; revision: number }> = [];

  constructor(current: Map<string, LocalBook>) {
    this.state = new Map(current);
  }

  get(id: string): LocalBook | undefined {
    return this.state.get(id);
  }

  apply(decision: LocalDecision): void {
    if (decision.remove) {
      this.state.set(decision.remove, undefined);
      this.touched.add(decision.remove);
    }
    if (decision.put) {
      this.state.set(decision.put.id, decision.put);
      this.touched.add(decision.put.id);
    }
    if (decision.conflictCopy) this.conflicts.push(decision.conflictCopy);
    if (decision.dropBase) this.bases.set(decision.dropBase, null);
    if (decision.base) this.bases.set(decision.base.bookId, decision.base);
    if (decision.overlaps) this.overlaps.push(...decision.overlaps);
    if (decision.trash) this.trash.push(decision.trash);
    if (decision.trashRevision) this.trashRevisions.push(decision.trashRevision);
  }

  changes(cursor?: LocalChanges['cursor']): LocalChanges {
    const put: LocalBook[] = [];
    const remove: string[] = [];
    for (const id of this.touched) {
      const book = this.state.get(id);
      if (book) put.push(book);
      else remove.push(id);
    }
    const bases = { put: [] as SyncBase[], remove: [] as string[] };
    for (const [id, base] of this.bases) {
      if (base) bases.put.push(base);
      else bases.remove.push(id);
    }
    const trash = { trash: this.trash, trashRevisions: this.trashRevisions };
    return { put, remove, conflicts: this.conflicts, bases, overlaps: this.overlaps, ...trash, ...(cursor ? { cursor } : {}) };
  }
}

/** The base a whole book makes. */
function baseOf({ book, hash }: WholeBook): SyncBase {
  return { bookId: book.id, revision: book.revision, content: book.content, hash };
}

/** The text the server holds at the revision an `ok` or `merged` result names: its serverVersion, or what was sent. */
function agreedText(out: Outgoing | undefined, result: SyncResult | undefined, stored: WholeBook | undefined): SyncBase | undefined {
  if (!out || !result || result.revision === undefined) return undefined;
  if (stored) return baseOf(stored);
  if (result.status !== 'ok' && result.status !== 'merged') return undefined;
  return { bookId: out.book.id, revision: result.revision, content: out.text, hash: out.hash };
}

/** A local book as the server would store it with `content` (for a merge answered without a serverVersion). */
function toServerBook(book: LocalBook, content: string): ServerBook {
  const { id, title, author, metadata, createdAt, updatedAt } = book;
  return { id, title, author, content, metadata: metadata as ServerBook['metadata'], createdAt, updatedAt, syncedAt: book.syncedAt ?? 0, revision: book.revision ?? 0, deleted: book.deleted === 1 };
}

export function createSyncEngine(deps: EngineDeps) {
  const limits: BatchLimits = { maxBooks: 100, maxBytes: 1024 * 1024, ...deps.batch };
  limits.maxBooks = Math.min(limits.maxBooks, LIMITS.syncBatchMax);
  const { log } = deps;

  const synced = (title: string) => log.info(`[Sync] ✓ Book "${title}" synced successfully`);
  const conflicted = (title: string) => log.warn(`[Sync] ⚠️ Conflict for book "${title}"`);
  const failedBook = (title: string, reason: string) => log.error(`[Sync] ✗ Failed to sync book "${title}": ${reason}`);

  /**
   * What becomes of a pushed book, given the server's result and, when the result carried one, its serverVersion made
   * whole. The decision carries the book's new base: the text the server holds at the revision the book is now on.
   */
  function decideResult(
    current: LocalBook | undefined,
    out: Outgoing,
    result: SyncResult,
    stored: WholeBook | undefined,
    now: number,
  ): LocalDecision {
    const sent = out.book;
    const serverVersion = stored?.book;
    switch (result.status) {
      case 'ok': {
        if (result.revision === undefined) return { outcome: 'unchanged' };
        const decision = afterAccepted(current, sent, result.revision, result.syncedAt ?? now, now, serverVersion);
        return withBase(decision, agreedText(out, result, stored));
      }
      case 'merged': {
        if (result.revision === undefined) return { outcome: 'unchanged' };
        // Without a serverVersion the merge kept exactly what was sent.
        const merged = stored ?? {
          book: { ...toServerBook(sent, out.text), revision: result.revision, syncedAt: result.syncedAt ?? now },
          hash: out.hash,
        };
        if (merged.book.revision !== result.revision) return { outcome: 'unchanged' };
        const decision = afterMerged(current, sent, merged.book, result.overlaps ?? [], { now, newId: deps.newId });
        return withBase(decision, baseOf(merged));
      }
      case 'resend':
        return afterResend(sent);
      case 'conflict':
        if (!stored || !serverVersion) return { outcome: 'unchanged' };
        return withBase(afterConflict(current, sent, serverVersion, now, deps.newId), baseOf(stored));
      case 'invalid':
        if (result.code === ErrorCode.quotaExceeded) {
          return afterRefused(current, sent, { kind: 'quota', message: result.error ?? 'Storage quota exceeded', at: now });
        }
        return afterRefused(current, sent, { kind: 'invalid', message: describeInvalid(result), ...(result.reasons ? { reasons: result.reasons } : {}), at: now });
      case 'not_found':
        return afterNotFound(current, sent, deps.newId);
    }
  }

  /**
   * Set when an answer asks for a book to go again in this cycle: the server holds this device's own earlier version
   * (rebased), it could not apply a patch (resend), or a merge could not be read back (see runCycle).
   */
  let sendAgain = false;

  function report(sent: LocalBook, decision: LocalDecision, result: SyncResult) {
    switch (decision.outcome) {
      case 'rebased':
      case 'resend':
        sendAgain = true;
        break;
      case 'synced':
      case 'synced-edited':
        synced(sent.title);
        break;
      case 'merged':
      case 'merged-edited': {
        const overlaps = result.overlaps?.length ?? 0;
        log.info(`[Sync] ✓ Book "${sent.title}" merged with edits from another device (${overlaps} overlapping passages)`);
        break;
      }
      case 'conflict':
        conflicted(sent.title);
        break;
      case 'refused':
        failedBook(sent.title, decision.put?.syncIssue?.message ?? result.error ?? 'refused');
        break;
      case 'moved':
        log.warn(`[Sync] Book "${sent.title}" got a new id: its id belongs to another account on the server`);
        break;
      default:
        // A merge whose text did not come back at its revision: the book stays on its base and is merged again.
        if (result.status === 'merged') sendAgain = true;
        break;
    }
  }

  /** The whole book as the server holds it now, read on its own; null when this account no longer has it. */
  async function fetchWhole(account: SignedInAccount, id: string): Promise<WholeBook | null> {
    const server = await deps.transport.getBook(account.serverUrl, account.token, id);
    return server && wholeBook(server, undefined);
  }

  /**
   * Applies one answer (push results, then pulled changes, then the cursor) in one local transaction. Patched books in
   * it are made whole first: a result's serverVersion from the text sent, a pulled change from the device's base (or
   * the text a result in this answer just agreed on) at its `patchBase`; one that does not apply is read whole.
   */
  async function applyResponse(account: SignedInAccount, batch: Outgoing[], response: SyncResponse) {
    const sentById = new Map(batch.map((out) => [out.book.id, out]));
    const ids = [...new Set([...batch.map((o) => o.book.id), ...response.changes.map((c) => c.id)])];
    const reports: Array<() => void> = [];
    // Results whose serverVersion did not fit in the answer, or did not apply, are settled after it, one fetched book
    // at a time.
    const later: SyncResult[] = [];
    const stored = new Map<string, WholeBook>();
    for (const result of response.results) {
      const out = sentById.get(result.id);
      if (!out) continue;
      if (result.serverVersionOmitted) later.push(result);
      else if (result.serverVersion) {
        const whole = await wholeBook(result.serverVersion, { content: out.text, hash: out.hash });
        if (whole) stored.set(result.id, whole);
        else later.push(result);
      }
    }
    const settledLater = new Set(later.map((r) => r.id));
    const patched = response.changes.filter((c) => c.content === undefined);
    const bases = patched.length ? await deps.books.getBases(patched.map((c) => c.id)) : new Map<string, SyncBase>();
    const pulled: WholeBook[] = [];
    for (const change of response.changes) {
      // This device's own write coming back in the feed: its result already settled that revision.
      const result = response.results.find((r) => r.id === change.id);
      if (result?.revision !== undefined && result.revision >= change.revision) continue;
      const sources: PatchSource[] = [];
      const base = bases.get(change.id);
      if (base && base.revision === change.patchBase) sources.push(base);
      const agreed = agreedText(sentById.get(change.id), result, stored.get(change.id));
      if (agreed && agreed.revision === change.patchBase) sources.push(agreed);
      let whole = await wholeBook(change, sources[0]);
      if (!whole && sources[1]) whole = await wholeBook(change, sources[1]);
      whole ??= await fetchWhole(account, change.id);
      if (whole) pulled.push(whole);
    }
    const now = deps.clock.now();
    await deps.books.transact(ids, (current) => {
      const plan = new Plan(current);
      for (const result of response.results) {
        const out = sentById.get(result.id);
        if (!out || settledLater.has(result.id)) continue;
        const decision = decideResult(plan.get(result.id), out, result, stored.get(result.id), now);
        plan.apply(decision);
        reports.push(() => report(out.book, decision, result));
      }
      for (const whole of pulled) plan.apply(withBase(onPulled(plan.get(whole.book.id), whole.book), baseOf(whole)));
      const answered = response.results.map((r) => r.id).filter((id) => sentById.has(id));
      return { ...plan.changes({ scope: accountScope(account), value: response.cursor }), answered };
    });
    // Logged after the commit, so a line never claims what a rolled-back transaction did not do.
    for (const line of reports) line();
    for (const result of later) await settleWithFetchedVersion(account, sentById.get(result.id)!, result);
  }

  /**
   * A result that came without its serverVersion, or with one that did not apply: read the book on its own and
   * decide as if it had come with it. For `ok` and `merged`, the fetched copy stands for the accepted revision only if
   * no later write has replaced it (a later one reaches this device through the change feed; a merge it cannot read
   * back leaves the book dirty on its old base, to be merged again).
   */
  async function settleWithFetchedVersion(account: SignedInAccount, out: Outgoing, result: SyncResult) {
    const fetched = await fetchWhole(account, out.book.id);
    const serverVersion = fetched && (result.status === 'conflict' || fetched.book.revision === result.revision) ? fetched : undefined;
    if (!serverVersion && result.status !== 'ok') {
      // Gone from this account (the next cycle settles it), or a merge overtaken by a later write: go again.
      if (result.status === 'merged') sendAgain = true;
      return;
    }
    const settled: SyncResult = { ...result, serverVersionOmitted: undefined };
    const now = deps.clock.now();
    let decision: LocalDecision = { outcome: 'unchanged' };
    await deps.books.transact([out.book.id], (current) => {
      const plan = new Plan(current);
      decision = decideResult(plan.get(out.book.id), out, settled, serverVersion, now);
      plan.apply(decision);
      return plan.changes();
    });
    report(out.book, decision, settled);
  }

  async function refuseLocally(book: LocalBook, issue: Omit<SyncIssue, 'at' | 'kind'> & { kind: 'invalid' | 'too_large' }) {
    const now = deps.clock.now();
    let decision: LocalDecision = { outcome: 'unchanged' };
    await deps.books.transact([book.id], (current) => {
      const plan = new Plan(current);
      decision = afterRefused(plan.get(book.id), book, { ...issue, at: now });
      plan.apply(decision);
      return plan.changes();
    });
    if (decision.outcome === 'refused') failedBook(book.title, issue.message);
  }

  async function exchange(account: SignedInAccount) {
    const scope = accountScope(account);
    let cursor = await deps.books.getCursor(scope);
    const valid: LocalBook[] = [];
    for (const book of (await deps.books.listDirty()).filter(shouldSend)) {
      // Checked before sending so a book the server would refuse anyway gets a precise reason at once.
      const parsed = BookInput.safeParse(toBookInput(book));
      if (parsed.success) valid.push(book);
      else {
        const message = describeInvalid({ error: 'Invalid book', details: fieldErrors(parsed.error) });
        await refuseLocally(book, { kind: 'invalid', message, reasons: fieldReasons(parsed.error) });
      }
    }
    const bases = await deps.books.getBases(valid.map((book) => book.id));
    // A push whose answer was lost goes first exactly as it was (the book is still on the revision it was sent from),
    // and the book's newer text follows in this cycle; a record of a book settled otherwise is dropped.
    const validById = new Map(valid.map((book) => [book.id, book]));
    const lost = new Map<string, Outgoing>();
    const settled: string[] = [];
    for (const push of await deps.books.listUnanswered()) {
      if (validById.get(push.bookId)?.revision === push.sent.revision) lost.set(push.bookId, sentAgain(push));
      else settled.push(push.bookId);
    }
    if (settled.length) await deps.books.forgetUnanswered(settled);
    if (lost.size) sendAgain = true;
    const sending: Outgoing[] = [];
    for (const book of valid) sending.push(lost.get(book.id) ?? (await outgoing(book, bases.get(book.id))));
    const batches = planBatches(sending, limits);
    let caughtUp = false;
    let cursorReset = false;
    for (let requests = 0; batches.length > 0 || !caughtUp; requests++) {
      if (requests >= MAX_REQUESTS_PER_CYCLE) throw new TransportError('bad_response', 'The server kept sending more changes');
      const batch = batches.shift() ?? [];
      // Written ahead: a lost answer (or a worker killed waiting) leaves the record behind.
      if (batch.length) await deps.books.recordSent(batch.map(unansweredPush));
      let response: SyncResponse;
      try {
        response = await deps.transport.sync(account.serverUrl, account.token, {
          changes: batch.map((out) => out.input),
          ...(cursor !== undefined ? { cursor } : {}),
          patches: true,
        });
      } catch (error) {
        // A refusal is an answer: only a request that may have been applied unheard keeps its record.
        if (!(error instanceof TransportError && MAYBE_APPLIED.has(error.kind))) {
          await deps.books.forgetUnanswered(batch.map((out) => out.book.id));
        }
        const step = afterSendError(error, batch.length, cursorReset);
        if (step.action === 'split') {
          batches.unshift(...batch.map((out) => [out]));
          continue;
        }
        if (step.action === 'refuse-too-large') {
          await refuseLocally(batch[0]!.book, { kind: 'too_large', message: step.message, ...(step.limit ? { limit: step.limit } : {}) });
          continue;
        }
        if (step.action === 'reset-cursor') {
          cursorReset = true;
          cursor = undefined;
          batches.unshift(batch);
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        for (const out of batch) failedBook(out.book.title, reason);
        if (batch.length === 0) log.error(`[Sync] ✗ Failed to sync: ${reason}`);
        throw error;
      }
      await applyResponse(account, batch, response);
      cursor = response.cursor;
      caughtUp = !response.hasMore;
    }
  }

  async function failed(error: unknown, backoff: BackoffState): Promise<CycleResult> {
    const failure = classifyFailure(error);
    if (failure.kind === 'local') log.error(`[Sync] Local failure: ${failure.message}`);
    const plan = afterFailure(failure, backoff, deps.clock.now(), deps.random);
    if (plan.signOut) await deps.account.markSignedOut(plan.signOut);
    if (plan.backoff) await deps.kv.set(BACKOFF_KEY, plan.backoff);
    else await deps.kv.remove(BACKOFF_KEY);
    await deps.status.update({ ...plan.status, ...(await pendingCount()) });
    return plan.result;
  }

  async function cycle(account: SignedInAccount, backoff: BackoffState): Promise<CycleResult> {
    await deps.status.update({ isSyncing: true });
    try {
      sendAgain = false;
      await exchange(account);
      // A book put on top of its own earlier version (whose answer was lost), or whose patch the server could not
      // apply, goes again now (whole, for the latter), not at the next alarm.
      if (sendAgain) await exchange(account);
    } catch (error) {
      return failed(error, backoff);
    }
    await deps.kv.remove(BACKOFF_KEY);
    await deps.status.update({ ...afterSuccess(deps.clock.now()), ...(await pendingCount()) });
    return { kind: 'synced' };
  }

  /** The pending count, or nothing when the local database cannot say (the status keeps the last known count). */
  async function pendingCount(): Promise<Pick<SyncStatus, 'pendingCount'> | Record<string, never>> {
    try {
      return { pendingCount: await deps.books.countPending() };
    } catch (error) {
      log.error(`[Sync] Could not count pending books: ${classifyFailure(error).message}`);
      return {};
    }
  }

  return {
    /**
     * One sync cycle. Waits out a backoff unless `force` (a manual sync or the connection coming back) — but never a
     * server's Retry-After. Returns at once when another cycle holds the lock.
     */
    async runCycle(options: { force?: boolean } = {}): Promise<CycleResult> {
      const account = await deps.account.current();
      if (!account) {
        await refreshPending();
        return { kind: 'signed-out' };
      }
      const backoff = parseBackoff(await deps.kv.get(BACKOFF_KEY));
      const until = waitUntil(backoff, deps.clock.now(), options.force ?? false);
      if (until !== null) return { kind: 'waiting', until };
      const outcome = await deps.lock.tryRun(() => cycle(account, backoff));
      return outcome.ran ? outcome.value : { kind: 'busy' };
    },
    refreshPending,
    /** A worker that starts cannot be in a cycle: clear a flag a killed worker left behind. */
    async recover(): Promise<void> {
      await deps.status.update({ ...afterRestart(), ...(await pendingCount()) });
    },
  };

  async function refreshPending(): Promise<void> {
    await deps.status.update({ pendingCount: await deps.books.countPending() });
  }
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;
