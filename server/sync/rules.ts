// The write decision (fast-forward on the current revision, a three-way merge from a kept earlier one, else
// conflict; last-writer-wins without a base), as one pure function: given the stored book, the version the edit was
// based on (when kept) and the incoming edit, what happens.
import { sameBookText } from '../../shared/book-text.ts';
import type { Overlap, Side } from '../../shared/manuscript/merge.ts';
import { LIMITS } from '../../shared/protocol.ts';
import type { BookVersion } from '../store/book-store.ts';
import type { EditedFields } from '../store/book-writes.ts';
import { mergeVersions, type MergeableVersion } from '../../shared/manuscript/three-way.ts';

/** The parts of a stored book the decision looks at. */
export type StoredVersion = EditedFields & Pick<BookVersion, 'updatedAt' | 'revision'>;

/** An incoming edit, already validated and sanitised: what the writer wrote, when, and from which revision. */
export type IncomingEdit = EditedFields & { updatedAt: number; baseRevision?: number };

export type WriteDecision =
  /** Write it, with this (possibly clamped) updatedAt. */
  | { kind: 'accept'; updatedAt: number; reason: 'new' | 'fast-forward' | 'later-edit' }
  /** The edit was made from an earlier kept revision: write this merge of it with the stored book. */
  | { kind: 'merge'; updatedAt: number; baseRevision: number; version: MergeableVersion; newer: Side; overlaps: Overlap[] }
  /** The server copy stands; the client must resolve. */
  | { kind: 'conflict' }
  /** The stored copy already is this edit (a retry whose response was lost): answer with it, write nothing. */
  | { kind: 'idempotent' };

/** A clock more than LIMITS.futureSkewMs ahead is clamped to the server's, so a wrong clock cannot win forever. */
export function clampUpdatedAt(updatedAt: number, now: number): number {
  return updatedAt > now + LIMITS.futureSkewMs ? now : updatedAt;
}

/** `base`: the version numbered `incoming.baseRevision` when the server still keeps it (the stored one included); for an edit
 * without a base, the book's first version (see below). */
export function decide(stored: StoredVersion | null, incoming: IncomingEdit, now: number, base: StoredVersion | null = null): WriteDecision {
  const updatedAt = clampUpdatedAt(incoming.updatedAt, now);
  if (!stored) return { kind: 'accept', updatedAt, reason: 'new' };

  // A retry of a clamped edit carries the original future time, so "same time" also covers "was clamped".
  const isThisEdit = (version: StoredVersion) =>
    (incoming.updatedAt === version.updatedAt || updatedAt !== incoming.updatedAt) && version.deleted === incoming.deleted && sameBookText(version, incoming);
  if (isThisEdit(stored)) return { kind: 'idempotent' };

  // Without a base, an edit whose text is exactly the book's first version is that first push retried after its answer
  // was lost (ids are the device's own UUIDs; its clock may have been clamped then and not now): it is based on the
  // revision it made, so what other devices wrote since is merged, never replaced unseen.
  const firstPushAgain = base?.revision === 1 && !base.deleted && !incoming.deleted && sameBookText(base, incoming);
  const baseRevision = incoming.baseRevision ?? (firstPushAgain ? 1 : undefined);
  if (baseRevision === stored.revision) return { kind: 'accept', updatedAt, reason: 'fast-forward' };
  if (baseRevision !== undefined) {
    // An edit started from another revision never saw the current text: it is merged with it from their common base;
    // when that base is no longer kept, replacing the text silently would lose what the other device wrote, so the
    // writer chooses (the device keeps its text as a conflict copy).
    if (base?.revision !== baseRevision || baseRevision > stored.revision) return { kind: 'conflict' };
    // Inside passages both changed, the later edit wins; on equal clocks the stored one (it reached the server first).
    const newer: Side = updatedAt > stored.updatedAt ? 'incoming' : 'stored';
    const merged = mergeVersions(base, stored, incoming, newer);
    if (merged.kind === 'conflict') return merged;
    return { kind: 'merge', updatedAt: Math.max(updatedAt, stored.updatedAt), baseRevision, version: merged.version, newer, overlaps: merged.overlaps };
  }
  // No base (a seed client, the first push of a book the device never got): the later edit wins.
  if (updatedAt > stored.updatedAt) return { kind: 'accept', updatedAt, reason: 'later-edit' };
  return { kind: 'conflict' };
}

/**
 * Whether the stored copy differs in any field from the entry as the client sent it (before validation trimmed the
 * title or filled defaults, before the sanitiser and the clock clamp): then the client must take the stored copy, or
 * it keeps a version no other device has.
 */
export function storedDiffersFromSent(stored: Omit<StoredVersion, 'revision'>, sent: Record<string, unknown>): boolean {
  const asSent = {
    title: sent.title as string,
    author: (sent.author ?? '') as string,
    content: sent.content as string,
    metadata: sent.metadata ?? {},
  };
  return !(stored.updatedAt === sent.updatedAt && stored.deleted === (sent.deleted ?? false) && sameBookText(stored, asSent));
}
