// Applies incoming books for one owner: read, resolve patches, sanitise what changed, decide (fast-forward, merge,
// conflict), compare-and-set in one store step; re-decides the books another write got to first.
import { sameBookText, sameJson } from '../../shared/book-text.ts';
import type { Overlap } from '../../shared/manuscript/merge.ts';
import { applyPatch } from '../../shared/manuscript/patch.ts';
import { markupError } from '../../shared/markup-guard.ts';
import { FieldReason, type BookInput } from '../../shared/protocol.ts';
import type { Config } from '../config.ts';
import { busy } from '../errors.ts';
import type { Sanitized } from '../html.ts';
import type { Sanitizer } from '../sanitizer/pool.ts';
import type { BookStore, BookWrite, CasWrite, StoredBook } from '../store/book-store.ts';
import { nextVersion } from '../store/book-writes.ts';
import { KeyedTurns } from './owner-turns.ts';
import { assemble, cleanBlocks, planSanitising, type SanitisingPlan } from './changed-blocks.ts';
import { decide, type IncomingEdit, type StoredVersion, type WriteDecision } from './rules.ts';

export type ApplyOutcome =
  /** `sent`: the text as the client sent it (its content, or its patch applied), before sanitising. */
  | { status: 'ok'; book: StoredBook; sent: string }
  /** Merged three ways with a newer stored revision (`book`, written unless the merge changed nothing). */
  | { status: 'merged'; book: StoredBook; overlaps: Overlap[]; sent: string }
  | { status: 'conflict'; current: StoredBook }
  /** Refused before sanitising (its markup is over the limits); `details` per field, as for a 400. */
  | { status: 'invalid'; details: Record<string, string[]>; reasons: Record<string, FieldReason> }
  /** A patch the server cannot apply (its base revision is not kept, or a hash does not match): send whole content. */
  | { status: 'resend' }
  /** No such book for this owner (it may belong to someone else, which callers must not reveal). */
  | { status: 'not_found' }
  /** Writing it would take the owner's stored books over their quota; nothing was written. */
  | { status: 'quota'; used: number; quota: number };

/** Each lost compare-and-set means another write landed, so a handful of rounds is plenty in practice. */
const MAX_ROUNDS = 25;
const retries = new KeyedTurns();
/** Books per store step (one transaction): bounds its size and how long it holds the write lock. */
export const WRITES_PER_STEP = 100;

/** The storage quota in bytes that writes are checked against (STORAGE_QUOTA_BYTES; 0 means none). */
export function storageQuota(config: Pick<Config, 'storageQuotaBytes'>): number {
  return config.storageQuotaBytes || Number.POSITIVE_INFINITY;
}

/** An input made ready to decide: its text resolved and sanitised, and the version it was based on when kept. */
interface Prepared {
  sent: string;
  edit: IncomingEdit;
  base: StoredVersion | null;
}

type Refused = Extract<Sanitized, { exceeded: unknown }>;

const refusedMarkup = (exceeded: Refused['exceeded']): ApplyOutcome => ({
  status: 'invalid',
  details: { content: [markupError(exceeded)] },
  reasons: { content: FieldReason.markupTooComplex },
});

/** Sanitises the dirty runs of several plans in one call to the pool: each plan's text, or the limit a run crossed. */
async function sanitisePlans(sanitizer: Sanitizer, plans: readonly SanitisingPlan[]): Promise<Array<string | Refused>> {
  const runs = plans.flatMap((plan) => plan.dirty.map((index) => plan.pieces[index]!));
  const results = runs.length > 0 ? await sanitizer.sanitize(runs) : [];
  let next = 0;
  return plans.map((plan) => {
    const mine = results.slice(next, (next += plan.dirty.length));
    const refused = mine.find((r): r is Refused => 'exceeded' in r);
    return refused ?? assemble(plan, mine.map((r) => (r as { html: string }).html));
  });
}

/**
 * Resolves and sanitises the round's inputs not prepared yet: the version each was based on (the stored book, or a kept
 * revision), a patch applied to it (hash-checked), and only the blocks no stored text already holds sanitised. An input
 * that cannot be prepared gets its outcome instead.
 */
