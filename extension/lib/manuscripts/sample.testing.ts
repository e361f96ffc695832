// Test support: sample manuscripts (a short book with every kind of block and mark, a book citing its sources, and
// long generated ones).
import type { CitationMetadata } from '../clipping/citation-metadata.ts';
import type { CitationChoice } from '../clipping/citation-style.ts';
import { clipHtml } from '../clipping/clip-record.ts';

/** A short book in the stored HTML of the editor: chapters, marks, lists, a clipped quote, accents and other scripts. */
export const SAMPLE_BOOK = {
  id: '6f1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  title: 'La Ciudad & el Mar',
  author: 'Lucía Fernández Peña',
  metadata: { wordCount: 0, charCount: 0 },
  content: [
    '<p>Un prólogo breve, antes del primer capítulo.</p>',
    '<h1>Capítulo uno: La llegada</h1>',
    '<p>Llegó a la ciudad con una maleta y un <em>cuaderno</em> lleno de notas <strong>urgentes</strong>.</p>',
    '<p>El mar olía a sal; la gente decía «buenos días» y sonreía. Escribió <u>subrayado</u> y <s>tachado</s>.</p>',
    '<h2>Una escena</h2>',
    '<p>En el muelle leyó un <a href="https://example.org/mapa" target="_blank" rel="noopener noreferrer">enlace</a> al mapa.</p>',
    '<blockquote><p>El mar es todo. Cubre las siete décimas partes del globo.</p></blockquote>',
    '<p>— <a href="https://example.org/verne">Veinte mil leguas</a>, 12 mar 2026</p>',
    '<ul><li><p>pan de centeno</p></li><li><p>aceitunas negras</p></li></ul>',
    '<ol><li><p>primero el puerto</p></li><li><p>después la plaza</p></li></ol>',
    '<hr>',
    '<h1>Capítulo dos: Voces lejanas</h1>',
    '<p>Una carta en griego decía Καλημέρα κόσμε, y otra en ruso Привет мир.</p>',
    '<p>Ñandú, pingüino, ångström, façade: los acentos importan.<br>Una segunda línea.</p>',
  ].join(''),
};

/** Words of the sample no layout may lose or reorder (accents, Greek and Cyrillic included). */
export const SAMPLE_PROBES = ['prólogo', 'cuaderno', 'urgentes', 'Καλημέρα', 'κόσμε', 'Привет', 'мир', 'Ñandú', 'ångström', 'façade'];

const VOCABULARY = (
  'el la de que y en un una ser se no haber por con su para como estar tener le lo todo pero más hacer o poder decir este ir ' +
  'otro ese si me ya ver porque dar cuando él muy sin vez mucho saber qué sobre mi alguno mismo yo también hasta año dos ' +
  'querer entre así primero desde grande eso ni nos llegar pasar tiempo ella sí día uno bien poco deber entonces poner cosa ' +
  'tanto hombre parecer nuestro tan donde ahora parte después vida quedar siempre creer hablar llevar dejar nada cada seguir ' +
  'menos nuevo encontrar algo solo pues llamar venir pensar salir volver tomar conocer vivir sentir tratar mirar contar ' +
  'mar ciudad canción corazón mañana niño árbol camión pájaro búho'
).split(' ');

/** A generated book of about `words` words: chapters of ~3,000 words, paragraphs of ~120, some italics. */
export function generatedBook(words: number, seed = 1): { id: string; title: string; author: string; content: string } {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  const parts: string[] = [];
  let written = 0;
  let chapter = 0;
  while (written < words) {
    chapter++;
    parts.push(`<h1>Capítulo ${chapter}</h1>`);
    written += 2;
    for (let inChapter = 0; inChapter < 3000 && written < words; ) {
      const n = Math.min(80 + (next() % 80), words - written);
      const ws = Array.from({ length: n }, () => VOCABULARY[next() % VOCABULARY.length]!);
      ws[0] = ws[0]!.charAt(0).toUpperCase() + ws[0]!.slice(1);
      if (n > 10) ws[5] = `<em>${ws[5]}</em>`;
      parts.push(`<p>${ws.join(' ')}.</p>`);
      written += n;
      inChapter += n;
    }
  }
  return { id: `generated-${words}`, title: `Novela de ${words} palabras`, author: 'Ana Autora', content: parts.join('') };
}

const ACCESSED = Date.UTC(2026, 10, 2);

/** Three sources a book can cite: a dated web page, a journal article with a DOI, an undated page with no author. */
export const SAMPLE_SOURCES: Record<'page' | 'article' | 'undated', CitationMetadata> = {
  page: {
    kind: 'webpage', authors: [{ family: 'Zúñiga', given: 'Marta' }], title: 'El puerto de noche', container: 'Revista del Mar',
    publisher: '', published: { year: 2024, month: 3, day: 5 }, volume: '', issue: '', pages: '', doi: '',
    url: 'https://example.org/puerto', accessed: ACCESSED,
  },
  article: {
    kind: 'article', authors: [{ family: 'Álvarez', given: 'Juan' }, { family: 'Brown', given: 'Ann' }], title: 'Tides and cities',
    container: 'Journal of Coasts', publisher: '', published: { year: 2020 }, volume: '12', issue: '3', pages: '45–67',
    doi: '10.1234/coast.2020.3', url: 'https://example.org/tides', accessed: ACCESSED,
  },
  undated: {
    kind: 'webpage', authors: [], title: 'Faros de España', container: 'Wikipedia', publisher: '', published: null,
    volume: '', issue: '', pages: '', doi: '', url: 'https://es.wikipedia.org/wiki/Faro', accessed: ACCESSED,
  },
};

/**
 * A book that quotes its sources as the clipper writes them (quote, then the reference in the book's style, MLA in
 * Spanish here): the page twice, the article, the undated page; and a quote of the writer's own followed by an
 * ordinary paragraph with a link, which is no reference.
 */
export function citedBook(choice: CitationChoice = { style: 'mla', language: 'es' }) {
  const clip = (source: CitationMetadata, quote: string) => clipHtml({ quote: `<blockquote><p>${quote}</p></blockquote>`, source }, choice);
  return {
    id: 'c1a2b3c4-d5e6-4f70-8a9b-0c1d2e3f4a5b',
    title: 'Ciudades de agua',
    author: 'Lucía Fernández Peña',
    metadata: { wordCount: 0, charCount: 0, citation: choice, language: 'es' },
    content: [
      '<h1>Puertos</h1>',
      '<p>Las ciudades de agua viven de noche.</p>',
      clip(SAMPLE_SOURCES.page, 'El puerto no duerme nunca.'),
      '<p>Las mareas marcan el paso.</p>',
      clip(SAMPLE_SOURCES.article, 'Tides shape the street plan.'),
      '<blockquote><p>Una nota mía, sin fuente.</p></blockquote>',
      '<p>Ver <a href="https://example.org/mapa">este mapa</a> del puerto.</p>',
      clip(SAMPLE_SOURCES.page, 'Las grúas son la catedral del puerto.'),
      '<h1>Faros</h1>',
      clip(SAMPLE_SOURCES.undated, 'Un faro es una torre con luz.'),
      '<p>Fin.</p>',
    ].join(''),
  };
}
