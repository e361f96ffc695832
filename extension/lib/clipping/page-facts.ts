// Runs inside the clipped page (injected like page-selection.ts): collects the raw facts a citation is made from —
// meta tags, JSON-LD blocks, title, language, canonical address — bounded in count and size. It must stay
// self-contained (the browser serialises the function); interpreting the facts is citation-metadata.ts's job.
export interface PageFacts {
  url: string;
  title: string;
  lang: string;
  canonical: string;
  /** [name, content] of every meta tag (name, property or itemprop, lower-cased), in document order. */
  meta: Array<[string, string]>;
  /** The text of each application/ld+json script. */
  jsonLd: string[];
}

export function readPageFacts(): PageFacts {
  // A hostile page may hold millions of meta tags or megabytes of JSON: read a bounded prefix of each.
  const META_MAX = 400;
  const CONTENT_MAX = 2_000;
  const JSON_LD_MAX = 8;
  const JSON_LD_CHARS_MAX = 200_000;
  const meta: Array<[string, string]> = [];
  const tags = document.getElementsByTagName('meta');
  for (let i = 0; i < tags.length && meta.length < META_MAX; i++) {
    const tag = tags[i]!;
    const name = (tag.getAttribute('name') ?? tag.getAttribute('property') ?? tag.getAttribute('itemprop') ?? '').trim();
    const content = tag.getAttribute('content');
    if (name && content) meta.push([name.toLowerCase().slice(0, 100), content.slice(0, CONTENT_MAX)]);
  }
  const jsonLd: string[] = [];
  const scripts = document.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length && jsonLd.length < JSON_LD_MAX; i++) {
    const text = scripts[i]!.textContent ?? '';
    if (text.length <= JSON_LD_CHARS_MAX) jsonLd.push(text);
  }
  const canonical = document.querySelector('link[rel="canonical"]')?.getAttribute('href') ?? '';
  let canonicalUrl = '';
  try {
    if (canonical) canonicalUrl = new URL(canonical, document.baseURI).href;
  } catch {
    canonicalUrl = '';
  }
  return {
    url: location.href,
    title: document.title.slice(0, CONTENT_MAX),
    lang: (document.documentElement.getAttribute('lang') ?? '').slice(0, 35),
    canonical: canonicalUrl,
    meta,
    jsonLd,
  };
}
