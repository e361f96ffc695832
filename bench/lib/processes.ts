// Child processes the benchmark measures: the real server (server/main.ts) and the bare-Koa ceiling, each on its own
// port and event loop, so the load generator in this process never competes with them for the same loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './machine.ts';

export interface Child {
  url: string;
  pid: number;
  /** Last lines the child printed (stdout + stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

/** A port that was free a moment ago (the server is told its port because bench servers log at `warn`). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `url` until it answers 2xx; a condition with a deadline, not a fixed sleep. */
export async function waitUntilUp(url: string, child: ChildProcess, output: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url} exited (${child.exitCode ?? child.signalCode}) before answering:\n${output()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `env` is added to this process's environment; a variable set to undefined is removed from it. */
async function startChild(script: string, env: Record<string, string | undefined>, healthPath: string, cleanup?: () => Promise<void>): Promise<Child> {
  const port = await freePort();
  const merged = { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' };
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const escalate = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(escalate);
    }
    await cleanup?.();
  };
  try {
    await waitUntilUp(url + healthPath, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid!, output: () => output, stop };
}

/**
 * The real server with a fresh data directory. Rate limits are raised to their maximum: at 50 connections the bench
 * sends tens of thousands of requests a minute from a handful of accounts, which the production default (60 per user
 * per minute) would answer with 429s — we want the cost of a write, not of a refusal. The limiter still runs and
 * still counts every request in the store, so its cost is included. Logging is `warn`: at `info` every request is one
 * JSON line on stdout, which measures the pipe to this process rather than the server.
 */
export async function startServer(mongodb?: { uri: string; dbName: string; jongodb?: boolean }): Promise<Child> {
  const dataDir = await mkdtemp(join(tmpdir(), 'anclora-bench-'));
  return startChild(
    mongodb?.jongodb ? 'server/test/jongodb-server.ts' : 'server/main.ts',
    {
      DATA_DIR: dataDir,
      AUTH_SECRET: 'bench-secret-bench-secret-bench-secret-0123456789',
      RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
      AUTH_ACCOUNT_RATE_LIMIT_PER_HOUR: '1000000',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      PUBLIC_URL: 'http://127.0.0.1',
      // Without `mongodb`, the embedded store, even when the bench itself was given MONGODB_URI.
      MONGODB_URI: mongodb?.uri,
      MONGODB_DB: mongodb?.dbName,
    },
    '/healthz',
    () => rm(dataDir, { recursive: true, force: true }),
  );
}

/** The ceiling: a bare Koa app answering one small JSON document (bench/ceiling-server.ts). */
export function startCeiling(): Promise<Child> {
  return startChild('bench/ceiling-server.ts', {}, '/ceiling');
}
