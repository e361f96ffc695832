// A switchable HTTP proxy in front of the server: the tests' way to take the network away from the extension's
// background worker (page.setOfflineMode does not reach service workers) and to make the server fail on demand.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * - `pass`: forward everything to the server.
 * - `refuse`: drop every connection without an answer (what the extension sees when the network is gone).
 * - `error500`: answer every request with 500.
 * - `hold`: accept requests and keep them unanswered until the mode changes; switching to `pass` then delivers them
 *   to the server (whose answers may no longer have anyone to go to), as a request in flight when its sender died.
 * CORS preflights pass in `error500` and `hold`, so the extension sees a real 500 or a request in flight rather than
 * a CORS failure.
 */
export type ProxyMode = 'pass' | 'refuse' | 'error500' | 'hold';

export interface FaultProxy {
  url: string;
  mode(): ProxyMode;
  setMode(mode: ProxyMode): void;
  /** Requests (and refused connections) seen per mode since start or `resetCounts`, CORS preflights excluded. */
  counts(): Record<ProxyMode, number>;
  resetCounts(): void;
  /** Requests held now (mode `hold`). */
  held(): number;
  close(): Promise<void>;
}

interface HeldRequest {
  req: IncomingMessage;
  res: ServerResponse;
  body: Promise<Buffer>;
}

const ZERO_COUNTS: Record<ProxyMode, number> = { pass: 0, refuse: 0, error500: 0, hold: 0 };

export async function startFaultProxy(targetUrl: string): Promise<FaultProxy> {
  const target = new URL(targetUrl);
  let mode: ProxyMode = 'pass';
  let counts = { ...ZERO_COUNTS };
  const sockets = new Set<Socket>();
  let held: HeldRequest[] = [];

  const server = createServer((req, res) => {
    const preflight = req.method === 'OPTIONS';
    if (!preflight) counts[mode]++;
    if (mode === 'refuse') {
      req.socket.destroy();
    } else if (mode === 'error500' && !preflight) {
      answer500(req, res);
    } else if (mode === 'hold' && !preflight) {
      held.push({ req, res, body: readBody(req) });
    } else {
      forward(req, res, target, req);
    }
  });
  server.on('connection', (socket) => {
    if (mode === 'refuse') {
      counts.refuse++;
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;

  function release(next: ProxyMode) {
    const waiting = held;
    held = [];
    for (const { req, res, body } of waiting) {
      if (next === 'pass') void body.then((buffer) => forward(req, res, target, buffer));
      else if (next === 'error500') answer500(req, res);
      else req.socket.destroy();
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    mode: () => mode,
    setMode(next) {
      mode = next;
      if (next !== 'hold') release(next);
      // Keep-alive connections opened while passing must not survive a switch to `refuse`.
      if (next === 'refuse') for (const socket of sockets) socket.destroy();
    },
    counts: () => ({ ...counts }),
    resetCounts() {
      counts = { ...ZERO_COUNTS };
    },
    held: () => held.length,
    close: async () => {
      release('refuse');
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((closed) => server.close(() => closed()));
    },
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A sender that dies mid-body leaves what arrived; the server judges it.
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** Forwards to the server; `body` is the live request stream, or a body read earlier (held requests). */
function forward(req: IncomingMessage, res: ServerResponse, target: URL, body: IncomingMessage | Buffer): void {
  const headers = { ...req.headers, host: target.host };
  if (Buffer.isBuffer(body)) {
    delete headers['transfer-encoding'];
    headers['content-length'] = String(body.length);
  }
  const upstream = request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', () => req.socket.destroy());
  if (Buffer.isBuffer(body)) upstream.end(body);
  else body.pipe(upstream);
}

function answer500(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  const origin = req.headers.origin;
  res.writeHead(500, {
    'content-type': 'application/json',
    ...(origin ? { 'access-control-allow-origin': origin, vary: 'Origin' } : {}),
  });
  res.end(JSON.stringify({ error: 'Injected failure (e2e fault proxy)' }));
}
