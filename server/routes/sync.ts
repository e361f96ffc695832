// POST /api/sync: a whole sync cycle in one request — push every change (each judged on its own, written together),
// then pull a page.
import Router from '@koa/router';
import { BookInput, fieldErrors, SyncRequest, type SyncResult } from '../../shared/protocol.ts';
import { currentUser, type AppDeps, type AppState } from '../context.ts';
import type { Guards } from '../guards.ts';
import { presentBook } from '../presenters.ts';
import { cursorPosition, DEFAULT_PAGE, encodeCursor } from '../sync/cursor.ts';
import { applyBooks } from '../sync/service.ts';
import { parse } from '../validate.ts';

function entryId(entry: unknown): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 100) : '';
}

export function syncRoutes(deps: AppDeps, guards: Guards): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/sync', guards.requireUser, guards.userLimit, async (ctx) => {
    const request = parse(SyncRequest, ctx.request.body, 'Invalid sync request');
    const since = cursorPosition(request.cursor, 'cursor');
    const owner = currentUser(ctx).id;

    // Each entry is judged on its own: an invalid one is answered as such and the valid ones are applied, in order
    // (a batch may hold several edits of one book, and later ones must see earlier ones).
    const results = new Array<SyncResult>(request.changes.length);
    const valid: Array<{ index: number; input: BookInput }> = [];
    request.changes.forEach((entry, index) => {
      const parsed = BookInput.safeParse(entry);
      if (parsed.success) valid.push({ index, input: parsed.data });
      else results[index] = { id: entryId(entry), status: 'invalid', error: 'Invalid book', details: fieldErrors(parsed.error) };
    });
    const outcomes = await applyBooks(deps.store, owner, valid.map((v) => v.input), deps.now, deps.sanitizer);
    outcomes.forEach((outcome, k) => {
      const { index, input } = valid[k]!;
      const id = input.id;
      if (outcome.status === 'ok') {
        const result: SyncResult = { id, status: 'ok', revision: outcome.book.revision, syncedAt: outcome.book.syncedAt };
        // The sanitiser may store a different spelling of the same text (<br> as <br />, &nbsp; as U+00A0): hand it
        // back, or the writing device keeps bytes no other device has (found by extension/lib/sync/convergence.test.ts).
        if (outcome.book.content !== input.content) result.serverVersion = presentBook(outcome.book);
        results[index] = result;
      } else if (outcome.status === 'invalid') {
        results[index] = { id, status: 'invalid', error: 'Invalid book', details: outcome.details };
      } else if (outcome.status === 'conflict') {
        results[index] = { id, status: 'conflict', revision: outcome.current.revision, serverVersion: presentBook(outcome.current) };
      } else {
        results[index] = { id, status: 'not_found', error: 'Book not found' };
      }
    });

    const page = await deps.store.changesSince(owner, since, request.limit ?? DEFAULT_PAGE);
    ctx.body = {
      success: true,
      results,
      changes: page.books.map(presentBook),
      cursor: encodeCursor(page.last),
      hasMore: page.hasMore,
    };
  });
  return router;
}
