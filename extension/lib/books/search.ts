// Full-text search over every book's title, author and text: an in-memory index of folded plain text (case and
// accents ignored) and of the book's distinct words, rebuilt per book only when that book changes. A query first asks
// each book's word list (a sixth of its text or less) whether the book can match, and scans the text of those only.
import type { LocalBook } from './db.ts';
import { indexWords, mayContain, queryWords, type WordIndex } from './word-index.ts';
import { htmlToText } from './words.ts';

export type MatchField = 'title' | 'author' | 'text';

export interface BookMatch {
  book: LocalBook;
  field: MatchField;
  /** The matched words in their context, as the writer wrote them. */
  snippet: { before: string; match: string; after: string };
  /** What the writer typed, as the editor looks for it to open the book at the match. */
  query: string;
}

interface Indexed {
  updatedAt: number;
  text: string;
  folded: string;
  /** The prefilter: which words the book has, in which order. */
  words: WordIndex;
  title: string;
  author: string;
}

/** Characters of context on each side of a snippet. */
const CONTEXT = 60;

const foldCache = new Map<string, string>();

/** One character without case or accents (é → e, Ñ → n), always one UTF-16 unit for one, so offsets carry over. */
function foldChar(ch: string): string {
  let folded = foldCache.get(ch);
  if (folded === undefined) {
    const bare = ch.normalize('NFD')[0]!.toLowerCase();
    folded = bare.length === 1 ? bare : ch;
    foldCache.set(ch, folded);
  }
  return folded;
}

const NON_ASCII = /[^\x00-\x7f]/g;

/** `text` folded for matching; the same length as `text`, so an offset in one is the same place in the other. */
export function foldText(text: string): string {
  const lower = text.toLowerCase();
  // toLowerCase keeps the length except for a handful of letters (İ); those texts take the slow, exact path.
  if (lower.length !== text.length) return Array.from(text, (ch) => (ch.length === 1 ? foldChar(ch) : ch)).join('');
  return lower.replace(NON_ASCII, foldChar);
}

/** A query as it is matched: folded, with runs of spaces as one. */
export function foldQuery(query: string): string {
  return foldText(query.trim().replace(/\s+/g, ' '));
}

export class BookSearch {
  private readonly index = new Map<string, Indexed>();

  /** The books matching `query`: title matches first, then author, then text; within each, the order given. */
  search(books: readonly LocalBook[], query: string): BookMatch[] {
    const needle = foldQuery(query);
    if (!needle) return [];
    const words = queryWords(needle);
    const live = new Set<string>();
    const found: Record<MatchField, BookMatch[]> = { title: [], author: [], text: [] };
    for (const book of books) {
      live.add(book.id);
      const entry = this.entryFor(book);
      for (const field of ['title', 'author', 'text'] as const) {
        // Most books lack one of the query's words: their text is never scanned.
        if (field === 'text' && !mayContain(entry.words, words)) break;
        const [original, folded] = field === 'text' ? [entry.text, entry.folded] : [book[field], entry[field]];
        const at = folded.indexOf(needle);
        if (at < 0) continue;
        found[field].push({ book, field, query: query.trim(), snippet: snippetAt(original, at, needle.length) });
        break;
      }
    }
    // Forget deleted books.
    for (const id of this.index.keys()) if (!live.has(id)) this.index.delete(id);
    return [...found.title, ...found.author, ...found.text];
  }

  /** Indexes `book` now if it is new or changed (the list does this in idle time, so the first search is quick). */
  prepare(book: LocalBook): void {
    this.entryFor(book);
  }

  private entryFor(book: LocalBook): Indexed {
    let entry = this.index.get(book.id);
    if (!entry || entry.updatedAt !== book.updatedAt) {
      const text = htmlToText(book.content).replace(/\s+/g, ' ');
      const folded = foldText(text);
      // The first scan of a string built by replace() flattens it (tens of ms for a novel): pay that here, not in a search.
      folded.indexOf('\u0000');
      entry = { updatedAt: book.updatedAt, text, folded, words: indexWords(folded), title: foldText(book.title), author: foldText(book.author) };
      this.index.set(book.id, entry);
    }
    return entry;
  }
}

function snippetAt(text: string, at: number, length: number): BookMatch['snippet'] {
  let start = Math.max(0, at - CONTEXT);
  let end = Math.min(text.length, at + length + CONTEXT);
  // Whole words at the edges.
  if (start > 0) start = text.indexOf(' ', start) + 1 || start;
  if (end < text.length) end = text.lastIndexOf(' ', end) > at + length ? text.lastIndexOf(' ', end) : end;
  return {
    before: (start > 0 ? '…' : '') + text.slice(start, at).trimStart(),
    match: text.slice(at, at + length),
    after: text.slice(at + length, end).trimEnd() + (end < text.length ? '…' : ''),
  };
}

let shared: BookSearch | undefined;

/** The search index of this page (kept between searches, so only changed books are read again). */
export function bookSearch(): BookSearch {
  shared ??= new BookSearch();
  return shared;
}

/** The first line of a book's text, to tell books with the same title apart ("Untitled"). */
export function firstLine(html: string, max = 80): string {
  const firstBlock = /<\/(?:p|h[1-6]|li|blockquote|pre)>/i.exec(html);
  const text = htmlToText(firstBlock ? html.slice(0, firstBlock.index) : html.slice(0, 4000)).replace(/\s+/g, ' ').trim();
  return text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
}
