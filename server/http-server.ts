// The one HTTP server around the app (main.ts and the tests): timeouts and a connection cap, so slow clients let go.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { HttpLimits } from './config.ts';

export function createHttpServer(handler: RequestListener, limits: HttpLimits): Server {
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // Node checks the two timeouts above only this often (30 s by default), which would let them run long.
      connectionsCheckingInterval: Math.max(10, Math.min(1000, limits.headersTimeoutMs / 4)),
    },
    handler,
  );
  // Without a listener a socket idle this long is destroyed.
  server.setTimeout(limits.idleTimeoutMs);
  // Beyond the cap new connections are closed at once, before they cost a file descriptor for long.
  server.maxConnections = limits.maxConnections;
  return server;
}
