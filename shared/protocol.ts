// The contract between the extension, the server and outside clients: zod schemas and the types inferred from them.
import { z } from 'zod';
import { ErrorCode, FieldReason } from './error-codes.ts';
import { LIMITS } from './limits.ts';

// LIMITS and the error codes live in zod-free modules so the extension UI can use them without bundling zod.
export { LIMITS };
export { ErrorCode, FieldReason } from './error-codes.ts';

export const BookId = z.uuid({ error: 'must be a UUID' });

// A lone UTF-16 surrogate cannot be stored as UTF-8: it would come back as U+FFFD, and its retry as a conflict.
const LONE_SURROGATE = /\p{Cs}/u;
/** Text a book may hold: any string that is valid Unicode. */
const Text = z.string().refine((s) => !LONE_SURROGATE.test(s), 'must be valid Unicode text (no unpaired surrogates)');

// Metadata is free-form JSON, but keys that MongoDB would interpret ($-prefixed, dotted) are refused,
// so no client can smuggle an operator into a stored document.
const SafeKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, 'metadata keys must be plain identifiers');
type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([Text, z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(SafeKey, JsonValue)]),
);

/** Whether arrays and objects in `value` nest deeper than `max` (the value itself counting as one), without recursion. */
function nestsDeeper(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

// Depth and size are checked first, without recursion, and stop the parse (abort): the recursive schema after them
// would overflow the stack on deep enough input.
export const BookMetadata = z
  .unknown()
  .refine((m) => !nestsDeeper(m, LIMITS.metadataDepthMax), {
    message: `metadata must nest at most ${LIMITS.metadataDepthMax} levels`,
    abort: true,
  })
  .refine((m) => new TextEncoder().encode(JSON.stringify(m)).length <= LIMITS.metadataMaxBytes, {
    message: `metadata must be at most ${LIMITS.metadataMaxBytes} bytes of JSON`,
    abort: true,
  })
  .pipe(z.record(SafeKey, JsonValue));
export type BookMetadata = z.infer<typeof BookMetadata>;

const Millis = z.number().int().nonnegative().max(8.64e15);
const Revision = z.number().int().nonnegative();
const Index = z.number().int().nonnegative();

/** SHA-256 of a manuscript's HTML as UTF-8, base64url without padding (shared/manuscript/patch.ts contentHash). */
export const ContentHash = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'must be a base64url SHA-256 hash');

/**
 * A manuscript patch (shared/manuscript/patch.ts): operations on the top-level blocks of the text whose hash is
 * `from`, making the text whose hash is `to`. Ops are in block order and never touch one block twice.
 */
export const ManuscriptPatch = z.strictObject({
  from: ContentHash,
  to: ContentHash,
  ops: z
    .array(
      z.union([
        /** Blocks [at, at + remove) are replaced by `insert`. */
        z.strictObject({ at: Index, remove: Index, insert: z.array(Text) }),
        /** Inside block `at`, characters [start, end) are replaced by the text. */
        z.strictObject({ at: Index, edit: z.tuple([Index, Index, Text]) }),
      ]),
    )
    .max(LIMITS.patchOpsMax),
});
export type ManuscriptPatch = z.infer<typeof ManuscriptPatch>;

/**
 * A book as a client sends it (PUT /api/books/:id body, or one entry of POST /api/sync `changes`): its text either
 * whole (`content`) or as a `patch` from the text of `baseRevision` (exactly one of the two).
 */
export const BookInput = z.strictObject({
  id: BookId,
  title: Text.trim().min(1, 'title is required').max(LIMITS.titleMax),
  author: Text.max(LIMITS.authorMax).default(''),
  content: Text.optional(),
  /** The edit as a patch from the content of `baseRevision` (which it requires); `patch.to` is the hash of the result. */
  patch: ManuscriptPatch.optional(),
  metadata: BookMetadata.default({}),
  /** The client's edit time (ms since epoch). */
  updatedAt: Millis,
  /** The server revision this edit was based on; absent for a book the client never got from the server. */
  baseRevision: Revision.optional(),
  deleted: z.boolean().optional(),
  /** Sent by the seed's client; accepted and ignored. */
  dirty: z.boolean().optional(),
})
  .refine((b) => (b.content === undefined) !== (b.patch === undefined), {
    message: 'send either content or patch',
    path: ['content'],
  })
  .refine((b) => b.patch === undefined || b.baseRevision !== undefined, {
    message: 'a patch needs the baseRevision it was made from',
    path: ['baseRevision'],
  });
