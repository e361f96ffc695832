// Exporting a book from a page: the file is written in a worker (the export writers load there, never on the page)
// and handed to the browser as an ordinary download.
import { t, uiLocale } from '../i18n.ts';
import type { BookForExport } from './document.ts';
import { COUNT_SLOT, type ExportJob, type ExportJobMessage, type WorkerRequest } from './export-protocol.ts';
import type { ExportFormat, ExportedFile } from './export.ts';
import type { PdfStyle } from './pdf.ts';
// The worker's own bundle, by URL (WXT defines import.meta.url for service workers, which hides the
// `new Worker(new URL(…, import.meta.url))` form from Vite; this form does not depend on it).
import exportWorkerUrl from './export.worker.ts?worker&url';

export interface ExportChoices {
  format: ExportFormat;
  pdfStyle: PdfStyle;
  chapterPageBreaks: boolean;
  /** End the file with the book's sources. */
  bibliography: boolean;
}

export interface ExportProgress {
  /** Share of the work done (0–1), for formats that report it (PDF). */
  onProgress?: (fraction: number) => void;
  /** Aborting ends the worker at once: nothing is downloaded. */
  signal?: AbortSignal;
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

/** The job for the worker, with the words the file itself writes already in the writer's language. */
export function exportJob(book: BookForExport, choices: ExportChoices): ExportJob {
  return {
    // Only what the writers read: a LocalBook carries fields a worker message need not copy.
    book: { id: book.id, title: book.title, author: book.author, content: book.content, metadata: book.metadata },
    format: choices.format,
    language: uiLocale(),
    chapterPageBreaks: choices.chapterPageBreaks,
    pdfStyle: choices.pdfStyle,
    bibliography: choices.bibliography,
    pdfLabels: { approximateWords: t('pdfApproximateWords', COUNT_SLOT), byAuthor: t('pdfByAuthor', book.author) },
  };
}

/**
 * Sends one request to a worker of its own and settles with the worker's answer (progress messages go to
 * `onProgress`); aborting ends the worker at once. A worker per request: its memory (a book's PDF) goes with it.
 */
function ask(request: WorkerRequest, progress: ExportProgress = {}): Promise<ExportJobMessage> {
  const { signal, onProgress } = progress;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const worker = new Worker(exportWorkerUrl, { type: 'module', name: 'export' });
  return new Promise<ExportJobMessage>((resolve, reject) => {
    const stop = () => {
      worker.terminate();
      reject(signal!.reason);
    };
    const finish = () => {
      signal?.removeEventListener('abort', stop);
      worker.terminate();
    };
    signal?.addEventListener('abort', stop, { once: true });
    worker.onmessage = (event: MessageEvent<ExportJobMessage>) => {
      const message = event.data;
      if (message.kind === 'progress') return onProgress?.(message.fraction);
      finish();
      if (message.kind === 'failed') reject(new Error(message.message));
      else resolve(message);
    };
    worker.onerror = (event) => {
      finish();
      reject(new Error(event.message || 'export worker failed'));
    };
    worker.postMessage(request);
  });
}

/** Writes the job's file in a worker; rejects with the writer's error or the signal's reason. */
export async function writeInWorker(job: ExportJob, progress: ExportProgress = {}): Promise<ExportedFile> {
  const answer = await ask({ kind: 'export', job }, progress);
  if (answer.kind !== 'done') throw new Error(`unexpected answer ${answer.kind}`);
  return answer.file;
}

/** How many sources the book cites (read in a worker: parsing a novel would hold up the page). */
export async function countCitedSources(content: string, signal?: AbortSignal): Promise<number> {
  const answer = await ask({ kind: 'count-sources', content }, { signal });
  if (answer.kind !== 'sources') throw new Error(`unexpected answer ${answer.kind}`);
  return answer.count;
}

/** Writes `book` in the chosen format and downloads it; returns what the writer is told: the file's name and notes. */
export async function downloadBook(book: BookForExport, choices: ExportChoices, progress: ExportProgress = {}): Promise<Omit<ExportedFile, 'bytes'>> {
  const { bytes, ...told } = await writeInWorker(exportJob(book, choices), progress);
  saveFile({ ...told, bytes });
  return told;
}
