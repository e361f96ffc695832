// The limits both sides enforce (field lengths, batch sizes, clock skew); zod-free so any bundle can import it.
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
} as const;
