// Sync v2 figures of the manuscript core (shared/manuscript): patch sizes for typical edits of a novel, and the time
// of a three-way merge of two devices' offline edits. Pure computation in this process, no server.
import { gzipSync } from 'node:zlib';
import { mergeManuscripts } from '../shared/manuscript/merge.ts';
import { makePatch } from '../shared/manuscript/patch.ts';
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
  return { manuscriptBytes: base.length, patches, merge: { edits: OFFLINE_EDITS, overlaps, medianMs: median(runsMs), runsMs } };
}
