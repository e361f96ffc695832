import { describe, expect, it } from 'vitest';
import { chapters, parseBlocks, toManuscript, wordCount } from './document.ts';
import { approximateWordCount } from './pdf.ts';
import { exportFileName } from './export.ts';

describe('book → document structure', () => {
  it('collapses whitespace across inline runs and keeps marks, links and line breaks', () => {
    expect(parseBlocks('<p> Hola  <strong>gran </strong> <em>mundo</em><br> <a href="https://x.org">aquí</a> </p>')).toEqual([
      {
        kind: 'paragraph',
        inlines: [
          { kind: 'text', text: 'Hola ', marks: {} },
          { kind: 'text', text: 'gran ', marks: { bold: true } },
          { kind: 'text', text: 'mundo', marks: { italic: true } },
          { kind: 'break' },
          { kind: 'text', text: 'aquí', marks: { href: 'https://x.org' } },
        ],
      },
    ]);
  });

  it('reads lists (numbering style and start), quotes, rules, underline and entities', () => {
    const [list, quote, rule, para] = parseBlocks('<ol start="3" type="i"><li><p>a</p></li></ol><blockquote><p>q</p></blockquote><hr><p><u>x</u> &amp; y</p>');
    expect(list).toMatchObject({ kind: 'list', ordered: true, start: 3, style: 'i', items: [[{ kind: 'paragraph' }]] });
    expect(quote).toMatchObject({ kind: 'quote', blocks: [{ kind: 'paragraph' }] });
    expect(rule).toEqual({ kind: 'rule' });
    expect(para).toMatchObject({ inlines: [{ text: 'x', marks: { underline: true } }, { text: ' & y', marks: {} }] });
  });

  it('drops empty paragraphs and headings (the editor’s blank lines)', () => {
    expect(parseBlocks('<p></p><h2> </h2><p>texto</p>')).toHaveLength(1);
  });

  it.each([
    ['<p>a</p><h1>Uno</h1><p>b</p><h2>sub</h2><h1>Dos</h1><p>c</p>', [null, 'Uno', 'Dos']],
    ['<h2>Uno</h2><p>b</p><h3>sub</h3><h2>Dos</h2>', ['Uno', 'Dos']],
    ['<p>sin títulos</p>', [null]],
    ['', [null]],
  ])('cuts %s into chapters at the top heading level', (html, titles) => {
    expect(chapters(parseBlocks(html)).map((c) => c.title)).toEqual(titles);
  });

  it('takes the language from the book, else the fallback', () => {
    const book = { id: '1', title: 't', author: '', content: '' };
    expect(toManuscript({ ...book, metadata: { language: 'fr' } }, 'es').language).toBe('fr');
    expect(toManuscript(book, 'es').language).toBe('es');
  });

  it('counts words as the editor does (punctuation alone is no word)', () => {
    expect(wordCount(parseBlocks('<p>Uno, dos — tres.</p><ul><li><p>cuatro</p></li></ul>'))).toBe(4);
  });
});

describe('export details', () => {
  it.each([
    [83, 80],
    [1_049, 1_000],
    [81_234, 81_200],
    [0, 10],
  ])('states %i words as about %i', (n, about) => expect(approximateWordCount(n)).toBe(about));

  it.each([
    ['La Ciudad & el Mar', 'La Ciudad & el Mar.epub'],
    ['a/b:c*?"<>|d', 'a b c d.epub'],
    ['  ...  ', 'book.epub'],
  ])('names the file of %j %j', (title, name) => expect(exportFileName(title, 'epub')).toBe(name));
});
