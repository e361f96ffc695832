import { describe, expect, it } from 'vitest';
import type { CitationMetadata } from './citation-metadata.ts';
import { formatCitation, type CitationLanguage, type CitationStyle } from './citation-style.ts';

const ACCESSED = Date.UTC(2026, 10, 25, 12);
const base: CitationMetadata = {
  kind: 'webpage', authors: [], title: '', container: '', publisher: '', published: null, volume: '', issue: '',
  pages: '', doi: '', url: '', accessed: ACCESSED,
};
const CARSON = { family: 'Carson', given: 'Rachel Louise' };
const SARTRE = { family: 'Sartre', given: 'Jean-Paul' };
const LOVELACE = { family: 'Lovelace', given: 'Ada' };
const BABBAGE = { family: 'Babbage', given: 'Charles' };

const webpage: CitationMetadata = {
  ...base, authors: [CARSON], title: 'The Sea Around Us', container: 'Ocean Notes',
  published: { year: 2024, month: 3, day: 5 }, url: 'https://example.org/sea',
};
const undated: CitationMetadata = { ...base, title: 'Tide tables', container: 'Harbour Office', url: 'https://example.org/tides/' };
const article: CitationMetadata = {
  ...base, kind: 'article', authors: [LOVELACE, BABBAGE], title: 'Notes on the analytical engine',
  container: 'Journal of Computing', volume: '12', issue: '3', pages: '45–67', published: { year: 2020, month: 6 },
  doi: '10.1234/jc.2020.3', url: 'https://journal.example/notes',
};

