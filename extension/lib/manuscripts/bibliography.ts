// The book's sources and the bibliography that closes an export: the references the clipper wrote after each quoted
// clip, once each, sorted, under the heading of the book's citation style ("References", "Works Cited",
// "Bibliography", in English or Spanish). The references are taken as they stand in the book, so a writer's own
// corrections to one are kept.
import type { CitationChoice, CitationLanguage, CitationStyle } from '../clipping/citation-style.ts';
import { chapterLevel, inlineText, type Block, type Inline, type Manuscript } from './document.ts';

/** A source the book cites: the address that identifies it and its reference as the book writes it. */
export interface CitedSource {
  url: string;
  reference: Inline[];
}

const HEADINGS: Record<CitationStyle, Record<CitationLanguage, string>> = {
  apa: { en: 'References', es: 'Referencias' },
  mla: { en: 'Works Cited', es: 'Obras citadas' },
  chicago: { en: 'Bibliography', es: 'Bibliografía' },
};

export function bibliographyHeading({ style, language }: CitationChoice): string {
  return HEADINGS[style][language];
}

/** An address as a reference may print it: whole, or without its scheme and final slash (MLA 9). */
function printedForms(url: string): string[] {
  const bare = url.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return [url, bare];
}

/**
 * The address a reference identifies its source by: a link that prints its own address (every style writes the
 * page's address or DOI so), or for the first clipper's citation line ("— Title, date") its link. Null when the
 * paragraph is not a reference.
 */
function sourceAddress(inlines: Inline[]): string | null {
  const links = inlines.filter((i): i is Extract<Inline, { kind: 'text' }> => i.kind === 'text' && !!i.marks.href);
  const printed = links.find((i) => printedForms(i.marks.href!).includes(i.text.trim()));
  if (printed) return printed.marks.href!;
  const first = inlines[0];
  return first?.kind === 'text' && first.text.startsWith('— ') && links[0] ? links[0].marks.href! : null;
}

/** The sources the book cites: each reference that follows a quoted clip, the first of each address only. */
export function citedSources(blocks: Block[]): CitedSource[] {
  const sources: CitedSource[] = [];
  const seen = new Set<string>();
  blocks.forEach((b, i) => {
    if (b.kind !== 'paragraph' || blocks[i - 1]?.kind !== 'quote') return;
    const url = sourceAddress(b.inlines);
    if (url === null || seen.has(url)) return;
    seen.add(url);
    sources.push({ url, reference: b.inlines });
  });
  return sources;
}

/**
 * The manuscript with its bibliography as a last chapter (a heading at the book's chapter level, so every format
 * gives it a page, a file or an entry in the contents of its own), entries in alphabetical order as all three styles
 * ask. Unchanged when the book cites nothing.
 */
export function withBibliography(m: Manuscript, choice: CitationChoice): Manuscript {
  const sources = citedSources(m.blocks);
  if (sources.length === 0) return m;
  const collator = new Intl.Collator(m.language, { sensitivity: 'base', numeric: true });
  const entries = sources
    .map((s) => ({ s, key: inlineText(s.reference).replace(/^[—\s“”«»"']+/, '') }))
    .sort((a, b) => collator.compare(a.key, b.key))
    .map(({ s }): Block => ({ kind: 'paragraph', role: 'reference', inlines: s.reference }));
  const level = (chapterLevel(m.blocks) ?? 1) as 1;
  const heading: Block = { kind: 'heading', level, inlines: [{ kind: 'text', text: bibliographyHeading(choice), marks: {} }] };
  return { ...m, blocks: [...m.blocks, heading, ...entries] };
}
