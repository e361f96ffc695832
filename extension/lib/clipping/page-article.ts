// Runs inside the clipped page (bundled into the article.js script the background injects): reads the page's main
// content with Mozilla's Readability, images turned into linked references with their alt text and captions.
// Bounded: a page over the element or depth limits is refused before the reader library touches it. Safety is not
// its job: the background sanitises what it returns, with the manuscript policy.
import { Readability } from '@mozilla/readability';
import { LIMITS } from '../../../shared/limits.ts';

export type PageArticle =
  | { ok: true; html: string; text: string; title: string }
  | { ok: false; reason: 'too-large' | 'no-article' };

/** Deepest element nesting under `root`, stopping as soon as it passes `max` (iterative: no stack to overflow). */
export function depthWithin(root: Element, max: number): number {
  let deepest = 0;
  let depth = 0;
  let node: Element | null = root;
  while (node) {
    const child: Element | null = node.firstElementChild;
    if (child) {
      node = child;
      deepest = Math.max(deepest, ++depth);
      if (deepest > max) return deepest;
      continue;
    }
    while (node && node !== root && !node.nextElementSibling) {
      node = node.parentElement;
      depth--;
    }
    node = node && node !== root ? node.nextElementSibling : null;
  }
  return deepest;
}

function absolute(url: string | null, base: string): string {
  try {
    return url ? new URL(url, base).href : '';
  } catch {
    return '';
  }
}

/** Each image becomes "Image: <alt>" linking to its address (none for data: and blob: images), captions kept as text. */
function imagesAsReferences(root: Element, base: string, imageLabel: string): void {
  const doc = root.ownerDocument;
  for (const img of Array.from(root.querySelectorAll('img'))) {
    const figure = img.closest('figure');
    const caption = figure?.querySelector('figcaption')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
    const alt = (img.getAttribute('alt') ?? '').replace(/\s+/g, ' ').trim();
    const src = absolute(img.getAttribute('src') ?? img.getAttribute('data-src'), base);
    const label = `${imageLabel}: ${alt || caption || src.split('/').pop() || ''}`.trim();
    const reference = /^https?:/.test(src) ? Object.assign(doc.createElement('a'), { href: src, textContent: label }) : doc.createTextNode(label);
    const paragraph = doc.createElement('p');
    paragraph.append(reference);
    if (caption && caption !== alt) paragraph.append(doc.createTextNode(` — ${caption}`));
    if (figure) figure.replaceWith(paragraph);
    else if (img.parentElement && img.parentElement.tagName === 'P' && !img.parentElement.textContent?.trim()) img.parentElement.replaceWith(paragraph);
    else img.replaceWith(...Array.from(paragraph.childNodes));
  }
  // Figures without images (a figure round a table or code keeps its content; its caption stays a paragraph).
  for (const caption of Array.from(root.querySelectorAll('figcaption'))) {
    const p = doc.createElement('p');
    p.append(...Array.from(caption.childNodes));
    caption.replaceWith(p);
  }
}

const BLOCKS = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'UL', 'OL', 'PRE', 'BLOCKQUOTE', 'TABLE', 'HR']);

/**
 * Tables as the editor writes them (editor/table.ts), so a clipped table reads the same before and after the editor
 * saves it: the caption as a paragraph before it, every row in one tbody, cell text in paragraphs, no spans of 1.
 */
function tablesAsTheEditorWrites(root: Element): void {
  const doc = root.ownerDocument;
  for (const table of Array.from(root.querySelectorAll('table')).reverse()) {
    const caption = table.querySelector(':scope > caption');
    if (caption?.textContent?.trim()) {
      const p = doc.createElement('p');
      p.append(...Array.from(caption.childNodes));
      table.before(p);
    }
    const rows = Array.from(table.rows);
    const body = doc.createElement('tbody');
    for (const row of rows) {
      for (const cell of Array.from(row.cells)) {
        for (const name of ['colspan', 'rowspan']) if ((cell.getAttribute(name) ?? '1') === '1') cell.removeAttribute(name);
        if (!Array.from(cell.children).some((child) => BLOCKS.has(child.tagName))) {
          const p = doc.createElement('p');
          p.append(...Array.from(cell.childNodes));
          cell.append(p);
        }
      }
      body.append(row);
    }
    table.replaceChildren(body);
  }
}

/** The page's main content, or why it was not read. */
export function readPageArticle(doc: Document = document, imageLabel = 'Image'): PageArticle {
  const root = doc.documentElement;
  if (!root) return { ok: false, reason: 'no-article' };
  if (doc.getElementsByTagName('*').length > LIMITS.articleElementsMax) return { ok: false, reason: 'too-large' };
  if (depthWithin(root, LIMITS.articleDepthMax) > LIMITS.articleDepthMax) return { ok: false, reason: 'too-large' };
  // Readability rewrites the document it reads: give it a copy.
  const copy = doc.cloneNode(true) as Document;
  const article = new Readability<Element | null>(copy, {
    maxElemsToParse: LIMITS.articleElementsMax,
    serializer: (node) => node as Element,
  }).parse();
  const content = article?.content;
  if (!article || !content) return { ok: false, reason: 'no-article' };
  imagesAsReferences(content, doc.baseURI, imageLabel);
  tablesAsTheEditorWrites(content);
  for (const a of Array.from(content.querySelectorAll('a[href]'))) a.setAttribute('href', absolute(a.getAttribute('href'), doc.baseURI));
  return { ok: true, html: content.innerHTML, text: content.textContent ?? '', title: article.title ?? doc.title };
}