/** The reference as a reader sees it: *italics*, links as their text, entities decoded. */
function shown(html: string): string {
  return html
    .replace(/<\/?em>/g, '*')
    .replace(/<a href="[^"]*">|<\/a>/g, '')
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

type Row = [string, CitationMetadata, CitationStyle, CitationLanguage, string];
const rows: Row[] = [
  ['a dated web page', webpage, 'apa', 'en', 'Carson, R. L. (2024, March 5). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['a dated web page', webpage, 'apa', 'es', 'Carson, R. L. (2024, 5 de marzo). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['a dated web page', webpage, 'mla', 'en', 'Carson, Rachel Louise. “The Sea Around Us.” *Ocean Notes*, 5 Mar. 2024, example.org/sea.'],
  ['a dated web page', webpage, 'mla', 'es', 'Carson, Rachel Louise. «The Sea Around Us». *Ocean Notes*, 5 mar. 2024, example.org/sea.'],
  ['a dated web page', webpage, 'chicago', 'en', 'Carson, Rachel Louise. “The Sea Around Us.” Ocean Notes. March 5, 2024. https://example.org/sea.'],
  ['a dated web page', webpage, 'chicago', 'es', 'Carson, Rachel Louise. «The Sea Around Us». Ocean Notes. 5 de marzo de 2024. https://example.org/sea.'],

  ['two authors', { ...webpage, authors: [CARSON, SARTRE] }, 'apa', 'en', 'Carson, R. L., & Sartre, J.-P. (2024, March 5). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['two authors', { ...webpage, authors: [CARSON, SARTRE] }, 'apa', 'es', 'Carson, R. L. y Sartre, J.-P. (2024, 5 de marzo). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['two authors', { ...webpage, authors: [CARSON, SARTRE] }, 'mla', 'en', 'Carson, Rachel Louise, and Jean-Paul Sartre. “The Sea Around Us.” *Ocean Notes*, 5 Mar. 2024, example.org/sea.'],
  ['two authors', { ...webpage, authors: [CARSON, SARTRE] }, 'chicago', 'es', 'Carson, Rachel Louise y Jean-Paul Sartre. «The Sea Around Us». Ocean Notes. 5 de marzo de 2024. https://example.org/sea.'],
  ['three authors', { ...webpage, authors: [CARSON, SARTRE, LOVELACE] }, 'apa', 'en', 'Carson, R. L., Sartre, J.-P., & Lovelace, A. (2024, March 5). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['three authors', { ...webpage, authors: [CARSON, SARTRE, LOVELACE] }, 'apa', 'es', 'Carson, R. L., Sartre, J.-P. y Lovelace, A. (2024, 5 de marzo). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['three authors', { ...webpage, authors: [CARSON, SARTRE, LOVELACE] }, 'mla', 'en', 'Carson, Rachel Louise, et al. “The Sea Around Us.” *Ocean Notes*, 5 Mar. 2024, example.org/sea.'],
  ['three authors', { ...webpage, authors: [CARSON, SARTRE, LOVELACE] }, 'chicago', 'en', 'Carson, Rachel Louise, Jean-Paul Sartre, and Ada Lovelace. “The Sea Around Us.” Ocean Notes. March 5, 2024. https://example.org/sea.'],

  ['an undated page without author', undated, 'apa', 'en', '*Tide tables*. (n.d.). Harbour Office. Retrieved November 25, 2026, from https://example.org/tides/'],
  ['an undated page without author', undated, 'apa', 'es', '*Tide tables*. (s. f.). Harbour Office. Recuperado el 25 de noviembre de 2026, de https://example.org/tides/'],
  ['an undated page without author', undated, 'mla', 'en', '“Tide tables.” *Harbour Office*, example.org/tides. Accessed 25 Nov. 2026.'],
  ['an undated page without author', undated, 'mla', 'es', '«Tide tables». *Harbour Office*, example.org/tides. Consultado el 25 nov. 2026.'],
  ['an undated page without author', undated, 'chicago', 'en', '“Tide tables.” Harbour Office. Accessed November 25, 2026. https://example.org/tides/.'],
  ['an undated page without author', undated, 'chicago', 'es', '«Tide tables». Harbour Office. Consultado el 25 de noviembre de 2026. https://example.org/tides/.'],

  ['a journal article with a DOI', article, 'apa', 'en', 'Lovelace, A., & Babbage, C. (2020). Notes on the analytical engine. *Journal of Computing*, *12*(3), 45–67. https://doi.org/10.1234/jc.2020.3'],
  ['a journal article with a DOI', article, 'apa', 'es', 'Lovelace, A. y Babbage, C. (2020). Notes on the analytical engine. *Journal of Computing*, *12*(3), 45–67. https://doi.org/10.1234/jc.2020.3'],
  ['a journal article with a DOI', article, 'mla', 'en', 'Lovelace, Ada, and Charles Babbage. “Notes on the analytical engine.” *Journal of Computing*, vol. 12, no. 3, 2020, pp. 45–67, https://doi.org/10.1234/jc.2020.3.'],
  ['a journal article with a DOI', article, 'mla', 'es', 'Lovelace, Ada y Charles Babbage. «Notes on the analytical engine». *Journal of Computing*, vol. 12, núm. 3, 2020, pp. 45–67, https://doi.org/10.1234/jc.2020.3.'],
  ['a journal article with a DOI', article, 'chicago', 'en', 'Lovelace, Ada, and Charles Babbage. “Notes on the analytical engine.” *Journal of Computing* 12, no. 3 (2020): 45–67. https://doi.org/10.1234/jc.2020.3.'],
  ['a journal article with a DOI', article, 'chicago', 'es', 'Lovelace, Ada y Charles Babbage. «Notes on the analytical engine». *Journal of Computing* 12, n.º 3 (2020): 45–67. https://doi.org/10.1234/jc.2020.3.'],

  ['an organisation that is also the site', { ...webpage, authors: [{ name: 'World Health Organization' }], container: 'World Health Organization' }, 'apa', 'en', 'World Health Organization. (2024, March 5). *The Sea Around Us*. https://example.org/sea'],
  ['a title ending in a question mark', { ...webpage, title: 'Why do tides turn?' }, 'mla', 'en', 'Carson, Rachel Louise. “Why do tides turn?” *Ocean Notes*, 5 Mar. 2024, example.org/sea.'],
  ['a title ending in a question mark', { ...webpage, title: 'Why do tides turn?' }, 'apa', 'en', 'Carson, R. L. (2024, March 5). *Why do tides turn?* Ocean Notes. https://example.org/sea'],
  ['a date with a month only', { ...webpage, published: { year: 2024, month: 9 } }, 'apa', 'es', 'Carson, R. L. (2024, septiembre). *The Sea Around Us*. Ocean Notes. https://example.org/sea'],
  ['a date with a month only', { ...webpage, published: { year: 2024, month: 9 } }, 'mla', 'en', 'Carson, Rachel Louise. “The Sea Around Us.” *Ocean Notes*, Sept. 2024, example.org/sea.'],
  ['a publisher other than the site', { ...webpage, publisher: 'Blue Press' }, 'mla', 'en', 'Carson, Rachel Louise. “The Sea Around Us.” *Ocean Notes*, Blue Press, 5 Mar. 2024, example.org/sea.'],
  ['a publisher other than the site', { ...webpage, publisher: 'Blue Press' }, 'chicago', 'en', 'Carson, Rachel Louise. “The Sea Around Us.” Ocean Notes. Blue Press. March 5, 2024. https://example.org/sea.'],
];

describe('formatting a citation', () => {
  for (const [what, metadata, style, language, expected] of rows) {
    it(`writes ${what} in ${style.toUpperCase()} (${language})`, () => {
      expect(shown(formatCitation(metadata, { style, language }))).toBe(expected);
    });
  }

  it('lists the first nineteen of more than twenty authors in APA, then an ellipsis and the last', () => {
    const authors = Array.from({ length: 22 }, (_, i) => ({ family: `Author${i + 1}`, given: 'Ann' }));
    const text = shown(formatCitation({ ...webpage, authors }, { style: 'apa', language: 'en' }));
    expect(text).toMatch(/^Author1, A\., .*Author19, A\., \. \. \. Author22, A\. \(2024/);
    expect(text).not.toContain('Author20');
  });

  it('lists the first seven of more than ten authors in Chicago, then "et al."', () => {
    const authors = Array.from({ length: 11 }, (_, i) => ({ family: `Author${i + 1}`, given: 'Ann' }));
    const text = shown(formatCitation({ ...webpage, authors }, { style: 'chicago', language: 'en' }));
    expect(text).toMatch(/^Author1, Ann, Ann Author2, .*Ann Author7, et al\. “The Sea/);
  });

  it('escapes the page’s text and links the address', () => {
    const html = formatCitation(
      { ...undated, title: 'Fish & <Chips>', url: 'https://example.org/?a="1"' },
      { style: 'chicago', language: 'en' },
    );
    expect(html).toBe(
      '“Fish &#38; &#60;Chips&#62;.” Harbour Office. Accessed November 25, 2026. ' +
        '<a href="https://example.org/?a=&#34;1&#34;">https://example.org/?a=&#34;1&#34;</a>.',
    );
  });

  it('names an untitled page by its site, or else by its host', () => {
    expect(shown(formatCitation({ ...undated, title: '' }, { style: 'mla', language: 'en' }))).toMatch(/^“Harbour Office\.”/);
    expect(shown(formatCitation({ ...undated, title: '', container: '' }, { style: 'mla', language: 'en' }))).toBe(
      '*example.org*. example.org/tides. Accessed 25 Nov. 2026.',
    );
  });
});
