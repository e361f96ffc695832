import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { makePatch } from '../../shared/manuscript/patch.ts';
import { stopAll, storeFactories } from '../store/testing.ts';
import { buildBook, serveOnTickingClock } from '../test/harness.ts';

afterAll(stopAll);

const T0 = 1_800_000_000_000;

/** One device's offline edit of the paragraphs (each a list of words; a word may be wrapped in <em>). */
type Edit =
  | { kind: 'type'; at: number; word: number }
  | { kind: 'delete'; at: number }
  | { kind: 'split'; at: number; word: number }
  | { kind: 'join'; at: number }
  | { kind: 'format'; at: number; word: number };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('type' as const), at: fc.nat(), word: fc.nat() }) },
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('split' as const), at: fc.nat(), word: fc.nat() }),
  fc.record({ kind: fc.constant('join' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('format' as const), at: fc.nat(), word: fc.nat() }),
);

/** Applies edits to a copy of `paragraphs`; words typed are `d<device>t<n>`; returns those still in the device's text. */
function applyEdits(paragraphs: string[][], edits: Edit[], device: number): { paragraphs: string[][]; typed: string[] } {
  const out = paragraphs.map((p) => p.slice());
  edits.forEach((e, n) => {
    if (out.length === 0) out.push([]);
    const at = e.at % out.length;
    const words = out[at]!;
    if (e.kind === 'type') {
      const word = `d${device}t${n}`;
      words.splice(e.word % (words.length + 1), 0, word);
    } else if (e.kind === 'delete' && out.length > 1) out.splice(at, 1);
    else if (e.kind === 'split' && words.length > 1) out.splice(at, 1, words.slice(0, 1 + (e.word % (words.length - 1))), words.slice(1 + (e.word % (words.length - 1))));
    else if (e.kind === 'join' && at + 1 < out.length) out.splice(at, 2, [...words, ...out[at + 1]!]);
    else if (e.kind === 'format' && words.length > 0) {
      const i = e.word % words.length;
      if (!words[i]!.startsWith('<em>')) words[i] = `<em>${words[i]}</em>`;
    }
  });
  // A word the device typed and then deleted itself is not one a merge could lose.
  const typed = out.flat().map((w) => w.replace(/<\/?em>/g, '')).filter((w) => w.startsWith(`d${device}t`));
  return { paragraphs: out.filter((p) => p.length > 0), typed };
}

const html = (paragraphs: string[][]) => paragraphs.map((p) => `<p>${p.join(' ')}</p>`).join('');

describe.each(storeFactories)('offline edits of 2–5 devices merged through the HTTP API ($name store)', (factory) => {
  const served = serveOnTickingClock(factory, T0);

  it('lose no typed word: each is in the merged book or in a passage a merge returned', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.constantFrom('sea', 'salt', 'tide', 'boat', 'wind'), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ edits: fc.array(edit, { minLength: 1, maxLength: 6 }), asPatch: fc.boolean(), late: fc.nat(1_000) }), { minLength: 2, maxLength: 5 }),
        async (baseParagraphs, devices) => {
          const base = html(baseParagraphs);
          const book = buildBook({ content: base, updatedAt: T0 - 10_000 });
          expect((await served.client.put(`/api/books/${book.id}`, book)).status).toBe(200);
          const typed: string[] = [];
          const returned: string[] = [];
          // Each device edited revision 1 offline and now pushes, one after another, in the order they reconnect.
          for (const [device, { edits, asPatch, late }] of devices.entries()) {
            const result = applyEdits(baseParagraphs, edits, device);
            typed.push(...result.typed);
            const content = html(result.paragraphs);
            const { content: _content, ...fields } = book;
            const change = asPatch
              ? { ...fields, patch: await makePatch(base, content), baseRevision: 1, updatedAt: T0 - late }
              : { ...fields, content, baseRevision: 1, updatedAt: T0 - late };
            const res = await served.client.post('/api/sync', { changes: [change], patches: true });
            const [answer] = res.body.results;
            expect(['ok', 'merged']).toContain(answer.status);
            for (const overlap of answer.overlaps ?? []) returned.push(overlap.lost);
          }
          const final = (await served.client.get(`/api/books/${book.id}`)).body.data.content as string;
          const found = [final, ...returned].join(' ').replace(/<[^>]*>/g, ' ');
          for (const word of typed) expect(found.split(/\s+/), word).toContain(word);
        },
      ),
      { numRuns: factory.name === 'embedded' ? 60 : 20 },
    );
  });
});
