// Turns a selection from a web page into the quotation of a clip: sanitised manuscript HTML in a blockquote.
// sanitize-html (not DOMPurify) because Chrome's background service worker, where clips are built, has no DOM.
import sanitizeHtml from 'sanitize-html';
import { isAllowedHref, policySanitizeOptions } from '../../../shared/html-policy.ts';
import { scanMarkup } from '../../../shared/markup-guard.ts';

/** What the page gave us: the selection as HTML (when readable) and as text, and where it came from. */
export interface ClipSource {
  html?: string;
  text?: string;
  title?: string;
  url?: string;
}

// Elements whose text must never surface as manuscript text (code, styles, embedded documents, form values).
const DROPPED_WITH_CONTENT = ['script', 'style', 'textarea', 'option', 'xmp', 'noscript', 'template', 'title', 'iframe',
  'object', 'embed', 'svg', 'math', 'select', 'button', 'head'];

function resolveHref(href: string | undefined, base: string | undefined): string | undefined {
  if (!href) return undefined;
  try {
    return new URL(href.trim(), base).href;
  } catch {
    return undefined;
  }
}

function selectionPolicy(pageUrl: string | undefined): sanitizeHtml.IOptions {
  const policy = policySanitizeOptions();
  return {
    ...policy,
    nonTextTags: DROPPED_WITH_CONTENT,
    transformTags: {
      ...policy.transformTags,
      // Links are resolved against the page (selections carry relative hrefs) and kept only if http(s)/mailto;
      // the page's target/rel choices are not ours to keep.
      a: (tagName, attribs) => {
        const kept: Record<string, string> = {};
        const href = resolveHref(attribs.href, pageUrl);
        if (href && isAllowedHref(href)) kept.href = href;
        if (attribs.title) kept.title = attribs.title;
        return { tagName, attribs: kept };
      },
    },
  };
}

/** The selection HTML reduced to the manuscript policy: no scripts, styles, handlers, images or unsafe links. */
export function sanitizeSelectionHtml(html: string, pageUrl: string | undefined): string {
  return sanitizeHtml(html, selectionPolicy(pageUrl)).trim();
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Plain text → paragraphs (blank lines) with line breaks (single newlines). */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n\s*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((block) => `<p>${escapeHtml(block).replace(/\n/g, '<br>')}</p>`)
    .join('');
}

const BLOCK_TAG = /<(?:p|h[1-6]|blockquote|ul|ol|li|pre|hr)\b/i;
const hasText = (html: string) => /[^\s]/.test(html.replace(/<[^>]*>/g, '').replace(/&nbsp;|&#160;/g, ' '));

/** The quoted blocks: the selection's HTML when it keeps some text after sanitising, else its plain text. */
function quotedBlocks(source: ClipSource): string {
  // A hostile page's selection must not hold the background in the sanitiser, whose cost grows with the square of
  // the nesting depth: markup over the limits (shared/markup-guard.ts) is never parsed, its plain text is clipped.
  const html = source.html && !scanMarkup(source.html).exceeded ? sanitizeSelectionHtml(source.html, source.url) : '';
  if (!hasText(html)) return textToHtml(source.text ?? '');
  // A selection inside one paragraph is inline content; a blockquote holds blocks.
  return BLOCK_TAG.test(html) ? html : `<p>${html}</p>`;
}

/**
 * The quotation of one clip: a blockquote of the selection's HTML when it is within the markup limits and keeps some
 * text after sanitising, else of its plain text. Null when the selection is empty.
 */
export function quoteHtml(source: ClipSource): string | null {
  let quote = `<blockquote>${quotedBlocks(source)}</blockquote>`;
  // The quote itself, or a paragraph per line of text, can cross the limits the server holds the book to: then the
  // text goes in as one paragraph.
  if (scanMarkup(quote).exceeded) {
    quote = `<blockquote>${textToHtml((source.text ?? '').replace(/\s+/g, ' '))}</blockquote>`;
  }
  return quote === '<blockquote></blockquote>' ? null : quote;
}