async function prepare(
  store: BookStore,
  owner: string,
  inputs: readonly BookInput[],
  indexes: readonly number[],
  stored: ReadonlyMap<string, StoredBook>,
  sanitizer: Sanitizer | null,
  prepared: Array<Prepared | undefined>,
  outcomes: Array<ApplyOutcome | undefined>,
  mergeWholeContent: boolean,
): Promise<void> {
  const pending: Array<{ i: number; sent: string; base: StoredVersion | null; plan: SanitisingPlan }> = [];
  const bases = await Promise.all(
    indexes.map(async (i): Promise<StoredVersion | null> => {
      const input = inputs[i]!;
      const current = stored.get(input.id);
      if (!current) return null;
      // No base: maybe the book's first push, retried after its answer was lost while another device edited the book;
      // the revision it made (1) is then its base (rules.ts decide).
      if (input.baseRevision === undefined) return mergeWholeContent && current.revision > 1 ? store.getRevision(owner, input.id, { revision: 1 }) : null;
      if (input.baseRevision === current.revision) return current;
      // An earlier revision is read only when it will be used: to apply a patch to, or to merge from.
      return input.patch || mergeWholeContent ? store.getRevision(owner, input.id, { revision: input.baseRevision }) : null;
    }),
  );
  for (const [k, i] of indexes.entries()) {
    const input = inputs[i]!;
    const current = stored.get(input.id) ?? null;
    const base = bases[k]!;
    let sent = input.content;
    if (input.patch) {
      sent = base ? await applyPatch(base.content, input.patch).catch(() => undefined) : undefined;
      if (sent === undefined) {
        outcomes[i] = { status: 'resend' };
        continue;
      }
    }
    // Blocks the base or the stored book hold are clean already (for a patch: every block it left alone).
    const clean = sanitizer ? cleanBlocks(base?.content, base === current ? undefined : current?.content) : null;
    pending.push({ i, sent: sent!, base, plan: clean ? planSanitising(sent!, clean) : { pieces: [sent!], dirty: [] } });
  }
  const sanitised = sanitizer ? await sanitisePlans(sanitizer, pending.map((p) => p.plan)) : pending.map((p) => p.sent);
  pending.forEach(({ i, sent, base }, k) => {
    const result = sanitised[k]!;
    if (typeof result !== 'string') {
      outcomes[i] = refusedMarkup(result.exceeded);
      return;
    }
    const input = inputs[i]!;
    prepared[i] = {
      sent,
      base,
      edit: {
        title: input.title,
        author: input.author,
        content: result,
        metadata: input.metadata,
        updatedAt: input.updatedAt,
        baseRevision: input.baseRevision,
        deleted: input.deleted ?? false,
      },
    };
  });
}

type Decided = { i: number; decision: WriteDecision; current: StoredBook | null };
type MergeDecision = Extract<WriteDecision, { kind: 'merge' }>;

/**
 * A merge joins words of two sanitised texts: the blocks it made anew (in no stored or incoming text) are sanitised
 * too, in place. Pieces of sanitised texts are within the markup limits; should a merged passage not be, the stored
 * book stands (a conflict).
 */
async function sanitiseMerges(sanitizer: Sanitizer | null, decided: Decided[], prepared: ReadonlyArray<Prepared | undefined>): Promise<void> {
  const merges = decided.filter((d) => d.decision.kind === 'merge');
  if (merges.length === 0) return;
  const plans = merges.map(({ i, decision, current }) =>
    planSanitising((decision as MergeDecision).version.content, cleanBlocks(current!.content, prepared[i]!.edit.content)),
  );
  const sanitised = sanitizer ? await sanitisePlans(sanitizer, plans) : plans.map((plan) => plan.pieces.join(''));
  merges.forEach((d, k) => {
    const result = sanitised[k]!;
    if (typeof result === 'string') (d.decision as MergeDecision).version.content = result;
    else d.decision = { kind: 'conflict' };
  });
}

