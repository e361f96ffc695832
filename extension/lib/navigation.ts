// Where the panel is, kept in the URL hash so a reload (or "Open in tab") lands on the same book.
export type Route = { view: 'list' } | { view: 'book'; bookId: string };

const BOOK_HASH = /^#\/book\/([0-9a-f-]{36})$/i;

export function parseRoute(hash: string): Route {
  const m = BOOK_HASH.exec(hash);
  return m ? { view: 'book', bookId: m[1]!.toLowerCase() } : { view: 'list' };
}

export function routeHash(route: Route): string {
  return route.view === 'book' ? `#/book/${route.bookId}` : '#/';
}

/** The extension page path of the editor; `?view=tab` marks the full-tab layout. */
export function editorPagePath(route: Route, inTab: boolean): `/sidepanel.html${string}` {
  return `/sidepanel.html${inTab ? '?view=tab' : ''}${routeHash(route)}`;
}
