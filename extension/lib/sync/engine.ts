// The sync cycle: push every dirty book and pull everything changed since the saved cursor through POST /api/sync,
// apply the answers to the local database, and keep retry state and status in storage so a killed worker resumes.
import { BookInput, ErrorCode, LIMITS, fieldErrors, fieldReasons, type BookChange, type ServerBook, type SyncResponse, type SyncResult } from '../../../shared/protocol.ts';
import { accountScope, type AccountService, type SignedInAccount } from './account.ts';
import { parseBackoff, type BackoffState } from './backoff.ts';
import type { CycleLock } from './lock.ts';
import type { Clock, ConflictCopy, KeyValue, LocalBook, LocalBookStore, LocalChanges, Logger, SyncIssue } from './ports.ts';
import {
  afterAccepted,
  afterConflict,
  afterNotFound,
  afterRefused,
  onPulled,
  shouldSend,
  toBookInput,
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
import { TransportError } from './transport-error.ts';
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

// A server that keeps answering hasMore would otherwise hold the lock forever.
const MAX_REQUESTS_PER_CYCLE = 500;

/** Splits books into requests bounded by count and approximate size; a book bigger than the budget goes alone. */
export function planBatches(books: LocalBook[], limits: BatchLimits): LocalBook[][] {
  const batches: LocalBook[][] = [];
  let current: LocalBook[] = [];
  let bytes = 0;
  for (const book of books) {
    const size = JSON.stringify(toBookInput(book)).length;
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
  }

  changes(cursor?: LocalChanges['cursor']): LocalChanges {
    const put: LocalBook[] = [];
    const remove: string[] = [];
    for (const id of this.touched) {
      const book = this.state.get(id);
      if (book) put.push(book);
      else remove.push(id);
    }
    return { put, remove, conflicts: this.conflicts, ...(cursor ? { cursor } : {}) };
  }
}

/** This client does not ask for patches (SyncRequest `patches`), so every book it is sent carries its content. */
function whole(change: BookChange): ServerBook {
  if (change.content === undefined) throw new Error(`book ${change.id} came as a patch, which this client did not ask for`);
  return { ...change, content: change.content };
}

export function createSyncEngine(deps: EngineDeps) {
  const limits: BatchLimits = { maxBooks: 100, maxBytes: 1024 * 1024, ...deps.batch };
  limits.maxBooks = Math.min(limits.maxBooks, LIMITS.syncBatchMax);
  const { log } = deps;

  const synced = (title: string) => log.info(`[Sync] ✓ Book "${title}" synced successfully`);
  const conflicted = (title: string) => log.warn(`[Sync] ⚠️ Conflict for book "${title}"`);
  const failedBook = (title: string, reason: string) => log.error(`[Sync] ✗ Failed to sync book "${title}": ${reason}`);

  function decideResult(current: LocalBook | undefined, sent: LocalBook, result: SyncResult, now: number): LocalDecision {
    const serverVersion = result.serverVersion && whole(result.serverVersion);
    switch (result.status) {
      case 'ok':
      case 'merged':
        if (result.revision === undefined) return { outcome: 'unchanged' };
        return afterAccepted(current, sent, result.revision, result.syncedAt ?? now, now, serverVersion);
      case 'resend':
        return { outcome: 'unchanged' };
      case 'conflict':
        if (!serverVersion) return { outcome: 'unchanged' };
        return afterConflict(current, sent, serverVersion, now, deps.newId);
      case 'invalid':
        if (result.code === ErrorCode.quotaExceeded) {
          return afterRefused(current, sent, { kind: 'quota', message: result.error ?? 'Storage quota exceeded', at: now });
        }
        return afterRefused(current, sent, { kind: 'invalid', message: describeInvalid(result), ...(result.reasons ? { reasons: result.reasons } : {}), at: now });
      case 'not_found':
        return afterNotFound(current, sent, deps.newId);
    }
  }

  /** Set when an answer showed the server holds this device's own earlier version of a book (see runCycle). */
  let rebased = false;

  function report(sent: LocalBook, decision: LocalDecision, result: SyncResult) {
    switch (decision.outcome) {
      case 'rebased':
        rebased = true;
        break;
      case 'synced':
      case 'synced-edited':
        synced(sent.title);
        break;
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
        break;
    }
  }

  /** Applies one answer (push results, then pulled changes, then the cursor) in one local transaction. */
  async function applyResponse(account: SignedInAccount, batch: LocalBook[], response: SyncResponse) {
    const now = deps.clock.now();
    const sentById = new Map(batch.map((book) => [book.id, book]));
    const ids = [...new Set([...batch.map((b) => b.id), ...response.changes.map((c) => c.id)])];
    const reports: Array<() => void> = [];
    // Results whose serverVersion did not fit in the answer are settled after it, one fetched book at a time.
    const later = response.results.filter((r) => r.serverVersionOmitted && sentById.has(r.id));
    await deps.books.transact(ids, (current) => {
      const plan = new Plan(current);
      for (const result of response.results) {
        const sent = sentById.get(result.id);
        if (!sent || result.serverVersionOmitted) continue;
        const decision = decideResult(plan.get(sent.id), sent, result, now);
        plan.apply(decision);
        reports.push(() => report(sent, decision, result));
      }
      for (const change of response.changes) plan.apply(onPulled(plan.get(change.id), whole(change)));
      return plan.changes({ scope: accountScope(account), value: response.cursor });
    });
    // Logged after the commit, so a line never claims what a rolled-back transaction did not do.
    for (const line of reports) line();
    for (const result of later) await settleWithFetchedVersion(account, sentById.get(result.id)!, result);
  }

  /**
   * A result that came without its serverVersion: read the book on its own and decide as if it had come with it.
   * For an `ok`, the fetched copy stands for the accepted revision only if no later write has replaced it (a later
   * one reaches this device through the change feed).
   */
  async function settleWithFetchedVersion(account: SignedInAccount, sent: LocalBook, result: SyncResult) {
    const server = await deps.transport.getBook(account.serverUrl, account.token, sent.id);
    const serverVersion =
      server && (result.status !== 'ok' || server.revision === result.revision) ? server : undefined;
    if (!serverVersion && result.status === 'conflict') return; // gone from this account: the next cycle settles it
    const settled: SyncResult = { ...result, serverVersion, serverVersionOmitted: undefined };
    const now = deps.clock.now();
    let decision: LocalDecision = { outcome: 'unchanged' };
    await deps.books.transact([sent.id], (current) => {
      const plan = new Plan(current);
      decision = decideResult(plan.get(sent.id), sent, settled, now);
      plan.apply(decision);
      return plan.changes();
    });
    report(sent, decision, settled);
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
    const batches = planBatches(valid, limits);
    let caughtUp = false;
    let cursorReset = false;
    for (let requests = 0; batches.length > 0 || !caughtUp; requests++) {
      if (requests >= MAX_REQUESTS_PER_CYCLE) throw new TransportError('bad_response', 'The server kept sending more changes');
      const batch = batches.shift() ?? [];
      let response: SyncResponse;
      try {
        response = await deps.transport.sync(account.serverUrl, account.token, {
          changes: batch.map(toBookInput),
          ...(cursor !== undefined ? { cursor } : {}),
        });
      } catch (error) {
        const step = afterSendError(error, batch.length, cursorReset);
        if (step.action === 'split') {
          batches.unshift(...batch.map((book) => [book]));
          continue;
        }
        if (step.action === 'refuse-too-large') {
          await refuseLocally(batch[0]!, { kind: 'too_large', message: step.message, ...(step.limit ? { limit: step.limit } : {}) });
          continue;
        }
        if (step.action === 'reset-cursor') {
          cursorReset = true;
          cursor = undefined;
          batches.unshift(batch);
          continue;
        }
        const reason = error instanceof Error ? error.message : String(error);
        for (const book of batch) failedBook(book.title, reason);
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
      rebased = false;
      await exchange(account);
      // A book put on top of its own earlier version (whose answer was lost) goes again now, not at the next alarm.
      if (rebased) await exchange(account);
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
