// Book input the schema must refuse cleanly (deep metadata, lone surrogates), and the stored copy handed back whenever
// it differs from what was sent.
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS, type BookMetadata } from '../../shared/protocol.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, serveStore, signedInWriter } from '../test/harness.ts';

afterAll(stopAll);

/** Metadata whose arrays and objects nest `depth` levels, counting the metadata object itself. */
function nested(depth: number): BookMetadata {
  let value: BookMetadata[string] = 1;
  for (let level = 1; level < depth; level++) value = level % 2 ? [value] : { deeper: value };
  return { tree: value };
}

describe.each(storeFactories)('book input ($name store)', (factory) => {
  const served = serveStore(factory);
  const writer = () => signedInWriter(served.server.url);

  it('answers 400 on metadata for a PUT with metadata nested ~1,300 deep', async () => {
    const { client } = await writer();
    const book = buildBook({ metadata: nested(1300) });
    const res = await client.put(`/api/books/${book.id}`, book);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ metadata: [`metadata must nest at most ${LIMITS.metadataDepthMax} levels`] });
  });

  it('reports a sync entry with metadata nested ~1,300 deep as invalid and applies the others', async () => {
    const { client } = await writer();
    const deep = buildBook({ metadata: nested(1300) });
    const good = buildBook();
    const res = await client.post('/api/sync', { changes: [deep, good] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ id: deep.id, status: 'invalid', details: { metadata: [expect.any(String)] } });
    expect(res.body.results[1]).toMatchObject({ id: good.id, status: 'ok' });
  });

  it('accepts metadata exactly at the depth limit and refuses one level more', async () => {
    const { client } = await writer();
    const atLimit = buildBook({ metadata: nested(LIMITS.metadataDepthMax) });
    expect((await client.put(`/api/books/${atLimit.id}`, atLimit)).status).toBe(200);
    const over = buildBook({ metadata: nested(LIMITS.metadataDepthMax + 1) });
    expect((await client.put(`/api/books/${over.id}`, over)).status).toBe(400);
  });

  it.each([
    ['title', { title: 'Draft \ud800' }],
    ['author', { author: '\udfffAna' }],
    ['content', { content: '<p>half a pair: \ud83d</p>' }],
    ['metadata.note', { metadata: { note: 'x\udc00' } }],
    ['metadata.tags.1', { metadata: { tags: ['ok', '\ud800'] } }],
  ])('refuses a lone surrogate in %s with a field error, so nothing is stored mangled', async (field, overrides) => {
    const { client } = await writer();
    const book = buildBook(overrides);
    const res = await client.put(`/api/books/${book.id}`, book);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual({ [field]: ['must be valid Unicode text (no unpaired surrogates)'] });
    expect((await client.get(`/api/books/${book.id}`)).status).toBe(404);
  });

  it('stores whole surrogate pairs (emoji) byte for byte, and an identical retry is not a conflict', async () => {
    const { client } = await writer();
    const book = buildBook({ title: 'Notes 📖', content: '<p>𝄞 clef</p>', metadata: { mood: '🙂' } });
    expect((await client.put(`/api/books/${book.id}`, book)).status).toBe(200);
    expect((await client.put(`/api/books/${book.id}`, book)).status).toBe(200);
    expect((await client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ title: book.title, content: book.content, metadata: book.metadata });
  });

  it.each([
    ['a title that validation trims', { title: '  Padded title  ' }, { title: 'Padded title' }],
    ['an edit time from a clock far ahead, clamped', { updatedAt: Date.now() + 24 * 3600_000 }, {}],
  ])('hands back the stored version for %s', async (_name, overrides, stored) => {
    const { client } = await writer();
    const book = buildBook(overrides);
    const res = await client.post('/api/sync', { changes: [book] });
    expect(res.body.results[0]).toMatchObject({ status: 'ok', serverVersion: { id: book.id, ...stored } });
    const server = res.body.results[0].serverVersion;
    expect(server.title !== book.title || server.updatedAt !== book.updatedAt).toBe(true);
  });

  it('hands back no stored version when the stored copy is exactly what was sent', async () => {
    const { client } = await writer();
    const book = buildBook();
    const res = await client.post('/api/sync', { changes: [book] });
    expect(res.body.results[0]).toEqual({ id: book.id, status: 'ok', revision: 1, syncedAt: expect.any(Number) });
  });
});
