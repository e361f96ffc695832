// Sign-in, account creation and sign-out against the sync server. The device token lives only in extension storage
// (browser.storage.local) under a key of its own that only the background reads; pages see the public account record.
// It is sent only in the Authorization header, and is never logged or shown.
import { TransportError, normalizeServerUrl } from './transport-error.ts';
import type { Transport } from './transport.ts';
import type { KeyValue } from './ports.ts';
import type { SignedOutEverywhere } from '../../../shared/protocol.ts';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8787';
/** The public account record pages may read; it never holds the token. */
export const ACCOUNT_KEY = 'syncAccount';
/** The device token and its id: read and written by the background's account service only. */
export const CREDENTIALS_KEY = 'syncCredentials';

/** The public account record. The server URL and email stay after sign-out to sign in again. */
export interface AccountSettings {
  serverUrl: string;
  email: string;
  deviceName?: string;
  /** True while a device token is kept (in CREDENTIALS_KEY). */
  signedIn?: boolean;
  /** Set when the server answered 401: the token was revoked or expired. */
  signedOutReason?: string;
}

interface StoredCredentials {
  token: string;
  tokenId: string;
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
  for (const key of ['deviceName', 'signedOutReason'] as const) {
    const x = str(v[key]);
    if (x) settings[key] = x;
  }
  if (v.signedIn === true) settings.signedIn = true;
  return settings;
}

function parseCredentials(value: unknown): StoredCredentials | null {
  const v = (value && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  return typeof v.token === 'string' && v.token && typeof v.tokenId === 'string' && v.tokenId
    ? { token: v.token, tokenId: v.tokenId }
    : null;
}

export interface AccountDeps {
  kv: KeyValue;
  transport: Pick<Transport, 'createUser' | 'createToken' | 'revokeToken' | 'signOutEverywhere'>;
  userAgent: string;
  random: () => number;
}

/** What signing out did: whether the server revoked the token, and if not why (its ErrorCode when it sent one). */
export interface SignOutResult {
  revoked: boolean;
  error?: string;
  errorCode?: string;
}

export function createAccountService(deps: AccountDeps) {
  /** The public record; earlier versions kept the token in it, so a token found there moves to its own key first. */
  async function publicRecord(): Promise<unknown> {
    const raw = await deps.kv.get(ACCOUNT_KEY);
    const legacy = parseCredentials(raw);
    if (!legacy) return raw;
    const moved = { ...parseAccount(raw), signedIn: true };
    await deps.kv.set(CREDENTIALS_KEY, legacy);
    await deps.kv.set(ACCOUNT_KEY, moved);
    return moved;
  }

  async function settings(): Promise<AccountSettings> {
    return parseAccount(await publicRecord());
  }

  async function credentials(): Promise<StoredCredentials | null> {
    await publicRecord();
    return parseCredentials(await deps.kv.get(CREDENTIALS_KEY));
  }

  /** The credentials are written first, so the public record never says signed in without a token to back it. */
  async function save(next: AccountSettings, creds: StoredCredentials | null): Promise<void> {
    if (creds) await deps.kv.set(CREDENTIALS_KEY, creds);
    else await deps.kv.remove(CREDENTIALS_KEY);
    const { signedIn: _signedIn, ...rest } = next;
    await deps.kv.set(ACCOUNT_KEY, creds ? { ...rest, signedIn: true } : rest);
  }

  async function current(): Promise<SignedInAccount | null> {
    const s = await settings();
    const creds = parseCredentials(await deps.kv.get(CREDENTIALS_KEY));
    if (!creds || !s.email) return null;
    return { serverUrl: s.serverUrl, email: s.email, token: creds.token, tokenId: creds.tokenId, deviceName: s.deviceName ?? '' };
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
    await save({ serverUrl, email, deviceName }, { token: created.token, tokenId: created.id });
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
    async signOut(): Promise<SignOutResult> {
      const s = await settings();
      const creds = await credentials();
      let result: SignOutResult = { revoked: true };
      if (creds) {
        try {
          await deps.transport.revokeToken(s.serverUrl, creds.token, creds.tokenId);
        } catch (error) {
          // 401: the token was already revoked, which is what signing out wanted.
          if (!(error instanceof TransportError && error.kind === 'unauthorized')) {
            const errorCode = error instanceof TransportError ? error.extra.code : undefined;
            result = { revoked: false, error: error instanceof Error ? error.message : String(error), ...(errorCode ? { errorCode } : {}) };
          }
        }
      }
      const { signedOutReason: _reason, ...rest } = s;
      await save(rest, null);
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
      const creds = await credentials();
      if (!creds) throw new TransportError('unauthorized', 'Not signed in');
      try {
        const revoked = await deps.transport.signOutEverywhere(s.serverUrl, creds.token);
        const { signedOutReason: _reason, ...rest } = s;
        await save(rest, null);
        return revoked;
      } catch (error) {
        if (error instanceof TransportError && error.kind === 'unauthorized') {
          await save({ ...s, signedOutReason: error.message }, null);
        }
        throw error;
      }
    },
    /** After a 401 during sync: forget the token but keep the server and email so signing in again is one step. */
    async markSignedOut(reason: string): Promise<void> {
      await save({ ...(await settings()), signedOutReason: reason }, null);
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
