// Word and character counts of a manuscript, from its HTML (on save) or from plain text (live, in the editor).
import type { BookCounts } from './db.ts';

// Block boundaries separate words; inline tags (<strong>, <a>…) do not: "he<b>llo</b>" is one word.
const BLOCK_TAG = /<\/?(?:p|h[1-6]|li|ul|ol|blockquote|pre|br|hr|div|section|article|header|footer|table|tr|td|th)\b[^>]*>/gi;
const ANY_TAG = /<[^>]*>/g;
const ENTITY = /&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
// A word is a run of non-space characters that contains at least one letter or digit ("—" alone is not a word).
const TOKEN = /\S+/g;
const WORDLIKE = /[\p{L}\p{N}]/u;
const WHITESPACE_RUN = /\s+/g;
const LOW_SURROGATE = /[\uDC00-\uDFFF]/g;

function decodeEntity(match: string, body: string): string {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : match;
  }
  return NAMED[body.toLowerCase()] ?? match;
}

/** The visible text of manuscript HTML, with block boundaries as spaces. */
export function htmlToText(html: string): string {
  return html.replace(BLOCK_TAG, ' ').replace(ANY_TAG, '').replace(ENTITY, decodeEntity);
}

/**
 * Counts words and characters of plain text. Characters are counted as Unicode code points of the text with every
 * run of whitespace (including block boundaries) counted as one space, trimmed: what a reader sees on the page.
 */
export function countText(text: string): BookCounts {
  let wordCount = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) if (WORDLIKE.test(m[0])) wordCount++;
  const collapsed = text.replace(WHITESPACE_RUN, ' ').trim();
  const surrogates = collapsed.match(LOW_SURROGATE)?.length ?? 0;
  return { wordCount, charCount: collapsed.length - surrogates };
}

export function countHtml(html: string): BookCounts {
  return countText(htmlToText(html));
}
