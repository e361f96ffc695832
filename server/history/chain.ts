// A book's kept versions as reverse patches with periodic whole copies: what archiving a replaced version writes,
// which thinned versions it drops and re-links, and how the exact text of any kept version is read back (hash-checked).
// Decided here once; the embedded and MongoDB stores only read and write the rows these functions name.
import { createHash } from 'node:crypto';
import { splitBlocks } from '../../shared/manuscript/blocks.ts';
import { diffManuscripts, type PatchOp } from '../../shared/manuscript/patch.ts';
import { revisionsToDrop, type HistoryPolicy, type KeptVersion } from './retention.ts';
import { wordChange, wordsOf, type WordChange } from './words.ts';

/** SHA-256 of a text, base64url: the value shared/manuscript/patch.ts contentHash gives, computed synchronously. */
export function textHash(html: string): string {
  return createHash('sha256').update(html, 'utf8').digest('base64url');
}

/**
 * How a kept version's text is stored: whole (a snapshot), or as the ops that turn the text of revision `base` (the
 * next newer kept version, or the book's current revision) into it.
 */
export type VersionText = { snapshot: string } | { patch: PatchOp[]; base: number };

/** A kept version's stored text and the hash of the text it stands for. */
export interface KeptText {
  revision: number;
  text: VersionText;
  hash: string;
}

/** What planning knows of a kept version: no text, only its age, whether it is pinned or whole, and its stored bytes. */
export interface KeptEntry extends KeptVersion {
  snapshot: boolean;
  bytes: number;
}

/** The text of a version a store writes, with the bytes it takes. */
export interface TextWrite {
  text: VersionText;
  bytes: number;
}

/** A kept version's text did not come back as the text it was: an error, never silently wrong text. */
export class HistoryCorruptError extends Error {
  constructor(readonly revision: number) {
    super(`kept revision ${revision} does not read back as the text it was (hash mismatch)`);
    this.name = 'HistoryCorruptError';
  }
}

/** The links read for a version do not join (a write moved the chain between two reads): read them again. */
export class ChainMovedError extends Error {
  constructor() {
    super('the revision chain changed while it was read');
    this.name = 'ChainMovedError';
  }
}

export function textBytes(text: VersionText): number {
  return 'snapshot' in text ? Buffer.byteLength(text.snapshot) : Buffer.byteLength(JSON.stringify(text.patch));
}

/** A VersionText as three nullable columns (or document fields): the whole text, the patch as JSON, its base. */
export interface TextColumns {
  snapshot: string | null;
  patch: string | null;
  base: number | null;
}

export function toColumns(text: VersionText): TextColumns {
  return 'snapshot' in text
    ? { snapshot: text.snapshot, patch: null, base: null }
    : { snapshot: null, patch: JSON.stringify(text.patch), base: text.base };
}

export function fromColumns(columns: TextColumns): VersionText {
  if (columns.snapshot !== null) return { snapshot: columns.snapshot };
  if (columns.patch === null || columns.base === null) throw new Error('a kept revision holds neither its text nor a patch');
  return { patch: JSON.parse(columns.patch) as PatchOp[], base: columns.base };
}

/**
 * `ops` applied to a text's top-level blocks (splitBlocks), giving the blocks of the text they make. A patch made by
 * diffManuscripts turns the blocks of one text into exactly the blocks of the other, so a chain of them is applied
 * block array to block array, splitting the text once and joining it once however long the chain.
 */
function patchedBlocks(blocks: readonly string[], ops: readonly PatchOp[], revision: number): string[] {
  const out: string[] = [];
  let at = 0;
  for (const op of ops) {
    if (op.at < at || op.at > blocks.length) throw new HistoryCorruptError(revision);
    for (let i = at; i < op.at; i++) out.push(blocks[i]!);
    if ('edit' in op) {
      const block = blocks[op.at];
      const [start, end, text] = op.edit;
      if (block === undefined || start < 0 || start > end || end > block.length) throw new HistoryCorruptError(revision);
      out.push(block.slice(0, start) + text + block.slice(end));
      at = op.at + 1;
    } else {
      if (op.remove < 0 || op.at + op.remove > blocks.length) throw new HistoryCorruptError(revision);
      out.push(...op.insert);
      at = op.at + op.remove;
    }
  }
  for (let i = at; i < blocks.length; i++) out.push(blocks[i]!);
  return out;
}

