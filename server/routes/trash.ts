// The trash: the owner's deleted books whose text is still kept (listed, read, restored, deleted forever), purged after
// the retention.
import Router from '@koa/router';
import type { TrashedBook } from '../../shared/protocol.ts';
import { currentUser, type AppContext, type AppState, type DepsWith } from '../context.ts';
import { ErrorCode } from '../../shared/error-codes.ts';
import { ApiError, badRequest, notFound, quotaExceeded } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { presentBook } from '../presenters.ts';
import { applyBook, storageQuota } from '../sync/service.ts';
import type { TrashPurge } from '../sync/trash-purge.ts';
import type { BookStore, StoredBook } from '../store/book-store.ts';
import { parseId } from '../validate.ts';

/** A tombstone in the trash as the API shows it; with its text when `withText`. */
function presentTrashed(book: StoredBook & { trashed: NonNullable<StoredBook['trashed']> }, retentionMs: number, withText: boolean): TrashedBook {
  const { title, author, updatedAt, content, metadata } = book.trashed;
  return {
    id: book.id,
    title,
    author,
    updatedAt,
    deletedAt: book.syncedAt,
    purgeAt: book.syncedAt + retentionMs,
    revision: book.revision,
    ...(withText ? { content, metadata } : {}),
  };
}

export function trashRoutes(deps: DepsWith<BookStore>, guards: Guards, purge: TrashPurge): Router<AppState> {
  const router = new Router<AppState>();
  const guarded = [guards.requireUser, guards.userLimit];
  const retentionMs = deps.config.trashRetentionMs;

  /** The owner's trash as of now, the text of books past the retention purged first (so it never comes back). */
  async function currentTrash(owner: string): Promise<StoredBook[]> {
    return deps.store.listTrash(owner, await purge.now(owner));
  }

  /** The owner's trashed book `id`, or 404 (unknown, another owner's, live, or purged). */
  async function trashed(ctx: AppContext) {
    const id = parseId(ctx.params.id);
    const owner = currentUser(ctx).id;
    const book = await deps.store.getBook(owner, id);
    if (!book?.deleted || !book.trashed || book.syncedAt <= deps.now() - retentionMs) throw notFound();
    return { owner, book: book as StoredBook & { trashed: NonNullable<StoredBook['trashed']> } };
  }

  router.get('/api/trash', ...guarded, async (ctx) => {
    const books = await currentTrash(currentUser(ctx).id);
    ctx.body = { success: true, data: books.map((b) => presentTrashed(b as Parameters<typeof presentTrashed>[0], retentionMs, false)) };
  });

  router.get('/api/trash/:id', ...guarded, async (ctx) => {
    const { book } = await trashed(ctx);
    ctx.body = { success: true, data: presentTrashed(book, retentionMs, true) };
  });

  // Delete forever: the kept text goes now (the tombstone stays, so devices still learn of the deletion).
  router.delete('/api/trash/:id', ...guarded, async (ctx) => {
    const { owner, book } = await trashed(ctx);
    await deps.store.purgeTrash(owner, Number.MAX_SAFE_INTEGER, [book.id]);
    ctx.body = { success: true, data: { id: book.id } };
  });

  router.delete('/api/trash', ...guarded, async (ctx) => {
    const purged = await deps.store.purgeTrash(currentUser(ctx).id, Number.MAX_SAFE_INTEGER);
    ctx.body = { success: true, data: { purged } };
  });

  // A restore is a new edit on top of the tombstone, through the normal write rules (sanitiser, quota, compare-and-set).
  router.post('/api/trash/:id/restore', ...guarded, async (ctx) => {
    const { owner, book } = await trashed(ctx);
    const { title, author, content, metadata } = book.trashed;
    const input = {
      id: book.id,
      title,
      author,
      content,
      metadata,
      updatedAt: Math.max(deps.now(), book.updatedAt + 1),
      baseRevision: book.revision,
      deleted: false,
    };
    const outcome = await applyBook(deps.store, owner, input, deps.now, deps.sanitizer, storageQuota(deps.config));
    switch (outcome.status) {
      case 'ok':
      case 'merged':
        ctx.body = { success: true, data: presentBook(outcome.book) };
        return;
      case 'quota':
        ctx.status = 413;
        ctx.body = quotaExceeded(outcome.used, outcome.quota);
        return;
      case 'invalid':
        throw badRequest('Invalid book', outcome.details, outcome.reasons);
      case 'conflict':
        // Written meanwhile (restored or deleted again on a device): read the trash again.
        throw new ApiError(409, ErrorCode.conflict, 'The book changed while it was being restored');
      default:
        throw notFound();
    }
  });

  return router;
}
