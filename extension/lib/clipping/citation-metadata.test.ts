import { describe, expect, it } from 'vitest';
import { citationMetadata, parseAuthor, parseDate, parseDoi } from './citation-metadata.ts';
import type { PageFacts } from './page-facts.ts';

const AT = Date.UTC(2026, 10, 25);
const URL_ = 'https://example.org/a';

function facts(overrides: Partial<PageFacts>): PageFacts {
  return { url: URL_, title: 'Document title | Site', lang: 'en', canonical: '', meta: [], jsonLd: [], ...overrides };
}

describe('citation metadata from each family of page metadata', () => {
  it('reads Highwire citation_* tags (scholarly articles)', () => {
    const m = citationMetadata(
      facts({
        meta: [
          ['citation_title', 'Notes on the engine'], ['citation_author', 'Lovelace, Ada'], ['citation_author', 'Charles Babbage'],
          ['citation_journal_title', 'Journal of Computing'], ['citation_publication_date', '2020/06/15'],
          ['citation_volume', '12'], ['citation_issue', '3'], ['citation_firstpage', '45'], ['citation_lastpage', '67'],
          ['citation_doi', '10.1234/jc.2020.3'], ['citation_publisher', 'Engine Press'],
          ['og:title', 'A worse title'], ['og:site_name', 'Journal site'],
        ],
      }),
      AT,
    );
    expect(m).toEqual({
      kind: 'article', authors: [{ family: 'Lovelace', given: 'Ada' }, { family: 'Babbage', given: 'Charles' }],
      title: 'Notes on the engine', container: 'Journal of Computing', publisher: 'Engine Press',
      published: { year: 2020, month: 6, day: 15 }, volume: '12', issue: '3', pages: '45–67', doi: '10.1234/jc.2020.3',
      url: URL_, accessed: AT,
    });
  });

  it('reads Dublin Core, with the DOI from an identifier', () => {
    const m = citationMetadata(
      facts({
        meta: [
          ['dc.title', 'Tidal records'], ['dc.creator', 'Marsh, Ellen'], ['dc.date', '2019-11'],
          ['dc.publisher', 'Harbour Archive'], ['dc.identifier', 'urn:x:1'], ['dc.identifier', 'https://doi.org/10.5555/tide.42'],
        ],
      }),
      AT,
    );
    expect(m).toMatchObject({
      kind: 'webpage', authors: [{ family: 'Marsh', given: 'Ellen' }], title: 'Tidal records', publisher: 'Harbour Archive',
      published: { year: 2019, month: 11 }, doi: '10.5555/tide.42',
    });
  });

  it('reads schema.org JSON-LD, inside a @graph, with people and organisations', () => {
    const jsonLd = JSON.stringify({
      '@context': 'https://schema.org',
      '@graph': [
        { '@type': 'WebSite', name: 'The Coast Gazette' },
        {
          '@type': 'NewsArticle', headline: 'Storm closes the harbour',
          author: [{ '@type': 'Person', name: 'Iris Vane' }, { '@type': 'Person', givenName: 'Tom', familyName: 'Reed' }, { '@type': 'Organization', name: 'Gazette Staff' }],
          datePublished: '2025-02-03T22:15:00-05:00', publisher: { '@type': 'Organization', name: 'Gazette Media' },
        },
      ],
    });
    const m = citationMetadata(facts({ jsonLd: ['{not json', jsonLd] }), AT);
    expect(m).toMatchObject({
      kind: 'webpage',
      authors: [{ family: 'Vane', given: 'Iris' }, { family: 'Reed', given: 'Tom' }, { name: 'Gazette Staff' }],
      title: 'Storm closes the harbour', container: 'The Coast Gazette', publisher: 'Gazette Media',
      // The date as the page wrote it, not moved to the next day by UTC.
      published: { year: 2025, month: 2, day: 3 },
    });
  });

  it('reads Open Graph and the author meta tag', () => {
    const m = citationMetadata(
      facts({
        meta: [['og:title', 'Ten knots'], ['og:site_name', 'Sailing Today'], ['article:published_time', '2023-07-09T08:00:00Z'],
          ['article:author', 'https://sailing.example/people/ana'], ['author', 'Ana Ruiz Gómez']],
      }),
      AT,
    );
    expect(m).toMatchObject({
      authors: [{ family: 'Gómez', given: 'Ana Ruiz' }], title: 'Ten knots', container: 'Sailing Today',
      published: { year: 2023, month: 7, day: 9 },
    });
  });

  it('falls back to the document alone: its title and address, no author, no date', () => {
    expect(citationMetadata(facts({}), AT)).toEqual({
      kind: 'webpage', authors: [], title: 'Document title | Site', container: '', publisher: '', published: null,
      volume: '', issue: '', pages: '', doi: '', url: URL_, accessed: AT,
    });
  });

  it('prefers citation_* over Dublin Core over JSON-LD over Open Graph, field by field', () => {
    const m = citationMetadata(
      facts({
        meta: [['og:title', 'OG'], ['dc.title', 'DC'], ['og:site_name', 'OG site'], ['dc.date', '2001']],
        jsonLd: [JSON.stringify({ '@type': 'Article', headline: 'LD', datePublished: '2002', author: 'Lee Park' })],
      }),
      AT,
    );
    expect(m).toMatchObject({ title: 'DC', published: { year: 2001 }, authors: [{ family: 'Park', given: 'Lee' }], container: 'OG site' });
  });

  it('keeps only http(s) addresses', () => {
    expect(citationMetadata(facts({ url: 'file:///notes.html' }), AT).url).toBe('');
    expect(citationMetadata(facts({ url: 'file:///notes.html', canonical: 'https://example.org/c' }), AT).url).toBe('https://example.org/c');
  });
});

describe('reading the parts', () => {
  it.each([
    ['Lovelace, Ada', { family: 'Lovelace', given: 'Ada' }],
    ['Ada Lovelace', { family: 'Lovelace', given: 'Ada' }],
    ['By Ada Lovelace', { family: 'Lovelace', given: 'Ada' }],
    ['Reuters', { name: 'Reuters' }],
    ['https://example.org/ada', null],
    ['  ', null],
  ])('author %j', (text, expected) => {
    expect(parseAuthor(text)).toEqual(expected);
  });

  it.each([
    ['2024-03-05', { year: 2024, month: 3, day: 5 }],
    ['2024/3/5', { year: 2024, month: 3, day: 5 }],
    ['2024-03-05T23:30:00-05:00', { year: 2024, month: 3, day: 5 }],
    ['2024-03', { year: 2024, month: 3 }],
    ['2024', { year: 2024 }],
    ['5 March 2024 UTC', { year: 2024, month: 3, day: 5 }],
    ['2024-13-01', { year: 2024 }],
    ['soon', null],
  ])('date %j', (text, expected) => {
    expect(parseDate(text)).toEqual(expected);
  });

  it.each([
    ['10.1000/xyz123', '10.1000/xyz123'],
    ['doi:10.1000/xyz123', '10.1000/xyz123'],
    ['https://doi.org/10.1000/xyz123', '10.1000/xyz123'],
    ['https://example.org/10.1000/xyz', ''],
    ['isbn:123', ''],
  ])('DOI %j', (text, expected) => {
    expect(parseDoi(text)).toBe(expected);
  });
});
