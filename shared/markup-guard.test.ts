import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fc from 'fast-check';
import type { Parser as ParserType } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import { LIMITS } from './limits.ts';
import { scanMarkup } from './markup-guard.ts';

// The parser sanitize-html itself loads, so that a version of its own would show here.
const require = createRequire(import.meta.url);
const { Parser } = require(require.resolve('htmlparser2', { paths: [dirname(require.resolve('sanitize-html'))] })) as {
  Parser: typeof ParserType;
};

const UNLIMITED = { depthMax: Infinity, elementsMax: Infinity };

/** Depth and element count as htmlparser2's Parser (the one sanitize-html uses) builds the tree. */
function parserMeasure(html: string): { depth: number; elements: number } {
  let depth = 0;
  let elements = 0;
  const parser: ParserType = new Parser(
    {
      onopentagname() {
        elements++;
        depth = Math.max(depth, (parser as unknown as { stack: string[] }).stack.length);
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  return { depth, elements };
}

/** What TipTap writes for lists nested `levels` deep inside a quote, with marks and a link in the innermost item. */
function nestedList(levels: number): string {
  const open = '<ul><li><p>item</p>'.repeat(levels);
  const close = '</li></ul>'.repeat(levels);
  return `<blockquote>${open}<ul><li><p><strong><em><a href="https://e.com">deep</a></em></strong></p></li></ul>${close}</blockquote>`;
}

describe('scanMarkup', () => {
  it('admits a long heavily formatted novel and lists nested 40 levels in a quote', () => {
    const paragraph = `<p>${Array.from({ length: 50 }, (_, i) => (i % 2 ? '<strong><em>word</em></strong>' : 'word')).join(' ')}</p>`;
    const novel = `<h1>One</h1>${paragraph.repeat(3000)}${nestedList(40)}`; // 150,000 words
    const scan = scanMarkup(novel);
    expect(scan).toMatchObject({ exceeded: null, scanned: novel.length });
    expect(scan.depth).toBe(parserMeasure(novel).depth);
  });

  it('stops at the depth limit after reading a few bytes of a megabyte of unclosed tags', () => {
    const html = '<b>'.repeat(350_000);
    const scan = scanMarkup(html);
    expect(scan.exceeded).toBe('depth');
    // Read up to the tag that crossed the limit and no further: the work is bounded by the limit, not the input.
    expect(scan.scanned).toBeLessThanOrEqual(3 * (LIMITS.markupDepthMax + 1));
  });

  it('stops at the element limit', () => {
    const html = '<br>'.repeat(LIMITS.markupElementsMax + 10);
    const scan = scanMarkup(html);
    expect(scan).toMatchObject({ exceeded: 'elements', elements: LIMITS.markupElementsMax + 1 });
    expect(scan.scanned).toBeLessThan(4 * (LIMITS.markupElementsMax + 2));
  });

  it('counts nesting the way the sanitiser parses it, not the way the text looks', () => {
    const cases: Array<[string, number]> = [
      ['<p>a<p>b<p>c', 1], // a new paragraph closes the open one
      ['<ul><li>a<li>b<li>c</ul>', 2],
      ['<b title="</b>">'.repeat(5), 5], // a close tag inside a quoted value is text
      ['<b><script></b></script>'.repeat(5), 6], // and so is one inside a raw-text element
      ['<b></i>'.repeat(5), 5], // a close tag without its element closes nothing
      ['<svg><path/><path/><path/></svg>', 2], // self-closing tags close in foreign content
      ['<b/><b/><b/>', 3], // but not in HTML
      ['<!-- <b><b><b> --><i>', 1],
    ];
    for (const [html, depth] of cases) {
      expect(scanMarkup(html, UNLIMITED).depth, html).toBe(depth);
      expect(parserMeasure(html).depth, html).toBe(depth);
    }
  });

  it('measures the same depth and element count as the sanitiser’s parser for any markup', () => {
    const token = fc.constantFrom(
      '<b>', '</b>', '<p>', '</p>', '<li>', '<ul>', '</ul>', '<br>', '</br>', '<br/>', '<svg>', '</svg>', '<path/>',
      '<title>', '</title>', '<math>', '<mi>', '</mi>', '<script>', '</script>', '<b x="', '"', "'", '>', '<!--', '-->',
      '<h1>', '</h1>', '<table>', '<tr>', '<td>', '<B>', '</B >', '<', '/', 'text', ' ', '=', '<textarea>', '</textarea>',
    );
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        const html = tokens.join('');
        const scan = scanMarkup(html, UNLIMITED);
        expect({ depth: scan.depth, elements: scan.elements }).toEqual(parserMeasure(html));
      }),
      { numRuns: 3000 },
    );
  });
});
