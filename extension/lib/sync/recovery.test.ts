import Dexie from 'dexie';
import { describe, expect, it } from 'vitest';
import { backoffDelay, NO_BACKOFF, type BackoffState } from './backoff.ts';
import {
  afterFailure,
  afterRestart,
  afterSendError,
  afterSuccess,
  classifyFailure,
  LOCAL_ERROR_MESSAGE,
  SIGNED_OUT_MESSAGE,
  waitUntil,
  type Failure,
  type FailurePlan,
  type SendStep,
} from './recovery.ts';
import { TransportError } from './transport-error.ts';

const NOW = 1_000_000;
const half = () => 0.5;

describe('classifyFailure', () => {
  it.each<[string, unknown, Failure['kind']]>([
    ['a network error', new TransportError('network', 'Network error'), 'network'],
    ['a 5xx', new TransportError('server', 'Server error (500)'), 'server'],
    ['an answer off the contract', new TransportError('bad_response', 'unexpected format'), 'bad_response'],
    ['a Dexie error', new Dexie.QuotaExceededError('disk full'), 'local'],
    ['a thrown bug', new TypeError("Cannot read properties of undefined (reading 'id')"), 'local'],
    ['a thrown string', 'boom', 'local'],
  ])('takes %s as %s', (_name, error, kind) => {
    expect(classifyFailure(error).kind).toBe(kind);
  });

  it('keeps the seconds a rate-limiting server asked for', () => {
    expect(classifyFailure(new TransportError('rate_limited', 'slow down', { retryAfter: 7 }))).toEqual({
      kind: 'rate_limited',
      message: 'slow down',
      retryAfter: 7,
    });
  });
});

describe('waitUntil', () => {
  const error = (at: number): BackoffState => ({ attempt: 2, nextAttemptAt: at, reason: 'error' });
  const rate = (at: number): BackoffState => ({ attempt: 0, nextAttemptAt: at, reason: 'rate_limit' });
  it.each<[string, BackoffState, boolean, number | null]>([
    ['no backoff', NO_BACKOFF, false, null],
    ['an error backoff that is over', error(NOW), false, null],
    ['an error backoff still running', error(NOW + 5), false, NOW + 5],
    ['an error backoff, manual sync', error(NOW + 5), true, null],
    ['a Retry-After still running', rate(NOW + 5), false, NOW + 5],
    ['a Retry-After, manual sync', rate(NOW + 5), true, NOW + 5],
    ['a Retry-After that is over, manual sync', rate(NOW - 1), true, null],
  ])('%s (force %s) waits until %s', (_name, backoff, force, until) => {
    expect(waitUntil(backoff, NOW, force)).toBe(until);
  });
});

