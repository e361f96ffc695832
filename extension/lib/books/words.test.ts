import { describe, expect, it } from 'vitest';
import { countHtml, countText, htmlToText } from './words.ts';

describe('counting words and characters', () => {
  const cases: Array<[string, string, number, number]> = [
    ['an empty book', '', 0, 0],
    ['an empty paragraph', '<p></p>', 0, 0],
    ['one paragraph', '<p>Call me Ishmael.</p>', 3, 16],
    ['words split by inline formatting', '<p>he<strong>llo</strong> world</p>', 2, 11],
    ['paragraphs, which separate words', '<p>one</p><p>two</p>', 2, 7],
    ['line breaks, which separate words', '<p>one<br>two</p>', 2, 7],
    ['list items and headings', '<h1>Title</h1><ul><li>a</li><li>b</li></ul>', 3, 9],
    ['punctuation that is not a word', '<p>wait — what?</p>', 2, 12],
    ['entities', '<p>Tom &amp; Jerry&nbsp;run</p>', 3, 15],
    ['numeric entities', '<p>caf&#233; &#x263A;</p>', 1, 6],
    ['accented and non-Latin words', '<p>año niño 東京 Ελλάδα</p>', 4, 18],
    ['hyphenated and apostrophe words', "<p>well-known isn't</p>", 2, 16],
    ['runs of whitespace', '<p>  a \n\t b  </p>', 2, 3],
    ['astral characters as one character each (emoji alone are not words)', '<p>😀😀</p>', 0, 2],
  ];
  for (const [what, html, words, chars] of cases) {
    it(`counts ${what}`, () => {
      expect(countHtml(html)).toEqual({ wordCount: words, charCount: chars });
    });
  }

  it('turns HTML into its visible text with blocks as spaces', () => {
    expect(htmlToText('<h2>A</h2><p>b <em>c</em></p>').replace(/\s+/g, ' ').trim()).toBe('A b c');
  });

  it('counts plain text the same way as the HTML that shows it', () => {
    expect(countText('one two\nthree')).toEqual(countHtml('<p>one two</p><p>three</p>'));
  });

  // Speed is measured by `npm run bench`, not asserted here.
  it('counts a 1 MB manuscript (150,000 words)', () => {
    const paragraph = `<p>${'lorem ipsum dolor sit amet consectetur adipiscing elit sed do '.repeat(5).trim()}</p>`;
    const html = paragraph.repeat(3000);
    expect(html.length).toBeGreaterThan(900_000);
    const counts = countHtml(html);
    expect(counts.wordCount).toBe(150_000);
  });

  it('counts no words in a long run of punctuation without spaces', () => {
    expect(countText('—'.repeat(200_000)).wordCount).toBe(0);
  });
});
