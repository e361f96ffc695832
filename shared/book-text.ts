// What makes two versions of a book "the same text", decided once for the server, the sync engine and the editor.
// Import-free (no zod, no node:util) so that every bundle can use it.

/** The fields a writer writes: what a version of a book is, apart from its clocks and server bookkeeping. */
export interface BookText {
  title: string;
  author: string;
  content: string;
  metadata: unknown;
}

/** True when two versions hold the same title, author, content and metadata (metadata compared by value). */
export function sameBookText(a: BookText, b: BookText): boolean {
  return a.title === b.title && a.author === b.author && a.content === b.content && sameJson(a.metadata, b.metadata);
}

/** Deep equality of JSON values: object keys in any order, arrays in order. */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((value, i) => sameJson(value, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  // JSON drops undefined members, so `{a: undefined}` and `{}` are the same value.
  if (keys.length !== Object.keys(y).filter((k) => y[k] !== undefined).length) return false;
  return keys.every((k) => Object.hasOwn(y, k) && sameJson(x[k], y[k]));
}
