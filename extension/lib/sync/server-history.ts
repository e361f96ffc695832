// The server's history of a book on this device: its kept earlier versions listed (newest first, no text) and one
// version's exact text, read by the background (which holds the token) for the history view.
import type { BookRevision, RevisionSummary } from '../../../shared/protocol.ts';
import { t } from '../i18n.ts';
import { sendToBackground } from '../messaging.ts';
import { serverErrorText } from '../server-errors.ts';
import type { AccountService } from './account.ts';
import { TransportError } from './transport-error.ts';
import type { Transport } from './transport.ts';

export type ServerHistoryRequest = { action: 'list'; bookId: string; before?: number } | { action: 'get'; bookId: string; revision: number };

/** Errors travel as data: runtime messages carry JSON, not Error objects. `signedIn: false`: no server history here. */
export type ServerHistoryAnswer =
  | { ok: true; signedIn: false }
  | { ok: true; signedIn: true; versions: RevisionSummary[]; hasMore: boolean }
  | { ok: true; signedIn: true; version: BookRevision | null }
  | { ok: false; message: string };

/** Background side: a page of the book's kept versions, or one version with its text (null once no longer kept). */
export async function answerServerHistory(
  deps: { transport: Pick<Transport, 'listRevisions' | 'getRevision'>; account: Pick<AccountService, 'current'> },
  request: ServerHistoryRequest,
): Promise<ServerHistoryAnswer> {
  let serverUrl = '';
  try {
    const account = await deps.account.current();
    if (!account) return { ok: true, signedIn: false };
    serverUrl = account.serverUrl;
    if (request.action === 'get') {
      const version = await deps.transport.getRevision(account.serverUrl, account.token, request.bookId, request.revision);
      return { ok: true, signedIn: true, version };
    }
    try {
      const page = await deps.transport.listRevisions(account.serverUrl, account.token, request.bookId, request.before);
      return { ok: true, signedIn: true, versions: page.data, hasMore: page.hasMore };
    } catch (error) {
      // A book the server does not know yet (never synced) has no server history: an empty one, not an error.
      if (error instanceof TransportError && error.kind === 'not_found') return { ok: true, signedIn: true, versions: [], hasMore: false };
      throw error;
    }
  } catch (error) {
    return { ok: false, message: failureText(error, serverUrl) };
  }
}

/** A failure in the writer's language: no answer at all, or the server's refusal by its code. */
function failureText(error: unknown, serverUrl: string): string {
  if (error instanceof TransportError) return error.kind === 'network' ? t('serverUnreachable', serverUrl) : serverErrorText(error);
  return error instanceof Error ? error.message : String(error);
}

async function ask(request: ServerHistoryRequest): Promise<ServerHistoryAnswer & { ok: true }> {
  const answer = await sendToBackground('server-history', request);
  if (!answer) throw new Error(t('extensionRestarting'));
  if (!answer.ok) throw new Error(answer.message);
  return answer;
}

/** Page side: a page of the server's history of a book; null when signed out (no server history on this device). */
export async function listServerVersions(bookId: string, before?: number): Promise<{ versions: RevisionSummary[]; hasMore: boolean } | null> {
  const answer = await ask(before === undefined ? { action: 'list', bookId } : { action: 'list', bookId, before });
  if (!answer.signedIn) return null;
  return 'versions' in answer ? { versions: answer.versions, hasMore: answer.hasMore } : { versions: [], hasMore: false };
}

/** Page side: one kept version with its text; null when signed out or no longer kept. */
export async function getServerVersion(bookId: string, revision: number): Promise<BookRevision | null> {
  const answer = await ask({ action: 'get', bookId, revision });
  return answer.signedIn && 'version' in answer ? answer.version : null;
}