describe('afterFailure', () => {
  const twice: BackoffState = { attempt: 2, nextAttemptAt: NOW - 1, reason: 'error' };
  const third = NOW + backoffDelay(3, half);
  it.each<[string, Failure, BackoffState, FailurePlan]>([
    [
      'a 401 signs out and clears the retry state',
      { kind: 'unauthorized', message: 'Not signed in' },
      twice,
      {
        backoff: null,
        signOut: SIGNED_OUT_MESSAGE,
        status: { isSyncing: false, isOnline: true, lastError: SIGNED_OUT_MESSAGE, lastErrorCode: null, signedOut: true, localError: false },
        result: { kind: 'signed-out' },
      },
    ],
    [
      'a 429 waits the Retry-After without counting an attempt or showing an error',
      { kind: 'rate_limited', message: 'Too many requests', retryAfter: 30 },
      twice,
      {
        backoff: { attempt: 2, nextAttemptAt: NOW + 30_000, reason: 'rate_limit' },
        status: { isSyncing: false, isOnline: true },
        result: { kind: 'failed', error: 'rate_limited', retryAt: NOW + 30_000 },
      },
    ],
    [
      'a 429 without Retry-After waits one second',
      { kind: 'rate_limited', message: 'Too many requests' },
      NO_BACKOFF,
      {
        backoff: { attempt: 0, nextAttemptAt: NOW + 1_000, reason: 'rate_limit' },
        status: { isSyncing: false, isOnline: true },
        result: { kind: 'failed', error: 'rate_limited', retryAt: NOW + 1_000 },
      },
    ],
    [
      'a network error backs off one step and shows offline',
      { kind: 'network', message: 'Network error' },
      twice,
      {
        backoff: { attempt: 3, nextAttemptAt: third, reason: 'error' },
        status: { isSyncing: false, isOnline: false, lastError: 'Network error', lastErrorCode: null, localError: false },
        result: { kind: 'failed', error: 'network', retryAt: third },
      },
    ],
    [
      'a 5xx backs off one step and shows the server error',
      { kind: 'server', message: 'Server error (503)' },
      twice,
      {
        backoff: { attempt: 3, nextAttemptAt: third, reason: 'error' },
        status: { isSyncing: false, isOnline: true, lastError: 'Server error (503)', lastErrorCode: null, localError: false },
        result: { kind: 'failed', error: 'server', retryAt: third },
      },
    ],
    [
      'a refusal with a code keeps the code, so the panel can say it in the user\'s language',
      { kind: 'server', message: 'The server is busy', code: 'busy' },
      twice,
      {
        backoff: { attempt: 3, nextAttemptAt: third, reason: 'error' },
        status: { isSyncing: false, isOnline: true, lastError: 'The server is busy', lastErrorCode: 'busy', localError: false },
        result: { kind: 'failed', error: 'server', retryAt: third },
      },
    ],
    [
      'a local failure backs off and is shown as this device\'s, not with its raw text',
      { kind: 'local', message: 'QuotaExceededError: disk full' },
      twice,
      {
        backoff: { attempt: 3, nextAttemptAt: third, reason: 'error' },
        status: { isSyncing: false, isOnline: true, lastError: LOCAL_ERROR_MESSAGE, lastErrorCode: null, localError: true },
        result: { kind: 'failed', error: 'local', retryAt: third },
      },
    ],
  ])('%s', (_name, failure, backoff, plan) => {
    expect(afterFailure(failure, backoff, NOW, half)).toEqual(plan);
  });

  it('backs off after a failure that followed a Retry-After from its attempt count, not from zero', () => {
    const afterRate: BackoffState = { attempt: 4, nextAttemptAt: NOW - 1, reason: 'rate_limit' };
    expect(afterFailure({ kind: 'server', message: 'x' }, afterRate, NOW, half).backoff).toEqual({
      attempt: 5,
      nextAttemptAt: NOW + backoffDelay(5, half),
      reason: 'error',
    });
  });
});

describe('afterSendError', () => {
  const tooLarge = (limit?: number) => new TransportError('too_large', 'Too large', limit ? { limit } : {});
  // Known by its code, not by the name of a field: a cursor error whose details name another field is still one.
  const badCursor = new TransportError('bad_request', 'Invalid request', { code: 'invalid_cursor', details: { since: ['unknown cursor'] } });
  it.each<[string, unknown, number, boolean, SendStep]>([
    ['a 413 for several books splits them', tooLarge(), 3, false, { action: 'split' }],
    [
      'a 413 for one book refuses it with the limit',
      tooLarge(1024),
      1,
      false,
      { action: 'refuse-too-large', message: 'Too large to sync (the server accepts up to 1024 bytes)', limit: 1024 },
    ],
    ['a 413 for one book without a limit', tooLarge(), 1, false, { action: 'refuse-too-large', message: 'Too large to sync' }],
    ['a refused cursor pulls from the start', badCursor, 2, false, { action: 'reset-cursor' }],
    ['a refused cursor a second time ends the cycle', badCursor, 2, true, { action: 'fail' }],
    ['another 400 ends the cycle', new TransportError('bad_request', 'x', { details: { changes: ['x'] } }), 2, false, { action: 'fail' }],
    ['a 5xx ends the cycle', new TransportError('server', 'Server error (500)'), 2, false, { action: 'fail' }],
    ['a local failure ends the cycle', new Error('bug'), 2, false, { action: 'fail' }],
  ])('%s', (_name, error, size, reset, step) => {
    expect(afterSendError(error, size, reset)).toEqual(step);
  });
});

describe('after a cycle and at start-up', () => {
  it('clears every error mark after a cycle that completed', () => {
    expect(afterSuccess(NOW)).toEqual({
      isSyncing: false,
      isOnline: true,
      lastError: null,
      signedOut: false,
      lastErrorCode: null,
      localError: false,
      lastSyncTime: NOW,
    });
  });

  it('clears the syncing flag a killed worker left behind, and keeps the last error for the user', () => {
    expect(afterRestart()).toEqual({ isSyncing: false });
  });
});
