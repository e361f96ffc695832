import { describe, expect, it } from 'vitest';
import { INITIAL_STATUS, badgeText, deriveState, parseStatus, type SyncState, type SyncStatus } from './status.ts';

const s = (patch: Partial<SyncStatus>): SyncStatus => ({ ...INITIAL_STATUS, ...patch });

describe('deriveState', () => {
  const table: Array<[string, Partial<SyncStatus>, SyncState]> = [
    ['nothing pending and no error', {}, 'synced'],
    ['books are pending', { pendingCount: 3 }, 'pending'],
    ['a cycle is running', { isSyncing: true, pendingCount: 3 }, 'syncing'],
    ['the last cycle failed', { lastError: 'Server error (500)', pendingCount: 2 }, 'error'],
    ['the last cycle failed with nothing pending', { lastError: 'Server error (500)' }, 'error'],
    ['a retry is running after an error', { lastError: 'x', isSyncing: true }, 'syncing'],
    ['the server is unreachable with pending books', { isOnline: false, pendingCount: 4 }, 'unreachable'],
    ['the server is unreachable while a cycle was marked running', { isOnline: false, isSyncing: true }, 'unreachable'],
    ['the server is unreachable after an error', { isOnline: false, lastError: 'x' }, 'unreachable'],
  ];
  it.each(table)('is the right state when %s', (_name, patch, expected) => {
    expect(deriveState(s(patch))).toBe(expected);
  });

  it.each([{}, { isOnline: false }, { pendingCount: 2 }, { lastError: 'x' }, { isSyncing: true }])(
    'is offline whatever the last cycle said (%o) while the browser has no network',
    (patch) => {
      expect(deriveState(s(patch), false)).toBe('offline');
    },
  );
});

describe('badgeText', () => {
  it.each([
    [0, ''],
    [1, '1'],
    [42, '42'],
    [1000, '999+'],
  ])('shows %i pending books as "%s"', (pendingCount, text) => {
    expect(badgeText(s({ pendingCount }), true)).toBe(text);
  });

  it('shows nothing before the writer signs in, however many books wait', () => {
    expect(badgeText(s({ pendingCount: 3 }), false)).toBe('');
  });
});

describe('parseStatus', () => {
  it('falls back to the initial status for missing or malformed values', () => {
    expect(parseStatus(undefined)).toEqual(INITIAL_STATUS);
    expect(parseStatus({ isOnline: 'yes', pendingCount: -1, lastError: 5, localError: 'yes' })).toEqual(INITIAL_STATUS);
  });
  it('keeps a well-formed status as it is', () => {
    const status = s({ isOnline: false, lastSyncTime: 5, lastError: 'e', pendingCount: 2, signedOut: true, localError: true });
    expect(parseStatus(status)).toEqual(status);
  });
});
