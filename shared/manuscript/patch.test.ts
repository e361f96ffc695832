import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyOps, applyPatch, contentHash, diffManuscripts, makePatch, PatchMismatchError } from './patch.ts';

const paragraph = fc.array(fc.constantFrom('sea', 'salt', 'tide', '<em>wind</em>', 'the', 'boat'), { minLength: 1, maxLength: 10 }).map((w) => `<p>${w.join(' ')}</p>`);
const manuscript = fc.array(fc.oneof(paragraph, fc.constant('<h2>Chapter</h2>'), fc.constant('<hr>')), { maxLength: 12 }).map((b) => b.join(''));

/** A 150,000-word novel in ~2,400 paragraphs. */
function novel(): string {
  const words = ['the', 'sea', 'and', 'salt', 'tide', 'boat', 'wind', 'of', 'a', 'to'];
  const paragraphs: string[] = [];
  for (let n = 0, i = 0; n < 150_000; i++) {
    const length = 40 + (i % 40);
    paragraphs.push(`<p>${Array.from({ length }, (_, k) => words[(i * 7 + k * 3) % words.length]).join(' ')}.</p>`);
    n += length;
  }
  return paragraphs.join('');
}

describe('manuscript patches', () => {
  it('turn any manuscript into any other', () => {
    fc.assert(
      fc.property(manuscript, manuscript, (base, target) => {
        expect(applyOps(base, diffManuscripts(base, target))).toBe(target);
      }),
      { numRuns: 2000 },
    );
  });

  it('carry only what changed: 50 words typed into one paragraph of a novel make a patch of a few hundred bytes', async () => {
    const base = novel();
    const at = base.indexOf('</p>', Math.floor(base.length / 2));
    const typed = ' ' + Array.from({ length: 50 }, (_, i) => `word${i}`).join(' ');
    const target = base.slice(0, at) + typed + base.slice(at);
    const patch = await makePatch(base, target);
    expect(patch.ops).toEqual([{ at: expect.any(Number), edit: [expect.any(Number), expect.any(Number), typed] }]);
    expect(JSON.stringify(patch).length).toBeLessThan(typed.length + 200);
    expect(await applyPatch(base, patch)).toBe(target);
  });

  it('stay proportional to the edits when neighbouring paragraphs all changed in place', () => {
    const base = novel();
    const paragraphs = base.split('</p>');
    // 1,000 single words typed into the first 1,000 paragraphs: one long run of changed blocks.
    for (let i = 0; i < 1_000; i++) paragraphs[i] = paragraphs[i]!.replace(' ', ` typed${i} `);
    const target = paragraphs.join('</p>');
    const ops = diffManuscripts(base, target);
    expect(ops).toHaveLength(1_000);
    expect(JSON.stringify(ops).length).toBeLessThan(1_000 * 40);
    expect(applyOps(base, ops)).toBe(target);
  });

  it('describe deleted and inserted blocks as splices', () => {
    const base = '<h1>One</h1><p>a</p><p>b</p><p>c</p>';
    expect(diffManuscripts(base, '<h1>One</h1><p>c</p>')).toEqual([{ at: 1, remove: 2, insert: [] }]);
    expect(diffManuscripts(base, '<h1>One</h1><p>a</p><p>new</p><p>b</p><p>c</p>')).toEqual([{ at: 2, remove: 0, insert: ['<p>new</p>'] }]);
  });

  it('refuse a base they were not made from, and a result that is not the one they describe', async () => {
    const patch = await makePatch('<p>a</p>', '<p>ab</p>');
    await expect(applyPatch('<p>x</p>', patch)).rejects.toBeInstanceOf(PatchMismatchError);
    await expect(applyPatch('<p>a</p>', { ...patch, to: await contentHash('<p>other</p>') })).rejects.toBeInstanceOf(PatchMismatchError);
    expect(() => applyOps('<p>a</p>', [{ at: 3, remove: 1, insert: [] }])).toThrow(PatchMismatchError);
    expect(() => applyOps('<p>a</p>', [{ at: 0, edit: [2, 99, 'x'] }])).toThrow(PatchMismatchError);
  });

  it('hash text as base64url SHA-256', async () => {
    expect(await contentHash('')).toBe('47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU');
  });
});
