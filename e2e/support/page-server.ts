// Serves fixed HTML pages from a local node:http server, e.g. the article a researcher clips from.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'puppeteer';
import { readPageSelection, type PageSelection } from '../../extension/lib/clipping/page-selection.ts';

export interface PageServer {
  /** Absolute URL of `path` on this server. */
  url(path: string): string;
  close(): Promise<void>;
}

export async function servePages(pages: Record<string, string>): Promise<PageServer> {
  const server = createServer((req, res) => {
    const html = pages[new URL(req.url ?? '/', 'http://localhost').pathname];
    res.writeHead(html === undefined ? 404 : 200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}

/**
 * Selects the element `#id` on `page` and reads the selection with the extension's own page function, exactly what
 * the context-menu click reads before clipping (headless browsers cannot click the menu itself).
 */
export async function selectAndRead(page: Page, id: string): Promise<PageSelection> {
  await page.evaluate((elementId) => {
    const range = document.createRange();
    range.selectNodeContents(document.getElementById(elementId)!);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
  }, id);
  return page.evaluate(readPageSelection);
}
