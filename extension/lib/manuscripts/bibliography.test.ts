import { describe, expect, it } from 'vitest';
import { CITATION_LANGUAGES, CITATION_STYLES, formatCitation } from '../clipping/citation-style.ts';
import { bibliographyHeading, citedSources, withBibliography } from './bibliography.ts';
import { inlineText, parseBlocks, toManuscript } from './document.ts';
import { citedBook, SAMPLE_BOOK, SAMPLE_SOURCES } from './sample.testing.ts';

const plain = (html: string) => inlineText(parseBlocks(`<p>${html}</p>`).flatMap((b) => (b.kind === 'paragraph' ? b.inlines : [])));

describe('the sources a book cites', () => {
  it.each(CITATION_STYLES.flatMap((style) => CITATION_LANGUAGES.map((language) => ({ style, language }))))(
    'are the references after its quoted clips, once per source, in $style/$language',
    (choice) => {
      const sources = citedSources(parseBlocks(citedBook(choice).content));
      expect(sources.map((s) => inlineText(s.reference))).toEqual(
        [SAMPLE_SOURCES.page, SAMPLE_SOURCES.article, SAMPLE_SOURCES.undated].map((source) => plain(formatCitation(source, choice))),
      );
      expect(sources.map((s) => s.url)).toEqual(['https://example.org/puerto', 'https://doi.org/10.1234/coast.2020.3', 'https://es.wikipedia.org/wiki/Faro']);
    },
  );

  it('include the first clipper’s citation lines (“— Title, date”)', () => {
    expect(citedSources(parseBlocks(SAMPLE_BOOK.content)).map((s) => [s.url, inlineText(s.reference)])).toEqual([
      ['https://example.org/verne', '— Veinte mil leguas, 12 mar 2026'],
    ]);
  });

  it('leave out a paragraph after a quote whose link is ordinary text, and a reference-like line after no quote', () => {
    const blocks = parseBlocks(
      '<blockquote><p>Mía.</p></blockquote><p>Ver <a href="https://example.org/mapa">este mapa</a>.</p>' +
        '<p>Sin cita: <a href="https://example.org/suelto">https://example.org/suelto</a></p>',
    );
    expect(citedSources(blocks)).toEqual([]);
  });
});

describe('the bibliography at the end of an export', () => {
  it.each([
    ['apa', 'en', 'References'],
    ['apa', 'es', 'Referencias'],
    ['mla', 'en', 'Works Cited'],
    ['mla', 'es', 'Obras citadas'],
    ['chicago', 'en', 'Bibliography'],
    ['chicago', 'es', 'Bibliografía'],
  ] as const)('is headed as %s asks in %s: “%s”', (style, language, heading) => {
    expect(bibliographyHeading({ style, language })).toBe(heading);
  });

  it('is a last chapter with each source once, in alphabetical order, set as references', () => {
    const choice = { style: 'mla', language: 'es' } as const;
    const m = withBibliography(toManuscript(citedBook(choice), 'en'), choice);
    const [heading, ...entries] = m.blocks.slice(-4);
    expect(heading).toEqual({ kind: 'heading', level: 1, inlines: [{ kind: 'text', text: 'Obras citadas', marks: {} }] });
    expect(entries.map((b) => b.kind === 'paragraph' && b.role)).toEqual(['reference', 'reference', 'reference']);
    // Álvarez, then «Faros…» (sorted by its title, quotes aside), then Zúñiga: the book quotes them Z, Á, F.
    expect(entries.map((b) => (b.kind === 'paragraph' ? inlineText(b.inlines).slice(0, 10) : ''))).toEqual(['Álvarez, J', '«Faros de ', 'Zúñiga, Ma']);
  });

  it('follows the book’s chapter level, and leaves a book that cites nothing unchanged', () => {
    const choice = { style: 'apa', language: 'en' } as const;
    const h2Book = { ...citedBook(choice), content: citedBook(choice).content.replace(/<(\/?)h1>/g, '<$1h2>') };
    const m = withBibliography(toManuscript(h2Book, 'en'), choice);
    expect(m.blocks.at(-4)).toMatchObject({ kind: 'heading', level: 2 });
    const bare = toManuscript({ ...SAMPLE_BOOK, content: '<p>Nada citado.</p>' }, 'es');
    expect(withBibliography(bare, choice)).toBe(bare);
  });
});
