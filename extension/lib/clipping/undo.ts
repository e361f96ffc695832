// Taking a clip back out of a manuscript ("undo" on the page's confirmation): finds the clip's blocks, last first,
// even after the editor has re-serialised them (its own entity forms, link attributes), and removes only them.
import sanitizeHtml from 'sanitize-html';
import { policySanitizeOptions } from '../../../shared/html-policy.ts';
import { splitBlocks } from '../../../shared/manuscript/blocks.ts';

// Link target/rel are the editor's own additions; entity forms and spacing between blocks do not change the text.
const CANONICAL: sanitizeHtml.IOptions = { ...policySanitizeOptions(), allowedAttributes: { a: ['href', 'title'], ol: ['start', 'type'] } };

function canonical(block: string): string {
  return sanitizeHtml(block, CANONICAL).replace(/>\s+</g, '><').trim();
}

const isBlank = (block: string) => block.trim() === '';

/** `content` without the last run of top-level blocks equal to `clipHtml`'s; null when the clip is not there. */
export function withoutClip(content: string, clipHtml: string): string | null {
  const wanted = splitBlocks(clipHtml).filter((b) => !isBlank(b)).map(canonical);
  if (wanted.length === 0) return null;
  const blocks = splitBlocks(content);
  // Indexes of the non-blank blocks, so whitespace the editor puts between blocks does not hide a match.
  const kept = blocks.flatMap((b, i) => (isBlank(b) ? [] : [i]));
  for (let end = kept.length; end >= wanted.length; end--) {
    const run = kept.slice(end - wanted.length, end);
    // Cheap test first: the first block of a clip is its blockquote.
    if (!blocks[run[0]!]!.trimStart().toLowerCase().startsWith('<blockquote')) continue;
    if (run.every((index, k) => canonical(blocks[index]!) === wanted[k])) {
      return blocks.filter((_, i) => i < run[0]! || i > run.at(-1)!).join('');
    }
  }
  return null;
}
