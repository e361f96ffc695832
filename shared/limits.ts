// The limits both sides enforce (field lengths, batch sizes, clock skew, markup); zod-free so any bundle can import it.
export const LIMITS = {
  titleMax: 500,
  authorMax: 200,
  metadataMaxBytes: 16 * 1024,
  /** Nesting of arrays and objects inside book metadata (checked before the recursive schema runs). */
  metadataDepthMax: 32,
  syncBatchMax: 1000,
  pageMax: 500,
  /** Client clocks may run ahead of the server by at most this much before being clamped. */
  futureSkewMs: 5 * 60 * 1000,
  /** Days a deleted book stays in the trash (server and devices) before it is purged; the server's TRASH_RETENTION_DAYS
   * may change it there, and its trash answers say when each book goes. */
  trashRetentionDays: 30,
  /** Replaced versions of a book the server keeps whatever their age (its history's floor; HISTORY_KEEP_NEWEST may
   * raise it): a device's merge base among them is always still there. */
  revisionsKept: 20,
  passwordMin: 8,
  passwordMax: 1024,
  emailMax: 254,
  /** An account's display name. */
  nameMax: 200,
  deviceNameMax: 100,
  /**
   * Manuscript markup (shared/markup-guard.ts), checked before any sanitiser runs. Depth: lists nested 20 levels in a
   * blockquote with marks and a link are about 50 deep (Chrome's own HTML parser stops nesting at 512). Elements: a
   * 150,000-word novel in bold italics every other word holds about 150,000. Sanitising at both limits: about 1 s.
   */
  markupDepthMax: 256,
  markupElementsMax: 500_000,
  /**
   * A page read as an article (extension/lib/clipping/page-article.ts), checked before the reader library runs on it:
   * a long encyclopedia article holds about 60,000 elements and nests about 30 deep; framework-heavy pages reach 100.
   * Browsers' HTML parsers nest at most 512 deep, so a page of endless nested tags is refused here at once.
   */
  articleElementsMax: 200_000,
  articleDepthMax: 256,
  /** How long the background waits for a page to be read for a clip before refusing it (ms). */
  pageReadTimeoutMs: 20_000,
  /** Operations in one manuscript patch: one per changed block at most, so a whole 150k-word novel is ~2,500. */
  patchOpsMax: 100_000,
} as const;

/** What the server accepts as a request body (beyond MAX_PAYLOAD_BYTES for books and sync). */
export const BODY_LIMITS = {
  /** Sign-up, device-token and Auth.js sign-in bodies: a few short fields. */
  smallBytes: 16 * 1024,
  /** Nesting of arrays and objects in any JSON body. It sits far above LIMITS.metadataDepthMax, so a book with too
   * deep metadata is refused on its own (one `invalid` entry of a sync batch), not with the whole request. */
  jsonDepthMax: 2048,
  /** Inflated/compressed size of a gzip/deflate body; manuscripts compress 3-10x, bombs about 1000x. */
  inflateRatioMax: 100,
  /** Bodies inflating to at most this are not ratio-checked: cheap to inflate and scan whatever their ratio, and
   * repetitive text a writer may paste compresses far better than prose (a 413 would mark the book too large). */
  inflateRatioFloorBytes: 1024 * 1024,
} as const;
