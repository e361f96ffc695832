import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.ts';

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
