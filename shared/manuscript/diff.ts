// Minimal differences between two sequences (blocks of a manuscript, or words of a passage): Myers' O(ND) algorithm
// in linear space (the "middle snake" bisection), after trimming the common prefix and suffix. Time grows with the
// size of the edit, not the square of the text, so repetitive prose cannot make it quadratic.

/** A region where `a[aStart, aEnd)` became `b[bStart, bEnd)`; between hunks the two sequences are equal. */
export interface Hunk {
  aStart: number;
  aEnd: number;
  bStart: number;
  bEnd: number;
}

/** Maps equal values to equal small integers, so sequences of strings are compared as numbers. */
export class Interner {
  private readonly ids = new Map<string, number>();

  id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) this.ids.set(value, (id = this.ids.size));
    return id;
  }

  sequence(values: readonly string[]): Int32Array {
    const out = new Int32Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = this.id(values[i]!);
    return out;
  }
}

/** The hunks that turn `a` into `b`, in order, non-overlapping and non-adjacent (adjacent ones are merged). */
export function diffSequences(a: ArrayLike<number>, b: ArrayLike<number>): Hunk[] {
  const hunks: Hunk[] = [];
  diffRange(a, 0, a.length, b, 0, b.length, hunks);
  return hunks;
}

/** diffSequences over strings compared by value. */
export function diffStrings(a: readonly string[], b: readonly string[]): Hunk[] {
  const interner = new Interner();
  return diffSequences(interner.sequence(a), interner.sequence(b));
}

function push(hunks: Hunk[], aStart: number, aEnd: number, bStart: number, bEnd: number): void {
  if (aStart === aEnd && bStart === bEnd) return;
  const last = hunks[hunks.length - 1];
  if (last && last.aEnd === aStart && last.bEnd === bStart) {
    last.aEnd = aEnd;
    last.bEnd = bEnd;
  } else {
    hunks.push({ aStart, aEnd, bStart, bEnd });
  }
}

function diffRange(
  a: ArrayLike<number>,
  aLo: number,
  aHi: number,
  b: ArrayLike<number>,
  bLo: number,
  bHi: number,
  hunks: Hunk[],
): void {
  // Common prefix and suffix: most edits touch a small part of a long text.
  while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) {
    aLo++;
    bLo++;
  }
  while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) {
    aHi--;
    bHi--;
  }
  if (aLo === aHi || bLo === bHi) {
    push(hunks, aLo, aHi, bLo, bHi);
    return;
  }
  const split = middleSnake(a, aLo, aHi, b, bLo, bHi);
  if (!split) {
    push(hunks, aLo, aHi, bLo, bHi);
    return;
  }
  diffRange(a, aLo, split.x, b, bLo, split.y, hunks);
  diffRange(a, split.x, aHi, b, split.y, bHi, hunks);
}

/**
 * A point (x, y) on the middle snake of an optimal edit path between a[aLo, aHi) and b[bLo, bHi), found by running
 * Myers' search forward and backward at once until they meet (as in diff-match-patch's bisect); null when the two
 * ranges have nothing in common. Only called on ranges that differ at both ends, so the split is strictly inside.
 */
function middleSnake(
  a: ArrayLike<number>,
  aLo: number,
  aHi: number,
  b: ArrayLike<number>,
  bLo: number,
  bHi: number,
): { x: number; y: number } | null {
  const n = aHi - aLo;
  const m = bHi - bLo;
  const maxD = Math.ceil((n + m) / 2);
  const offset = maxD;
  const length = 2 * maxD + 2;
  const forward = new Int32Array(length).fill(-1);
  const backward = new Int32Array(length).fill(-1);
  forward[offset + 1] = 0;
  backward[offset + 1] = 0;
  const delta = n - m;
  // With an odd delta the forward search meets the backward one; with an even delta the reverse.
  const front = (delta & 1) !== 0;
  let k1start = 0;
  let k1end = 0;
  let k2start = 0;
  let k2end = 0;
  for (let d = 0; d < maxD; d++) {
    for (let k1 = -d + k1start; k1 <= d - k1end; k1 += 2) {
      const k1Offset = offset + k1;
      let x1 = k1 === -d || (k1 !== d && forward[k1Offset - 1]! < forward[k1Offset + 1]!) ? forward[k1Offset + 1]! : forward[k1Offset - 1]! + 1;
      let y1 = x1 - k1;
      while (x1 < n && y1 < m && a[aLo + x1] === b[bLo + y1]) {
        x1++;
        y1++;
      }
      forward[k1Offset] = x1;
      if (x1 > n) k1end += 2;
      else if (y1 > m) k1start += 2;
      else if (front) {
        const k2Offset = offset + delta - k1;
        if (k2Offset >= 0 && k2Offset < length && backward[k2Offset] !== -1 && x1 >= n - backward[k2Offset]!) {
          return { x: aLo + x1, y: bLo + y1 };
        }
      }
    }
    for (let k2 = -d + k2start; k2 <= d - k2end; k2 += 2) {
      const k2Offset = offset + k2;
      let x2 = k2 === -d || (k2 !== d && backward[k2Offset - 1]! < backward[k2Offset + 1]!) ? backward[k2Offset + 1]! : backward[k2Offset - 1]! + 1;
      let y2 = x2 - k2;
      while (x2 < n && y2 < m && a[aHi - x2 - 1] === b[bHi - y2 - 1]) {
        x2++;
        y2++;
      }
      backward[k2Offset] = x2;
      if (x2 > n) k2end += 2;
      else if (y2 > m) k2start += 2;
      else if (!front) {
        const k1Offset = offset + delta - k2;
        if (k1Offset >= 0 && k1Offset < length && forward[k1Offset] !== -1) {
          const x1 = forward[k1Offset]!;
          const y1 = x1 - (k1Offset - offset);
          if (x1 >= n - x2) return { x: aLo + x1, y: bLo + y1 };
        }
      }
    }
  }
  return null;
}
