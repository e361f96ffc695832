// What a clipped page says about itself, as citation metadata: authors, title, container, publisher, dates, DOI.
// Sources in Zotero's order of trust: citation_* (Highwire) tags, Dublin Core, schema.org JSON-LD, Open Graph, then
// the document itself; each field comes from the first source that has it. Pure, so it runs in the background.
import type { PageFacts } from './page-facts.ts';

/** A person (family and given names) or an organisation (name only). */
export type Author = { family: string; given: string } | { name: string };

/** A calendar date as precise as the page gives it (month 1–12). */
export interface PartialDate {
  year: number;
  month?: number;
  day?: number;
}

export interface CitationMetadata {
  /** 'article': a journal article (it has a journal title); 'webpage': anything else. */
  kind: 'article' | 'webpage';
  authors: Author[];
  title: string;
  /** The journal, newspaper or website that holds the page. */
  container: string;
  publisher: string;
  published: PartialDate | null;
  volume: string;
  issue: string;
  pages: string;
  doi: string;
  url: string;
  /** When the clip was taken (ms since the epoch, read as a UTC date). */
  accessed: number;
}

const AUTHORS_MAX = 100;
const FIELD_MAX = 500;

type Meta = Map<string, string[]>;

function metaMap(facts: PageFacts): Meta {
  const map: Meta = new Map();
  for (const [name, content] of facts.meta) {
    const value = clean(content);
    if (!value) continue;
    const list = map.get(name) ?? [];
    list.push(value);
    map.set(name, list);
  }
  return map;
}

function clean(text: unknown): string {
  return typeof text === 'string' ? text.replace(/\s+/g, ' ').trim().slice(0, FIELD_MAX) : '';
}

const first = (meta: Meta, ...names: string[]) => {
  for (const name of names) {
    const value = meta.get(name)?.[0];
    if (value) return value;
  }
  return '';
};
const all = (meta: Meta, ...names: string[]) => {
  for (const name of names) {
    const values = meta.get(name);
    if (values?.length) return values;
  }
  return [];
};

/** "Family, Given" or "Given Family"; a single word is kept as a name (it may be an organisation or a pen name). */
export function parseAuthor(text: string): Author | null {
  const name = clean(text).replace(/^by\s+/i, '');
  if (!name || /^https?:\/\//i.test(name)) return null;
  const comma = name.indexOf(',');
  if (comma > 0) {
    const family = name.slice(0, comma).trim();
    const given = name.slice(comma + 1).trim();
    return given ? { family, given } : { name: family };
  }
  const words = name.split(' ');
  if (words.length < 2) return { name };
  return { family: words.at(-1)!, given: words.slice(0, -1).join(' ') };
}

/** "2024-03-05", "2024/3/5", "2024-03-05T10:00:00Z" (the date as written, not shifted to UTC), "2024-03", "2024". */
export function parseDate(text: string): PartialDate | null {
  const value = clean(text);
  const iso = /^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T\s].*)?$/.exec(value);
  if (iso) {
    const year = Number(iso[1]);
    const month = iso[2] ? Number(iso[2]) : undefined;
    const day = iso[3] ? Number(iso[3]) : undefined;
    if (month !== undefined && (month < 1 || month > 12)) return { year };
    if (day !== undefined && (day < 1 || day > 31)) return { year, month };
    return { year, ...(month ? { month } : {}), ...(day ? { day } : {}) };
  }
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) return null;
  const date = new Date(parsed);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** The bare DOI ("10.1234/abc") in a DOI, a "doi:" identifier or a doi.org address; '' when there is none. */
export function parseDoi(text: string): string {
  const match = /(?:^|doi:\s*|doi\.org\/)(10\.\d{4,9}\/\S+)$/i.exec(clean(text));
  return match ? match[1]! : '';
}

type JsonObject = Record<string, unknown>;
const CREATIVE_WORKS = /Article|BlogPosting|WebPage|Report|Thesis|Book|Chapter|CreativeWork|Posting|Review/;

/** The schema.org objects in the page's JSON-LD blocks (top level, arrays and @graph), skipping what does not parse. */
function jsonLdObjects(facts: PageFacts): JsonObject[] {
  const found: JsonObject[] = [];
  for (const text of facts.jsonLd) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      continue;
    }
    const queue = [data];
    while (queue.length > 0 && found.length < 50) {
      const item = queue.shift();
      if (Array.isArray(item)) queue.push(...item.slice(0, 50));
      else if (item && typeof item === 'object') {
        const object = item as JsonObject;
        if (Array.isArray(object['@graph'])) queue.push(...(object['@graph'] as unknown[]).slice(0, 50));
        else found.push(object);
      }
    }
  }
  return found;
}

