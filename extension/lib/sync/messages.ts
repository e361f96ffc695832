// What pages ask the background about sync (see ../messaging.ts for the protocol): sync requests, and the account
// actions the background carries out (it holds the one HTTP client and the token, so pages never load either).
import { t } from '../i18n.ts';
import { sendToBackground } from '../messaging.ts';
import type { AccountService, Credentials } from './account.ts';
import { TransportError, type TransportErrorKind } from './transport-error.ts';

/** Tells the background that local books changed, so it syncs within a couple of seconds. */
export function notifyBooksChanged(): void {
  // It fails only when no background is listening (an extension update); the 30 s alarm then picks the change up.
  void sendToBackground('books-changed');
}

export function requestSyncNow(): void {
  void sendToBackground('sync-now');
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

export type AccountRequest =
  | { action: 'signIn' | 'createAccount'; credentials: Credentials }
  | { action: 'signOut' | 'signOutEverywhere' };

/** Errors travel as data: runtime messages carry JSON, not Error objects. */
export type AccountAnswer =
  | { ok: true; value?: SignOutResult | SignOutEverywhereResult }
  | { ok: false; message: string; kind?: TransportErrorKind; extra?: TransportError['extra'] };

function hasCredentials(request: AccountRequest): request is Extract<AccountRequest, { credentials: Credentials }> {
  const credentials = (request as { credentials?: Partial<Record<keyof Credentials, unknown>> }).credentials;
  return (
    typeof credentials?.serverUrl === 'string' && typeof credentials.email === 'string' && typeof credentials.password === 'string'
  );
}

/** Background side: carries out an account request with the background's account service. */
export async function answerAccountRequest(
  account: Pick<AccountService, 'signIn' | 'createAccount' | 'signOut' | 'signOutEverywhere'>,
  request: AccountRequest,
): Promise<AccountAnswer> {
  try {
    if (request.action === 'signOut') return { ok: true, value: await account.signOut() };
    if (request.action === 'signOutEverywhere') return { ok: true, value: await account.signOutEverywhere() };
    if (!hasCredentials(request)) return { ok: false, message: 'Malformed account request' };
    await account[request.action](request.credentials);
    return { ok: true };
  } catch (error) {
    if (error instanceof TransportError) return { ok: false, message: error.message, kind: error.kind, extra: error.extra };
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

async function ask(request: AccountRequest): Promise<SignOutResult | SignOutEverywhereResult | undefined> {
  const answer = await sendToBackground('account', request);
  // No answer: no background listening at all, only while the extension is being updated or reloaded.
  if (!answer) throw new Error(t('extensionRestarting'));
  if (answer.ok) return answer.value;
  throw answer.kind ? new TransportError(answer.kind, answer.message, answer.extra) : new Error(answer.message);
}

/** Page side: account actions carried out by the background. */
export function backgroundAccountActions(): AccountActions {
  return {
    async signIn(credentials) {
      await ask({ action: 'signIn', credentials });
    },
    async createAccount(credentials) {
      await ask({ action: 'createAccount', credentials });
    },
    async signOut() {
      return ((await ask({ action: 'signOut' })) as SignOutResult | undefined) ?? { revoked: true };
    },
    async signOutEverywhere() {
      const revoked = (await ask({ action: 'signOutEverywhere' })) as SignOutEverywhereResult | undefined;
      return revoked ?? { sessions: 0, tokens: 0 };
    },
  };
}
