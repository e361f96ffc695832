// The limits both sides enforce (field lengths, batch sizes, clock skew, markup); zod-free so any bundle can import it.
export const LIMITS = {
  titleMax: 500,
  authorMax: 200,
  metadataMaxBytes: 16 * 1024,
  syncBatchMax: 1000,
  pageMax: 500,
  /** Client clocks may run ahead of the server by at most this much before being clamped. */
  futureSkewMs: 5 * 60 * 1000,
  /** Replaced versions kept per book (at least). */
  revisionsKept: 20,
  passwordMin: 8,
  deviceNameMax: 100,
  /**
   * Manuscript markup (shared/markup-guard.ts), checked before any sanitiser runs. Depth: lists nested 20 levels in a
   * blockquote with marks and a link are about 50 deep, and browsers themselves stop nesting at 512. Elements: a
   * 150,000-word novel with a mark on every other word holds about 100,000; sanitising the maximum takes about a second.
   */
  markupDepthMax: 256,
  markupElementsMax: 500_000,
} as const;
