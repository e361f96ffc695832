// Citation metadata → a reference in APA 7, MLA 9 or Chicago notes-bibliography (bibliography entry), in English or
// Spanish, as manuscript HTML (<em> for italics, the address as a link). Pure; the expected strings in its tests
// follow the style guides. Titles keep the page's own capitalisation (changing case would mangle proper nouns).
import type { Author, CitationMetadata, PartialDate } from './citation-metadata.ts';

export const CITATION_STYLES = ['apa', 'mla', 'chicago'] as const;
export const CITATION_LANGUAGES = ['en', 'es'] as const;
export type CitationStyle = (typeof CITATION_STYLES)[number];
export type CitationLanguage = (typeof CITATION_LANGUAGES)[number];

export interface CitationChoice {
  style: CitationStyle;
  language: CitationLanguage;
}

const MONTHS = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
};
// MLA's own abbreviations (MLA Handbook 9, appendix 1); Spanish ones as the RAE lists them.
const MONTHS_SHORT = {
  en: ['Jan.', 'Feb.', 'Mar.', 'Apr.', 'May', 'June', 'July', 'Aug.', 'Sept.', 'Oct.', 'Nov.', 'Dec.'],
  es: ['ene.', 'feb.', 'mar.', 'abr.', 'mayo', 'jun.', 'jul.', 'ago.', 'sept.', 'oct.', 'nov.', 'dic.'],
};