/** The book an accepted or merged edit writes, with the merge record of a merge and the device that wrote it. */
function nextRevision(
  id: string,
  current: StoredBook | null,
  edit: IncomingEdit,
  decision: Extract<WriteDecision, { kind: 'accept' | 'merge' }>,
  at: number,
  device: string | undefined,
): BookWrite {
  const version = decision.kind === 'merge' ? decision.version : edit;
  const merge =
    decision.kind === 'merge'
      ? { merge: { baseRevision: decision.baseRevision, mergedWith: current!.revision, newer: decision.newer, overlaps: decision.overlaps } }
      : {};
  return { ...nextVersion(id, current, version, decision.updatedAt, at), ...merge, ...(device ? { device } : {}) };
}

/**
 * Whether the stored book needs no new revision to record a merge that leaves its text as it is: nothing was set
 * aside, or its own merge record already holds the same passages from the same base (a retry whose answer was lost).
 */
function alreadyRecorded(current: StoredBook, baseRevision: number, overlaps: readonly Overlap[]): boolean {
  if (overlaps.length === 0) return true;
  return current.merge !== undefined && current.merge.baseRevision === baseRevision && sameJson(current.merge.overlaps, overlaps);
}

export interface ApplyOptions {
  /**
   * Whether a stale edit sent as whole content is merged (default) or answered as a conflict: sync clients that do not
   * say they read Sync v2 answers (SyncRequest `patches`) know no `merged` result. Patches are always merged.
   */
  mergeWholeContent?: boolean;
  /** The device writing (its token's name, or "web"): recorded with each version it writes, for the history. */
  device?: string;
}

/**
 * Applies `inputs` in order, each judged on its own against the stored copy; outcomes are in `inputs` order. The
 * books of one round are written in one store step (one transaction, one disk flush). A batch may hold several edits
 * of one book: each round takes only the earliest undecided edit of a book, so a later edit is decided against the
 * stored result of the earlier one.
 */
export async function applyBooks(
  store: BookStore,
  owner: string,
  inputs: readonly BookInput[],
  now: () => number,
  sanitizer: Sanitizer,
  quotaBytes = Number.POSITIVE_INFINITY,
  options: ApplyOptions = {},
): Promise<ApplyOutcome[]> {
  return applyEdits(store, owner, inputs, now, sanitizer, quotaBytes, options);
}