/**
 * The exact text of `links[0]`. `links`: kept versions in ascending revision order from it up to the first whole
 * copy, or up to the newest kept one when none is whole, whose base is then `current` (the book's current revision
 * and text). Each patch is applied to the text of the link above it; the result must match the recorded hash.
 */
export function readText(links: readonly KeptText[], current: { revision: number; content: string } | null): string {
  const whole = links.findIndex((link) => 'snapshot' in link.text);
  const end = whole === -1 ? links.length : whole;
  if (end === links.length && !current) throw new ChainMovedError();
  let content = whole === -1 ? current!.content : (links[whole]!.text as { snapshot: string }).snapshot;
  if (end > 0) {
    let blocks = splitBlocks(content);
    for (let i = end - 1; i >= 0; i--) {
      const text = links[i]!.text as { patch: PatchOp[]; base: number };
      const above = i + 1 < links.length ? links[i + 1]!.revision : current!.revision;
      if (text.base !== above) throw new ChainMovedError();
      blocks = patchedBlocks(blocks, text.patch, links[i]!.revision);
    }
    content = blocks.join('');
  }
  const target = links[0];
  if (!target || textHash(content) !== target.hash) throw new HistoryCorruptError(target?.revision ?? 0);
  return content;
}

/** One accepted write as history sees it: the version it replaces (the book's current one) and the text replacing it. */
export interface ArchiveStep {
  /** The book's kept versions before this write, in any order. */
  kept: readonly KeptEntry[];
  replaced: { revision: number; replacedAt: number; pinned: boolean; content: string };
  next: { revision: number; content: string };
  /** The time of the write (its syncedAt): what the retention tiers age versions against. */
  now: number;
  policy: HistoryPolicy;
}

export interface ArchivePlan {
  /** Kept versions this write deletes. */
  drop: number[];
  /** Kept versions whose stored text the store reads (KeptText) before finishArchive: the chains the rewrite needs. */
  read: number[];
  /** The versions kept after the write, newest first (the replaced one first). */
  final: KeptEntry[];
  /** Patches whose base was dropped: made again from the next newer kept version. */
  relink: Set<number>;
  /** Versions stored whole from now on, so that no chain grows past the policy's bounds. */
  promote: Set<number>;
  /** Versions whose older kept neighbour changed: their words added/removed are counted again. */
  recount: Set<number>;
}

/** Stored patch bytes a chain may hold before a whole copy ends it: about one book, never less than 64 KiB. */
function chainBytesMax(step: ArchiveStep): number {
  return Math.max(Buffer.byteLength(step.next.content), 64 * 1024);
}