export type BookInput = z.infer<typeof BookInput>;

/** A book as the server stores and returns it. Tombstones have `deleted: true`. */
export const ServerBook = z.object({
  id: BookId,
  title: z.string(),
  author: z.string(),
  content: z.string(),
  metadata: BookMetadata,
  updatedAt: Millis,
  createdAt: Millis,
  syncedAt: Millis,
  revision: Revision,
  deleted: z.boolean(),
});
export type ServerBook = z.infer<typeof ServerBook>;

/**
 * A book in an answer, with its text whole or as a patch: in the change feed, from the text of `patchBase` (the
 * revision the server knows the device has); in a sync result, from the text the device sent (`patchBase` absent).
 * Patches are sent only to clients that said they read them (SyncRequest `patches`) and only when smaller. A client
 * that cannot apply one (another base, a hash mismatch) reads the whole book with GET /api/books/:id.
 */
export const BookChange = ServerBook.extend({
  content: z.string().optional(),
  patch: ManuscriptPatch.optional(),
  patchBase: Revision.optional(),
});
export type BookChange = z.infer<typeof BookChange>;

/** A passage both sides of a merge changed differently: the later edit's text (`kept`) is in the merged book. */
export const MergeOverlap = z.object({
  /** The passage as it was in the common base. */
  base: z.string(),
  kept: z.string(),
  /** What the other side wrote there, which the merged book does not hold: shown to the writer to restore. */
  lost: z.string(),
  /** Whose text was kept: the stored book's (another device's) or this request's. */
  keptSide: z.enum(['stored', 'incoming']),
  /** The merged text just before and after `kept` (up to 60 characters each), to find the passage again later. */
  before: z.string().optional(),
  after: z.string().optional(),
});
export type MergeOverlap = z.infer<typeof MergeOverlap>;

/**
 * How a revision was made by a three-way merge: recorded with it (GET /api/books/:id, and its revisions once
 * replaced), so the writer can later see and restore what the merge set aside.
 */
export const MergeRecord = z.object({
  /** The revision both edits started from. */
  baseRevision: Revision,
  /** The stored revision the incoming edit was merged with (the new revision replaced it). */
  mergedWith: Revision,
  /** The later edit, which won inside overlapping passages and on fields both sides changed. */
  newer: z.enum(['stored', 'incoming']),
  overlaps: z.array(MergeOverlap),
});
export type MergeRecord = z.infer<typeof MergeRecord>;

/**
 * An earlier version kept when an accepted write replaced it, as a history listing shows it (no text): `merge` when a
 * merge made it, the device that wrote it (a device token's name, "web" for the web sign-in; null when not recorded),
 * and the words it added and removed against the previous kept version.
 */
export const RevisionSummary = ServerBook.omit({ content: true }).extend({
  replacedAt: Millis,
  merge: MergeRecord.optional(),
  device: z.string().nullable(),
  wordsAdded: z.number().int().min(0),
  wordsRemoved: z.number().int().min(0),
});
export type RevisionSummary = z.infer<typeof RevisionSummary>;

/** One kept version with its exact text (GET /api/books/:id/revisions/:revision). */
export const BookRevision = RevisionSummary.extend({ content: z.string() });
export type BookRevision = z.infer<typeof BookRevision>;

/**
 * A deleted book in the trash (GET /api/trash): its last live version's title and author, when it was deleted
 * (`deletedAt`, server time), when the server forgets its text (`purgeAt`), and the tombstone's revision. The text
 * (`content`, `metadata`) comes only from GET /api/trash/:id.
 */
export const TrashedBook = z.object({
  id: BookId,
  title: z.string(),
  author: z.string(),
  /** When the deleted version was last edited. */
  updatedAt: Millis,
  deletedAt: Millis,
  purgeAt: Millis,
  revision: Revision,
  content: z.string().optional(),
  metadata: BookMetadata.optional(),
});
export type TrashedBook = z.infer<typeof TrashedBook>;

