// Applies one incoming book for one owner: sanitise, read, decide, compare-and-set; re-decides when another write won.
import type { BookInput } from '../../shared/protocol.ts';
import { ApiError } from '../errors.ts';
import { sanitizeManuscript } from '../html.ts';
import type { StoredBook, Store } from '../store/types.ts';
import { decide, type IncomingEdit } from './rules.ts';

export type ApplyOutcome =
  | { status: 'ok'; book: StoredBook }
  | { status: 'conflict'; current: StoredBook }
  /** No such book for this owner (it may belong to someone else, which callers must not reveal). */
  | { status: 'not_found' };

/** Each lost compare-and-set means another write landed, so a handful of rounds is plenty in practice. */
const MAX_ROUNDS = 25;

export async function applyBook(store: Store, owner: string, input: BookInput, now: () => number): Promise<ApplyOutcome> {
  const incoming: IncomingEdit = {
    title: input.title,
    author: input.author,
    content: sanitizeManuscript(input.content),
    metadata: input.metadata,
    updatedAt: input.updatedAt,
    baseRevision: input.baseRevision,
    deleted: input.deleted ?? false,
  };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const stored = await store.getBook(owner, input.id);
    const at = now();
    const decision = decide(stored, incoming, at);
    if (decision.kind === 'idempotent') return { status: 'ok', book: stored! };
    if (decision.kind === 'conflict') return { status: 'conflict', current: stored! };

    const result = await store.putBook(
      owner,
      {
        id: input.id,
        title: incoming.title,
        author: incoming.author,
        content: incoming.content,
        metadata: incoming.metadata,
        updatedAt: decision.updatedAt,
        createdAt: stored?.createdAt ?? at,
        syncedAt: at,
        revision: (stored?.revision ?? 0) + 1,
        deleted: incoming.deleted,
      },
      stored?.revision ?? null,
    );
    if (result.ok) return { status: 'ok', book: result.book };
    if (result.reason === 'foreign') return { status: 'not_found' };
    // 'conflict' or 'missing': the book changed under us; read it again and decide against the new copy.
  }
  throw new ApiError(503, 'This book is being written too often at once; try again', { headers: { 'Retry-After': '1' } });
}

/** Turns the owner's book into a tombstone (a write based on its current revision), so other devices learn of it. */
export async function deleteBook(store: Store, owner: string, id: string, now: () => number): Promise<ApplyOutcome> {
  const stored = await store.getBook(owner, id);
  if (!stored) return { status: 'not_found' };
  if (stored.deleted) return { status: 'ok', book: stored };
  return applyBook(
    store,
    owner,
    {
      id,
      title: stored.title,
      author: stored.author,
      content: stored.content,
      metadata: stored.metadata,
      // Never older than the text it deletes, so a stale device's earlier edit cannot silently undo it.
      updatedAt: Math.max(now(), stored.updatedAt),
      baseRevision: stored.revision,
      deleted: true,
    },
    now,
  );
}
