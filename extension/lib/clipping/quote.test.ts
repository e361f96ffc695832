import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../shared/limits.ts';
import { scanMarkup } from '../../../shared/markup-guard.ts';
import { quoteHtml, sanitizeSelectionHtml, textToHtml } from './quote.ts';

const PAGE = 'https://example.org/articles/whales.html';

describe('building a clip', () => {
  it('wraps the selection in a blockquote', () => {
    const html = quoteHtml({ html: 'Whales <strong>sing</strong>.', title: 'On whales', url: PAGE });
    expect(html).toBe('<blockquote><p>Whales <strong>sing</strong>.</p></blockquote>');
  });

  it('keeps simple formatting: headings, emphasis, lists, quotes and http links', () => {
    const html = sanitizeSelectionHtml(
      '<h2>Title</h2><p><em>a</em> <b>b</b> <s>c</s> <code>d</code></p><ul><li>one</li></ul><a href="https://x.test/">x</a>',
      PAGE,
    );
    expect(html).toBe(
      '<h2>Title</h2><p><em>a</em> <b>b</b> <s>c</s> <code>d</code></p><ul><li>one</li></ul><a href="https://x.test/">x</a>',
    );
  });

  it('resolves relative links against the page address', () => {
    const html = sanitizeSelectionHtml('<a href="../about">about</a>', PAGE);
    expect(html).toBe('<a href="https://example.org/about">about</a>');
  });

  it('uses the plain text, escaped, when the selection HTML is missing or sanitises to nothing', () => {
    expect(quoteHtml({ text: 'a < b\n\nsecond', title: 'T', url: PAGE })).toBe(
      '<blockquote><p>a &#60; b</p><p>second</p></blockquote>',
    );
    expect(quoteHtml({ html: '<img src="x.png">', text: 'caption', title: 'T', url: PAGE })).toContain(
      '<blockquote><p>caption</p></blockquote>',
    );
  });

  it('returns nothing for an empty selection', () => {
    expect(quoteHtml({ html: '  ', text: ' \n ', title: 'T', url: PAGE })).toBeNull();
  });
});

describe('hostile selections', () => {
  const hostile = [
    ['a script element', '<p>hi</p><script>alert(1)</script>', '<p>hi</p>'],
    ['an inline event handler', '<p onclick="alert(1)" onmouseover="x()">hi</p>', '<p>hi</p>'],
    ['an image with onerror', '<p>hi<img src=x onerror="alert(1)"></p>', '<p>hi</p>'],
    ['a javascript: link', '<a href="javascript:alert(1)">hi</a>', '<a>hi</a>'],
    ['an obfuscated javascript: link', '<a href=" jav&#x09;ascript:alert(1)">hi</a>', '<a>hi</a>'],
    ['a data: link', '<a href="data:text/html,<script>alert(1)</script>">hi</a>', '<a>hi</a>'],
    ['style attributes and style elements', '<p style="color:red">hi</p><style>p{}</style>', '<p>hi</p>'],
    ['an iframe, a form and an svg', '<iframe src="https://evil.test"></iframe><form><input value="x"></form><svg><script>1</script></svg><p>hi</p>', '<p>hi</p>'],
    ['class, id and data attributes', '<p class="a" id="b" data-x="c">hi</p>', '<p>hi</p>'],
    ['a link target and rel chosen by the page', '<a href="https://ok.test/" target="_top" rel="opener">hi</a>', '<a href="https://ok.test/">hi</a>'],
  ] as const;

  for (const [what, input, expected] of hostile) {
    it(`strips ${what}`, () => {
      expect(sanitizeSelectionHtml(input, PAGE)).toBe(expected);
    });
  }

  it('never lets an event handler, script or javascript: URL through a whole quote', () => {
    const clip = quoteHtml({
      html: '<div onload="x()"><script>x()</script><a href="javascript:x()" onclick="x()">go</a></div>',
      url: 'javascript:alert(1)',
    })!;
    expect(clip).toBe('<blockquote><p><a>go</a></p></blockquote>');
  });
});

describe('selections that would cost the sanitiser too much', () => {
  const source = { title: 'T', url: PAGE };

  it('clips the plain text of a megabyte of unclosed tags without parsing the markup', () => {
    // Sanitising this took about half a minute of the background's only thread.
    const clip = quoteHtml({ ...source, html: `${'<b>'.repeat(350_000)}deep`, text: 'deep' });
    expect(clip).toBe('<blockquote><p>deep</p></blockquote>');
  });

  it('keeps a clip within the limits the server holds the book to, quote included', () => {
    const depth = LIMITS.markupDepthMax;
    const atTheLimit = `${'<em>'.repeat(depth)}deep${'</em>'.repeat(depth)}`;
    const lines = Array.from({ length: LIMITS.markupElementsMax + 1 }, (_, i) => `line ${i}`).join('\n');
    for (const selection of [{ html: atTheLimit, text: 'deep' }, { text: lines }]) {
      const clip = quoteHtml({ ...source, ...selection })!;
      expect(scanMarkup(clip).exceeded).toBeNull();
      expect(clip).toContain(selection.text.slice(0, 20).replace(/\n/g, ' '));
    }
  });
});

describe('plain text to HTML', () => {
  it('turns blank lines into paragraphs and single newlines into line breaks', () => {
    expect(textToHtml('one\ntwo\r\n\r\nthree')).toBe('<p>one<br>two</p><p>three</p>');
  });
});
