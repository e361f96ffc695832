// What a page and the export worker say to each other: the request (plain data: workers have no extension APIs, so
// the page sends its words ready-made) and the messages the worker answers with. Types and a constant only, so the
// page can import it without loading any export code.
import type { BookForExport } from './document.ts';
import type { ExportFormat, ExportedFile } from './export.ts';
import type { PdfStyle } from './pdf.ts';

/** Stands where the number goes in a label the page translated before it knew the number. */
export const COUNT_SLOT = '⟦count⟧';

export interface ExportJob {
  book: BookForExport;
  format: ExportFormat;
  /** The writer's interface language (BCP 47): the book's language when it names none, and how numbers are written. */
  language: string;
  chapterPageBreaks: boolean;
  pdfStyle: PdfStyle;
  /** End the file with the book's sources (bibliography.ts). */
  bibliography: boolean;
  /** "about {count} words" with COUNT_SLOT where the count goes, and "by {author}", in the writer's language. */
  pdfLabels: { approximateWords: string; byAuthor: string };
}

/** What a page asks the worker: a file, or how many sources a book cites (the export form offers a bibliography). */
export type WorkerRequest = { kind: 'export'; job: ExportJob } | { kind: 'count-sources'; content: string };

export type ExportJobMessage =
  | { kind: 'progress'; fraction: number }
  | { kind: 'done'; file: ExportedFile }
  | { kind: 'sources'; count: number }
  | { kind: 'failed'; message: string };
