// Exporting a book from a page: the file is written by the export writers (loaded only now) and handed to the
// browser as an ordinary download.
import { formatCount, t, uiLocale } from '../i18n.ts';
import type { BookForExport } from './document.ts';
import type { ExportFormat, ExportedFile } from './export.ts';
import type { PdfStyle } from './pdf.ts';

export interface ExportChoices {
  format: ExportFormat;
  pdfStyle: PdfStyle;
  chapterPageBreaks: boolean;
}

/** Saves a file through the browser's downloads (an anchor on a blob URL: no extra permission needed). */
export function saveFile(file: Pick<ExportedFile, 'filename' | 'type' | 'bytes'>): void {
  const url = URL.createObjectURL(new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }));
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = file.filename;
  anchor.hidden = true;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  // The download reads the blob after the click returns; a minute is ample before releasing it.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Writes `book` in the chosen format and downloads it; returns the file name. */
export async function downloadBook(book: BookForExport, choices: ExportChoices): Promise<string> {
  const [{ exportBook }, { packagedPdfFonts }] = await Promise.all([import('./export.ts'), import('./fonts.ts')]);
  const file = await exportBook(book, choices.format, {
    language: uiLocale(),
    chapterPageBreaks: choices.chapterPageBreaks,
    pdfStyle: choices.pdfStyle,
    pdfFonts: packagedPdfFonts,
    pdfLabels: { approximateWords: (n) => t('pdfApproximateWords', formatCount(n)), byAuthor: (author) => t('pdfByAuthor', author) },
  });
  saveFile(file);
  return file.filename;
}
