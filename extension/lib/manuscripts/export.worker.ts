// The export worker: writes a book's file off the page's main thread (a novel's PDF takes seconds), so the page stays
// responsive and the export can be cancelled by ending the worker.
import { countSources, runExportJob } from './export-job.ts';
import type { ExportJobMessage, WorkerRequest } from './export-protocol.ts';
import { packagedPdfFonts } from './fonts.ts';

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage: (message: ExportJobMessage, transfer?: Transferable[]) => void;
};

const post = (message: ExportJobMessage) =>
  // The file's bytes move to the page rather than being copied (a book's PDF is megabytes).
  scope.postMessage(message, message.kind === 'done' ? [message.file.bytes.buffer as ArrayBuffer] : []);

scope.onmessage = (event) => {
  const request = event.data;
  if (request.kind === 'export') void runExportJob(request.job, packagedPdfFonts, post);
  else void countSources(request.content, post);
};
