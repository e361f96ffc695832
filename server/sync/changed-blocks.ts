// Sanitising only what changed: a manuscript as the runs of top-level blocks the server has not already sanitised.
// Every stored text was sanitised on its way in, and sanitised text is balanced markup with `<` and `>` escaped in
// text and attributes, so each of its top-level blocks stands on its own: the same block in a new text is still clean,
// and a run of new blocks sanitised alone cannot reach into its neighbours (the sanitiser closes what it opens).
import { splitBlocks } from '../../shared/manuscript/blocks.ts';

/** `html` cut into pieces: clean ones reused as they are, dirty ones (runs of unknown blocks) to be sanitised. */
export interface SanitisingPlan {
  pieces: string[];
  /** Indexes into `pieces` of the runs to sanitise, in order. */
  dirty: number[];
}

/** The top-level blocks of texts the server sanitised (stored books, kept revisions, sanitised results). */
export function cleanBlocks(...sanitised: Array<string | undefined>): Set<string> {
  const clean = new Set<string>();
  for (const html of sanitised) if (html) for (const block of splitBlocks(html)) clean.add(block);
  return clean;
}

/** Cuts `html` into clean blocks and runs of consecutive blocks that are not in `clean`. */
export function planSanitising(html: string, clean: ReadonlySet<string>): SanitisingPlan {
  if (clean.size === 0) return { pieces: [html], dirty: [0] };
  const pieces: string[] = [];
  const dirty: number[] = [];
  let run: string[] = [];
  const endRun = () => {
    if (run.length === 0) return;
    dirty.push(pieces.length);
    pieces.push(run.join(''));
    run = [];
  };
  for (const block of splitBlocks(html)) {
    if (clean.has(block)) {
      endRun();
      pieces.push(block);
    } else {
      run.push(block);
    }
  }
  endRun();
  return { pieces, dirty };
}

/** The text of a plan whose dirty runs were replaced, in order, by `sanitised`. */
export function assemble(plan: SanitisingPlan, sanitised: readonly string[]): string {
  const pieces = plan.pieces.slice();
  plan.dirty.forEach((index, k) => {
    pieces[index] = sanitised[k]!;
  });
  return pieces.join('');
}
