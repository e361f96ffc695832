// POST /api/sync: a whole sync cycle in one request — push every change (each judged on its own, written together),
// then pull a page.
import Router from '@koa/router';
import { BookInput, ErrorCode, type BookChange, fieldErrors, fieldReasons, SyncRequest, type FieldReason, type SyncResult } from '../../shared/protocol.ts';
import { currentUser, writingDevice, type AppState, type DepsWith } from '../context.ts';
import { quotaExceeded } from '../errors.ts';
import type { Guards } from '../guards.ts';
import { jsonBody } from '../middleware/body.ts';
import { presentBook } from '../presenters.ts';
import { bookSize } from '../store/paging.ts';
import type { BookStore, StoredBook } from '../store/book-store.ts';
import { AnswerBudget } from '../sync/answer-budget.ts';
import { cursorPosition, DEFAULT_PAGE, encodeCursor } from '../sync/cursor.ts';
import { storedDiffersFromSent } from '../sync/rules.ts';
import { presentChange, presentFeed } from '../sync/patch-answers.ts';
import { applyBooks, storageQuota } from '../sync/service.ts';
import type { TrashPurge } from '../sync/trash-purge.ts';
import { parse } from '../validate.ts';

const SERVER_VERSION_KEY_BYTES = ',"serverVersion":'.length;
/** Room for `,"serverVersionOmitted":true` and the comma between results, counted for every result. */
const OMITTED_BYTES = ',"serverVersionOmitted":true'.length + 1;

function invalidBook(details: Record<string, string[]>, reasons: Record<string, FieldReason>) {
  return { code: ErrorCode.invalidRequest, error: 'Invalid book', details, reasons };
}

function entryId(entry: unknown): string {
  const id = (entry as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id.slice(0, 100) : '';
}

export function syncRoutes(deps: DepsWith<BookStore>, guards: Guards, trashPurge?: TrashPurge): Router<AppState> {
  const router = new Router<AppState>();
  router.post('/api/sync', guards.requireUser, guards.userLimit, jsonBody({ limit: deps.config.maxPayloadBytes }), async (ctx) => {
    const request = parse(SyncRequest, ctx.request.body, 'Invalid sync request');
    const since = cursorPosition(request.cursor, 'cursor');
    const owner = currentUser(ctx).id;
    // Books past the trash retention leave the owner's quota even if nobody opens the trash.
    await trashPurge?.whenDue(owner);

    // Each entry is judged on its own: an invalid one is answered as such and the valid ones are applied, in order
    // (a batch may hold several edits of one book, and later ones must see earlier ones).
    const results = new Array<SyncResult>(request.changes.length);
    const valid: Array<{ index: number; input: BookInput }> = [];
    request.changes.forEach((entry, index) => {
      const parsed = BookInput.safeParse(entry);
      if (parsed.success) valid.push({ index, input: parsed.data });
      else results[index] = { id: entryId(entry), status: 'invalid', ...invalidBook(fieldErrors(parsed.error), fieldReasons(parsed.error)) };
    });
    // Only a client that reads Sync v2 answers (it says so with `patches`, or sends patches) gets `merged` results.
    const outcomes = await applyBooks(deps.store, owner, valid.map((v) => v.input), deps.now, deps.sanitizer, storageQuota(deps.config), {
      mergeWholeContent: request.patches === true,
      device: writingDevice(ctx),
    });
    // serverVersions the device needs: `from` is the text it sent, which a patch answer starts from.
    const wanted: Array<{ index: number; book: StoredBook; from: string | null }> = [];
    const answered = new Map<string, { revision: number; text: string }>();
    outcomes.forEach((outcome, k) => {
      const { index, input } = valid[k]!;
      const id = input.id;
      if (outcome.status === 'ok') {
        results[index] = { id, status: 'ok', revision: outcome.book.revision, syncedAt: outcome.book.syncedAt };
        // The sanitiser may store a different spelling of the same text (<br> as <br />, &nbsp; as U+00A0), validation
        // trims the title, a clock far ahead is clamped: hand the stored copy back, or the writing device keeps bytes no
        // other device has (found by extension/lib/sync/convergence.test.ts).
        const sent = { ...(request.changes[index] as Record<string, unknown>), content: outcome.sent };
        if (storedDiffersFromSent(outcome.book, sent)) wanted.push({ index, book: outcome.book, from: outcome.sent });
        answered.set(id, { revision: outcome.book.revision, text: outcome.book.content });
      } else if (outcome.status === 'merged') {
        const { book, overlaps } = outcome;
        results[index] = { id, status: 'merged', revision: book.revision, syncedAt: book.syncedAt, overlaps };
        wanted.push({ index, book, from: outcome.sent });
        answered.set(id, { revision: book.revision, text: book.content });
      } else if (outcome.status === 'invalid') {
        results[index] = { id, status: 'invalid', ...invalidBook(outcome.details, outcome.reasons) };
      } else if (outcome.status === 'conflict') {
        results[index] = { id, status: 'conflict', revision: outcome.current.revision };
        wanted.push({ index, book: outcome.current, from: null });
      } else if (outcome.status === 'resend') {
        results[index] = { id, status: 'resend', code: ErrorCode.patchNotApplicable };
      } else if (outcome.status === 'quota') {
        const { error, code } = quotaExceeded(outcome.used, outcome.quota);
        results[index] = { id, status: 'invalid', error, code };
      } else {
        results[index] = { id, status: 'not_found', code: ErrorCode.notFound, error: 'Book not found' };
      }
    });

    // Results and changes share one byte budget. Every result line counts; a serverVersion only while it fits (in
    // request order); later ones are marked serverVersionOmitted and the client reads them with GET /api/books/:id.
    const budget = new AnswerBudget(deps.config.answerBudgetBytes);
    for (const result of results) budget.spend(Buffer.byteLength(JSON.stringify(result)) + OMITTED_BYTES);
    for (const { index, book, from } of wanted) {
      const version: BookChange = request.patches && from !== null ? await presentChange(book, { text: from }) : presentBook(book);
      const bytes = version.patch ? Buffer.byteLength(JSON.stringify(version)) : bookSize(book);
      if (budget.take(bytes + SERVER_VERSION_KEY_BYTES)) results[index]!.serverVersion = version;
      else results[index]!.serverVersionOmitted = true;
    }
    // A pure pull (no serverVersion wanted) always makes progress; otherwise the changes get what is left, possibly
    // nothing (then hasMore is true and the client, which keeps asking while hasMore, gets them next time).
    const readAt = deps.now();
    const page = await deps.store.changesSince(owner, since.seq, request.limit ?? DEFAULT_PAGE, budget.page(wanted.length === 0));
    const changes = request.patches
      ? await presentFeed(deps.store, owner, page.books, { answered, cursorIssuedAt: since.issuedAt })
      : page.books.map(presentBook);
    ctx.body = {
      success: true,
      results,
      changes,
      // A client reading patches gets cursors that also say when they were issued (see presentFeed).
      cursor: request.patches ? encodeCursor(page.last, readAt) : encodeCursor(page.last),
      hasMore: page.hasMore,
    };
  });
  return router;
}
