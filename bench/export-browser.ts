// Exports measured in real Chromium with the built extension: a 150,000-word book exported from the book list to
// every format through a real download (click → file complete on disk), the file made in the export worker, and the
// main thread's long tasks meanwhile (what the writer would feel as a frozen page).
import type { Page } from 'puppeteer';
import { localBook, putStoredBook } from '../e2e/support/books.ts';
import { launchWithExtension } from '../e2e/support/browser.ts';
import { catchDownloads } from '../e2e/support/downloads.ts';
import { sel } from '../e2e/support/panel.ts';
import { EXPORT_BOOK_WORDS } from './export.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { median } from './lib/stats.ts';

export interface BrowserExportFigure {
  format: string;
  medianMs: number;
  runsMs: number[];
  bytes: number;
  /** Main-thread long tasks (> 50 ms) from the click to the completed download, over all runs. */
  longTasks: number;
  longestTaskMs: number;
}

const CASES: Array<[label: string, format: string, pdfStyle?: string]> = [
  ['docx', 'docx'],
  ['epub', 'epub'],
  ['pdf (manuscript format)', 'pdf', 'manuscript'],
  ['pdf (book layout)', 'pdf', 'book'],
  ['md', 'md'],
  ['html', 'html'],
  ['txt', 'txt'],
];

/** Starts recording long tasks in the page (again: the list is emptied). */
function recordLongTasks(page: Page): Promise<void> {
  return page.evaluate(() => {
    const scope = globalThis as unknown as { __longTasks?: number[]; __longTaskObserver?: PerformanceObserver };
    scope.__longTasks = [];
    if (scope.__longTaskObserver) return;
    scope.__longTaskObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) scope.__longTasks!.push(entry.duration);
    });
    scope.__longTaskObserver.observe({ type: 'longtask' });
  });
}

const longTasks = (page: Page) => page.evaluate(() => (globalThis as unknown as { __longTasks: number[] }).__longTasks);

export async function measureExportInBrowser(runs: number, extensionDir: string, log: (line: string) => void): Promise<BrowserExportFigure[]> {
  const ext = await launchWithExtension(extensionDir);
  const downloads = await catchDownloads(ext.browser);
  try {
    const page = await ext.openPanel();
    await page.setViewport({ width: 400, height: 900 });
    await page.waitForSelector(sel('book-list'));
    const book = localBook({ title: 'The Long Book', author: 'Bench Writer', content: manuscriptHtml(EXPORT_BOOK_WORDS) });
    await putStoredBook(page, book);
    await page.reload();
    const row = `${sel('book-list')} li:has([data-book-id="${book.id}"])`;
    await page.locator(`${row} ${sel('export-book')}`).click();
    await page.waitForSelector(`${row} form.export-form[aria-busy="false"]`);
    const figures: BrowserExportFigure[] = [];
    for (const [label, format, pdfStyle] of CASES) {
      await page.select(`${row} ${sel('export-format')}`, format);
      if (pdfStyle) await page.select(`${row} ${sel('export-pdf-style')}`, pdfStyle);
      const runsMs: number[] = [];
      const tasks: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        await recordLongTasks(page);
        const started = performance.now();
        const file = await downloads.next(() => page.locator(`${row} ${sel('export-confirm')}`).click(), 180_000);
        runsMs.push(performance.now() - started);
        bytes = file.bytes.length;
        tasks.push(...(await longTasks(page)));
        await page.waitForSelector(`${row} ${sel('export-status')}[role="status"]`);
      }
      figures.push({ format: label, medianMs: median(runsMs), runsMs, bytes, longTasks: tasks.length, longestTaskMs: Math.max(0, ...tasks) });
      log(`export in Chromium ${label}: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms, ${bytes} bytes, ${tasks.length} long tasks (longest ${Math.max(0, ...tasks).toFixed(0)} ms)`);
    }
    return figures;
  } finally {
    await downloads.close();
    await ext.close();
  }
}
