// What the sync engine does when something goes wrong, as pure decisions: before a cycle (wait or run), when a
// request fails (split, refuse, re-pull, give up), after a failed cycle (back off, wait, sign out) and when a worker
// starts. The engine only carries them out.
import { ErrorCode } from '../../../shared/error-codes.ts';
import { backoffDelay, type BackoffState } from './backoff.ts';
import type { SyncStatus } from './status.ts';
import { TransportError, type TransportErrorKind } from './transport-error.ts';

/** A failure of the server or the way to it (a transport kind), or of this device (its database, a bug): `local`. */
export type FailureKind = TransportErrorKind | 'local';

export interface Failure {
  kind: FailureKind;
  message: string;
  /** rate_limited: seconds the server asked to wait. */
  retryAfter?: number;
  /** The server's error code, when it answered with one (shown to the user by code, in their language). */
  code?: string;
}

export type CycleResult =
  | { kind: 'synced' }
  | { kind: 'busy' }
  | { kind: 'signed-out' }
  | { kind: 'waiting'; until: number }
  | { kind: 'failed'; error: FailureKind; retryAt: number };

export const SIGNED_OUT_MESSAGE = 'Signed out: sign in again to sync';
/** lastError of a local failure; the panel shows its own translated text (status.localError). */
export const LOCAL_ERROR_MESSAGE = 'This device could not read or save its books';

/** Only the transport speaks for the server: anything else thrown in a cycle (Dexie, a bug) is this device's. */
export function classifyFailure(error: unknown): Failure {
  if (error instanceof TransportError) {
    return {
      kind: error.kind,
      message: error.message,
      ...(error.extra.retryAfter !== undefined ? { retryAfter: error.extra.retryAfter } : {}),
      ...(error.extra.code !== undefined ? { code: error.extra.code } : {}),
    };
  }
  return { kind: 'local', message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
}

/** The time a cycle must wait until, or null to run now. A manual sync skips an error backoff, never a Retry-After. */
export function waitUntil(backoff: BackoffState, now: number, force: boolean): number | null {
  if (backoff.nextAttemptAt <= now) return null;
  if (force && backoff.reason !== 'rate_limit') return null;
  return backoff.nextAttemptAt;
}

export interface FailurePlan {
  /** The retry state to keep; null clears it. */
  backoff: BackoffState | null;
  /** The status patch (the engine adds the pending count). */
  status: Partial<SyncStatus>;
  /** Set when the device must be signed out, with the reason to show. */
  signOut?: string;
  result: CycleResult;
}

/** After a failed cycle: sign out on 401, wait out a server's Retry-After, otherwise back off one step further. */
export function afterFailure(failure: Failure, backoff: BackoffState, now: number, random: () => number): FailurePlan {
  if (failure.kind === 'unauthorized') {
    return {
      backoff: null,
      signOut: SIGNED_OUT_MESSAGE,
      status: { isSyncing: false, isOnline: true, lastError: SIGNED_OUT_MESSAGE, lastErrorCode: null, signedOut: true, localError: false },
      result: { kind: 'signed-out' },
    };
  }
  if (failure.kind === 'rate_limited') {
    const retryAt = now + (failure.retryAfter ?? 1) * 1000;
    return {
      backoff: { attempt: backoff.attempt, nextAttemptAt: retryAt, reason: 'rate_limit' },
      // Not an error the user has to act on: the books are simply still pending.
      status: { isSyncing: false, isOnline: true },
      result: { kind: 'failed', error: failure.kind, retryAt },
    };
  }
  const attempt = backoff.attempt + 1;
  const retryAt = now + backoffDelay(attempt, random);
  const local = failure.kind === 'local';
  return {
    backoff: { attempt, nextAttemptAt: retryAt, reason: 'error' },
    status: {
      isSyncing: false,
      isOnline: failure.kind !== 'network',
      lastError: local ? LOCAL_ERROR_MESSAGE : failure.message,
      lastErrorCode: failure.code ?? null,
      localError: local,
    },
    result: { kind: 'failed', error: failure.kind, retryAt },
  };
}

/** The status after a cycle that completed. */
export function afterSuccess(now: number): Partial<SyncStatus> {
  return { isSyncing: false, isOnline: true, lastError: null, lastErrorCode: null, signedOut: false, localError: false, lastSyncTime: now };
}

export type SendStep =
  /** Send the batch's books one by one, to find the one that is too large. */
  | { action: 'split' }
  /** Mark the single book as too large and go on. */
  | { action: 'refuse-too-large'; message: string; limit?: number }
  /** Pull from the start and resend the batch. */
  | { action: 'reset-cursor' }
  /** End the cycle with this error. */
  | { action: 'fail' };

/** When one sync request fails: what the rest of the cycle does about it. */
export function afterSendError(error: unknown, batchSize: number, cursorAlreadyReset: boolean): SendStep {
  if (!(error instanceof TransportError)) return { action: 'fail' };
  if (error.kind === 'too_large' && batchSize > 1) return { action: 'split' };
  if (error.kind === 'too_large' && batchSize === 1) {
    const limit = error.extra.limit;
    const message = limit ? `Too large to sync (the server accepts up to ${limit} bytes)` : 'Too large to sync';
    return { action: 'refuse-too-large', message, ...(limit ? { limit } : {}) };
  }
  // A cursor the server no longer understands (e.g. another server at the same URL): pulling from the start is safe
  // because applying a change twice is a no-op; once per cycle, so a server that keeps refusing cannot loop.
  if (error.extra.code === ErrorCode.invalidCursor && !cursorAlreadyReset) return { action: 'reset-cursor' };
  return { action: 'fail' };
}

/** A worker that starts cannot be in a cycle: whatever a killed worker left in the status is cleared. */
export function afterRestart(): Partial<SyncStatus> {
  return { isSyncing: false };
}
