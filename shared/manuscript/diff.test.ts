import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffSequences, diffStrings, type Hunk } from './diff.ts';

/** Applies hunks to `a`, taking the replacements from `b`. */
function apply<T>(a: readonly T[], b: readonly T[], hunks: Hunk[]): T[] {
  const out: T[] = [];
  let at = 0;
  for (const h of hunks) {
    out.push(...a.slice(at, h.aStart), ...b.slice(h.bStart, h.bEnd));
    at = h.aEnd;
  }
  return [...out, ...a.slice(at)];
}

/** Length of a longest common subsequence, by dynamic programming (the reference for small inputs). */
function lcsLength(a: readonly number[], b: readonly number[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(up, row[j - 1]!);
      diagonal = up;
    }
  }
  return row[b.length]!;
}

const kept = (a: readonly unknown[], hunks: Hunk[]) => a.length - hunks.reduce((n, h) => n + h.aEnd - h.aStart, 0);

describe('diffSequences', () => {
  it('turns a into b with a minimal edit, for any two sequences', () => {
    const seq = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 40 });
    fc.assert(
      fc.property(seq, seq, (a, b) => {
        const hunks = diffSequences(a, b);
        expect(apply(a, b, hunks)).toEqual(b);
        // What the hunks leave untouched is a longest common subsequence.
        expect(kept(a, hunks)).toBe(lcsLength(a, b));
        // Hunks are ordered, non-empty and never adjacent.
        hunks.forEach((h, i) => {
          expect(h.aEnd - h.aStart + h.bEnd - h.bStart).toBeGreaterThan(0);
          if (i > 0) expect(h.aStart > hunks[i - 1]!.aEnd || h.bStart > hunks[i - 1]!.bEnd).toBe(true);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it.each<[string, string[], string[], Hunk[]]>([
    ['equal', ['a', 'b'], ['a', 'b'], []],
    ['an insertion', ['a', 'c'], ['a', 'b', 'c'], [{ aStart: 1, aEnd: 1, bStart: 1, bEnd: 2 }]],
    ['a deletion', ['a', 'b', 'c'], ['a', 'c'], [{ aStart: 1, aEnd: 2, bStart: 1, bEnd: 1 }]],
    ['a replacement', ['a', 'b', 'c'], ['a', 'x', 'c'], [{ aStart: 1, aEnd: 2, bStart: 1, bEnd: 2 }]],
    ['everything new', ['a'], ['b', 'c'], [{ aStart: 0, aEnd: 1, bStart: 0, bEnd: 2 }]],
  ])('%s', (_name, a, b, expected) => {
    expect(diffStrings(a, b)).toEqual(expected);
  });

  it('stays proportional to the edit on long repetitive sequences', () => {
    // 200,000 elements of period 3, with 500 scattered edits: a quadratic diff would do 4·10^10 steps.
    const a = Array.from({ length: 200_000 }, (_, i) => i % 3);
    const b = a.slice();
    for (let i = 0; i < 500; i++) b[(i * 397) % b.length] = 7;
    const hunks = diffSequences(a, b);
    expect(apply(a, b, hunks)).toEqual(b);
    expect(kept(a, hunks)).toBe(a.length - 500);
  });
});
