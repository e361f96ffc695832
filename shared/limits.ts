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
   * blockquote with marks and a link are about 50 deep (Chrome's own HTML parser stops nesting at 512). Elements: a
   * 150,000-word novel in bold italics every other word holds about 150,000. Sanitising at both limits: about 1 s.
   */
  markupDepthMax: 256,
  markupElementsMax: 500_000,
} as const;
