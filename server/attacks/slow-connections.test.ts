// Attack class: slow connections. A client that sends its request slowly, sends nothing, or never leaves must lose its
// connection after the configured time, and no more than the configured number of connections are ever held.
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../shared/wait.testing.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { Client, RawConnection, serveStore } from '../test/harness.ts';

afterAll(stopAll);

// Small on purpose, so the tests can wait for the server to give up; a stalled test means the server never did.
const http = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 200, idleTimeoutMs: 5_000, maxConnections: 4 };

describe.each(storeFactories)('slow connections ($name store)', (factory) => {
  const served = serveStore(factory, { http });
  const open = () => RawConnection.open(served.server.url);

  it('closes a connection whose headers never finish, answering 408', async () => {
    const connection = await open();
    connection.write('GET /healthz HTTP/1.1\r\nHost: x\r\n');
    await connection.closed;
    expect(connection.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection that sends nothing at all', async () => {
    const connection = await open();
    await connection.closed;
    expect(connection.received).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body trickles in slower than the request timeout allows', async () => {
    const connection = await open();
    connection.write('POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":');
    // One more byte each time the previous one is on its way: the body is never finished.
    const trickle = setInterval(() => connection.write(' '), 50);
    try {
      await connection.closed;
    } finally {
      clearInterval(trickle);
    }
    expect(connection.received).not.toMatch(/^HTTP\/1\.1 201 /);
  });

  it('closes an idle keep-alive connection after a finished request', async () => {
    const connection = await open();
    connection.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    await connection.waitFor(/"ok":true/);
    await connection.closed;
    expect(connection.received).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('refuses connections beyond the cap, and serves again once they are gone', async () => {
    const held = await Promise.all(Array.from({ length: http.maxConnections }, open));
    // Each held connection is known to the server once it answers on it.
    for (const connection of held) {
      connection.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await connection.waitFor(/"ok":true/);
    }
    const extra = await open();
    await extra.closed;
    expect(extra.received).toBe('');
    for (const connection of held) connection.close();
    await Promise.all(held.map((c) => c.closed));
    // The server counts a closed connection once its own socket has closed too: retry until it has.
    const answered = await until(() => new Client(served.server.url).get('/healthz').then((r) => r.status === 200, () => false), {
      message: 'the server to take a connection again',
    });
    expect(answered).toBe(true);
  });

  describe('with an idle timeout shorter than the request timeout', () => {
    const idle = serveStore(factory, { http: { ...http, headersTimeoutMs: 30_000, requestTimeoutMs: 30_000, idleTimeoutMs: 200 } });

    it('closes a connection that goes silent half-way through its body', async () => {
      const connection = await RawConnection.open(idle.server.url);
      connection.write('POST /api/users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"email":');
      await connection.closed;
      expect(connection.received).not.toMatch(/^HTTP\/1\.1 201 /);
    });
  });
});
