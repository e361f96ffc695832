// A sanitiser worker thread: checks and sanitises the manuscripts of one task at a time, off the server's event loop.
import { parentPort } from 'node:worker_threads';
import { sanitizeWithinLimits } from '../html.ts';
import type { Task, TaskResult } from './pool.ts';

const port = parentPort!;
port.on('message', ({ id, htmls }: Task) => {
  let result: TaskResult;
  try {
    result = { id, results: htmls.map(sanitizeWithinLimits) };
  } catch (error) {
    result = { id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(result);
});