export const Cursor = z.string().max(200);

export const SyncRequest = z.strictObject({
  // Entries are validated one by one so that one bad book is reported as `invalid` without failing the others.
  changes: z.array(z.unknown()).max(LIMITS.syncBatchMax).default([]),
  cursor: Cursor.optional(),
  limit: z.number().int().min(1).max(LIMITS.pageMax).optional(),
  /** The client applies patches in answers (BookChange); without it every answer carries whole content. */
  patches: z.boolean().optional(),
});
export type SyncRequest = z.infer<typeof SyncRequest>;

/**
 * ok: stored as sent. merged: the edit was based on an earlier revision and was merged three ways with the stored
 * book (`overlaps` lists the passages both changed). conflict: the server copy stands. resend: a patch could not be
 * applied (its base revision is no longer kept, or a hash did not match): send the whole content. invalid, not_found.
 */
export const SyncResultStatus = z.enum(['ok', 'merged', 'conflict', 'resend', 'invalid', 'not_found']);
export type SyncResultStatus = z.infer<typeof SyncResultStatus>;

export const SyncResult = z.object({
  id: z.string(),
  status: SyncResultStatus,
  revision: Revision.optional(),
  syncedAt: Millis.optional(),
  /** conflict: the version that won. ok: the stored version, only when any stored field differs from what was sent
   * (content sanitised, title trimmed, a future edit time clamped), so the client can keep exactly what every other
   * device pulls. Left out when the answer's byte budget is spent, and then `serverVersionOmitted` is set. */
  serverVersion: BookChange.optional(),
  /** merged: the passages both sides changed differently (empty when the merge was clean). */
  overlaps: z.array(MergeOverlap).optional(),
  /** The serverVersion this result would carry did not fit in the answer: read the book with GET /api/books/:id. */
  serverVersionOmitted: z.literal(true).optional(),
  error: z.string().optional(),
  /** invalid and not_found: why, as an ErrorCode (invalid_request with `details`, or quota_exceeded, or not_found). */
  code: z.string().optional(),
  details: z.record(z.string(), z.array(z.string())).optional(),
  /** invalid_request: one FieldReason per field in `details`, as in an error answer. */
  reasons: z.record(z.string(), z.string()).optional(),
});
export type SyncResult = z.infer<typeof SyncResult>;

export const SyncResponse = z.object({
  success: z.literal(true),
  results: z.array(SyncResult),
  changes: z.array(BookChange),
  cursor: Cursor,
  hasMore: z.boolean(),
});
export type SyncResponse = z.infer<typeof SyncResponse>;

export const PutBookResponse = z.object({
  success: z.literal(true),
  message: z.string(),
  data: z.object({
    id: BookId,
    title: z.string(),
    author: z.string(),
    updatedAt: Millis,
    syncedAt: Millis,
    revision: Revision,
  }),
  /** Present when the edit was merged with a newer stored revision: the merged book and the overlapping passages. */
  merged: z.object({ serverVersion: ServerBook, overlaps: z.array(MergeOverlap) }).optional(),
});
export type PutBookResponse = z.infer<typeof PutBookResponse>;

export const ConflictResponse = z.object({
  success: z.literal(false),
  conflict: z.literal(true),
  code: z.literal(ErrorCode.conflict),
  message: z.string(),
  serverVersion: ServerBook,
  clientVersion: z.unknown(),
});
export type ConflictResponse = z.infer<typeof ConflictResponse>;

export const RevisionsResponse = z.object({
  success: z.literal(true),
  /** Newest first. */
  data: z.array(RevisionSummary),
  /** Older revisions follow: ask again with `before` set to the last revision number of this page. */
  hasMore: z.boolean(),
});
export type RevisionsResponse = z.infer<typeof RevisionsResponse>;

export const ChangesResponse = z.object({
  success: z.literal(true),
  data: z.array(ServerBook),
  cursor: Cursor,
  hasMore: z.boolean(),
});
export type ChangesResponse = z.infer<typeof ChangesResponse>;

