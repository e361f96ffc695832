// Books: write one (PUT, last-writer-wins), read one, delete (tombstone), the change feed, and kept revisions (a
// listing without text, and one version's exact text).
import Router from '@koa/router';
import { z } from 'zod';
import { BookInput, Cursor, ErrorCode, LIMITS, type ConflictResponse } from '../../shared/protocol.ts';
import { jsonBody } from '../middleware/body.ts';
import { currentUser, writingDevice, type AppContext, type AppState, type DepsWith } from '../context.ts';
import { badRequest, notFound, patchNotApplicable, quotaExceeded } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { presentBook, presentRevision, presentRevisionText } from '../presenters.ts';
import { AnswerBudget } from '../sync/answer-budget.ts';
import { cursorPosition, DEFAULT_PAGE, encodeCursor } from '../sync/cursor.ts';
import { applyBook, deleteBook, storageQuota, type ApplyOutcome } from '../sync/service.ts';
import type { BookStore, StoredBook } from '../store/book-store.ts';
import { parse, parseId } from '../validate.ts';

const ChangesQuery = z.object({
  since: Cursor.optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(DEFAULT_PAGE),
});

const RevisionsQuery = z.object({
  /** The next page: revisions numbered below the last one of the previous page. */
  before: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageMax),
});

const RevisionParam = z.object({ revision: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

function conflictBody(outcome: Extract<ApplyOutcome, { status: 'conflict' }>, clientVersion: unknown): ConflictResponse {
  return {
    success: false,
    conflict: true,
    code: ErrorCode.conflict,
    message: 'Server has a newer version',
    serverVersion: presentBook(outcome.current),
    clientVersion,
  };
}

/** Answers 400, 404, 409 or 413 (quota) for a write that did not land; returns the written book otherwise. */
function writtenBook(ctx: AppContext, outcome: ApplyOutcome, clientVersion: unknown): StoredBook | null {
  if (outcome.status === 'invalid') throw badRequest('Invalid book', outcome.details, outcome.reasons);
  if (outcome.status === 'not_found') throw notFound();
  if (outcome.status === 'resend') throw patchNotApplicable();
  if (outcome.status === 'quota') {
    ctx.status = 413;
    ctx.body = quotaExceeded(outcome.used, outcome.quota);
    return null;
  }
  if (outcome.status === 'conflict') {
    ctx.status = 409;
    ctx.body = conflictBody(outcome, clientVersion);
    return null;
  }
  return outcome.book;
}

export function bookRoutes(deps: DepsWith<BookStore>, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();
  const guarded = [guards.requireUser, guards.userLimit];

  router.put('/api/books/:id', ...guarded, jsonBody({ limit: deps.config.maxPayloadBytes }), async (ctx) => {
    const id = parseId(ctx.params.id);
    const input = parse(BookInput, ctx.request.body, 'Invalid book');
    if (input.id !== id) throw badRequest('Invalid book', { id: ['must match the id in the path'] });
    const outcome = await applyBook(deps.store, currentUser(ctx).id, input, deps.now, deps.sanitizer, storageQuota(deps.config), {
      device: writingDevice(ctx),
    });
    const book = writtenBook(ctx, outcome, ctx.request.body);
    if (book) {
      const { title, author, updatedAt, syncedAt, revision } = book;
      const data = { id, title, author, updatedAt, syncedAt, revision };
      ctx.body =
        outcome.status === 'merged'
          ? { success: true, message: 'Book merged with a newer version', data, merged: { serverVersion: presentBook(book), overlaps: outcome.overlaps } }
          : { success: true, message: 'Book synced successfully', data };
    }
  });

  router.get('/api/books', ...guarded, async (ctx) => {
    const query = parse(ChangesQuery, ctx.query, 'Invalid query');
    const budget = new AnswerBudget(deps.config.answerBudgetBytes);
    const since = cursorPosition(query.since, 'since').seq;
    const page = await deps.store.changesSince(currentUser(ctx).id, since, query.limit, budget.page(true));
    ctx.body = { success: true, data: page.books.map(presentBook), cursor: encodeCursor(page.last), hasMore: page.hasMore };
  });

  router.get('/api/books/:id', ...guarded, async (ctx) => {
    const book = await deps.store.getBook(currentUser(ctx).id, parseId(ctx.params.id));
    if (!book) throw notFound();
    // How a merge made this revision, for the writer to see what it set aside, and who wrote it (the history's newest).
    const extras = { ...(book.merge ? { merge: book.merge } : {}), ...(book.device ? { device: book.device } : {}) };
    ctx.body = { success: true, data: { ...presentBook(book), ...extras } };
  });

  router.delete('/api/books/:id', ...guarded, async (ctx) => {
    const id = parseId(ctx.params.id);
    const outcome = await deleteBook(deps.store, currentUser(ctx).id, id, deps.now, writingDevice(ctx));
    const book = writtenBook(ctx, outcome, { id, deleted: true });
    if (book) ctx.body = { success: true, data: { id, revision: book.revision, deleted: true } };
  });

  router.get('/api/books/:id/revisions', ...guarded, async (ctx) => {
    const id = parseId(ctx.params.id);
    const { before, limit } = parse(RevisionsQuery, ctx.query, 'Invalid query');
    const budget = new AnswerBudget(deps.config.answerBudgetBytes);
    // null for another user's id exactly as for an unknown one: both answer 404.
    const page = await deps.store.listRevisions(currentUser(ctx).id, id, { before, limit, budget: budget.page(true) });
    if (!page) throw notFound();
    ctx.body = { success: true, data: page.revisions.map(presentRevision), hasMore: page.hasMore };
  });

  router.get('/api/books/:id/revisions/:revision', ...guarded, async (ctx) => {
    const id = parseId(ctx.params.id);
    const { revision } = parse(RevisionParam, { revision: ctx.params.revision }, 'Invalid revision');
    // Read back through its chain of patches and hash-checked; null (404) for another user's book as for an unknown one.
    const kept = await deps.store.getRevision(currentUser(ctx).id, id, { revision });
    if (!kept) throw notFound();
    ctx.body = { success: true, data: presentRevisionText(kept) };
  });

  return router;
}
