import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sanitizeManuscript } from '../html.ts';
import { assemble, cleanBlocks, planSanitising } from './changed-blocks.ts';

/** Sanitises a plan's dirty runs in process, as the pool would. */
const sanitiseChanged = (html: string, clean: Set<string>) => {
  const plan = planSanitising(html, clean);
  return { plan, html: assemble(plan, plan.dirty.map((i) => sanitizeManuscript(plan.pieces[i]!))) };
};

const cleanParagraph = fc.array(fc.constantFrom('sea', 'salt', '<em>wind</em>', '<strong>tide</strong>', 'a &amp; b', '<a href="https://example.com/">link</a>'), { minLength: 1, maxLength: 5 }).map((w) => `<p>${w.join(' ')}</p>`);
/** What a client may send: clean blocks, and anything else (unclosed, stray, scripted, commented, raw text). */
const rawPiece = fc.oneof(
  cleanParagraph,
  fc.constantFrom('<p>open', '</p>', '</div>', '<script>alert(1)</script>', '<script>', '<!--', '-->', '<p onclick="x()">c</p>', '<b>', '<img src=x onerror=alert(1)>', 'a < b', '<p title="a>b">t</p>', '<style>', '<textarea>', '<h2>Title</h2>', '\n'),
);

describe('sanitising only the blocks no stored text holds', () => {
  it('always yields text the sanitiser leaves as it is, whatever the client sent around the clean blocks', () => {
    fc.assert(
      fc.property(fc.array(cleanParagraph, { maxLength: 8 }), fc.array(rawPiece, { maxLength: 12 }), (stored, sent) => {
        const storedHtml = sanitizeManuscript(stored.join(''));
        const { html } = sanitiseChanged(sent.join(''), cleanBlocks(storedHtml));
        expect(sanitizeManuscript(html)).toBe(html);
      }),
      { numRuns: 500 },
    );
  });

  it('sends only the changed run of a long book to the sanitiser', () => {
    const stored = Array.from({ length: 1_000 }, (_, i) => `<p>paragraph ${i}</p>`).join('');
    const edited = stored.replace('<p>paragraph 500</p>', '<p>paragraph 500, edited<script>x</script></p><p>new</p>');
    const { plan, html } = sanitiseChanged(edited, cleanBlocks(stored));
    expect(plan.dirty.map((i) => plan.pieces[i])).toEqual(['<p>paragraph 500, edited<script>x</script></p><p>new</p>']);
    expect(html).toBe(stored.replace('<p>paragraph 500</p>', '<p>paragraph 500, edited</p><p>new</p>'));
  });

  it('sanitises the whole text when no clean text is known', () => {
    expect(planSanitising('<p>a</p>', new Set())).toEqual({ pieces: ['<p>a</p>'], dirty: [0] });
  });
});
