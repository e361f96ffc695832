// The device's side of sync v2 patches: what a push carries (a patch from the book's base, or whole content), and
// how a book in an answer or a pull (BookChange) becomes whole text again, hash-checked against what it was made from.
import { applyPatch, contentHash, diffManuscripts, PatchMismatchError } from '../../../shared/manuscript/patch.ts';
import { LIMITS, type BookChange, type BookInput, type ManuscriptPatch, type ServerBook } from '../../../shared/protocol.ts';
import type { LocalBook, SyncBase, UnansweredPush } from './ports.ts';
import { toBookInput } from './reconcile.ts';

/** A dirty book as it goes out: what is sent, and the text the server will hold if it takes it as sent. */
export interface Outgoing {
  book: LocalBook;
  input: BookInput;
  /** The text sent (whole, or what the patch makes) and its hash. */
  text: string;
  hash: string;
}

/** A book in an answer made whole, with the hash of its text (the base it becomes). */
export interface WholeBook {
  book: ServerBook;
  hash: string;
}

/**
 * What to send for `book`: a patch from `base` when the book is still based on that revision and the patch is smaller
 * than the text; whole content otherwise (first sync, no base, a tombstone, a patch as big as the book). The diff works
 * on top-level blocks first and characters only inside changed blocks, so it costs what the edit costs.
 */
export async function outgoing(book: LocalBook, base: SyncBase | undefined): Promise<Outgoing> {
  const whole = toBookInput(book);
  const text = whole.content ?? book.content;
  const hash = await contentHash(text);
  if (book.deleted || !base || base.revision !== book.revision) return { book, input: whole, text, hash };
  const ops = diffManuscripts(base.content, book.content);
  if (ops.length > LIMITS.patchOpsMax) return { book, input: whole, text, hash };
  const patch: ManuscriptPatch = { from: base.hash ?? (await contentHash(base.content)), to: hash, ops };
  const smaller = JSON.stringify(patch).length < JSON.stringify(text).length;
  return { book, input: smaller ? toBookInput(book, patch) : whole, text, hash };
}

/** The record kept of a push until its answer is applied. */
export function unansweredPush(out: Outgoing): UnansweredPush {
  return { bookId: out.book.id, sent: out.book, ...(out.input.patch ? { patch: out.input.patch } : {}), hash: out.hash };
}

/** A push whose answer was lost, exactly as it went (an identical retry is recognised by the server as one). */
export function sentAgain(push: UnansweredPush): Outgoing {
  const { sent, patch, hash } = push;
  return { book: sent, input: toBookInput(sent, patch), text: sent.deleted ? '' : sent.content, hash };
}

/** A version of a book's text a patch may have been made from. */
export interface PatchSource {
  content: string;
  hash?: string | null;
}

/**
 * `change` as a whole book: its content, or its patch applied to `source` and checked against both hashes. Null when
 * it came as a patch that does not apply (no source, another text): the caller reads the whole book instead.
 */
export async function wholeBook(change: BookChange, source: PatchSource | undefined): Promise<WholeBook | null> {
  const { patch, patchBase: _patchBase, content, ...fields } = change;
  if (content !== undefined) return { book: { ...fields, content }, hash: await contentHash(content) };
  if (!patch || !source || (source.hash && source.hash !== patch.from)) return null;
  try {
    return { book: { ...fields, content: await applyPatch(source.content, patch) }, hash: patch.to };
  } catch (error) {
    if (error instanceof PatchMismatchError) return null;
    throw error;
  }
}
