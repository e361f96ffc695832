// A manuscript's HTML seen as the sequences that diffs and merges work on: top-level blocks (paragraphs, headings,
// quotes, lists), and inside a passage, tokens (tags, words, spaces). Both splits are lossless — joining the parts
// gives back the exact text — and linear, on any input, well-formed or not.

/** Elements that never have a closing tag. */
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr', 'col', 'area', 'base', 'embed', 'source', 'track']);

const TAG = /<(\/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(\/?)>|<!--[\s\S]*?-->/g;

/**
 * The top-level blocks of `html`: each element that opens at depth 0 together with everything up to its closing tag,
 * and each run of text between them. Unbalanced markup still splits losslessly (a stray closing tag ends nothing).
 */
export function splitBlocks(html: string): string[] {
  const blocks: string[] = [];
  let start = 0;
  let depth = 0;
  TAG.lastIndex = 0;
  for (let match = TAG.exec(html); match; match = TAG.exec(html)) {
    const [whole, closing, rawName, selfClosing] = match;
    if (rawName === undefined) continue; // a comment
    const name = rawName.toLowerCase();
    const at = match.index;
    if (closing) {
      if (depth === 0) continue;
      depth--;
      if (depth === 0) {
        blocks.push(html.slice(start, at + whole.length));
        start = at + whole.length;
      }
      continue;
    }
    if (depth === 0 && at > start) {
      // Text (or whitespace) between top-level elements is a block of its own.
      blocks.push(html.slice(start, at));
      start = at;
    }
    if (VOID.has(name) || selfClosing) {
      if (depth === 0) {
        blocks.push(html.slice(start, at + whole.length));
        start = at + whole.length;
      }
      continue;
    }
    depth++;
  }
  if (start < html.length) blocks.push(html.slice(start));
  return blocks;
}

const TOKEN = /<[^>]*>?|&[#A-Za-z0-9]+;|\s+|[^\s<&]+|&/g;

/**
 * A passage as merge tokens: every tag, every run of whitespace, every entity and every word (a run of other
 * characters). Words are what a writer edits, so edits to different words of one sentence never overlap.
 */
export function tokenize(html: string): string[] {
  return html.match(TOKEN) ?? [];
}
