// Starts the real Anclora Press server (server/main.ts) as a child process on a free port with a fresh data directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const TSX = join(ROOT, 'node_modules/.bin/tsx');

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  url: string;
  dataDir: string;
  /** Everything the server printed so far (stdout + stderr), for failure messages. */
  output(): string;
  /** SIGTERM, wait for the process to exit, remove the data directory. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  env?: Record<string, string>;
  /** How long to wait for the "listening on" line; tsx compiles on first start, and CPUs are shared. */
  timeout?: number;
}

export async function startServer({ env = {}, timeout = 60_000 }: StartServerOptions = {}): Promise<RunningServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'anclora-e2e-data-'));
  const child = spawn(TSX, ['server/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, NODE_ENV: 'test', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((done) => child.once('exit', () => done()));

  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`server did not print "listening on" within ${timeout} ms:\n${output}`)),
        timeout,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening on (http:\/\/[^\s"',]+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1].replace(/\/$/, ''));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`server exited (code ${code}, signal ${signal}) before listening:\n${output}`));
      });
    });
    return {
      url,
      dataDir,
      output: () => output,
      stop: async () => {
        await stopChild(child, exited);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChild(child, exited);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  // A server that ignores SIGTERM is a bug worth seeing, but must not hang the suite: escalate after 10 s.
  const escalate = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(escalate);
}
