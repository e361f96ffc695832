// Manuscripts in and out (issue 14): exporting a 150,000-word book to every format (time, size), importing it back
// from DOCX and Markdown, and what the side panel loads at start-up versus on demand (the export libraries must not
// be in its start-up bundle). The writers run in this process (Node), as the extension runs them in its export worker;
// export-browser.ts measures the same exports in Chromium.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exportBook, type ExportFormat, type ExportOptions } from '../extension/lib/manuscripts/export.ts';
import { importManuscript } from '../extension/lib/manuscripts/import.ts';
import { packagedPdfFonts, TEST_PDF_LABELS } from '../extension/lib/manuscripts/validators.testing.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { wordLikeDocx } from './lib/word-like.ts';
import { median } from './lib/stats.ts';

export const EXPORT_BOOK_WORDS = 150_000;

export interface FormatFigure {
  format: string;
  medianMs: number;
  runsMs: number[];
  bytes: number;
}

export interface BundleFigures {
  /** Scripts the side panel page loads before it can show anything (its entry and their static imports). */
  startup: Array<{ file: string; bytes: number }>;
  /** Scripts only a dynamic import() or the export worker loads (the export, import and backup code, their libraries). */
  onDemand: Array<{ file: string; bytes: number }>;
  /** Library names found in the start-up scripts (should be none). */
  librariesAtStartup: string[];
}

export interface ExportFigures {
  manuscriptBytes: number;
  exports: FormatFigure[];
  imports: FormatFigure[];
  bundle: BundleFigures | null;
}

async function timed<T>(runs: number, run: () => Promise<T>): Promise<{ runsMs: number[]; last: T }> {
  const runsMs: number[] = [];
  let last!: T;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    last = await run();
    runsMs.push(performance.now() - started);
  }
  return { runsMs, last };
}

// Strings only these libraries' code contains: a start-up script holding one has bundled the library.
const LIBRARY_MARKERS: Array<[string, string]> = [
  ['docx', 'wordprocessingml.numbering'],
  ['pdf-lib', 'PDFDocument'],
  ['mammoth', 'w:footnoteReference'],
  ['marked', 'marked(): input parameter'],
  ['mdast-util-to-markdown', 'Cannot handle unknown node'],
  ['fflate', 'invalid zip data'],
];

/** The side panel's start-up scripts and its on-demand chunks in a built extension folder. */
export function sidePanelBundle(extensionDir: string): BundleFigures | null {
  const page = join(extensionDir, 'sidepanel.html');
  if (!existsSync(page)) return null;
  const startup = new Set<string>();
  const visit = (file: string) => {
    if (startup.has(file)) return;
    startup.add(file);
    const code = readFileSync(join(extensionDir, file), 'utf8');
    // Static imports only (`import"./x"`, `from"./x"`); dynamic ones are `import("./x")`.
    for (const m of code.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)) visit(`chunks/${m[1]}`);
  };
  for (const m of readFileSync(page, 'utf8').matchAll(/<script[^>]*src="\/([^"]+\.js)"/g)) visit(m[1]!);
  const size = (file: string) => ({ file, bytes: statSync(join(extensionDir, file)).size });
  // The export worker and the writers it loads are built into assets/ (a worker is a bundle of its own).
  const chunks = [
    ...readdirSync(join(extensionDir, 'chunks')).map((name) => `chunks/${name}`),
    ...readdirSync(join(extensionDir, 'assets')).filter((name) => name.endsWith('.js')).map((name) => `assets/${name}`),
  ];
  const startupCode = [...startup].map((file) => readFileSync(join(extensionDir, file), 'utf8')).join('\n');
  return {
    startup: [...startup].map(size),
    onDemand: chunks.filter((file) => !startup.has(file)).map(size),
    librariesAtStartup: LIBRARY_MARKERS.filter(([, marker]) => startupCode.includes(marker)).map(([name]) => name),
  };
}

export async function measureExport(runs: number, extensionDir: string, log: (line: string) => void): Promise<ExportFigures> {
  const book = { id: 'bench-export', title: 'The Long Book', author: 'Bench Writer', content: manuscriptHtml(EXPORT_BOOK_WORDS) };
  const options: ExportOptions = { language: 'en', pdfFonts: packagedPdfFonts, pdfLabels: TEST_PDF_LABELS };
  const cases: Array<[string, ExportFormat, Partial<ExportOptions>]> = [
    ['docx', 'docx', {}],
    ['epub', 'epub', {}],
    ['pdf (manuscript format)', 'pdf', { pdfStyle: 'manuscript' }],
    ['pdf (book layout)', 'pdf', { pdfStyle: 'book' }],
    ['md', 'md', {}],
    ['html', 'html', {}],
    ['txt', 'txt', {}],
  ];
  const exports: FormatFigure[] = [];
  const files = new Map<string, Uint8Array>();
  for (const [label, format, extra] of cases) {
    const { runsMs, last } = await timed(runs, () => exportBook(book, format, { ...options, ...extra }));
    files.set(format, last.bytes);
    exports.push({ format: label, medianMs: median(runsMs), runsMs, bytes: last.bytes.length });
    log(`export ${label}: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms, ${last.bytes.length} bytes`);
  }
  const imports: FormatFigure[] = [];
  for (const format of ['docx', 'md'] as const) {
    const bytes = files.get(format)!;
    const { runsMs } = await timed(runs, () => importManuscript(`book.${format}`, bytes));
    imports.push({ format, medianMs: median(runsMs), runsMs, bytes: bytes.length });
    log(`import ${format}: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  }
  const wordLike = wordLikeDocx(EXPORT_BOOK_WORDS);
  const { runsMs, last } = await timed(runs, () => importManuscript('The Long Book.docx', wordLike));
  imports.push({ format: 'docx made by LibreOffice from styled HTML (word-processor formatting on every run)', medianMs: median(runsMs), runsMs, bytes: wordLike.length });
  log(`import word-processor docx: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms, ${last.content.length} bytes of HTML`);
  return { manuscriptBytes: book.content.length, exports, imports, bundle: sidePanelBundle(extensionDir) };
}
