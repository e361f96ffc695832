// Applies incoming books for one owner: sanitise, read, decide, compare-and-set in one store step; re-decides the
// books another write got to first.
import { markupError } from '../../shared/markup-guard.ts';
import { FieldReason, type BookInput } from '../../shared/protocol.ts';
import type { Config } from '../config.ts';
import { busy } from '../errors.ts';
import type { Sanitized } from '../html.ts';
import type { Sanitizer } from '../sanitizer/pool.ts';
import type { BookStore, CasWrite, StoredBook } from '../store/book-store.ts';
import { nextVersion } from '../store/book-writes.ts';
import { decide, type IncomingEdit } from './rules.ts';

export type ApplyOutcome =
  | { status: 'ok'; book: StoredBook }
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
/** Books per store step (one transaction): bounds its size and how long it holds the write lock. */
export const WRITES_PER_STEP = 100;

/** The storage quota in bytes that writes are checked against (STORAGE_QUOTA_BYTES; 0 means none). */
export function storageQuota(config: Pick<Config, 'storageQuotaBytes'>): number {
  return config.storageQuotaBytes || Number.POSITIVE_INFINITY;
}

function incomingEdit(input: BookInput, sanitizedContent: string): IncomingEdit {
  return {
    title: input.title,
    author: input.author,
    content: sanitizedContent,
    metadata: input.metadata,
    updatedAt: input.updatedAt,
    baseRevision: input.baseRevision,
    deleted: input.deleted ?? false,
  };
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
): Promise<ApplyOutcome[]> {
  // Checked and sanitised once, here, on the way in (off the event loop): what is stored is served as stored.
  const sanitized = await sanitizer.sanitize(inputs.map((input) => input.content ?? ''));
  return applySanitized(store, owner, inputs, sanitized, now, quotaBytes);
}

/** applyBooks with each content already sanitised (or refused), in `inputs` order. */
async function applySanitized(
  store: BookStore,
  owner: string,
  inputs: readonly BookInput[],
  sanitized: readonly Sanitized[],
  now: () => number,
  quotaBytes: number,
): Promise<ApplyOutcome[]> {
  const edits = inputs.map((input, i) => {
    const result = sanitized[i]!;
    return 'html' in result ? incomingEdit(input, result.html) : null;
  });
  const outcomes: Array<ApplyOutcome | undefined> = sanitized.map((result, i) => {
    // Patches are not applied yet (Sync v2 in progress): the client sends the whole content instead.
    if (inputs[i]!.patch) return { status: 'resend' };
    return 'exceeded' in result ? { status: 'invalid', details: { content: [markupError(result.exceeded)] }, reasons: { content: FieldReason.markupTooComplex } } : undefined;
  });
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

    // One query for the round's books (one round trip to MongoDB however many books the batch holds).
    const stored = new Map((await store.getBooks(owner, round.map((i) => inputs[i]!.id))).map((book) => [book.id, book]));
    const at = now();
    const writes: CasWrite[] = [];
    const written: number[] = [];
    round.forEach((i) => {
      const current = stored.get(inputs[i]!.id) ?? null;
      const edit = edits[i]!; // null only for refused inputs, which already have an outcome
      const decision = decide(current, edit, at);
      // decide() answers 'idempotent' and 'conflict' only against a stored copy.
      if (decision.kind === 'idempotent') outcomes[i] = { status: 'ok', book: current! };
      else if (decision.kind === 'conflict') outcomes[i] = { status: 'conflict', current: current! };
      else {
        writes.push({ book: nextVersion(inputs[i]!.id, current, edit, decision.updatedAt, at), expectedRevision: current?.revision ?? null });
        written.push(i);
      }
    });
    if (writes.length === 0) continue;

    const results = await store.putBooks(owner, writes, quotaBytes);
    results.forEach((result, k) => {
      const i = written[k]!;
      if (result.ok) outcomes[i] = { status: 'ok', book: result.book };
      else if (result.reason === 'foreign') outcomes[i] = { status: 'not_found' };
      else if (result.reason === 'quota') outcomes[i] = { status: 'quota', used: result.used, quota: quotaBytes };
      // 'conflict' or 'missing': the book changed under us; the next round reads it again and decides anew.
      else if (++lost[i]! >= MAX_ROUNDS) {
        throw busy('This book is being written too often at once; try again');
      }
    });
  }
}

export async function applyBook(
  store: BookStore,
  owner: string,
  input: BookInput,
  now: () => number,
  sanitizer: Sanitizer,
  quotaBytes?: number,
): Promise<ApplyOutcome> {
  const [outcome] = await applyBooks(store, owner, [input], now, sanitizer, quotaBytes);
  return outcome!;
}

/** Turns the owner's book into a tombstone (a write based on its current revision), so other devices learn of it. */
export async function deleteBook(store: BookStore, owner: string, id: string, now: () => number): Promise<ApplyOutcome> {
  const stored = await store.getBook(owner, id);
  if (!stored) return { status: 'not_found' };
  if (stored.deleted) return { status: 'ok', book: stored };
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
  const [outcome] = await applySanitized(store, owner, [tombstone], [{ html: stored.content }], now, Number.POSITIVE_INFINITY);
  return outcome!;
}
