// One clip as a record (what a research tray will hold): the quotation, where it came from as citation metadata, the
// writer's note and when; and how it reads in a manuscript — a block quote followed by its reference in the book's
// citation style.
import type { CitationMetadata } from './citation-metadata.ts';
import {
  CITATION_LANGUAGES,
  CITATION_STYLES,
  formatCitation,
  type CitationChoice,
  type CitationLanguage,
  type CitationStyle,
} from './citation-style.ts';

export interface Clip {
  id: string;
  /** A selection, or the main content of the page read as an article. */
  kind: 'selection' | 'article';
  /** The quotation: sanitised manuscript HTML, one <blockquote>. */
  quote: string;
  source: CitationMetadata;
  /** The writer's note on the clip ('' until a tray lets them write one). */
  note: string;
  /** When it was clipped (ms). */
  at: number;
}

/** Where a book keeps its citation style in its metadata (synced with the book). */
export const CITATION_METADATA_KEY = 'citation';

/** The book's citation style, or APA 7 in the writer's language when the book has none (or an unknown one). */
export function citationChoiceOf(book: { metadata: { [key: string]: unknown } } | undefined, uiLocale: string): CitationChoice {
  const stored = book?.metadata[CITATION_METADATA_KEY] as Partial<CitationChoice> | undefined;
  const style = CITATION_STYLES.includes(stored?.style as CitationStyle) ? stored!.style! : 'apa';
  const fallbackLanguage: CitationLanguage = uiLocale.toLowerCase().startsWith('es') ? 'es' : 'en';
  const language = CITATION_LANGUAGES.includes(stored?.language as CitationLanguage) ? stored!.language! : fallbackLanguage;
  return { style, language };
}

/** The clip as manuscript HTML: its block quote, then its reference as a paragraph. */
export function clipHtml(clip: Pick<Clip, 'quote' | 'source'>, choice: CitationChoice): string {
  return `${clip.quote}<p>${formatCitation(clip.source, choice)}</p>`;
}
