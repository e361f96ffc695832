// Pure decisions of the sync engine: what becomes of the local copy of a book after the server answered for it, or
// when a change arrives from the server. No text is ever dropped: a losing local version becomes a conflict copy.
import { sameBookText } from '../../../shared/book-text.ts';
import { mergeVersions } from '../../../shared/manuscript/three-way.ts';
import type { BookInput, ManuscriptPatch, MergeOverlap, ServerBook } from '../../../shared/protocol.ts';
import { conflictCopyOf, versionMark } from '../books/db.ts';
import { countHtml } from '../books/words.ts';
import { withCounts, type ConflictCopy, type LocalBook, type MergeOverlapRecord, type SyncBase, type SyncIssue } from './ports.ts';

export type Outcome =
  | 'synced' // the server has exactly the local copy now
  | 'synced-edited' // the server accepted what was sent, but the book was edited meanwhile: stays dirty
  | 'merged' // the server merged what was sent with another device's edits: the local copy is the merged text
  | 'merged-edited' // merged, and the book was edited meanwhile: those edits are merged on top and stay dirty
  | 'resend' // the server could not apply the patch: the book goes again with whole content
  | 'conflict' // the server version won; the local version is a conflict copy
  | 'rebased' // the server held this device's own earlier version (a lost answer): the edits go on top, stay dirty
  | 'refused' // marked with a sync issue
  | 'moved' // the id belongs to someone else on the server; the book was given a new id
  | 'applied' // a pulled change replaced or created the local copy
  | 'deleted' // a pulled tombstone removed a clean local copy
  | 'kept-local' // a pulled change was not applied over unsent local edits
  | 'unchanged';

export interface LocalDecision {
  outcome: Outcome;
  put?: LocalBook;
  remove?: string;
  conflictCopy?: ConflictCopy;
  /** The book's new base (see withBase). */
  base?: SyncBase;
  /** The book whose base is dropped (its next push carries whole content). */
  dropBase?: string;
  /** Passages a merge settled (recorded for the writer to review). */
  overlaps?: MergeOverlapRecord[];
}

/** The same words: title, author, content and metadata, apart from the counts derived from the text. */
function sameWords(a: LocalBook, b: ServerBook): boolean {
  const written = ({ wordCount: _w, charCount: _c, ...rest }: Record<string, unknown>) => rest;
  return sameBookText({ ...a, metadata: written(a.metadata) }, { ...b, metadata: written(b.metadata) });
}

/** The same version: same edit time, deletion state and text. */
export function sameVersion(a: LocalBook, b: LocalBook): boolean {
  return a.updatedAt === b.updatedAt && a.deleted === b.deleted && sameBookText(a, b);
}

/**
 * What is sent for a dirty book: its text (whole, or as `patch` from the text of its revision) plus the revision it
 * was based on.
 */
export function toBookInput(book: LocalBook, patch?: ManuscriptPatch): BookInput {
  return {
    id: book.id,
    title: book.title,
    author: book.author,
    // A tombstone carries no content: no screen shows it, and a book the server refused (too large, markup over the
    // limits) must still be deletable. The server keeps the text it replaces among the book's revisions.
    ...(patch && !book.deleted ? { patch } : { content: book.deleted ? '' : book.content }),
    metadata: book.metadata as BookInput['metadata'],
    updatedAt: book.updatedAt,
    ...(book.revision !== null ? { baseRevision: book.revision } : {}),
    ...(book.deleted ? { deleted: true } : {}),
  };
}

/** True when a dirty book should be sent: not held back by an issue recorded after its last edit. */
export function shouldSend(book: LocalBook): boolean {
  return book.dirty === 1 && !(book.syncIssue && book.syncIssue.at >= book.updatedAt);
}

export function fromServer(server: ServerBook): LocalBook {
  return {
    id: server.id,
    title: server.title,
    author: server.author,
    content: server.content,
    metadata: withCounts(server.metadata, server.content),
    createdAt: server.createdAt,
    updatedAt: server.updatedAt,
    dirty: 0,
    revision: server.revision,
    syncedAt: server.syncedAt,
    deleted: 0,
    syncIssue: null,
  };
}

