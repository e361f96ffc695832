import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, readCursor } from './cursor.ts';

describe('change-feed cursor', () => {
  it.each([0, 1, 42, 2 ** 40])('round-trips position %d through opaque text', (seq) => {
    const cursor = encodeCursor(seq);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toBe(String(seq));
    expect(decodeCursor(cursor)).toBe(seq);
  });

  it('starts at the beginning without a cursor', () => {
    expect(decodeCursor(undefined)).toBe(0);
    expect(decodeCursor('')).toBe(0);
  });

  it.each(['42', 'seq:42', encodeCursor(1) + '!', Buffer.from('seq:-1').toString('base64url'), Buffer.from('pos:5').toString('base64url')])(
    'refuses %s, which this server never issued',
    (text) => {
      expect(decodeCursor(text)).toBeNull();
    },
  );
});

describe('change-feed cursor with its issue time', () => {
  it('round-trips the position and the time, and still reads cursors issued without a time', () => {
    const cursor = encodeCursor(42, 1_700_000_000_123);
    expect(readCursor(cursor)).toEqual({ seq: 42, issuedAt: 1_700_000_000_123 });
    expect(decodeCursor(cursor)).toBe(42);
    expect(readCursor(encodeCursor(42))).toEqual({ seq: 42 });
  });

  it.each([Buffer.from('seq:4;at:').toString('base64url'), Buffer.from('seq:4;at:x').toString('base64url'), Buffer.from('seq:4;at:1;').toString('base64url')])(
    'refuses %s',
    (text) => {
      expect(readCursor(text)).toBeNull();
    },
  );
});
