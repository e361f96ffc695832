// The three-way merge of two edits of one book made from a common base revision, as one pure function: the text
// merged passage by passage (shared/manuscript/merge.ts), the other fields last-writer-wins each on its own.
import { sameBookText, sameJson } from '../../shared/book-text.ts';
import { mergeManuscripts, type Overlap, type Side } from '../../shared/manuscript/merge.ts';
import type { BookMetadata } from '../../shared/protocol.ts';

/** The fields of a version a merge combines. */
export interface MergeableVersion {
  title: string;
  author: string;
  content: string;
  metadata: BookMetadata;
  deleted: boolean;
}

export type ThreeWayResult =
  | { kind: 'merged'; version: MergeableVersion; newer: Side; overlaps: Overlap[] }
  /** One side deleted the book and the other edited it since the base: the writer decides, nothing is merged. */
  | { kind: 'conflict' };

/**
 * Merges `stored` and `incoming`, both made from `base`; `newer` is the later edit. A field only one side changed
 * takes that side's value; a field both changed takes the newer side's; the text keeps every edit that does not
 * overlap another.
 */
export function mergeVersions(base: MergeableVersion, stored: MergeableVersion, incoming: MergeableVersion, newer: Side): ThreeWayResult {
  const field = <T>(read: (v: MergeableVersion) => T, same: (a: T, b: T) => boolean = Object.is): T => {
    if (same(read(incoming), read(base))) return read(stored);
    if (same(read(stored), read(base))) return read(incoming);
    return read(newer === 'stored' ? stored : incoming);
  };
  const deleted = field((v) => v.deleted);
  if (deleted && !base.deleted) {
    // A deletion wins only over a side that changed nothing since the base: deleting an edit the deleting device never
    // saw would lose it without a trace.
    const keeper = stored.deleted ? incoming : stored;
    if (!keeper.deleted && !sameBookText(keeper, base)) return { kind: 'conflict' };
  }
  const { html, overlaps } = mergeManuscripts(base.content, stored.content, incoming.content, { newer });
  return {
    kind: 'merged',
    version: {
      title: field((v) => v.title),
      author: field((v) => v.author),
      content: html,
      metadata: field((v) => v.metadata, sameJson),
      deleted,
    },
    newer,
    overlaps,
  };
}
