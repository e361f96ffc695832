// A TCP pass-through in front of the server that counts the bytes on the wire each way (headers, bodies, gzip as sent).
import { connect, createServer, type Socket } from 'node:net';

export interface ByteProxy {
  url: string;
  counts(): { sent: number; received: number; connections: number };
  reset(): void;
  close(): Promise<void>;
}

export async function startByteProxy(targetUrl: string): Promise<ByteProxy> {
  const target = new URL(targetUrl);
  let sent = 0;
  let received = 0;
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    connections++;
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => void (sent += chunk.length));
    upstream.on('data', (chunk: Buffer) => void (received += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    counts: () => ({ sent, received, connections }),
    reset: () => {
      sent = 0;
      received = 0;
      connections = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
