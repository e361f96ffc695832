// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest';
import { forgetBookPrefs, readBookPrefs, writeBookPrefs } from './book-place.ts';

beforeEach(() => localStorage.clear());

describe('where the writer was in a book', () => {
  it('is remembered per book, place and target apart', () => {
    writeBookPrefs(localStorage, 'a', { place: { cursor: 120, scrollTop: 3400 } });
    writeBookPrefs(localStorage, 'a', { target: 80_000 });
    writeBookPrefs(localStorage, 'b', { place: { cursor: 1, scrollTop: 0 } });
    expect(readBookPrefs(localStorage, 'a')).toEqual({ place: { cursor: 120, scrollTop: 3400 }, target: 80_000 });
    expect(readBookPrefs(localStorage, 'b')).toEqual({ place: { cursor: 1, scrollTop: 0 } });
    forgetBookPrefs(localStorage, 'a');
    expect(readBookPrefs(localStorage, 'a')).toEqual({});
  });

  it('keeps the block at the top of the view, and drops a damaged one while keeping the place', () => {
    writeBookPrefs(localStorage, 'a', { place: { cursor: 9, scrollTop: 50, anchor: { block: 1204, offset: -12.5 } } });
    expect(readBookPrefs(localStorage, 'a').place).toEqual({ cursor: 9, scrollTop: 50, anchor: { block: 1204, offset: -12.5 } });
    localStorage.setItem('anclora.place.a', '{"place":{"cursor":9,"scrollTop":50,"anchor":{"block":-1,"offset":"top"}}}');
    expect(readBookPrefs(localStorage, 'a').place).toEqual({ cursor: 9, scrollTop: 50 });
  });

  it('clears the target when set to nothing', () => {
    writeBookPrefs(localStorage, 'a', { target: 500 });
    writeBookPrefs(localStorage, 'a', { target: undefined });
    expect(readBookPrefs(localStorage, 'a')).toEqual({});
  });

  it('ignores a damaged record instead of trusting it', () => {
    localStorage.setItem('anclora.place.a', '{"place":{"cursor":-4,"scrollTop":"x"},"target":"many"}');
    expect(readBookPrefs(localStorage, 'a')).toEqual({});
    localStorage.setItem('anclora.place.a', 'nonsense');
    expect(readBookPrefs(localStorage, 'a')).toEqual({});
  });
});
