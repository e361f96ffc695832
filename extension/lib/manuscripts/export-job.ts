// One export as the worker runs it: the page's request written in its format, with progress and the outcome posted
// back as messages.
import { exportBook } from './export.ts';
import { COUNT_SLOT, type ExportJob, type ExportJobMessage } from './export-protocol.ts';
import type { PdfFontFiles, PdfLabels } from './pdf.ts';

/** The PDF labels as functions again, the count written in the writer's language. */
export function pdfLabelsOf(job: Pick<ExportJob, 'language' | 'pdfLabels'>): PdfLabels {
  const numbers = new Intl.NumberFormat(job.language);
  return {
    approximateWords: (n) => job.pdfLabels.approximateWords.replace(COUNT_SLOT, numbers.format(n)),
    byAuthor: () => job.pdfLabels.byAuthor,
  };
}

/** Counts the sources a book's stored HTML cites. */
export async function countSources(content: string, post: (message: ExportJobMessage) => void): Promise<void> {
  try {
    const [{ citedSources }, { parseBlocks }] = await Promise.all([import('./bibliography.ts'), import('./document.ts')]);
    post({ kind: 'sources', count: citedSources(parseBlocks(content)).length });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}

/** Writes the job's file, telling `post` how far it got; never throws (a failure is a message too). */
export async function runExportJob(job: ExportJob, fonts: () => Promise<PdfFontFiles>, post: (message: ExportJobMessage) => void): Promise<void> {
  try {
    const file = await exportBook(job.book, job.format, {
      language: job.language,
      chapterPageBreaks: job.chapterPageBreaks,
      pdfStyle: job.pdfStyle,
      bibliography: job.bibliography,
      pdfFonts: fonts,
      pdfLabels: pdfLabelsOf(job),
      onProgress: (fraction) => post({ kind: 'progress', fraction }),
    });
    post({ kind: 'done', file });
  } catch (error) {
    post({ kind: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
}
