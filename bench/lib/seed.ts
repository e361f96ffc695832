// The seed prototype's published figures (shared/seed/phase2-backend-sync.md), printed beside ours for comparison.
export const SEED = {
  /** Worst case from a keystroke to the server: 5 s autosave debounce + 30 s background sync interval. */
  editToServerWorstMs: 35_000,
  /** One request per dirty book, each 300–750 ms end to end. */
  perBookSyncMs: [300, 750] as const,
  /** 1–5 KB on the wire per book synced. */
  perBookBytes: [1024, 5 * 1024] as const,
  buildSeconds: 7.0,
  /** Bundle sizes of the seed's build output, in kB. */
  bundleKb: [189, 294] as const,
};