/** The server accepted `sent` as `revision`; `stored` is its copy when it stored the content differently (sanitised). */
export function afterAccepted(
  current: LocalBook | undefined,
  sent: LocalBook,
  revision: number,
  syncedAt: number,
  now: number,
  stored?: ServerBook,
): LocalDecision {
  if (!current) {
    // Deleted outright while its first upload was in flight: the server has it now, so the deletion must follow.
    return {
      outcome: 'synced-edited',
      put: { ...sent, revision, syncedAt, deleted: 1, dirty: 1, updatedAt: Math.max(now, sent.updatedAt + 1), syncIssue: null },
    };
  }
  if (sameVersion(current, sent)) {
    if (current.deleted) return { outcome: 'synced', remove: current.id };
    // Take the server's version (its spelling of the text, a trimmed title, a clamped edit time), so this device holds
    // the same bytes as every device that pulls it.
    const kept = stored && !stored.deleted ? fromServer(stored) : current;
    return { outcome: 'synced', put: { ...current, ...kept, revision, syncedAt, dirty: 0, syncIssue: null } };
  }
  // Edited while in flight: the new text was written on top of what the server now holds as `revision`,
  // so it is based on that revision and stays dirty for the next cycle.
  return { outcome: 'synced-edited', put: { ...current, revision, syncedAt } };
}

/** The server kept its own version (`server`) instead of `sent`. Server wins; the local text is kept aside. */
export function afterConflict(
  current: LocalBook | undefined,
  sent: LocalBook,
  server: ServerBook,
  now: number,
  newId: () => string,
): LocalDecision {
  if (current && !server.deleted && current.ownVersions?.includes(versionMark(server))) {
    // The server holds an earlier version of this device's own (the answer to it was lost): no other writer's text is
    // at stake, so the local edits go on top of it, as if that answer had arrived.
    return { outcome: 'rebased', put: { ...current, revision: server.revision, syncedAt: server.syncedAt } };
  }
  // The newest local text: the current copy (which includes any edit made in flight), or what was sent.
  const local = current ?? sent;
  const decision: LocalDecision = server.deleted
    ? { outcome: 'conflict', remove: sent.id }
    : { outcome: 'conflict', put: fromServer(server) };
  // A local deletion that lost has no text to keep; identical text is not a real conflict.
  const lost = !local.deleted && (server.deleted || !sameBookText(local, server));
  if (lost) decision.conflictCopy = conflictCopyOf(local, { id: newId(), createdAt: now, serverRevision: server.revision });
  return decision;
}

/** The server (or local validation) refused the book; keep its text and hold it back until it is edited. */
export function afterRefused(current: LocalBook | undefined, sent: LocalBook, issue: SyncIssue): LocalDecision {
  // An edit made in flight is a new version: it gets its own chance instead of inheriting the issue.
  if (!current || !sameVersion(current, sent)) return { outcome: 'unchanged' };
  return { outcome: 'refused', put: { ...current, syncIssue: issue } };
}

/** The id is unknown to this account on the server because another account owns it: give the book a new id. */
export function afterNotFound(current: LocalBook | undefined, sent: LocalBook, newId: () => string): LocalDecision {
  const local = current ?? sent;
  if (local.deleted) return { outcome: 'synced', remove: sent.id };
  return {
    outcome: 'moved',
    remove: sent.id,
    put: { ...local, id: newId(), revision: null, syncedAt: null, dirty: 1, syncIssue: null },
  };
}

/** A change pulled from the server. Unsent local edits are never overwritten: the next push settles them. */
export function onPulled(current: LocalBook | undefined, server: ServerBook): LocalDecision {
  if (!current) return server.deleted ? { outcome: 'unchanged' } : { outcome: 'applied', put: fromServer(server) };
  if (current.revision !== null && server.revision <= current.revision) return { outcome: 'unchanged' };
  if (current.dirty) return { outcome: 'kept-local' };
  if (server.deleted) return { outcome: 'deleted', remove: current.id };
  return { outcome: 'applied', put: fromServer(server) };
}

