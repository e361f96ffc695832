// Small statistics helpers for the benchmark: median of runs, percentiles of samples, rounding for the table.

/** The median of the values (the mean of the middle two for an even count); NaN when empty. */
export function median(values: number[]): number {
  return percentile(values, 50);
}

/** Linear-interpolated percentile (0–100) of the values; NaN when empty. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Rounds to `digits` decimals, keeping NaN as NaN. */
export function round(value: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Rounds to `significant` significant digits (small figures keep their size: 0.0042, not 0). */
export function roundSignificant(value: number, significant = 2): number {
  return value === 0 ? 0 : Number(value.toPrecision(significant));
}

/** Runs `fn` `times` times in sequence and returns every result. */
export async function repeat<T>(times: number, fn: (run: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await fn(i));
  return out;
}

export function kb(bytes: number, digits = 1): string {
  return `${round(bytes / 1024, digits)} kB`;
}
