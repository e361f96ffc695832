import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalBook } from './db.ts';
import { BookSearch, firstLine, foldQuery, foldText } from './search.ts';
import { queryWords, wordProbes } from './word-index.ts';

let clock = 1;
function book(title: string, content: string, author = ''): LocalBook {
  return {
    id: crypto.randomUUID(), title, author, content, metadata: { wordCount: 0, charCount: 0 }, createdAt: clock,
    updatedAt: clock++, dirty: 0, revision: 1, syncedAt: null, deleted: 0, syncIssue: null,
  };
}

describe('folding text for search', () => {
  it('ignores case and accents', () => {
    expect(foldText('Canción ÑANDÚ Über')).toBe('cancion nandu uber');
  });

  // A few seconds alone (every code point folds once), several times that on a loaded machine.
  it('keeps every offset where it was, whatever the text', { timeout: 30_000 }, () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => foldText(text).length === text.length));
  });
});

describe('searching every book', () => {
  const novel = book('La casa', '<h2>Capítulo 17</h2><p>El <em>faro</em> se apagó a las tres de la mañana.</p>');
  const essay = book('Notes on the lighthouse', '<p>About light.</p>', 'Faro Smith');
  const other = book('Something else', '<p>Nothing here.</p>');

  it('finds words in the text, accents and case ignored, with the snippet around them', () => {
    const [match, ...rest] = new BookSearch().search([novel, other], 'SE APAGO');
    expect(rest).toEqual([]);
    expect(match).toMatchObject({ book: novel, field: 'text', query: 'SE APAGO' });
    expect(match!.snippet).toEqual({ before: 'Capítulo 17 El faro ', match: 'se apagó', after: ' a las tres de la mañana.' });
  });

  it('lists title matches first, then author, then text', () => {
    const lighthouse = book('Faro', '<p>x</p>');
    const found = new BookSearch().search([novel, essay, lighthouse], 'faro');
    expect(found.map((m) => [m.book.title, m.field])).toEqual([
      ['Faro', 'title'],
      ['Notes on the lighthouse', 'author'],
      ['La casa', 'text'],
    ]);
  });

  it('reads a book again only after it changed', () => {
    const search = new BookSearch();
    expect(search.search([novel], 'ballena')).toEqual([]);
    const edited = { ...novel, content: '<p>Una ballena.</p>', updatedAt: novel.updatedAt + 1 };
    expect(search.search([edited], 'ballena')).toHaveLength(1);
    // The same updatedAt means the same text: a stale index would be a bug elsewhere, not a reason to re-read.
    expect(search.search([{ ...edited, content: '<p>other</p>' }], 'ballena')).toHaveLength(1);
  });

  it('finds nothing for an empty query', () => {
    expect(new BookSearch().search([novel], '   ')).toEqual([]);
  });

  it('cuts long snippets at whole words', () => {
    const long = book('L', `<p>${'alpha '.repeat(40)}needle${' omega'.repeat(40)}</p>`);
    const { snippet } = new BookSearch().search([long], 'needle')[0]!;
    expect(snippet.before.startsWith('…alpha')).toBe(true);
    expect(snippet.after.endsWith('omega…')).toBe(true);
    expect(snippet.before.length).toBeLessThanOrEqual(62);
  });
});

describe('the word prefilter', () => {
  it.each([
    ['winter harbour', ['winter\n', '\nharbour']],
    ['ter harb', ['ter\n', '\nharb']],
    ['needle in chapter forty', ['needle\n', '\nin\n', '\nchapter\n', '\nforty']],
    ['arbo', ['arbo']],
    ['“hola”', ['\nhola\n']],
    ['...', []],
  ])('asks a book whose words hold %s for %j', (query, probes) => {
    expect(wordProbes(queryWords(foldQuery(query)))).toEqual(probes);
  });

  it('never leaves out a book the text scan would find, nor finds one it would not', { timeout: 30_000 }, () => {
    const text = fc.stringMatching(/^[a-cé ,.’\-]{0,80}$/);
    fc.assert(
      fc.property(text, fc.nat(), fc.nat(), (body, from, length) => {
        const start = from % (body.length + 1);
        const query = body.slice(start, start + 1 + (length % 12));
        const found = new BookSearch().search([book('T', `<p>${body}</p>`)], query).some((m) => m.field === 'text');
        const needle = foldQuery(query);
        const expected = needle !== '' && foldText(body.replace(/\s+/g, ' ')).includes(needle);
        expect(found).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('skips the text of a book that lacks one of the words, and still finds a phrase across an accent', () => {
    const winter = book('A', '<p>The winter harbour froze.</p>');
    const summer = book('B', '<p>The summer harbour thawed.</p>');
    const search = new BookSearch();
    expect(search.search([winter, summer], 'winter harb').map((m) => m.book.title)).toEqual(['A']);
    expect(search.search([winter, summer], 'harbour').map((m) => m.book.title)).toEqual(['A', 'B']);
    expect(search.search([book('C', '<p>Una canción de invierno.</p>')], 'CANCION DE INV')).toHaveLength(1);
  });

  it('skips a book that has every word of a phrase but never one after the other', () => {
    const apart = book('Apart', '<p>The captain slept. A whisper in the kitchen.</p>');
    const together = book('Together', '<p>The old captain whispered in the kitchen.</p>');
    expect(new BookSearch().search([apart, together], 'captain whisper').map((m) => m.book.title)).toEqual(['Together']);
  });
});

describe('the first line of a book', () => {
  it('is the text of its first block, shortened', () => {
    expect(firstLine('<h1>It was a <strong>dark</strong> night</h1><p>More</p>')).toBe('It was a dark night');
    expect(firstLine(`<p>${'word '.repeat(40)}</p>`, 20)).toBe('word word word word…');
    expect(firstLine('')).toBe('');
  });
});
