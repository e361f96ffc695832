import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN_MERGES, MERGE_BASE, p } from '../../shared/manuscript/merge-cases.testing.ts';
import { applyPatch, contentHash, makePatch } from '../../shared/manuscript/patch.ts';
import { LIMITS, type BookChange, type MergeOverlap } from '../../shared/protocol.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, serveOnTickingClock, signedInWriter } from '../test/harness.ts';

afterAll(stopAll);

const T0 = 1_800_000_000_000;
const DAY = 86_400_000;

/** A long book: patches are sent only when smaller than the text. */
const long = (edit = '') => p(...Array.from({ length: 200 }, (_, i) => `Paragraph ${i} of the long book.${i === 100 ? edit : ''}`));

/** Both clock orders: the other device's edit is the later one, or this device's is. */
const ORDERS: Array<['stored' | 'incoming', number, number]> = [
  ['stored', T0 - 10_000, T0 - 20_000],
  ['incoming', T0 - 20_000, T0 - 10_000],
];

describe.each(storeFactories)('three-way merges through the HTTP API ($name store)', (factory) => {
  const served = serveOnTickingClock(factory, T0);

  /** A book at revision 1 with `base`, then the other device's edit from it at revision 2. */
  async function editedElsewhere(other: string, otherAt: number, base = MERGE_BASE) {
    const book = buildBook({ content: base, updatedAt: T0 - 60_000 });
    expect((await served.client.put(`/api/books/${book.id}`, book)).status).toBe(200);
    const res = await served.client.put(`/api/books/${book.id}`, { ...book, content: other, baseRevision: 1, updatedAt: otherAt });
    expect(res.body.data.revision).toBe(2);
    return book;
  }

  describe.each(ORDERS)('the %s edit is the later one', (newer, otherAt, mineAt) => {
    it.each(CLEAN_MERGES)('keeps both edits: %s', async (_name, other, mine, merged) => {
      const book = await editedElsewhere(other, otherAt);
      const res = await served.client.post('/api/sync', { changes: [{ ...book, content: mine, baseRevision: 1, updatedAt: mineAt }], patches: true });
      // Merging this device's edit changes nothing when the other device made the same fix.
      const same = other === mine;
      expect(res.body.results[0]).toMatchObject({ status: 'merged', revision: same ? 2 : 3, overlaps: [] });
      expect(res.body.results[0].serverVersion).toMatchObject({ content: merged });
      const stored = (await served.client.get(`/api/books/${book.id}`)).body.data;
      // A merge that changes nothing writes nothing.
      expect(stored).toMatchObject({ content: merged, revision: same ? 2 : 3, updatedAt: same ? otherAt : Math.max(otherAt, mineAt) });
      if (!same) expect(stored.merge).toEqual({ baseRevision: 1, mergedWith: 2, newer, overlaps: [] });
    });

    it('keeps both devices\' appended paragraphs, the earlier first', async () => {
      const book = await editedElsewhere(MERGE_BASE + p('Other end.'), otherAt);
      const res = await served.client.put(`/api/books/${book.id}`, { ...book, content: MERGE_BASE + p('My end.'), baseRevision: 1, updatedAt: mineAt });
      expect(res.status).toBe(200);
      const ends = newer === 'incoming' ? p('Other end.', 'My end.') : p('My end.', 'Other end.');
      expect(res.body.merged).toEqual({ serverVersion: expect.objectContaining({ content: MERGE_BASE + ends, revision: 3 }), overlaps: [] });
      expect(res.body.data).toMatchObject({ revision: 3, updatedAt: Math.max(otherAt, mineAt) });
    });

    it('lets the later edit win words both changed, returning and recording the other', async () => {
      const other = p('One fish.', 'Two fish. Red fish.', 'Blue whale.', 'Old cat.');
      const mine = p('One dog.', 'Two fish. Red fish.', 'Blue shark.', 'Old fish.');
      const book = await editedElsewhere(other, otherAt);
      const res = await served.client.post('/api/sync', { changes: [{ ...book, content: mine, baseRevision: 1, updatedAt: mineAt }], patches: true });
      const [kept, lost] = newer === 'incoming' ? ['shark.', 'whale.'] : ['whale.', 'shark.'];
      const overlaps: MergeOverlap[] = [{ base: 'fish.', kept, lost, keptSide: newer }];
      expect(res.body.results[0]).toMatchObject({ status: 'merged', revision: 3, overlaps });
      // Edits only one side made are kept whatever the clocks say.
      const merged = p('One dog.', 'Two fish. Red fish.', `Blue ${kept}`, 'Old cat.');
      expect(res.body.results[0].serverVersion.content).toBe(merged);
      const stored = (await served.client.get(`/api/books/${book.id}`)).body.data;
      expect(stored).toMatchObject({ content: merged, merge: { baseRevision: 1, mergedWith: 2, newer, overlaps } });
      // Still recorded once the merged revision is replaced.
      await served.client.put(`/api/books/${book.id}`, { ...book, content: merged + p('More.'), baseRevision: 3, updatedAt: T0 });
      const history = (await served.client.get(`/api/books/${book.id}/revisions`)).body.data;
      expect(history[0]).toMatchObject({ revision: 3, merge: { overlaps } });
      expect(history[1].merge).toBeUndefined();
    });

    it('lets the later edit decide a paragraph deleted on one side and edited on the other, keeping the other aside', async () => {
      const other = p('One fish.', 'Blue fish.', 'Old fish.');
      const mine = p('One fish.', 'Two fish. Red fish, edited.', 'Blue fish.', 'Old fish.');
      const book = await editedElsewhere(other, otherAt);
      const res = await served.client.put(`/api/books/${book.id}`, { ...book, content: mine, baseRevision: 1, updatedAt: mineAt });
      expect(res.status).toBe(200);
      const { serverVersion, overlaps } = res.body.merged;
      expect(overlaps).toHaveLength(1);
      if (newer === 'stored') {
        expect(serverVersion.content).toBe(other);
        expect(overlaps[0].lost).toContain('Red fish, edited.');
      } else {
        expect(serverVersion.content).toBe(mine);
        expect(overlaps[0]).toMatchObject({ kept: expect.stringContaining('Red fish, edited.'), keptSide: 'incoming' });
      }
    });

    it('merges title, author and metadata field by field: a field one side changed takes that side\'s value', async () => {
      const book = await editedElsewhere(MERGE_BASE, otherAt);
      await served.client.put(`/api/books/${book.id}`, { ...book, title: 'Other title', metadata: { wordCount: 1 }, baseRevision: 2, updatedAt: otherAt + 1 });
      const res = await served.client.put(`/api/books/${book.id}`, { ...book, author: 'My name', metadata: { wordCount: 2 }, baseRevision: 1, updatedAt: mineAt });
      expect(res.body.merged.serverVersion).toMatchObject({
        title: 'Other title',
        author: 'My name',
        metadata: { wordCount: newer === 'incoming' ? 2 : 1 },
      });
    });
  });

  it('answers a deletion against an edit made since the base as a conflict (409 with the seed shapes), whichever is later', async () => {
    for (const [, otherAt, mineAt] of ORDERS) {
      const book = await editedElsewhere(p('Edited elsewhere.'), otherAt);
      const deletion = { ...book, deleted: true, baseRevision: 1, updatedAt: mineAt };
      const res = await served.client.put(`/api/books/${book.id}`, deletion);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ conflict: true, code: 'conflict', serverVersion: { revision: 2, deleted: false }, clientVersion: deletion });
    }
  });

  it('answers a stale edit whose base the server no longer keeps as before: a conflict', async () => {
    const book = await editedElsewhere(p('v2'), T0 - 50_000);
    for (let revision = 2; revision <= LIMITS.revisionsKept + 1; revision++) {
      await served.client.put(`/api/books/${book.id}`, { ...book, content: p(`v${revision + 1}`), baseRevision: revision, updatedAt: T0 - 40_000 });
    }
    // Days later, a write thins that hour of saves to its newest and the newest kept whatever their age: 1 is gone.
    served.advance(3 * DAY);
    const last = LIMITS.revisionsKept + 2;
    await served.client.put(`/api/books/${book.id}`, { ...book, content: p(`v${last + 1}`), baseRevision: last, updatedAt: T0 - 30_000 });
    const res = await served.client.post('/api/sync', { changes: [{ ...book, content: p('stale'), baseRevision: 1, updatedAt: T0 }], patches: true });
    expect(res.body.results[0]).toMatchObject({ status: 'conflict', revision: last + 1 });
  });

  it('answers a sync client that does not read Sync v2 answers (no `patches`) with a conflict for a stale edit, as before', async () => {
    const [, other, mine] = CLEAN_MERGES[0]!;
    const book = await editedElsewhere(other, T0 - 20_000);
    const res = await served.client.post('/api/sync', { changes: [{ ...book, content: mine, baseRevision: 1, updatedAt: T0 - 10_000 }] });
    expect(res.body.results[0]).toMatchObject({ status: 'conflict', revision: 2, serverVersion: { content: other } });
    expect(res.body.results[0].overlaps).toBeUndefined();
  });

  describe('patches in', () => {
    it('applies a patch to the current revision (a fast-forward)', async () => {
      const book = await editedElsewhere(p('One', 'Two'), T0 - 50_000, p('One', 'Zero'));
      const patch = await makePatch(p('One', 'Two'), p('One', 'Two and more'));
      const { content: _content, ...fields } = book;
      const res = await served.client.post('/api/sync', { changes: [{ ...fields, patch, baseRevision: 2, updatedAt: T0 - 1_000 }] });
      expect(res.body.results).toEqual([{ id: book.id, status: 'ok', revision: 3, syncedAt: expect.any(Number) }]);
      expect((await served.client.get(`/api/books/${book.id}`)).body.data.content).toBe(p('One', 'Two and more'));
    });

    it('applies a patch to a kept earlier revision and merges the result with the stored book', async () => {
      const mine = p('One more') + long();
      const book = await editedElsewhere(p('One') + long(' Three'), T0 - 50_000, p('One') + long());
      const patch = await makePatch(p('One') + long(), mine);
      const { content: _content, ...fields } = book;
      const res = await served.client.post('/api/sync', { changes: [{ ...fields, patch, baseRevision: 1, updatedAt: T0 - 1_000 }], patches: true });
      expect(res.body.results[0]).toMatchObject({ status: 'merged', revision: 3, overlaps: [] });
      const merged = p('One more') + long(' Three');
      expect((await served.client.get(`/api/books/${book.id}`)).body.data.content).toBe(merged);
      // The merged book comes back as a patch from the text this device sent.
      const version: BookChange = res.body.results[0].serverVersion;
      expect(version.content).toBeUndefined();
      expect(version.patchBase).toBeUndefined();
      expect(await applyPatch(mine, version.patch!)).toBe(merged);
    });

    it('asks for the whole content when the base is not kept or a hash does not match (resend; 400 for PUT), writing nothing', async () => {
      const book = await editedElsewhere(p('One', 'Two'), T0 - 50_000, p('One'));
      const { content: _content, ...fields } = book;
      const good = await makePatch(p('One', 'Two'), p('One', 'Two', 'Three'));
      const cases = [
        { ...fields, patch: good, baseRevision: 7, updatedAt: T0 },
        { ...fields, patch: { ...good, from: await contentHash('<p>other</p>') }, baseRevision: 2, updatedAt: T0 },
        { ...fields, patch: { ...good, to: await contentHash('<p>other</p>') }, baseRevision: 2, updatedAt: T0 },
        // Made from revision 2's text but claiming revision 1 (kept, with other text).
        { ...fields, patch: good, baseRevision: 1, updatedAt: T0 },
      ];
      const res = await served.client.post('/api/sync', { changes: cases });
      expect(res.body.results).toEqual(cases.map(() => ({ id: book.id, status: 'resend', code: 'patch_not_applicable' })));
      const put = await served.client.put(`/api/books/${book.id}`, cases[0]);
      expect(put.status).toBe(400);
      expect(put.body.code).toBe('patch_not_applicable');
      expect((await served.client.get(`/api/books/${book.id}`)).body.data).toMatchObject({ revision: 2, content: p('One', 'Two') });
    });

    it('sanitises what a patch brings in, and hands the stored text back as a patch', async () => {
      const book = await editedElsewhere(long(), T0 - 50_000, p('One'));
      const sent = long() + '<script>alert(1)</script><p onclick="x()">Three</p>';
      const patch = await makePatch(long(), sent);
      const { content: _content, ...fields } = book;
      const res = await served.client.post('/api/sync', { changes: [{ ...fields, patch, baseRevision: 2, updatedAt: T0 }], patches: true });
      expect(res.body.results[0]).toMatchObject({ status: 'ok', revision: 3 });
      const stored = long() + p('Three');
      expect((await served.client.get(`/api/books/${book.id}`)).body.data.content).toBe(stored);
      expect(await applyPatch(sent, res.body.results[0].serverVersion.patch)).toBe(stored);
    });
  });

  describe('answers as patches', () => {

    it('sends the feed\'s books as patches from the revision current when the device\'s cursor was issued', async () => {
      const { client: writer, email: _email } = await signedInWriter(served.server.url);
      const book = buildBook({ content: long(), updatedAt: T0 - 60_000 });
      await writer.put(`/api/books/${book.id}`, book);
      // The reading device pulls with patches, and holds revision 1.
      const first = await writer.post('/api/sync', { patches: true });
      expect(first.body.changes).toEqual([expect.objectContaining({ revision: 1, content: long() })]);
      await writer.put(`/api/books/${book.id}`, { ...book, content: long(' Two'), baseRevision: 1, updatedAt: T0 - 50_000 });
      await writer.put(`/api/books/${book.id}`, { ...book, content: long(' Two three'), baseRevision: 2, updatedAt: T0 - 40_000 });

      const pull = await writer.post('/api/sync', { cursor: first.body.cursor, patches: true });
      const [change] = pull.body.changes as BookChange[];
      expect(change).toMatchObject({ revision: 3, patchBase: 1 });
      expect(change!.content).toBeUndefined();
      expect(JSON.stringify(change).length).toBeLessThan(1_000);
      expect(await applyPatch(long(), change!.patch!)).toBe(long(' Two three'));

      // A client that did not ask for patches gets whole books, and cursors as before.
      const old = await writer.post('/api/sync', {});
      expect(old.body.changes).toEqual([expect.objectContaining({ revision: 3, content: long(' Two three') })]);
      expect(old.body.changes[0].patch).toBeUndefined();
      expect((await writer.get('/api/books')).body.data[0]).toMatchObject({ content: long(' Two three') });
    });

    it('sends a book this request just wrote as an empty patch from that revision', async () => {
      const { client: writer } = await signedInWriter(served.server.url);
      const book = buildBook({ content: long(), updatedAt: T0 - 60_000 });
      const first = await writer.post('/api/sync', { changes: [book], patches: true });
      const next = await writer.post('/api/sync', { changes: [{ ...book, content: long(' mine'), baseRevision: 1, updatedAt: T0 - 1 }], cursor: first.body.cursor, patches: true });
      expect(next.body.results[0]).toMatchObject({ status: 'ok', revision: 2 });
      expect(next.body.changes).toEqual([expect.objectContaining({ revision: 2, patchBase: 2, patch: expect.objectContaining({ ops: [] }) })]);
    });

    it('sends whole content when a patch would not be smaller', async () => {
      const { client: writer } = await signedInWriter(served.server.url);
      const short = buildBook({ content: p('Short'), updatedAt: T0 - 60_000 });
      await writer.put(`/api/books/${short.id}`, short);
      const first = await writer.post('/api/sync', { patches: true });
      await writer.put(`/api/books/${short.id}`, { ...short, content: p('Other'), baseRevision: 1, updatedAt: T0 - 50_000 });
      const pull = await writer.post('/api/sync', { cursor: first.body.cursor, patches: true });
      expect(pull.body.changes).toEqual([expect.objectContaining({ revision: 2, content: p('Other') })]);
      expect(pull.body.changes[0].patch).toBeUndefined();
    });
  });
});