const WORDS = {
  en: { and: 'and', apaAnd: '&', noDate: 'n.d.', retrieved: 'Retrieved', from: 'from', accessed: 'Accessed', no: 'no.', chicagoNo: 'no.' },
  es: { and: 'y', apaAnd: 'y', noDate: 's. f.', retrieved: 'Recuperado el', from: 'de', accessed: 'Consultado el', no: 'núm.', chicagoNo: 'n.º' },
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const em = (text: string) => `<em>${escapeHtml(text)}</em>`;
const link = (url: string, label = url) => `<a href="${escapeHtml(url)}">${escapeHtml(label)}</a>`;

/** `text` followed by `mark`, unless it already ends with a stop of its own ("J." or "Why?"). */
function end(text: string, mark = '.'): string {
  return /[.?!]$/.test(text.replace(/<[^>]+>/g, '')) ? text : `${text}${mark}`;
}

/** A quoted title: “Title.” in English (the stop inside), «Title». in Spanish (the stop outside). */
function quoted(title: string, language: CitationLanguage, mark = '.'): string {
  const text = escapeHtml(title);
  if (language === 'es') return `«${text}»${/[?!]$/.test(title) ? '' : mark}`;
  return `“${end(text, mark)}”`;
}

function fullDate(date: PartialDate, language: CitationLanguage): string {
  const month = date.month ? MONTHS[language][date.month - 1] : undefined;
  if (!month) return String(date.year);
  if (language === 'es') return date.day ? `${date.day} de ${month} de ${date.year}` : `${month} de ${date.year}`;
  return date.day ? `${month} ${date.day}, ${date.year}` : `${month} ${date.year}`;
}

function shortDate(date: PartialDate, language: CitationLanguage): string {
  const month = date.month ? MONTHS_SHORT[language][date.month - 1] : undefined;
  return [date.day && month ? date.day : undefined, month, date.year].filter(Boolean).join(' ');
}

function utcDate(ms: number): PartialDate {
  const date = new Date(ms);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

const isPerson = (a: Author): a is { family: string; given: string } => 'family' in a;

/** "Jean-Paul Marie" → "J.-P. M." */
function initials(given: string): string {
  return given
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word.split('-').map((part) => `${part.replace(/\.$/, '').charAt(0)}.`).join('-'))
    .join(' ');
}

/**
 * "A and B", "A, B, and C" (English, serial comma) or "A, B y C" (Spanish). Two names take the comma too in English
 * when the first holds one itself (an inverted "Family, Given").
 */
function series(names: string[], and: string, language: CitationLanguage): string {
  if (names.length <= 1) return names.join('');
  if (names.length === 2) return `${names[0]}${language === 'en' && names[0]!.includes(',') ? ',' : ''} ${and} ${names[1]}`;
  return `${names.slice(0, -1).join(', ')}${language === 'en' ? ',' : ''} ${and} ${names.at(-1)}`;
}

const inverted = (a: Author) => (isPerson(a) ? (a.given ? `${a.family}, ${a.given}` : a.family) : a.name);
const natural = (a: Author) => (isPerson(a) ? [a.given, a.family].filter(Boolean).join(' ') : a.name);

function apaAuthors(authors: Author[], language: CitationLanguage): string {
  const names = authors.map((a) => (isPerson(a) ? [a.family, initials(a.given)].filter(Boolean).join(', ') : a.name));
  // APA 7 §9.8: up to 20 authors; beyond, the first 19, an ellipsis and the last.
  if (names.length > 20) return `${names.slice(0, 19).join(', ')}, . . . ${names.at(-1)}`;
  return escapeHtml(series(names, WORDS[language].apaAnd, language));
}

/** MLA 9 and Chicago: the first author inverted; MLA lists three or more as "et al.", Chicago up to ten. */
function invertedAuthors(authors: Author[], language: CitationLanguage, listedMax: number, shownWhenMore: number): string {
  if (authors.length > listedMax) {
    const shown = [inverted(authors[0]!), ...authors.slice(1, shownWhenMore).map(natural)];
    return escapeHtml(`${shown.join(', ')}, et al.`);
  }
  const names = authors.map((a, i) => (i === 0 ? inverted(a) : natural(a)));
  return escapeHtml(series(names, WORDS[language].and, language));
}

const doiUrl = (doi: string) => `https://doi.org/${doi}`;
const sameName = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** "2024, March 5" / "2024, 5 de marzo"; journal articles give the year only (APA 7 §9.14). */
function apaDate(date: PartialDate, kind: CitationMetadata['kind'], language: CitationLanguage): string {
  const month = date.month ? MONTHS[language][date.month - 1] : undefined;
  if (kind === 'article' || !month) return String(date.year);
  const day = date.day ? (language === 'es' ? `${date.day} de ${month}` : `${month} ${date.day}`) : month;
  return `${date.year}, ${day}`;
}

function apa(m: CitationMetadata, language: CitationLanguage): string {
  const w = WORDS[language];
  const date = `(${m.published ? apaDate(m.published, m.kind, language) : w.noDate})`;
  const authors = m.authors.length > 0 ? apaAuthors(m.authors, language) : '';
  const title = m.kind === 'article' ? end(escapeHtml(m.title)) : end(em(m.title));
  const parts = authors ? [end(authors), `${date}.`, title] : [title, `${date}.`];
  if (m.kind === 'article') {
    const volume = m.volume ? `, ${em(m.volume)}${m.issue ? `(${escapeHtml(m.issue)})` : ''}` : '';
    parts.push(`${em(m.container)}${volume}${m.pages ? `, ${escapeHtml(m.pages)}` : ''}.`);
  } else {
    const singleAuthorName = m.authors.length === 1 ? natural(m.authors[0]!) : '';
    // APA 7 §9.23: the site name is left out when it is the author.
    if (m.container && !sameName(m.container, singleAuthorName)) parts.push(end(escapeHtml(m.container)));
  }
  const address = m.doi ? doiUrl(m.doi) : m.url;
  if (address) {
    // APA 7 §9.16: a retrieval date for an undated page, whose content may change.
    parts.push(
      !m.published && !m.doi
        ? `${w.retrieved} ${escapeHtml(fullDate(utcDate(m.accessed), language))}, ${w.from} ${link(address)}`
        : link(address),
    );
  }
  return parts.join(' ');
}

/** MLA 9 leaves the scheme off web addresses (§5.95); DOIs stay as https://doi.org/ links. */
const mlaAddress = (url: string) => url.replace(/^https?:\/\//, '').replace(/\/$/, '');

function mla(m: CitationMetadata, language: CitationLanguage): string {
  const w = WORDS[language];
  const head: string[] = [];
  if (m.authors.length > 0) head.push(end(invertedAuthors(m.authors, language, 2, 1)));
  const container = m.container ? em(m.container) : '';
  const elements: string[] = [];
  if (m.kind === 'article') {
    if (m.volume) elements.push(`vol. ${escapeHtml(m.volume)}`);
    if (m.issue) elements.push(`${w.no} ${escapeHtml(m.issue)}`);
  } else if (m.publisher && !sameName(m.publisher, m.container)) {
    elements.push(escapeHtml(m.publisher));
  }
  if (m.published) elements.push(escapeHtml(m.kind === 'article' ? String(m.published.year) : shortDate(m.published, language)));
  if (m.pages) elements.push(`${/[–-]/.test(m.pages) ? 'pp.' : 'p.'} ${escapeHtml(m.pages)}`);
  if (m.doi) elements.push(link(doiUrl(m.doi)));
  else if (m.url) elements.push(link(m.url, mlaAddress(m.url)));
  const tail = [container, ...elements].filter(Boolean).join(', ');
  if (container) head.push(quoted(m.title, language));
  else head.push(end(em(m.title)));
  const parts = [...head];
  if (tail) parts.push(end(container ? tail : tail.replace(/^, /, '')));
  // MLA 9 §5.111: the access date for an undated page.
  if (!m.published) parts.push(`${w.accessed} ${escapeHtml(shortDate(utcDate(m.accessed), language))}.`);
  return parts.join(' ');
}

function chicago(m: CitationMetadata, language: CitationLanguage): string {
  const w = WORDS[language];
  const parts: string[] = [];
  // CMOS 17 §14.76: up to ten authors in the bibliography; more, the first seven and "et al."
  if (m.authors.length > 0) parts.push(end(invertedAuthors(m.authors, language, 10, 7)));
  parts.push(quoted(m.title, language));
  if (m.kind === 'article') {
    const issue = m.issue ? `, ${w.chicagoNo} ${escapeHtml(m.issue)}` : '';
    const year = m.published ? ` (${m.published.year})` : '';
    parts.push(`${em(m.container)}${m.volume ? ` ${escapeHtml(m.volume)}` : ''}${issue}${year}${m.pages ? `: ${escapeHtml(m.pages)}` : ''}.`);
  } else {
    if (m.container) parts.push(end(escapeHtml(m.container)));
    if (m.publisher && !sameName(m.publisher, m.container)) parts.push(end(escapeHtml(m.publisher)));
    // CMOS 17 §14.233: the publication date, or the access date when the page has none.
    parts.push(
      m.published
        ? `${escapeHtml(fullDate(m.published, language))}.`
        : `${w.accessed} ${escapeHtml(fullDate(utcDate(m.accessed), language))}.`,
    );
  }
  const address = m.doi ? doiUrl(m.doi) : m.url;
  if (address) parts.push(`${link(address)}.`);
  return parts.join(' ');
}

/** The reference for `metadata` in the chosen style and language, as inline manuscript HTML. */
export function formatCitation(metadata: CitationMetadata, { style, language }: CitationChoice): string {
  const m = { ...metadata, title: metadata.title || metadata.container || hostOf(metadata.url) };
  switch (style) {
    case 'apa':
      return apa(m, language);
    case 'mla':
      return mla(m, language);
    case 'chicago':
      return chicago(m, language);
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
