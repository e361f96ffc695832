// Pure decisions of the sync engine: what becomes of the local copy of a book after the server answered for it, or
// when a change arrives from the server. No text is ever dropped: a losing local version becomes a conflict copy.
import { sameBookText } from '../../../shared/book-text.ts';
import type { BookInput, ServerBook } from '../../../shared/protocol.ts';
import { conflictCopyOf, versionMark } from '../books/db.ts';
import { withCounts, type ConflictCopy, type LocalBook, type SyncIssue } from './ports.ts';

export type Outcome =
  | 'synced' // the server has exactly the local copy now
  | 'synced-edited' // the server accepted what was sent, but the book was edited meanwhile: stays dirty
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
}

/** The same version: same edit time, deletion state and text. */
export function sameVersion(a: LocalBook, b: LocalBook): boolean {
  return a.updatedAt === b.updatedAt && a.deleted === b.deleted && sameBookText(a, b);
}

/** What is sent for a dirty book: its text plus the revision it was based on. */
export function toBookInput(book: LocalBook): BookInput {
  return {
    id: book.id,
    title: book.title,
    author: book.author,
    // A tombstone carries no content: no screen shows it, and a book the server refused (too large, markup over the
    // limits) must still be deletable. The server keeps the text it replaces among the book's revisions.
    content: book.deleted ? '' : book.content,
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
