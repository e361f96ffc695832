// Where the panel is, kept in the URL hash so a reload (or "Open in tab") lands on the same book.
export type Route = { view: 'list' } | { view: 'trash' } | { view: 'book'; bookId: string } | { view: 'history'; bookId: string };

const BOOK_HASH = /^#\/book\/([0-9a-f-]{36})(\/history)?$/i;

export function parseRoute(hash: string): Route {
  const m = BOOK_HASH.exec(hash);
  if (m) return { view: m[2] ? 'history' : 'book', bookId: m[1]!.toLowerCase() };
  return hash === '#/trash' ? { view: 'trash' } : { view: 'list' };
}

export function routeHash(route: Route): string {
  if (route.view === 'trash') return '#/trash';
  if (route.view === 'history') return `#/book/${route.bookId}/history`;
  return route.view === 'book' ? `#/book/${route.bookId}` : '#/';
}

/** The extension page path of the editor; `?view=tab` marks the full-tab layout. */
export function editorPagePath(route: Route, inTab: boolean): `/sidepanel.html${string}` {
  return `/sidepanel.html${inTab ? '?view=tab' : ''}${routeHash(route)}`;
}
