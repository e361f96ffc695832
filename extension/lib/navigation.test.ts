import { describe, expect, it } from 'vitest';
import { editorPagePath, parseRoute, routeHash } from './navigation.ts';

const ID = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';

describe('panel routes', () => {
  it('round-trip a book through the URL hash', () => {
    expect(parseRoute(routeHash({ view: 'book', bookId: ID }))).toEqual({ view: 'book', bookId: ID });
  });

  it('round-trip the trash through the URL hash (a reload stays there)', () => {
    expect(routeHash({ view: 'trash' })).toBe('#/trash');
    expect(parseRoute('#/trash')).toEqual({ view: 'trash' });
  });

  it('round-trip a book\'s history through the URL hash (a reload stays there)', () => {
    expect(routeHash({ view: 'history', bookId: ID })).toBe(`#/book/${ID}/history`);
    expect(parseRoute(`#/book/${ID}/history`)).toEqual({ view: 'history', bookId: ID });
    expect(parseRoute(`#/book/${ID}/historyx`)).toEqual({ view: 'list' });
  });

  it('fall back to the book list for an empty or unknown hash', () => {
    expect(parseRoute('')).toEqual({ view: 'list' });
    expect(parseRoute('#/book/not-a-uuid')).toEqual({ view: 'list' });
    expect(parseRoute('#/settings')).toEqual({ view: 'list' });
  });

  it('build the full-tab editor address of a book', () => {
    expect(editorPagePath({ view: 'book', bookId: ID }, true)).toBe(`/sidepanel.html?view=tab#/book/${ID}`);
    expect(editorPagePath({ view: 'list' }, false)).toBe('/sidepanel.html#/');
  });
});
