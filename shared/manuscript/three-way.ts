// The three-way merge of two edits of one book made from a common base, as one pure function: the text merged passage
// by passage (merge.ts), the other fields last-writer-wins each on its own. One rule for the server (a stale push) and
// the device (an edit made while its own push was being merged).
import { sameBookText, sameJson } from '../book-text.ts';
import type { BookMetadata } from '../protocol.ts';
import { mergeManuscripts, type Overlap, type Side } from './merge.ts';

/** The fields of a version a merge combines: what a writer writes (the clocks and bookkeeping follow from it). */
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

/** Metadata derived from the text: both sides change it with any text edit, so it is never a passage set aside. */
const DERIVED_METADATA = new Set(['wordCount', 'charCount']);

/**
 * Metadata key by key, each key a field on its own: a content edit changes the word counts in the metadata, which must
 * not make it win over a note another device added (found by the convergence property). A key one side removed is
 * absent from the result unless the other side changed it.
 */
function mergeMetadata(
  base: BookMetadata,
  stored: BookMetadata,
  incoming: BookMetadata,
  field: <T>(read: (v: MergeableVersion) => T, same?: (a: T, b: T) => boolean, shown?: (value: T) => string) => T,
): BookMetadata {
  const keys = new Set([...Object.keys(base), ...Object.keys(stored), ...Object.keys(incoming)]);
  const merged: BookMetadata = {};
  for (const key of keys) {
    // The counts follow the text (recounted by every client); any other value both sides changed is set aside.
    const shown = DERIVED_METADATA.has(key) ? undefined : (value: unknown) => (value === undefined ? '' : JSON.stringify(value));
    const value = field((v) => v.metadata[key], sameJson, shown);
    if (value !== undefined) merged[key] = value;
  }
  return merged;
}

/**
 * Merges `stored` and `incoming`, both made from `base`; `newer` is the later edit. A field only one side changed
 * takes that side's value; a field both changed takes the newer side's, and the other value is returned among the
 * overlaps (title, author, a metadata value as JSON) so no one's words vanish; the text keeps every edit that does not
 * overlap another.
 */
export function mergeVersions(base: MergeableVersion, stored: MergeableVersion, incoming: MergeableVersion, newer: Side): ThreeWayResult {
  const older = newer === 'stored' ? incoming : stored;
  /** Fields both sides changed differently: the newer value is kept, the other is set aside like a text passage. */
  const setAside: Overlap[] = [];
  const field = <T>(read: (v: MergeableVersion) => T, same: (a: T, b: T) => boolean = Object.is, shown?: (value: T) => string): T => {
    if (same(read(incoming), read(base))) return read(stored);
    if (same(read(stored), read(base))) return read(incoming);
    const kept = read(newer === 'stored' ? stored : incoming);
    if (shown && !same(kept, read(older))) {
      setAside.push({ base: shown(read(base)), kept: shown(kept), lost: shown(read(older)), keptSide: newer });
    }
    return kept;
  };
  const deleted = field((v) => v.deleted);
  if (deleted && !base.deleted) {
    // A deletion wins only over a side that changed nothing since the base: deleting an edit the deleting device never
    // saw would lose it without a trace.
    const keeper = stored.deleted ? incoming : stored;
    if (!keeper.deleted && !sameBookText(keeper, base)) return { kind: 'conflict' };
  }
  const { html, overlaps } = mergeManuscripts(base.content, stored.content, incoming.content, { newer });
  const version: MergeableVersion = {
    title: field((v) => v.title, Object.is, String),
    author: field((v) => v.author, Object.is, String),
    content: html,
    metadata: mergeMetadata(base.metadata, stored.metadata, incoming.metadata, field),
    deleted,
  };
  return { kind: 'merged', version, newer, overlaps: [...overlaps, ...setAside] };
}