/** What an accepted write does to the book's history, decided from the kept versions' metadata alone. */
export function planArchive(step: ArchiveStep): ArchivePlan {
  const { replaced, policy } = step;
  const replacedEntry: KeptEntry = { revision: replaced.revision, replacedAt: replaced.replacedAt, pinned: replaced.pinned, snapshot: false, bytes: 0 };
  const old = [...step.kept].sort((a, b) => b.revision - a.revision);
  const dropped = new Set(revisionsToDrop([replacedEntry, ...old], step.now, policy));
  dropped.delete(replaced.revision); // the floor keeps the newest; a policy keeping none still keeps the merge base of the next write
  const oldAbove = new Map(old.map((e, i) => [e.revision, i === 0 ? replaced.revision : old[i - 1]!.revision]));
  const oldBelow = new Map<number, number | undefined>(old.map((e, i) => [e.revision, old[i + 1]?.revision]));
  const final = [replacedEntry, ...old.filter((e) => !dropped.has(e.revision))];
  const newAbove = (i: number) => (i === 0 ? step.next.revision : final[i - 1]!.revision);

  const relink = new Set<number>();
  const recount = new Set<number>([replaced.revision]);
  const promote = new Set<number>();
  const bytesOf = new Map(old.map((e) => [e.revision, e.bytes]));
  const estimates: number[] = [];
  final.forEach((entry, i) => {
    if (i > 0 && !entry.snapshot && newAbove(i) !== oldAbove.get(entry.revision)) relink.add(entry.revision);
    const below = final[i + 1]?.revision;
    if (i > 0 && below !== undefined && below !== oldBelow.get(entry.revision)) recount.add(entry.revision);
    // A re-linked patch is estimated by the patches it replaces (its own and the dropped ones above it).
    let estimate = entry.bytes;
    if (relink.has(entry.revision)) {
      for (const e of old) if (dropped.has(e.revision) && e.revision > entry.revision && e.revision < newAbove(i)) estimate += bytesOf.get(e.revision) ?? 0;
    }
    estimates.push(estimate);
  });
  // Chains end at a whole copy (index `whole`) or at the current text (-1). A run that passes the bounds is cut in its
  // middle: the run from the current text grows by a version on every write, so a cut at its end would be needed again
  // on the next write, and one near its top would fall on a recent version that thinning soon drops (and the cut with
  // it). The middle of a long run is weeks old, already thinned to the version its hour or day keeps, and the next
  // cut is half a run of writes away.
  const bound = chainBytesMax(step);
  let whole = -1;
  let bytes = 0;
  final.forEach((entry, i) => {
    if (entry.snapshot || promote.has(entry.revision)) {
      whole = i;
      bytes = 0;
      return;
    }
    bytes += estimates[i]!;
    if (i - whole <= policy.chainMax && bytes <= bound) return;
    const middle = Math.max(1, whole + 1 + Math.floor((i - whole - 1) / 2));
    if (middle > i) return; // only the replaced version itself, which is read from the current text
    promote.add(final[middle]!.revision);
    whole = middle;
    bytes = estimates.slice(middle + 1, i + 1).reduce((sum, b) => sum + b, 0);
  });

  // Every text the rewrite uses, read along the old chain: each target up to a whole copy or the replaced version.
  const targets = new Set<number>([...relink, ...promote, ...recount]);
  final.forEach((entry, i) => {
    if (relink.has(entry.revision)) targets.add(newAbove(i));
    if (recount.has(entry.revision) && final[i + 1]) targets.add(final[i + 1]!.revision);
  });
  const snapshots = new Set(old.filter((e) => e.snapshot).map((e) => e.revision));
  const read = new Set<number>();
  for (const target of targets) {
    for (let r: number | undefined = target; r !== undefined && r !== replaced.revision && r !== step.next.revision && !read.has(r); r = oldAbove.get(r)) {
      read.add(r);
      if (snapshots.has(r)) break;
    }
  }
  return { drop: [...dropped], read: [...read], final, relink, promote, recount };
}

export interface ArchiveWrite {
  /** The replaced version's text, hash and words against the next older kept version. */
  archived: KeptText & TextWrite & { words: WordChange };
  /** Kept versions whose text (re-linked or made whole) or word counts change. */
  updates: Array<{ revision: number; text?: TextWrite; words?: WordChange }>;
  drop: number[];
}

