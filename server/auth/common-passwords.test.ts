import { describe, expect, it } from 'vitest';
import { isCommonPassword } from './common-passwords.ts';

describe('isCommonPassword', () => {
  it.each([
    ['password', true],
    ['12345678', true],
    ['Password1', true],
    ['  qwertyuiop  ', true],
    ['iloveyou', true],
    ['correct horse battery', false],
    ['a long and unusual passphrase', false],
    ['', false],
  ])('%j → %s', (password, expected) => {
    expect(isCommonPassword(password)).toBe(expected);
  });
});
