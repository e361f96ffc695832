// The extension reads the server's error `code`, not its English text or field names: the transport carries it and
// the engine recovers from a cursor the server does not know by that code.
import { describe, expect, it } from 'vitest';
import { ErrorCode, FieldReason } from '../../../shared/protocol.ts';
import { embeddedStore } from '../../../server/store/testing.ts';
import { PASSWORD, serveStore, uniqueEmail } from '../../../server/test/harness.ts';
import { createDevice, faultyFetch } from './testing.ts';
import { TransportError } from './transport-error.ts';
import { createTransport } from './transport.ts';

const served = serveStore(embeddedStore);

describe('server error codes in the extension', () => {
  it("carries the server's code on a TransportError", async () => {
    const transport = createTransport({ fetch: (input, init) => fetch(input, init) });
    const error = await transport.sync(served.server.url, 'not-a-token', { changes: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).extra.code).toBe(ErrorCode.unauthenticated);
  });

  it('carries the field reasons of a refused sign-up', async () => {
    const transport = createTransport({ fetch: (input, init) => fetch(input, init) });
    const error = await transport.createUser(served.server.url, { email: uniqueEmail(), password: 'password1' }).catch((e: unknown) => e);
    expect((error as TransportError).extra).toMatchObject({
      code: ErrorCode.invalidRequest,
      reasons: { password: FieldReason.commonPassword },
    });
  });

  it('pulls from the start when the server says invalid_cursor, whatever field the details name', async () => {
    const faults = faultyFetch();
    const d = createDevice({ fetch: faults.fetch });
    await d.account.createAccount({ serverUrl: served.server.url, email: uniqueEmail(), password: PASSWORD });
    await d.books.create({ title: 'Kept' });
    expect(await d.engine.runCycle()).toEqual({ kind: 'synced' });
    await d.books.create({ title: 'Second' });

    faults.inject({ kind: 'status', status: 400, body: { code: ErrorCode.invalidCursor, error: 'Invalid cursor', details: { position: ['unknown'] } } });
    expect(await d.engine.runCycle()).toEqual({ kind: 'synced' });

    const [, refused, retried] = faults.syncBodies;
    expect(refused?.cursor).toEqual(expect.any(String));
    expect(retried?.cursor).toBeUndefined();
    expect(retried?.changes.map((c) => c.id)).toEqual(refused?.changes.map((c) => c.id));
  });
});