/** The rows of an accepted write's history step, from its plan and the stored texts the plan asked for. */
export function finishArchive(step: ArchiveStep, plan: ArchivePlan, bodies: ReadonlyMap<number, KeptText>): ArchiveWrite {
  const { replaced, next } = step;
  const contents = new Map<number, string>([
    [replaced.revision, replaced.content],
    [next.revision, next.content],
  ]);
  // Texts along a chain as block arrays (no split or join per step); a text the step uses is joined and hash-checked.
  const blockArrays = new Map<number, string[]>();
  const blocksOf = (revision: number): string[] => {
    let blocks = blockArrays.get(revision);
    if (blocks) return blocks;
    const known = contents.get(revision);
    const body = bodies.get(revision);
    if (known !== undefined) blocks = splitBlocks(known);
    else if (!body) throw new Error(`history step: revision ${revision} was not read`);
    else blocks = 'snapshot' in body.text ? splitBlocks(body.text.snapshot) : patchedBlocks(blocksOf(body.text.base), body.text.patch, revision);
    blockArrays.set(revision, blocks);
    return blocks;
  };
  const contentOf = (revision: number): string => {
    const known = contents.get(revision);
    if (known !== undefined) return known;
    const body = bodies.get(revision);
    if (!body) throw new Error(`history step: revision ${revision} was not read`);
    const content = 'snapshot' in body.text ? body.text.snapshot : blocksOf(revision).join('');
    if (textHash(content) !== body.hash) throw new HistoryCorruptError(revision);
    contents.set(revision, content);
    return content;
  };

  const texts = new Map<number, VersionText>();
  plan.final.forEach((entry, i) => {
    const above = i === 0 ? next.revision : plan.final[i - 1]!.revision;
    if (plan.promote.has(entry.revision)) texts.set(entry.revision, { snapshot: contentOf(entry.revision) });
    else if (i === 0 || plan.relink.has(entry.revision)) {
      texts.set(entry.revision, { patch: diffManuscripts(contentOf(above), contentOf(entry.revision)), base: above });
    }
  });
  /** The ops from `newer`'s text to `older`'s: its stored patch when based on `newer`, else a diff of the two. */
  const opsDown = (newer: number, older: number): PatchOp[] => {
    const text = texts.get(older) ?? bodies.get(older)?.text;
    return text && 'patch' in text && text.base === newer ? text.patch : diffManuscripts(contentOf(newer), contentOf(older));
  };
  const words = new Map<number, WordChange>();
  plan.final.forEach((entry, i) => {
    if (!plan.recount.has(entry.revision)) return;
    const older = plan.final[i + 1]?.revision;
    if (older !== undefined) words.set(entry.revision, wordChange(contentOf(entry.revision), opsDown(entry.revision, older)));
    else if (i === 0) words.set(entry.revision, wordsOf(replaced.content));
  });

  const write = (revision: number): TextWrite | undefined => {
    const text = texts.get(revision);
    return text && { text, bytes: textBytes(text) };
  };
  const archivedText = write(replaced.revision)!;
  return {
    archived: { revision: replaced.revision, ...archivedText, hash: textHash(replaced.content), words: words.get(replaced.revision)! },
    updates: plan.final
      .slice(1)
      .filter((entry) => texts.has(entry.revision) || words.has(entry.revision))
      .map((entry) => ({ revision: entry.revision, ...(texts.has(entry.revision) ? { text: write(entry.revision)! } : {}), ...(words.has(entry.revision) ? { words: words.get(entry.revision)! } : {}) })),
    drop: plan.drop,
  };
}

/**
 * The history step of a write when the book's kept texts do not read back (HistoryCorruptError while re-linking): the
 * replaced version is kept whole and nothing else changes, so the write still lands and no text is lost; the damaged
 * versions stay as they are and keep answering their error.
 */
export function archiveWhole(step: ArchiveStep): ArchiveWrite {
  const text = { snapshot: step.replaced.content };
  return {
    archived: { revision: step.replaced.revision, text, bytes: textBytes(text), hash: textHash(step.replaced.content), words: wordsOf(step.replaced.content) },
    updates: [],
    drop: [],
  };
}

/** planArchive then finishArchive with the texts `read` returns, or archiveWhole when the kept texts are damaged. */
export function archiveStep(step: ArchiveStep, read: (revisions: number[]) => ReadonlyMap<number, KeptText>): ArchiveWrite {
  const plan = planArchive(step);
  try {
    return finishArchive(step, plan, read(plan.read));
  } catch (error) {
    if (error instanceof HistoryCorruptError) return archiveWhole(step);
    throw error;
  }
}

/**
 * The stored texts of a whole history at once (the migration from whole copies): `versions` newest first, each made a
 * patch from the one above it (the newest from `current`), whole where a chain would pass the policy's bounds.
 */
export function encodeHistory(
  versions: ReadonlyArray<{ revision: number; content: string }>,
  current: { revision: number; content: string },
  policy: Pick<HistoryPolicy, 'chainMax'>,
): Array<KeptText & TextWrite & { words: WordChange }> {
  const bound = Math.max(Buffer.byteLength(current.content), 64 * 1024);
  let chain = 0;
  let bytes = 0;
  return versions.map((version, i) => {
    const above = i === 0 ? current : versions[i - 1]!;
    let text: VersionText = { patch: diffManuscripts(above.content, version.content), base: above.revision };
    chain += 1;
    bytes += textBytes(text);
    if (chain > policy.chainMax || bytes > bound) {
      text = { snapshot: version.content };
      chain = 0;
      bytes = 0;
    }
    const older = versions[i + 1];
    const words = older ? wordChange(version.content, diffManuscripts(version.content, older.content)) : wordsOf(version.content);
    return { revision: version.revision, text, bytes: textBytes(text), hash: textHash(version.content), words };
  });
}
