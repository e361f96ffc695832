// What the clip picker lists for a query: the matching books (title or author, ignoring case and accents), most
// recently edited first, and which one starts selected (the last destination when it matches, else the first).
import type { LocalBook } from '../books/db.ts';

export type PickerBook = Pick<LocalBook, 'id' | 'title' | 'author'>;

const fold = (text: string) => text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLocaleLowerCase();

export function pickerChoices<B extends PickerBook>(books: readonly B[], query: string, lastBookId: string | null): { books: B[]; selected: number } {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const matches = books.filter((book) => {
    const haystack = fold(`${book.title} ${book.author}`);
    return words.every((word) => haystack.includes(word));
  });
  const last = matches.findIndex((book) => book.id === lastBookId);
  // Typing narrows to what the writer is looking for: the best match, a title starting with the query, comes first.
  if (words.length > 0) {
    const starts = matches.findIndex((book) => fold(book.title).startsWith(words.join(' ')));
    return { books: matches, selected: starts >= 0 ? starts : 0 };
  }
  return { books: matches, selected: last >= 0 ? last : 0 };
}