/** applyBooks; with `sanitizer` null the contents are trusted as already sanitised (the server's own writes). */
async function applyEdits(
  store: BookStore,
  owner: string,
  inputs: readonly BookInput[],
  now: () => number,
  sanitizer: Sanitizer | null,
  quotaBytes: number,
  { mergeWholeContent = true, device }: ApplyOptions = {},
): Promise<ApplyOutcome[]> {
  const prepared = new Array<Prepared | undefined>(inputs.length);
  const outcomes = new Array<ApplyOutcome | undefined>(inputs.length);
  const lost = new Array<number>(inputs.length).fill(0);
  for (;;) {
    const round: number[] = [];
    const waiting = new Set<string>();
    for (let i = 0; i < inputs.length && round.length < WRITES_PER_STEP; i++) {
      const id = inputs[i]!.id;
      if (outcomes[i] || waiting.has(id)) continue;
      waiting.add(id);
      round.push(i);
    }
    if (round.length === 0) return outcomes as ApplyOutcome[];

    const step = async () => {
      // One query for the round's books (one round trip to MongoDB however many books the batch holds).
      const stored = new Map((await store.getBooks(owner, round.map((i) => inputs[i]!.id))).map((book) => [book.id, book]));
      // Checked and sanitised once, on the way in (off the event loop): what is stored is served as stored.
      const unprepared = round.filter((i) => !prepared[i]);
      if (unprepared.length > 0) await prepare(store, owner, inputs, unprepared, stored, sanitizer, prepared, outcomes, mergeWholeContent);
      const at = now();
      const decided: Decided[] = [];
      for (const i of round) {
        if (outcomes[i]) continue; // refused while preparing
        const { edit, base } = prepared[i]!;
        const current = stored.get(inputs[i]!.id) ?? null;
        // Without a base to merge from, a stale edit is a conflict (as for clients that cannot read a merged answer).
        const mergeFrom = mergeWholeContent || inputs[i]!.patch ? base : null;
        decided.push({ i, decision: decide(current, edit, at, mergeFrom), current });
      }
      await sanitiseMerges(sanitizer, decided, prepared);

      const writes: CasWrite[] = [];
      const written: number[] = [];
      const overlapsOf = new Map<number, Overlap[]>();
      for (const { i, decision, current } of decided) {
        const { edit, sent } = prepared[i]!;
        // decide() answers 'idempotent', 'conflict' and 'merge' only against a stored copy.
        if (decision.kind === 'idempotent') outcomes[i] = { status: 'ok', book: current!, sent };
        else if (decision.kind === 'conflict') outcomes[i] = { status: 'conflict', current: current! };
        else {
          const merge = decision.kind === 'merge' ? decision : null;
          const version = merge ? merge.version : edit;
          if (merge && current!.deleted === version.deleted && sameBookText(current!, version) && alreadyRecorded(current!, merge.baseRevision, merge.overlaps)) {
            // The stored book already holds this edit and what it set aside (made on both sides, or a retry).
            outcomes[i] = { status: 'merged', book: current!, overlaps: merge.overlaps, sent };
            continue;
          }
          if (merge) overlapsOf.set(i, merge.overlaps);
          writes.push({ book: nextRevision(inputs[i]!.id, current, edit, decision, at, device), expectedRevision: current?.revision ?? null });
          written.push(i);
        }
      }
      if (writes.length === 0) return;

      const results = await store.putBooks(owner, writes, quotaBytes);
      results.forEach((result, k) => {
        const i = written[k]!;
        const overlaps = overlapsOf.get(i);
        if (result.ok) {
          const sent = prepared[i]!.sent;
          outcomes[i] = overlaps ? { status: 'merged', book: result.book, overlaps, sent } : { status: 'ok', book: result.book, sent };
        } else if (result.reason === 'foreign') outcomes[i] = { status: 'not_found' };
        else if (result.reason === 'quota') outcomes[i] = { status: 'quota', used: result.used, quota: quotaBytes };
        // 'conflict' or 'missing': the book changed under us; the next round reads it again and decides anew.
        else if (++lost[i]! >= MAX_ROUNDS) {
          throw busy('This book is being written too often at once; try again');
        }
      });
    };
    // A book that lost a compare-and-set is contended: its next try waits for the owner's other retries in this process.
    if (round.some((i) => lost[i]! > 0)) await retries.run(owner, step);
    else await step();
  }
}

export async function applyBook(
  store: BookStore,
  owner: string,
  input: BookInput,
  now: () => number,
  sanitizer: Sanitizer,
  quotaBytes?: number,
  options: ApplyOptions = {},
): Promise<ApplyOutcome> {
  const [outcome] = await applyBooks(store, owner, [input], now, sanitizer, quotaBytes, options);
  return outcome!;
}

/** Turns the owner's book into a tombstone (a write based on its current revision), so other devices learn of it. */
export async function deleteBook(store: BookStore, owner: string, id: string, now: () => number, device?: string): Promise<ApplyOutcome> {
  const stored = await store.getBook(owner, id);
  if (!stored) return { status: 'not_found' };
  if (stored.deleted) return { status: 'ok', book: stored, sent: stored.content };
  const tombstone: BookInput = {
    id,
    title: stored.title,
    author: stored.author,
    content: stored.content,
    metadata: stored.metadata,
    // Never older than the text it deletes, so a stale device's earlier edit cannot silently undo it.
    updatedAt: Math.max(now(), stored.updatedAt),
    baseRevision: stored.revision,
    deleted: true,
  };
  // The stored content was sanitised when it was written.
  // A deletion never grows the stored bytes, so no quota applies.
  const [outcome] = await applyEdits(store, owner, [tombstone], now, null, Number.POSITIVE_INFINITY, { device });
  return outcome!;
}