const types = (o: JsonObject) => [o['@type']].flat().filter((t): t is string => typeof t === 'string');
const nameOf = (value: unknown): string => {
  if (typeof value === 'string') return clean(value);
  if (Array.isArray(value)) return nameOf(value[0]);
  if (value && typeof value === 'object') return clean((value as JsonObject).name);
  return '';
};

function jsonLdAuthors(value: unknown): Author[] {
  return [value]
    .flat()
    .slice(0, AUTHORS_MAX)
    .map((entry): Author | null => {
      if (typeof entry === 'string') return parseAuthor(entry);
      if (!entry || typeof entry !== 'object') return null;
      const person = entry as JsonObject;
      const name = clean(person.name);
      if (types(person).includes('Organization') || types(person).includes('NewsMediaOrganization')) {
        return name ? { name } : null;
      }
      const family = clean(person.familyName);
      if (family) return { family, given: clean(person.givenName) };
      return name ? parseAuthor(name) : null;
    })
    .filter((a): a is Author => a !== null);
}

function authorsFrom(values: string[]): Author[] {
  // Some sites put all authors in one tag: "A. One; B. Two".
  return values
    .flatMap((v) => (values.length === 1 && v.includes(';') ? v.split(';') : [v]))
    .slice(0, AUTHORS_MAX)
    .map(parseAuthor)
    .filter((a): a is Author => a !== null);
}

function httpUrl(...candidates: string[]): string {
  for (const candidate of candidates) {
    try {
      const url = new URL(candidate);
      if (url.protocol === 'http:' || url.protocol === 'https:') return url.href;
    } catch {
      // not an address; try the next one
    }
  }
  return '';
}

/** The citation metadata of a page, from its facts; `accessed` is when the clip was taken. */
export function citationMetadata(facts: PageFacts, accessed: number): CitationMetadata {
  const meta = metaMap(facts);
  const ld = jsonLdObjects(facts);
  const work = ld.find((o) => types(o).some((t) => CREATIVE_WORKS.test(t) && t !== 'WebSite')) ?? {};
  const website = ld.find((o) => types(o).includes('WebSite')) ?? {};
  const pick = (...values: string[]) => values.find(Boolean) ?? '';

  const journal = pick(
    first(meta, 'citation_journal_title', 'prism.publicationname'),
    types(work).includes('ScholarlyArticle') ? nameOf(work.isPartOf) : '',
  );
  let authors = authorsFrom(all(meta, 'citation_author', 'dc.creator', 'dcterms.creator'));
  if (authors.length === 0) authors = jsonLdAuthors(work.author ?? work.creator);
  if (authors.length === 0) authors = authorsFrom(all(meta, 'author', 'article:author', 'parsely-author', 'byl'));

  const dateText = pick(
    first(meta, 'citation_publication_date', 'citation_date', 'citation_online_date'),
    first(meta, 'dc.date', 'dcterms.date', 'dcterms.issued', 'dcterms.created', 'dc.date.issued'),
    clean(work.datePublished),
    first(meta, 'article:published_time', 'og:published_time', 'date', 'pubdate', 'publish-date'),
    clean(work.dateModified),
  );
  const doi = [
    first(meta, 'citation_doi', 'prism.doi', 'bepress_citation_doi'),
    ...all(meta, 'dc.identifier', 'dcterms.identifier'),
    ...[work.identifier, work.sameAs].flat().filter((v): v is string => typeof v === 'string'),
  ]
    .map(parseDoi)
    .find(Boolean);

  return {
    kind: journal ? 'article' : 'webpage',
    authors,
    title: pick(
      first(meta, 'citation_title', 'dc.title', 'dcterms.title'),
      clean(work.headline),
      clean(work.name),
      first(meta, 'og:title', 'twitter:title'),
      clean(facts.title),
    ),
    container: pick(journal, first(meta, 'og:site_name', 'application-name'), nameOf(work.isPartOf), clean(website.name)),
    publisher: pick(
      first(meta, 'citation_publisher', 'dc.publisher', 'dcterms.publisher', 'citation_technical_report_institution'),
      nameOf(work.publisher),
    ),
    published: dateText ? parseDate(dateText) : null,
    volume: first(meta, 'citation_volume', 'prism.volume'),
    issue: first(meta, 'citation_issue', 'prism.number'),
    pages: pagesOf(first(meta, 'citation_firstpage', 'prism.startingpage'), first(meta, 'citation_lastpage', 'prism.endingpage')),
    doi: doi ?? '',
    // The address the writer read, unless the page names its public one; tracking parameters are the page's choice.
    url: httpUrl(first(meta, 'citation_public_url'), facts.url, facts.canonical, first(meta, 'og:url')),
    accessed,
  };
}

function pagesOf(firstPage: string, lastPage: string): string {
  if (!firstPage) return '';
  return lastPage && lastPage !== firstPage ? `${firstPage}–${lastPage}` : firstPage;
}
