// Finds what the writer searched for in the open book, so a search result opens the book at its match.
import type { Node as PMNode } from '@tiptap/pm/model';
import { foldQuery, foldText } from '../books/search.ts';

/** The document range of the first occurrence of `query` (case and accents ignored) within one textblock, or null. */
export function findInDoc(doc: PMNode, query: string): { from: number; to: number } | null {
  const needle = foldQuery(query);
  if (!needle) return null;
  let found: { from: number; to: number } | null = null;
  doc.descendants((node, pos) => {
    if (found) return false;
    if (!node.isTextblock) return true;
    // One character per inline leaf (hard break, image) keeps offsets equal to document positions.
    const text = node.textBetween(0, node.content.size, undefined, ' ');
    const at = foldText(text).indexOf(needle);
    if (at >= 0) found = { from: pos + 1 + at, to: pos + 1 + at + needle.length };
    return false;
  });
  return found;
}

const FIND_KEY = 'anclora.find';

/** Asks the editor about to open `bookId` to show the first match of `query` (a search result was chosen). */
export function requestFind(storage: Storage, bookId: string, query: string): void {
  storage.setItem(FIND_KEY, JSON.stringify({ bookId, query }));
}

/** The query a search result left for `bookId`, once; null when none. */
export function takeFind(storage: Storage, bookId: string): string | null {
  const raw = storage.getItem(FIND_KEY);
  if (!raw) return null;
  try {
    const request = JSON.parse(raw) as { bookId?: unknown; query?: unknown };
    if (request.bookId !== bookId || typeof request.query !== 'string') return null;
    storage.removeItem(FIND_KEY);
    return request.query;
  } catch {
    storage.removeItem(FIND_KEY);
    return null;
  }
}
