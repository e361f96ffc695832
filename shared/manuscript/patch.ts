// Patches between two versions of a manuscript, as they travel between device and server: the changed top-level
// blocks only, and inside a block changed in place only the span that changed. Proportional to the edit, never to
// the book; applied with a hash check so that a patch meets exactly the text it was made from.
import { splitBlocks } from './blocks.ts';
import { diffStrings } from './diff.ts';

/** Blocks [at, at + remove) of the base are replaced by `insert`. */
export interface BlockSplice {
  at: number;
  remove: number;
  insert: string[];
}

/** Inside block `at` of the base, characters [start, end) are replaced by `text`. */
export interface BlockEdit {
  at: number;
  edit: [start: number, end: number, text: string];
}

export type PatchOp = BlockSplice | BlockEdit;

export interface ManuscriptPatch {
  /** Hash of the text the patch applies to. */
  from: string;
  /** Hash of the text it makes. */
  to: string;
  /** In base order, each on blocks no other op touches. */
  ops: PatchOp[];
}

export class PatchMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatchMismatchError';
  }
}

/** SHA-256 of the text, base64url: what both sides compare to know they hold the same manuscript. */
export async function contentHash(html: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(html)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The operations that turn `base` into `target` (no hashes; see makePatch). */
export function diffManuscripts(base: string, target: string): PatchOp[] {
  const from = splitBlocks(base);
  const to = splitBlocks(target);
  const ops: PatchOp[] = [];
  for (const hunk of diffStrings(from, to)) {
    const removed = hunk.aEnd - hunk.aStart;
    const inserted = to.slice(hunk.bStart, hunk.bEnd);
    if (removed === inserted.length) {
      // Blocks changed in place (typing in paragraphs): for each, only the span between its first and last change.
      inserted.forEach((after, i) => ops.push({ at: hunk.aStart + i, edit: changedSpan(from[hunk.aStart + i]!, after) }));
    } else {
      ops.push({ at: hunk.aStart, remove: removed, insert: inserted });
    }
  }
  return ops;
}

function changedSpan(before: string, after: string): [start: number, end: number, text: string] {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [start, before.length - end, after.slice(start, after.length - end)];
}

/** Applies `ops` to `base`; throws PatchMismatchError when they do not fit its blocks. */
export function applyOps(base: string, ops: readonly PatchOp[]): string {
  const blocks = splitBlocks(base);
  const out: string[] = [];
  let at = 0;
  for (const op of ops) {
    if (op.at < at || op.at > blocks.length) throw new PatchMismatchError(`patch op at block ${op.at} does not fit`);
    out.push(...blocks.slice(at, op.at));
    if ('edit' in op) {
      const block = blocks[op.at];
      const [start, end, text] = op.edit;
      if (block === undefined || start < 0 || start > end || end > block.length) {
        throw new PatchMismatchError(`patch edit of block ${op.at} does not fit`);
      }
      out.push(block.slice(0, start) + text + block.slice(end));
      at = op.at + 1;
    } else {
      if (op.remove < 0 || op.at + op.remove > blocks.length) throw new PatchMismatchError(`patch splice at block ${op.at} does not fit`);
      out.push(...op.insert);
      at = op.at + op.remove;
    }
  }
  out.push(...blocks.slice(at));
  return out.join('');
}

/** The patch from `base` to `target`, with both texts' hashes. */
export async function makePatch(base: string, target: string): Promise<ManuscriptPatch> {
  const [from, to] = await Promise.all([contentHash(base), contentHash(target)]);
  return { from, to, ops: diffManuscripts(base, target) };
}

/** Applies a patch to the text it was made from; throws PatchMismatchError when either hash does not match. */
export async function applyPatch(base: string, patch: ManuscriptPatch): Promise<string> {
  if ((await contentHash(base)) !== patch.from) throw new PatchMismatchError('the patch was made from another text');
  const result = applyOps(base, patch.ops);
  if ((await contentHash(result)) !== patch.to) throw new PatchMismatchError('the patched text is not the one the patch describes');
  return result;
}
