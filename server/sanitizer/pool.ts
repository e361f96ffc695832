// A small pool of worker threads that sanitise manuscripts off the event loop, so that no write stalls other requests.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { busy } from '../errors.ts';
import type { Sanitized } from '../html.ts';

/** Checks and sanitises manuscripts (server/html.ts sanitizeWithinLimits) without blocking the caller's thread. */
export interface Sanitizer {
  /** One result per html, in order; a 503 ApiError when too many tasks already wait for a thread. */
  sanitize(htmls: readonly string[]): Promise<Sanitized[]>;
  /** Ends the threads; tasks not answered yet fail. */
  close(): Promise<void>;
}

export interface SanitizerPoolOptions {
  /** Threads, each started when first needed; by default one per core, at most DEFAULT_THREADS_MAX. */
  threads?: number;
  /** Tasks that may wait for a free thread; beyond that sanitize() answers 503 at once rather than queue forever. */
  queueMax?: number;
}

/** One message each way between the pool and a worker (server/sanitizer/worker.ts). */
export interface Task {
  id: number;
  htmls: string[];
}
export type TaskResult = { id: number; results: Sanitized[] } | { id: number; error: string };

interface Pending {
  task: Task;
  resolve(results: Sanitized[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  running: Pending | null;
}

// A plain .mjs entry that registers tsx, so the TypeScript worker loads under tsx and under vitest alike.
const ENTRY = new URL('./bootstrap.mjs', import.meta.url);
const DEFAULT_QUEUE_MAX = 64;
/** Each thread holds about 40 MB; a typical book takes it a millisecond, so a few threads serve many writers. */
const DEFAULT_THREADS_MAX = 4;

export function createSanitizerPool({
  threads = Math.min(availableParallelism(), DEFAULT_THREADS_MAX),
  queueMax = DEFAULT_QUEUE_MAX,
}: SanitizerPoolOptions = {}): Sanitizer {
  const started: Thread[] = [];
  const waiting: Pending[] = [];
  let nextId = 0;
  let closed = false;

  function start(): Thread {
    const thread: Thread = { worker: new Worker(ENTRY), running: null };
    thread.worker.on('message', (result: TaskResult) => {
      const pending = thread.running!;
      thread.running = null;
      // An idle pool must not keep the process alive.
      thread.worker.unref();
      if ('error' in result) pending.reject(new Error(`Sanitising failed: ${result.error}`));
      else pending.resolve(result.results);
      dispatch();
    });
    // A thread that fails is replaced by the next task; only the task it was running fails with it.
    const lost = (error: Error) => {
      const index = started.indexOf(thread);
      if (index !== -1) started.splice(index, 1);
      thread.running?.reject(error);
      thread.running = null;
      dispatch();
    };
    thread.worker.on('error', lost);
    thread.worker.on('exit', (code) => lost(new Error(`The sanitiser thread stopped (exit code ${code})`)));
    started.push(thread);
    return thread;
  }

  function dispatch(): void {
    while (!closed && waiting.length > 0) {
      const thread = started.find((t) => !t.running) ?? (started.length < threads ? start() : null);
      if (!thread) return;
      const pending = waiting.shift()!;
      thread.running = pending;
      thread.worker.ref();
      thread.worker.postMessage(pending.task);
    }
  }

  return {
    sanitize(htmls) {
      if (closed) return Promise.reject(new Error('The sanitiser pool is closed'));
      if (htmls.length === 0) return Promise.resolve([]);
      if (waiting.length >= queueMax) {
        return Promise.reject(busy('The server is busy; try again'));
      }
      return new Promise<Sanitized[]>((resolve, reject) => {
        waiting.push({ task: { id: nextId++, htmls: [...htmls] }, resolve, reject });
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const pending of waiting.splice(0)) pending.reject(new Error('The sanitiser pool is closed'));
      await Promise.all(started.map((thread) => thread.worker.terminate()));
    },
  };
}
