// Sign-in, account creation and sign-out against the sync server. The device token lives only in extension storage
// (browser.storage.local), is sent only in the Authorization header, and is never logged or shown.
import { TransportError, normalizeServerUrl } from './transport-error.ts';
import type { Transport } from './transport.ts';
import type { KeyValue } from './ports.ts';
import type { SignedOutEverywhere } from '../../../shared/protocol.ts';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';
export const ACCOUNT_KEY = 'syncAccount';

/** What is persisted. A token means signed in; the server URL and email stay after sign-out to sign in again. */
export interface AccountSettings {
  serverUrl: string;
  email: string;
  deviceName?: string;
  token?: string;
  tokenId?: string;
  /** Set when the server answered 401: the token was revoked or expired. */
  signedOutReason?: string;
}

export interface SignedInAccount {
  serverUrl: string;
  email: string;
  token: string;
  tokenId: string;
  deviceName: string;
}

export interface Credentials {
  serverUrl: string;
  email: string;
  password: string;
}

/** Cursors belong to one account on one server: signing in elsewhere starts a fresh pull. */
export function accountScope(account: Pick<SignedInAccount, 'serverUrl' | 'email'>): string {
  return `${account.serverUrl} ${account.email.trim().toLowerCase()}`;
}

/** "Chrome · k3f9": the browser's brand and a random suffix, so the token list tells devices apart. */
export function deviceNameFor(userAgent: string, random: () => number): string {
  const brand = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Firefox\//.test(userAgent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : 'Browser';
  const suffix = Array.from({ length: 4 }, () => '0123456789abcdefghijklmnopqrstuvwxyz'[Math.floor(random() * 36)]).join('');
  return `${brand} · ${suffix}`;
}

export function parseAccount(value: unknown): AccountSettings {
  const v = (value && typeof value === 'object' ? value : {}) as Partial<Record<keyof AccountSettings, unknown>>;
  const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  const settings: AccountSettings = { serverUrl: str(v.serverUrl) ?? DEFAULT_SERVER_URL, email: str(v.email) ?? '' };
  for (const key of ['deviceName', 'token', 'tokenId', 'signedOutReason'] as const) {
    const x = str(v[key]);
    if (x) settings[key] = x;
  }
  return settings;
}

export interface AccountDeps {
  kv: KeyValue;
  transport: Pick<Transport, 'createUser' | 'createToken' | 'revokeToken' | 'signOutEverywhere'>;
  userAgent: string;
  random: () => number;
}

export function createAccountService(deps: AccountDeps) {
  async function settings(): Promise<AccountSettings> {
    return parseAccount(await deps.kv.get(ACCOUNT_KEY));
  }

  async function save(next: AccountSettings): Promise<void> {
    await deps.kv.set(ACCOUNT_KEY, next);
  }

  async function current(): Promise<SignedInAccount | null> {
    const s = await settings();
    if (!s.token || !s.tokenId || !s.email) return null;
    return { serverUrl: s.serverUrl, email: s.email, token: s.token, tokenId: s.tokenId, deviceName: s.deviceName ?? '' };
  }

  function validate(credentials: Credentials): Credentials {
    const serverUrl = normalizeServerUrl(credentials.serverUrl);
    const email = credentials.email.trim();
    if (!email) throw new TransportError('bad_request', 'Enter your email address');
    if (!credentials.password) throw new TransportError('bad_request', 'Enter your password');
    return { serverUrl, email, password: credentials.password };
  }

  async function signIn(input: Credentials): Promise<SignedInAccount> {
    const { serverUrl, email, password } = validate(input);
    const previous = await settings();
    const deviceName = previous.deviceName ?? deviceNameFor(deps.userAgent, deps.random);
    const created = await deps.transport.createToken(serverUrl, { email, password, deviceName });
    await save({ serverUrl, email, deviceName, token: created.token, tokenId: created.id });
    return { serverUrl, email, deviceName, token: created.token, tokenId: created.id };
  }

  return {
    settings,
    current,
    signIn,
    /** Registers the account, then signs this device in with it. */
    async createAccount(input: Credentials): Promise<SignedInAccount> {
      const { serverUrl, email, password } = validate(input);
      await deps.transport.createUser(serverUrl, { email, password });
      return signIn({ serverUrl, email, password });
    },
    /**
     * Revokes the token on the server, then forgets it. When the server cannot be reached the token is still
     * forgotten locally (the user asked to sign out) and the error is returned so the panel can say so.
     */
    async signOut(): Promise<{ revoked: boolean; error?: string }> {
      const s = await settings();
      let result: { revoked: boolean; error?: string } = { revoked: true };
      if (s.token && s.tokenId) {
        try {
          await deps.transport.revokeToken(s.serverUrl, s.token, s.tokenId);
        } catch (error) {
          // 401: the token was already revoked, which is what signing out wanted.
          if (!(error instanceof TransportError && error.kind === 'unauthorized')) {
            result = { revoked: false, error: error instanceof Error ? error.message : String(error) };
          }
        }
      }
      const { token: _token, tokenId: _tokenId, signedOutReason: _reason, ...rest } = s;
      await save(rest);
      return result;
    },
    /**
     * Revokes every session and device token of the account on the server, then forgets this device's token. Unlike
     * signOut, nothing is forgotten when the server cannot be reached: the other devices are still signed in, so the
     * user must be able to try again. A 401 means this token was already revoked: it is forgotten and the error
     * returned, since the other devices could not be signed out with it.
     */
    async signOutEverywhere(): Promise<SignedOutEverywhere> {
      const s = await settings();
      if (!s.token) throw new TransportError('unauthorized', 'Not signed in');
      try {
        const revoked = await deps.transport.signOutEverywhere(s.serverUrl, s.token);
        const { token: _token, tokenId: _tokenId, signedOutReason: _reason, ...rest } = s;
        await save(rest);
        return revoked;
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'unauthorized') {
          const { token: _token, tokenId: _tokenId, ...rest } = s;
          await save({ ...rest, signedOutReason: error.message });
        }
        throw error;
      }
    },
    /** After a 401 during sync: forget the token but keep the server and email so signing in again is one step. */
    async markSignedOut(reason: string): Promise<void> {
      const { token: _token, tokenId: _tokenId, ...rest } = await settings();
      await save({ ...rest, signedOutReason: reason });
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
