// Sync v2 figures of the manuscript core (shared/manuscript): patch sizes for typical edits of a novel, and the time
// of a three-way merge of two devices' offline edits. Pure computation in this process, no server.
import { gzipSync } from 'node:zlib';
import { diffVersions } from '../extension/lib/books/version-diff.ts';
import { mergeManuscripts } from '../shared/manuscript/merge.ts';
import { makePatch } from '../shared/manuscript/patch.ts';
import { sanitizeManuscript } from '../server/html.ts';
import { assemble, cleanBlocks, planSanitising } from '../server/sync/changed-blocks.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { median } from './lib/stats.ts';

export const MERGE_BOOK_WORDS = 150_000;
const OFFLINE_EDITS = 1_000;

export interface PatchFigure {
  edit: string;
  bytes: number;
  gzipBytes: number;
  wholeGzipBytes: number;
}

export interface MergeFigures {
  manuscriptBytes: number;
  patches: PatchFigure[];
  merge: { edits: number; overlaps: number; medianMs: number; runsMs: number[] };
  /** The server's sanitising of a 50-word edit: the whole book, against only the blocks no stored text holds. */
  sanitise: { wholeMs: number; changedBlocksMs: number; changedBytes: number };
  /** The diff the merge review, conflict banner and history show (extension/lib/books/version-diff.ts). */
  diff: { edits: number; shownBlocks: number; medianMs: number; runsMs: number[] };
}

/** `count` words inserted into scattered paragraphs (deterministic), each tagged with `prefix` so sides differ. */
export function scatteredEdits(html: string, count: number, prefix: string, stride: number): string {
  const paragraphs = html.split('</p>');
  for (let i = 0; i < count; i++) {
    const at = (i * stride) % (paragraphs.length - 1);
    const p = paragraphs[at]!;
    const space = p.indexOf(' ', Math.floor(p.length / 2));
    if (space > 0) paragraphs[at] = `${p.slice(0, space)} ${prefix}${i}${p.slice(space)}`;
  }
  return paragraphs.join('</p>');
}

export async function measureMerge(runs: number, log: (line: string) => void): Promise<MergeFigures> {
  const base = manuscriptHtml(MERGE_BOOK_WORDS);
  const wholeGzipBytes = gzipSync(base).length;
  const middle = base.indexOf('</p>', Math.floor(base.length / 2));
  const typed = ' ' + Array.from({ length: 50 }, (_, i) => `typed${i}`).join(' ');
  const edits: Array<[string, string]> = [
    ['50 words typed into one paragraph', base.slice(0, middle) + typed + base.slice(middle)],
    ['a chapter deleted', base.replace(/<h2>Chapter 3<\/h2>[\s\S]*?(?=<h2>Chapter 4<\/h2>)/, '')],
    [`${OFFLINE_EDITS.toLocaleString('en-US')} scattered offline edits`, scatteredEdits(base, OFFLINE_EDITS, 'w', 7)],
  ];
  const patches: PatchFigure[] = [];
  for (const [edit, target] of edits) {
    const json = JSON.stringify(await makePatch(base, target));
    patches.push({ edit, bytes: Buffer.byteLength(json), gzipBytes: gzipSync(json).length, wholeGzipBytes });
  }

  const stored = scatteredEdits(base, OFFLINE_EDITS, 's', 7);
  const incoming = scatteredEdits(base, OFFLINE_EDITS, 'i', 11);
  const runsMs: number[] = [];
  let overlaps = 0;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    overlaps = mergeManuscripts(base, stored, incoming, { newer: 'incoming' }).overlaps.length;
    runsMs.push(performance.now() - started);
  }
  log(`merge: ${runsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

  // The write path: the stored book is sanitised already, so only the blocks the edit changed need the sanitiser.
  const stored50 = sanitizeManuscript(base);
  const typedEdit = stored50.slice(0, stored50.indexOf('</p>', Math.floor(stored50.length / 2))) + typed + stored50.slice(stored50.indexOf('</p>', Math.floor(stored50.length / 2)));
  const wholeMs: number[] = [];
  const changedMs: number[] = [];
  let changedBytes = 0;
  // Seven timed runs after one untimed (JIT warm-up): single runs of a few ms are noisy on shared CPUs.
  for (let run = -1; run < 7; run++) {
    let started = performance.now();
    sanitizeManuscript(typedEdit);
    wholeMs.push(performance.now() - started);
    started = performance.now();
    const plan = planSanitising(typedEdit, cleanBlocks(stored50));
    const runsHtml = plan.dirty.map((i) => plan.pieces[i]!);
    assemble(plan, runsHtml.map(sanitizeManuscript));
    changedMs.push(performance.now() - started);
    if (run < 0) {
      wholeMs.pop();
      changedMs.pop();
    }
    changedBytes = runsHtml.reduce((n, r) => n + r.length, 0);
  }
  // What the writer is shown: two versions of the novel compared paragraph by paragraph, then word by word.
  const diffRunsMs: number[] = [];
  let shownBlocks = 0;
  for (let run = -1; run < runs; run++) {
    const started = performance.now();
    shownBlocks = diffVersions(base, stored).blocks.length;
    if (run >= 0) diffRunsMs.push(performance.now() - started);
  }
  log(`version diff: ${diffRunsMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);

  log(`sanitise: whole ${wholeMs.map((ms) => ms.toFixed(1)).join(', ')} ms; changed blocks ${changedMs.map((ms) => ms.toFixed(1)).join(', ')} ms`);
  return {
    manuscriptBytes: base.length,
    patches,
    merge: { edits: OFFLINE_EDITS, overlaps, medianMs: median(runsMs), runsMs },
    sanitise: { wholeMs: median(wholeMs), changedBlocksMs: median(changedMs), changedBytes },
    diff: { edits: OFFLINE_EDITS, shownBlocks, medianMs: median(diffRunsMs), runsMs: diffRunsMs },
  };
}
