import { describe, expect, it } from 'vitest';
import { sanitizeManuscript } from './html.ts';

describe('sanitizeManuscript', () => {
  it('keeps everything the editor produces', () => {
    const html =
      '<h2>Chapter</h2><p><strong>b</strong> <em>i</em> <u>u</u> <s>s</s> <code>c</code><br></p><hr>' +
      '<blockquote><p>q</p></blockquote><ul><li>a</li></ul><ol start="3"><li>b</li></ol><ol type="a"><li>c</li></ol>' +
      '<ol start="2" type="I"><li>d</li></ol><pre><code>x</code></pre>' +
      '<p><a href="https://example.com/a?b=1&amp;c=2" title="t">l</a> <a href="mailto:a@b.c">m</a></p>';
    // sanitize-html writes void elements in XHTML form; browsers parse both forms alike.
    expect(sanitizeManuscript(html)).toBe(html.replace('<br>', '<br />').replace('<hr>', '<hr />'));
  });

  it.each([
    ['a script element', '<p>x</p><script>alert(1)</script>', '<p>x</p>'],
    ['an event handler', '<p onclick="alert(1)">x</p>', '<p>x</p>'],
    ['a javascript: link', '<a href="javascript:alert(1)">x</a>', '<a>x</a>'],
    ['a protocol-relative link', '<a href="//evil.example/">x</a>', '<a>x</a>'],
    ['a relative link', '<a href="/admin">x</a>', '<a>x</a>'],
    ['an image', '<p><img src="https://x/y.png" onerror="alert(1)">x</p>', '<p>x</p>'],
    ['an iframe', '<iframe src="https://evil.example"></iframe><p>x</p>', '<p>x</p>'],
    ['a style attribute', '<p style="color:red">x</p>', '<p>x</p>'],
    ['a list numbering style outside the policy', '<ol type="disc" start="2"><li>x</li></ol>', '<ol start="2"><li>x</li></ol>'],
  ])('removes %s', (_name, input, output) => {
    expect(sanitizeManuscript(input)).toBe(output);
  });

  it('forces rel=noopener on links that open a new tab', () => {
    expect(sanitizeManuscript('<a href="https://e.com" target="_blank" rel="opener">x</a>')).toBe(
      '<a target="_blank" rel="noopener noreferrer" href="https://e.com">x</a>',
    );
  });

  it('is stable when applied twice, so read-time sanitising never changes stored text', () => {
    const html =
      '<p>Tom &amp; Jerry &lt;3 "quotes" \'single\' café</p><p>a < b</p><a href="https://e.com" target="_blank">x</a>' +
      '<ol type="x" start="4"><li>y</li></ol><ol type=""><li>z</li></ol>';
    const once = sanitizeManuscript(html);
    expect(sanitizeManuscript(once)).toBe(once);
  });
});
