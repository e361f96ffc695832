import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { buildBook, Client, PASSWORD, uniqueEmail } from './test/harness.ts';

const ROOT = join(import.meta.dirname, '..');
const START_TIMEOUT_MS = 30_000;
const dataDir = mkdtempSync(join(tmpdir(), 'anclora-main-'));
const children: ChildProcess[] = [];

afterAll(() => {
  // Each server runs in its own process group (npm → tsx → node), so nothing outlives the test.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<number | null>;
}

function start(command: string, args: string[], env: Record<string, string>): Omit<Started, 'url'> {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'development', MONGODB_URI: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    lines.push(line);
    for (const w of waiters.filter((w) => w.pattern.test(line))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`no line matching ${pattern}; stderr: ${stderr}`)), START_TIMEOUT_MS);
        waiters.push({ pattern, resolve: (l) => (clearTimeout(timer), resolve(l)) });
        void exited.then((code) => reject(new Error(`exited with ${code} before ${pattern}; stderr: ${stderr}`)));
      }),
  };
}

async function npmRunServer(): Promise<Started> {
  const started = start('npm', ['run', '--silent', 'server'], { PORT: '0', DATA_DIR: dataDir, AUTH_SECRET: '', LOG_LEVEL: 'info' });
  const listening = await started.line(/listening on http:\/\//);
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(listening)![1]!;
  expect(url).not.toMatch(/:0$/);
  return { ...started, url };
}

describe('npm run server', () => {
  let token = '';
  const books = [buildBook({ title: 'One' }), buildBook({ title: 'Two' })];

  it('prints the listening line with the real port, answers /healthz, and exits 0 on SIGTERM after finishing a request in flight', async () => {
    const server = await npmRunServer();
    const api = new Client(server.url);
    expect((await api.get('/healthz')).body).toEqual({ ok: true, store: 'embedded' });

    const email = uniqueEmail();
    await api.post('/api/users', { email, password: PASSWORD });
    token = (await api.post('/api/tokens', { email, password: PASSWORD, deviceName: 'cli' })).body.data.token;
    const client = api.withToken(token);
    for (const book of books) await client.put(`/api/books/${book.id}`, book);
    await client.put(`/api/books/${books[0]!.id}`, { ...books[0]!, content: '<p>second draft</p>', baseRevision: 1, updatedAt: books[0]!.updatedAt + 1 });

    // A write whose body is still arriving when the signal comes must complete.
    const late = buildBook({ title: 'In flight' });
    const body = JSON.stringify(late);
    const answer = new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/api/books/${late.id}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      server.child.kill('SIGTERM');
      server.line(/shutting down/).then(() => req.end(body.slice(20)), reject);
    });
    expect(await answer).toBe(200);
    expect(await server.exited).toBe(0);
    books.push(late);
  });

  it('loses nothing across a restart on the same DATA_DIR, keeping tokens and the generated secret', async () => {
    const secretFile = join(dataDir, 'auth-secret');
    const secret = readFileSync(secretFile, 'utf8');
    expect(statSync(secretFile).mode & 0o777).toBe(0o600);

    const server = await npmRunServer();
    const client = new Client(server.url, token);
    const feed = await client.get('/api/books');
    expect(feed.status).toBe(200);
    expect(feed.body.data.map((b: { title: string }) => b.title).sort()).toEqual(['In flight', 'One', 'Two']);
    expect((await client.get(`/api/books/${books[0]!.id}`)).body.data).toMatchObject({ revision: 2, content: '<p>second draft</p>' });
    expect((await client.get(`/api/books/${books[0]!.id}/revisions`)).body.data).toEqual([expect.objectContaining({ revision: 1 })]);
    expect((await client.get(`/api/books/${books[0]!.id}/revisions/1`)).body.data).toMatchObject({ revision: 1, content: books[0]!.content });
    expect(readFileSync(secretFile, 'utf8')).toBe(secret);

    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
  });

  it('stops with one line naming the variable when the configuration is invalid', async () => {
    const run = start(join(ROOT, 'node_modules/.bin/tsx'), ['server/main.ts'], { PORT: 'not-a-port', DATA_DIR: dataDir });
    let stderr = '';
    run.child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await run.exited).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^Invalid configuration: PORT /)]);
  });
});
