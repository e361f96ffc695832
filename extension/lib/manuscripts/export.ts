// Exporting a book: the formats, their file names and types, each writer loaded only when a writer asks for it.
import { toManuscript, type BookForExport } from './document.ts';
import type { PdfFontFiles, PdfLabels, PdfStyle } from './pdf.ts';

export const EXPORT_FORMATS = ['docx', 'epub', 'md', 'html', 'pdf', 'txt'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const TYPES: Record<ExportFormat, string> = {
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  epub: 'application/epub+zip',
  md: 'text/markdown;charset=utf-8',
  html: 'text/html;charset=utf-8',
  pdf: 'application/pdf',
  txt: 'text/plain;charset=utf-8',
};

export interface ExportOptions {
  /** The language of a book that does not name its own (the writer's interface language). */
  language: string;
  /** DOCX: start each chapter on a new page. */
  chapterPageBreaks?: boolean;
  pdfStyle?: PdfStyle;
  /** PDF: the font files (the extension fetches its packaged ones; tests read them from node_modules). */
  pdfFonts?: () => Promise<PdfFontFiles>;
  pdfLabels?: PdfLabels;
  /** EPUB's modification date; now by default. */
  now?: Date;
  /** End the book with a list of the sources it cites, in its citation style (bibliography.ts). */
  bibliography?: boolean;
  /** PDF: the share of the work done (0–1), reported as it goes. */
  onProgress?: (fraction: number) => void;
}

export interface ExportedFile {
  filename: string;
  type: string;
  bytes: Uint8Array;
  /** Markdown: lettered or roman lists written as HTML blocks, which the writer is told about. */
  listsAsHtml?: number;
}

/** A file name from the book's title: characters no file system accepts removed, never empty. */
export function exportFileName(title: string, format: ExportFormat): string {
  const base = title.replace(/[\\/:*?"<>|\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').replace(/^[ .]+|[ .]+$/g, '').slice(0, 120);
  return `${base || 'book'}.${format}`;
}

const utf8 = (text: string) => new TextEncoder().encode(text);

/** The book written in `format`. */
export async function exportBook(book: BookForExport, format: ExportFormat, options: ExportOptions): Promise<ExportedFile> {
  let m = toManuscript(book, options.language);
  if (options.bibliography) {
    const [{ withBibliography }, { citationChoiceOf }] = await Promise.all([import('./bibliography.ts'), import('../clipping/clip-record.ts')]);
    m = withBibliography(m, citationChoiceOf({ metadata: book.metadata ?? {} }, options.language));
  }
  let bytes: Uint8Array;
  let listsAsHtml: number | undefined;
  switch (format) {
    case 'docx':
      bytes = await (await import('./docx.ts')).manuscriptToDocx(m, { chapterPageBreaks: options.chapterPageBreaks ?? true });
      break;
    case 'epub':
      bytes = (await import('./epub.ts')).manuscriptToEpub(m, { modified: options.now ?? new Date() });
      break;
    case 'md': {
      const { manuscriptToMarkdown, lettersKeptAsHtml } = await import('./markdown.ts');
      bytes = utf8(manuscriptToMarkdown(m));
      listsAsHtml = lettersKeptAsHtml(m.blocks) || undefined;
      break;
    }
    case 'html':
      bytes = utf8((await import('./html.ts')).manuscriptToHtml(m));
      break;
    case 'pdf': {
      if (!options.pdfFonts || !options.pdfLabels) throw new Error('PDF export needs fonts and labels');
      const { manuscriptToPdf } = await import('./pdf.ts');
      bytes = await manuscriptToPdf(m, { style: options.pdfStyle ?? 'manuscript', fonts: await options.pdfFonts(), labels: options.pdfLabels, onProgress: options.onProgress });
      break;
    }
    case 'txt':
      bytes = utf8((await import('./text.ts')).manuscriptToText(m));
      break;
  }
  return { filename: exportFileName(book.title, format), type: TYPES[format], bytes, ...(listsAsHtml ? { listsAsHtml } : {}) };
}