/** Every error answer: a stable `code`, a human-readable (English) message, and per-field messages for 400s. */
export const ErrorBody = z.object({
  /** An ErrorCode; a string here so that a client reading a newer server's code falls back to `error`. */
  code: z.string(),
  error: z.string(),
  details: z.record(z.string(), z.array(z.string())).optional(),
  /** invalid_request: one FieldReason per field in `details` (the first problem found in that field). */
  reasons: z.record(z.string(), z.string()).optional(),
  /** 413: the server's limit in bytes (the body limit, or the storage quota with code quota_exceeded). */
  limit: z.number().optional(),
  /** quota_exceeded: the bytes the account stores now. */
  used: z.number().optional(),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

export const SignUpRequest = z.strictObject({
  email: z.email({ error: 'must be a valid email address' }).max(LIMITS.emailMax),
  password: Text.min(LIMITS.passwordMin, `must be at least ${LIMITS.passwordMin} characters`).max(LIMITS.passwordMax),
  name: Text.trim().max(LIMITS.nameMax).optional(),
});
export type SignUpRequest = z.infer<typeof SignUpRequest>;

export const PublicUser = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });
export type PublicUser = z.infer<typeof PublicUser>;

export const TokenRequest = z.strictObject({
  email: z.string().max(LIMITS.emailMax).optional(),
  password: z.string().max(LIMITS.passwordMax).optional(),
  deviceName: Text.trim().min(1, 'deviceName is required').max(LIMITS.deviceNameMax),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

/** How the account proved itself when a device token was made; null for tokens older than this record. */
export const TokenSignIn = z.discriminatedUnion('method', [
  z.object({ method: z.literal('password') }),
  /** A browser session, signed in through an Auth.js provider: credentials, github, google. */
  z.object({ method: z.literal('session'), provider: z.string(), sessionId: z.string() }),
]);
export type TokenSignIn = z.infer<typeof TokenSignIn>;

export const DeviceToken = z.object({
  id: z.string(),
  deviceName: z.string(),
  createdAt: Millis,
  lastUsedAt: Millis.nullable().optional(),
  signIn: TokenSignIn.nullable().optional(),
});
export type DeviceToken = z.infer<typeof DeviceToken>;

export const CreatedToken = DeviceToken.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

/** A signed-in browser session (GET /api/sessions); `current` marks the one making the request. */
export const SessionInfo = z.object({
  id: z.string(),
  provider: z.string(),
  createdAt: Millis,
  expiresAt: Millis,
  current: z.boolean(),
});
export type SessionInfo = z.infer<typeof SessionInfo>;

/** What POST /api/account/sign-out-everywhere revoked. */
export const SignedOutEverywhere = z.object({ sessions: z.number().int(), tokens: z.number().int() });
export type SignedOutEverywhere = z.infer<typeof SignedOutEverywhere>;

/** Flattens a zod error into `{field: [messages]}` for 400 bodies. */
export function fieldErrors(error: z.ZodError): Record<string, string[]> {
  const details: Record<string, string[]> = {};
  for (const issue of error.issues) {
    (details[fieldKey(issue)] ??= []).push(issue.message);
  }
  return details;
}

/** The FieldReason of each field's first problem, keyed as in `fieldErrors`. */
export function fieldReasons(error: z.ZodError): Record<string, FieldReason> {
  const reasons: Record<string, FieldReason> = {};
  for (const issue of error.issues) reasons[fieldKey(issue)] ??= reasonOf(issue);
  return reasons;
}

function fieldKey(issue: z.core.$ZodIssue): string {
  return issue.path.length ? issue.path.join('.') : '_';
}

function reasonOf(issue: z.core.$ZodIssue): FieldReason {
  switch (issue.code) {
    case 'too_small':
      // A trimmed string under one character is a missing one ("title is required").
      return issue.origin === 'string' && issue.minimum === 1 ? FieldReason.required : FieldReason.tooShort;
    case 'too_big':
      return FieldReason.tooLong;
    case 'invalid_format':
      return issue.format === 'email' ? FieldReason.invalidEmail : FieldReason.invalid;
    default:
      return FieldReason.invalid;
  }
}
