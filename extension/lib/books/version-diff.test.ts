import { describe, expect, it } from 'vitest';
import { diffVersions, diffWords, passageText, type DiffBlock } from './version-diff.ts';

const p = (text: string) => `<p>${text}</p>`;
const book = (...paragraphs: string[]) => paragraphs.map(p).join('');

describe('passageText', () => {
  it.each([
    ['<p>Plain words.</p>', 'Plain words.'],
    ['<p>Fish &amp; chips &lt;3 &#8212; &#x2014;&nbsp;now</p>', 'Fish & chips <3 — —\u00a0now'],
    ['<p>One<br>two</p>', 'One\ntwo'],
    ['<ul><li><p>a</p></li><li><p>b</p></li></ul>', 'a\nb'],
    ['<p><strong>Bold</strong> and <em>slanted</em></p>', 'Bold and slanted'],
    ['<p>&bogus; stays</p>', '&bogus; stays'],
  ])('%s reads as %j', (html, text) => {
    expect(passageText(html)).toBe(text);
  });
});

describe('diffWords', () => {
  it.each([
    ['same words', 'The tide came in.', 'The tide came in.', [{ op: 'equal', text: 'The tide came in.' }]],
    [
      'one word replaced',
      'The tide came in.',
      'The sea came in.',
      [
        { op: 'equal', text: 'The ' },
        { op: 'delete', text: 'tide' },
        { op: 'insert', text: 'sea' },
        { op: 'equal', text: ' came in.' },
      ],
    ],
    ['words appended', 'The tide', 'The tide came in', [{ op: 'equal', text: 'The tide' }, { op: 'insert', text: ' came in' }]],
    ['everything new', '', 'New', [{ op: 'insert', text: 'New' }]],
  ])('%s', (_name, before, after, parts) => {
    expect(diffWords(before, after)).toEqual(parts);
  });
});

describe('diffVersions', () => {
  const kinds = (blocks: DiffBlock[]) => blocks.map((b) => (b.kind === 'folded' ? `folded ${b.count}` : b.kind));

  it.each<[string, string, string, string[], number, number]>([
    ['identical books fold whole', book('a', 'b', 'c'), book('a', 'b', 'c'), ['folded 3'], 0, 0],
    ['a changed paragraph with one of context each side', book('a', 'b', 'c', 'd', 'e'), book('a', 'b', 'C', 'd', 'e'), ['folded 1', 'same', 'changed', 'same', 'folded 1'], 1, 1],
    ['a paragraph added at the end', book('a', 'b'), book('a', 'b', 'new words here'), ['folded 1', 'same', 'added'], 3, 0],
    ['a paragraph removed at the start', book('gone now', 'b', 'c'), book('b', 'c'), ['removed', 'same', 'folded 1'], 0, 2],
    ['two changes far apart keep their own context', book('a', 'b', 'c', 'd', 'e', 'f', 'g'), book('A', 'b', 'c', 'd', 'e', 'f', 'G'), ['changed', 'same', 'folded 3', 'same', 'changed'], 2, 2],
    ['a split paragraph is a change and an addition', book('one two three four'), book('one two', 'three four'), ['changed', 'added'], 2, 2],
    ['whitespace between blocks is not a change', '<p>a</p>\n<p>b</p>', '<p>a</p><p>b</p>', ['folded 2'], 0, 0],
  ])('%s', (_name, before, after, expected, added, removed) => {
    const diff = diffVersions(before, after);
    expect(kinds(diff.blocks)).toEqual(expected);
    expect([diff.wordsAdded, diff.wordsRemoved]).toEqual([added, removed]);
  });

  it('marks the changed words inside a paragraph and names its element', () => {
    const diff = diffVersions('<h2>The Long Tide</h2>', '<h2>The Short Tide</h2>');
    expect(diff.blocks).toEqual([
      {
        kind: 'changed',
        tag: 'h2',
        parts: [
          { op: 'equal', text: 'The ' },
          { op: 'delete', text: 'Long' },
          { op: 'insert', text: 'Short' },
          { op: 'equal', text: ' Tide' },
        ],
      },
    ]);
  });

  it('shows more context when asked', () => {
    const diff = diffVersions(book('a', 'b', 'c', 'd'), book('a', 'b', 'c', 'D'), { context: 2 });
    expect(kinds(diff.blocks)).toEqual(['folded 1', 'same', 'same', 'changed']);
  });

  it('works on a long book in proportion to the edit', () => {
    const paragraphs = Array.from({ length: 5000 }, (_, i) => `Paragraph ${i} of a very long book, with the same words again.`);
    const edited = [...paragraphs];
    edited[2500] = 'Paragraph 2500 rewritten.';
    const diff = diffVersions(book(...paragraphs), book(...edited));
    expect(kinds(diff.blocks)).toEqual(['folded 2499', 'same', 'changed', 'same', 'folded 2498']);
  });
});
