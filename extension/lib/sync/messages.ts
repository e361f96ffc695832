// The runtime messages between extension pages and the background, and the page-side senders: sync requests, and
// the account actions pages ask the background to carry out (it holds the one HTTP client, so pages never load it).
import { browser } from 'wxt/browser';
import type { AccountService, Credentials } from './account.ts';
import { TransportError, type TransportErrorKind } from './transport-error.ts';

export type SyncMessage =
  /** Local books changed (a save, a delete, a conflict choice): sync soon. */
  | { type: 'books-changed' }
  /** The user asked for a sync (clicking the status, or after signing in): sync now, past any error backoff. */
  | { type: 'sync-now' };

export function isSyncMessage(value: unknown): value is SyncMessage {
  const type = (value as { type?: unknown } | null)?.type;
  return type === 'books-changed' || type === 'sync-now';
}

function send(message: SyncMessage): void {
  // Sending wakes a sleeping background worker. It fails only when no background is listening (e.g. during an
  // extension update); the 30 s alarm then picks the change up, so the failure is not worth surfacing.
  void browser.runtime.sendMessage(message).catch(() => undefined);
}

/** Tells the background that local books changed, so it syncs within a couple of seconds. */
export function notifyBooksChanged(): void {
  send({ type: 'books-changed' });
}

export function requestSyncNow(): void {
  send({ type: 'sync-now' });
}

type SignOutResult = Awaited<ReturnType<AccountService['signOut']>>;
type SignOutEverywhereResult = Awaited<ReturnType<AccountService['signOutEverywhere']>>;

/** What the settings page can do with the account; the device token never leaves the background. */
export interface AccountActions {
  signIn(credentials: Credentials): Promise<void>;
  createAccount(credentials: Credentials): Promise<void>;
  signOut(): Promise<SignOutResult>;
  /** Signs every device and session of the account out, this one included. */
  signOutEverywhere(): Promise<SignOutEverywhereResult>;
}

export type AccountMessage =
  | { type: 'account'; action: 'signIn' | 'createAccount'; credentials: Credentials }
  | { type: 'account'; action: 'signOut' | 'signOutEverywhere' };

/** Errors travel as data: runtime messages carry JSON, not Error objects. */
type AccountAnswer =
  | { ok: true; value?: SignOutResult | SignOutEverywhereResult }
  | { ok: false; message: string; kind?: TransportErrorKind; extra?: TransportError['extra'] };

export function isAccountMessage(value: unknown): value is AccountMessage {
  const message = value as Partial<AccountMessage> | null;
  if (message?.type !== 'account') return false;
  if (message.action === 'signOut' || message.action === 'signOutEverywhere') return true;
  const credentials = (message as { credentials?: Partial<Record<keyof Credentials, unknown>> }).credentials;
  return (
    (message.action === 'signIn' || message.action === 'createAccount') &&
    typeof credentials?.serverUrl === 'string' &&
    typeof credentials.email === 'string' &&
    typeof credentials.password === 'string'
  );
}

/** Background side: carries out an account message with the background's account service. */
export async function answerAccountMessage(
  account: Pick<AccountService, 'signIn' | 'createAccount' | 'signOut' | 'signOutEverywhere'>,
  message: AccountMessage,
): Promise<AccountAnswer> {
  try {
    if (message.action === 'signOut') return { ok: true, value: await account.signOut() };
    if (message.action === 'signOutEverywhere') return { ok: true, value: await account.signOutEverywhere() };
    await account[message.action]((message as Extract<AccountMessage, { credentials: Credentials }>).credentials);
    return { ok: true };
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, message: error.message, kind: error.kind, extra: error.extra };
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function ask(message: AccountMessage): Promise<SignOutResult | SignOutEverywhereResult | undefined> {
  // No answer, or no background listening at all: only while the extension is being updated or reloaded.
  const restarting = new Error('The extension is restarting; try again in a moment');
  const answer = (await browser.runtime.sendMessage(message).catch(() => undefined)) as AccountAnswer | undefined;
  if (!answer) throw restarting;
  if (answer.ok) return answer.value;
  throw answer.kind ? new TransportError(answer.kind, answer.message, answer.extra) : new Error(answer.message);
}

/** Page side: account actions carried out by the background. */
export function backgroundAccountActions(): AccountActions {
  return {
    async signIn(credentials) {
      await ask({ type: 'account', action: 'signIn', credentials });
    },
    async createAccount(credentials) {
      await ask({ type: 'account', action: 'createAccount', credentials });
    },
    async signOut() {
      return ((await ask({ type: 'account', action: 'signOut' })) as SignOutResult | undefined) ?? { revoked: true };
    },
    async signOutEverywhere() {
      const revoked = (await ask({ type: 'account', action: 'signOutEverywhere' })) as SignOutEverywhereResult | undefined;
      return revoked ?? { sessions: 0, tokens: 0 };
    },
  };
}
