// Words a version added and removed against an older one, from the patch between them: only the changed blocks are
// compared (word by word), so counting costs what the edit costs, never the whole book.
import { splitBlocks, tokenize } from '../../shared/manuscript/blocks.ts';
import { diffStrings } from '../../shared/manuscript/diff.ts';
import type { PatchOp } from '../../shared/manuscript/patch.ts';

export interface WordChange {
  /** Words in the newer version that the older one does not have there. */
  added: number;
  /** Words of the older version the newer one no longer has there. */
  removed: number;
}

/** The words of a passage of manuscript HTML: tokens that are neither tags nor whitespace. */
function words(html: string): string[] {
  return tokenize(html).filter((token) => !token.startsWith('<') && !/^\s/.test(token));
}

/** Every word of `html` counts as added: the change from nothing (a book's first kept version). */
export function wordsOf(html: string): WordChange {
  return { added: words(html).length, removed: 0 };
}

/** What `newer` added and removed against the older version that `ops` (a patch from `newer` to it) makes. */
export function wordChange(newer: string, ops: readonly PatchOp[]): WordChange {
  const blocks = splitBlocks(newer);
  const change = { added: 0, removed: 0 };
  for (const op of ops) {
    let before: string;
    let after: string;
    if ('edit' in op) {
      // The whole block, not the edited span: a span may cut a word (or a tag) in two.
      before = blocks[op.at] ?? '';
      const [start, end, text] = op.edit;
      after = before.slice(0, start) + text + before.slice(end);
    } else {
      before = blocks.slice(op.at, op.at + op.remove).join('');
      after = op.insert.join('');
    }
    const inNewer = words(before);
    const inOlder = words(after);
    for (const hunk of diffStrings(inNewer, inOlder)) {
      change.added += hunk.aEnd - hunk.aStart;
      change.removed += hunk.bEnd - hunk.bStart;
    }
  }
  return change;
}
