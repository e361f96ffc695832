// Test support: a real HTTP server on port 0 around a real store, a small fetch client, and account factories.
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { BookInput } from '../../shared/protocol.ts';
import { createApp } from '../app.ts';
import type { Config } from '../config.ts';
import { DEFAULT_HISTORY } from '../history/retention.ts';
import { createHttpServer } from '../http-server.ts';
import { createSanitizerPool } from '../sanitizer/pool.ts';
import type { OpenedStore, StoreFactory } from '../store/testing.ts';
import type { Store } from '../store/types.ts';

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    production: false,
    port: 0,
    host: '127.0.0.1',
    dataDir: '/nonexistent',
    mongodb: null,
    authSecret: 'test-secret-that-is-long-enough-for-authjs',
    publicUrl: null,
    rateLimitPerMinute: 100_000,
    authRateLimitPerMinute: 100_000,
    authAccountRateLimitPerHour: 100_000,
    maxPayloadBytes: 5 * 1024 * 1024,
    answerBudgetBytes: 20 * 1024 * 1024,
    storageQuotaBytes: 200 * 1024 * 1024,
    trashRetentionMs: 30 * 24 * 60 * 60 * 1000,
    allowedOrigins: ['https://app.example'],
    logLevel: 'silent',
    trustProxy: 0,
    oauth: { github: null, google: null },
    http: { headersTimeoutMs: 10_000, requestTimeoutMs: 120_000, keepAliveTimeoutMs: 5_000, idleTimeoutMs: 60_000, maxConnections: 1000 },
    history: DEFAULT_HISTORY,
    ...overrides,
  };
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startServer(
  store: Store,
  overrides: Partial<Config> = {},
  options: { now?: () => number; logger?: Logger } = {},
): Promise<RunningServer> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const config = testConfig(overrides);
  // One thread is enough for tests, and it starts only when the first write needs it.
  const sanitizer = createSanitizerPool({ threads: 1 });
  const app = createApp({ config, store, sanitizer, logger, now: options.now });
  const server = createHttpServer(app.callback(), config.http);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeAllConnections();
        });
      } finally {
        await sanitizer.close();
      }
    },
  };
}

export interface Served {
  opened: OpenedStore;
  server: RunningServer;
}

/** For a describe block: opens a store from `factory` and serves it before its tests; closes both after them. */
export function serveStore(factory: StoreFactory, ...args: [Partial<Config>?, Parameters<typeof startServer>[2]?]): Served {
  const served = {} as Served;
  beforeAll(async () => {
    served.opened = await factory.open();
    served.server = await startServer(served.opened.store, ...args);
  });
  afterAll(async () => {
    await served.server?.close();
    await served.opened?.cleanup();
  });
  return served;
}

export interface ServedWithWriter extends Served {
  /** A signed-in writer's client, ready before the tests. */
  client: Client;
  /** Moves the server's clock on by `ms` (history thins versions by age). */
  advance(ms: number): void;
}

/**
 * For a describe block: `serveStore` on a clock that moves 1 ms a reading from `start` (so that each write and each
 * cursor has its own time), with one writer signed in before the tests.
 */
export function serveOnTickingClock(factory: StoreFactory, start: number): ServedWithWriter {
  let clock = start;
  const served = serveStore(factory, {}, { now: () => clock++ }) as ServedWithWriter;
  served.advance = (ms) => {
    clock += ms;
  };
  beforeAll(async () => {
    served.client = (await signedInWriter(served.server.url)).client;
  });
  return served;
}

/**
 * For a describe block whose tests each need their own server (their own config): returns `serve`, which opens a
 * fresh store from `factory` and serves it; everything served is closed after each test.
 */
export function serverPerTest(factory: StoreFactory): (
  overrides?: Partial<Config>,
  options?: Parameters<typeof startServer>[2],
) => Promise<Served> {
  const served: Served[] = [];
  afterEach(async () => {
    const done = served.splice(0);
    await Promise.all(done.map((s) => s.server.close()));
    await Promise.all(done.map((s) => s.opened.cleanup()));
  });
  return async (overrides = {}, options = {}) => {
    const opened = await factory.open();
    const server = await startServer(opened.store, overrides, options);
    served.push({ opened, server });
    return { opened, server };
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** One HTTP client for the tests: JSON in, JSON out, optional bearer token. */
export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string): Client {
    return new Client(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const response = await fetch(this.baseUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  }

  get = <T = any>(path: string, headers?: Record<string, string>) => this.request<T>('GET', path, undefined, headers);
  put = <T = any>(path: string, body: unknown) => this.request<T>('PUT', path, body);
  post = <T = any>(path: string, body: unknown, headers?: Record<string, string>) => this.request<T>('POST', path, body, headers);
  delete = <T = any>(path: string) => this.request<T>('DELETE', path);
}

export const PASSWORD = 'correct horse battery';

export function uniqueEmail(): string {
  return `writer-${randomUUID()}@example.test`;
}

/** Signs up a fresh user and returns a client holding a device token for them. */
export async function signedInWriter(baseUrl: string): Promise<{ client: Client; email: string; userId: string; tokenId: string }> {
  const anonymous = new Client(baseUrl);
  const email = uniqueEmail();
  const user = await anonymous.post('/api/users', { email, password: PASSWORD, name: 'Writer' });
  if (user.status !== 201) throw new Error(`sign-up failed: ${user.status} ${JSON.stringify(user.body)}`);
  const token = await anonymous.post('/api/tokens', { email, password: PASSWORD, deviceName: 'test laptop' });
  if (token.status !== 201) throw new Error(`token failed: ${token.status} ${JSON.stringify(token.body)}`);
  return { client: anonymous.withToken(token.body.data.token), email, userId: user.body.data.id, tokenId: token.body.data.id };
}

export function buildBook(overrides: Partial<BookInput> & Record<string, unknown> = {}): BookInput & Record<string, unknown> {
  return {
    id: randomUUID(),
    title: 'The Long Draft',
    author: 'Ana Writer',
    content: '<p>It was a dark and stormy night.</p>',
    metadata: { wordCount: 7, charCount: 35 },
    updatedAt: Date.now(),
    ...overrides,
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One request exactly as written: the path is sent byte for byte (fetch would normalise `..`, `%2e` and backslashes
 * away) and any header may be set, Host included.
 */
export function rawRequest(
  baseUrl: string,
  { method = 'GET', path, headers = {}, body }: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: { Connection: 'close', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A raw TCP connection to the server, for requests that stop half-way: what arrived, and when it closed. */
export class RawConnection {
  readonly socket: Socket;
  received = '';
  /** Resolves when the server (or the test) closes the connection. */
  readonly closed: Promise<void>;
  private waiters: Array<() => void> = [];

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.received += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    socket.on('error', () => {}); // a reset by the server counts as closed
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(baseUrl: string): Promise<RawConnection> {
    const { hostname, port } = new URL(baseUrl);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Resolves with everything received once it matches `pattern`; rejects if the connection closes first. */
  async waitFor(pattern: RegExp): Promise<string> {
    while (!pattern.test(this.received)) {
      if (this.socket.destroyed) throw new Error(`closed without ${pattern}; received: ${this.received.slice(0, 200)}`);
      await Promise.race([new Promise<void>((wake) => this.waiters.push(wake)), this.closed]);
    }
    return this.received;
  }

  close(): void {
    this.socket.destroy();
  }
}