/**
 * The base a decision leaves. `agreed` is the text the server holds at the revision the answer or pull was about;
 * it becomes the base of a book that is now based on that revision. A book removed loses its base; a book on any
 * other revision (moved, kept-local, refused) keeps the base it had.
 */
export function withBase(decision: LocalDecision, agreed: SyncBase | undefined): LocalDecision {
  const { put, remove } = decision;
  if (put && agreed && put.id === agreed.bookId && put.revision === agreed.revision) return { ...decision, base: agreed };
  if (remove && put?.id !== remove) return { ...decision, dropBase: remove };
  return decision;
}

/** The server could not apply the patch sent (it no longer keeps that base, or the hashes differ): drop the base. */
export function afterResend(sent: LocalBook): LocalDecision {
  return { outcome: 'resend', dropBase: sent.id };
}

/**
 * The server merged `sent` with edits another device made since its base: `merged` is the book as stored at the
 * merged revision. An edit made here while the request was in flight is merged again on top (it is the newest edit),
 * so neither it nor the other device's changes are lost; passages both changed are recorded.
 */
export function afterMerged(
  current: LocalBook | undefined,
  sent: LocalBook,
  merged: ServerBook,
  overlaps: MergeOverlap[],
  context: { now: number; newId: () => string },
): LocalDecision {
  const { now, newId } = context;
  const record = (o: MergeOverlap | Omit<MergeOverlap, 'keptSide'>, keptHere: boolean): MergeOverlapRecord => ({
    id: newId(),
    bookId: sent.id,
    revision: merged.revision,
    at: now,
    base: o.base,
    kept: o.kept,
    lost: o.lost,
    keptSide: keptHere ? 'this-device' : 'other-device',
    ...(o.before !== undefined ? { before: o.before } : {}),
    ...(o.after !== undefined ? { after: o.after } : {}),
  });
  const fromServer = overlaps.map((o) => record(o, o.keptSide === 'incoming'));
  const withOverlaps = (decision: LocalDecision): LocalDecision =>
    fromServer.length || decision.overlaps?.length
      ? { ...decision, overlaps: [...fromServer, ...(decision.overlaps ?? [])] }
      : decision;
  if ((!current || current.deleted) && !sent.deleted && !sameWords(sent, merged)) {
    // Deleted here while the push was in flight, and the merge brought in words of another device this one never
    // showed its writer: the deletion stays based on what the writer saw, so the server weighs it against those edits
    // (a deletion removes no words its writer did not see; the book comes back with them).
    const tombstone: LocalBook = { ...(current ?? sent), deleted: 1, dirty: 1, syncIssue: null };
    if (!current) tombstone.updatedAt = Math.max(now, sent.updatedAt + 1);
    return withOverlaps({ outcome: 'merged-edited', put: tombstone });
  }
  if (!current || current.deleted || merged.deleted || sameVersion(current, sent)) {
    // Unedited (or deleted) meanwhile: the same as an accepted write whose stored copy is the merged text.
    const accepted = afterAccepted(current, sent, merged.revision, merged.syncedAt, now, merged);
    return withOverlaps({ ...accepted, outcome: accepted.outcome === 'synced' ? 'merged' : accepted.outcome });
  }
  // Base: what was sent. Stored: the merge. Incoming: this device's newer edit, which wins where both changed the same
  // passage or field; what the merge had there is set aside, never replaced unseen (the push that follows is based on
  // the merged revision, so the server would take it as it is).
  const version = (b: LocalBook | ServerBook) => ({ title: b.title, author: b.author, content: b.content, metadata: b.metadata as ServerBook['metadata'], deleted: false });
  const result = mergeVersions(version(sent), version(merged), version(current), 'incoming');
  if (result.kind !== 'merged') throw new Error('a merge of two live versions is always a merge');
  const { title, author, content, metadata } = result.version;
  const put: LocalBook = {
    ...current,
    title,
    author,
    content,
    metadata: { ...(metadata as LocalBook['metadata']), ...countHtml(content) },
    revision: merged.revision,
    syncedAt: merged.syncedAt,
    dirty: 1,
  };
  return withOverlaps({ outcome: 'merged-edited', put, overlaps: result.overlaps.map((o) => record(o, true)) });
}
