// The search prefilter: a book's distinct words and the order they come in, so a query can rule a book out without
// scanning its text. Both answer "could this book contain the query?"; a yes is confirmed by the text scan.

/** What separates words, for books and queries alike. */
const NOT_WORD = /[^\p{L}\p{N}]+/u;

export interface WordIndex {
  /** The distinct words, each between newlines ("\nriver\nwinter\n"), for substring probes. */
  list: string;
  /** The distinct words by id, in order of first appearance. */
  vocabulary: string[];
  /** The book's words as ids into `vocabulary`, in reading order. */
  sequence: Uint16Array | Uint32Array;
  /** Where each word occurs: the places of word `id` are `places[starts[id]]` up to `places[starts[id + 1]]`. */
  starts: Uint32Array;
  places: Uint32Array;
}

/** The word index of folded text (see search.ts foldText). */
export function indexWords(folded: string): WordIndex {
  const ids = new Map<string, number>();
  const vocabulary: string[] = [];
  const words = folded.split(NOT_WORD).filter(Boolean);
  const order = words.map((word) => {
    let id = ids.get(word);
    if (id === undefined) {
      id = vocabulary.push(word) - 1;
      ids.set(word, id);
    }
    return id;
  });
  // A novel has far fewer than 65,536 distinct words: two bytes a word.
  const sequence = vocabulary.length <= 0xffff ? Uint16Array.from(order) : Uint32Array.from(order);
  // The places of each word, in reading order (a counting sort of the sequence).
  const starts = new Uint32Array(vocabulary.length + 1);
  for (const id of order) starts[id + 1]!++;
  for (let id = 0; id < vocabulary.length; id++) starts[id + 1]! += starts[id]!;
  const next = starts.slice(0, vocabulary.length);
  const places = new Uint32Array(order.length);
  order.forEach((id, at) => (places[next[id]!++] = at));
  return { list: `\n${vocabulary.join('\n')}\n`, vocabulary, sequence, starts, places };
}

interface QueryWord {
  word: string;
  /** The query has a separator before it, so it starts a word of the text. */
  starts: boolean;
  /** The query has a separator after it, so it ends a word of the text. */
  ends: boolean;
}

/** The words of a folded query, each knowing whether the query bounds it ("harbour" in "winter harbour" ends a word). */
export function queryWords(needle: string): QueryWord[] {
  const parts = needle.split(NOT_WORD);
  // split() leaves an empty first/last part when the needle starts/ends outside a word.
  return parts.flatMap((word, i) => (word ? [{ word, starts: i > 0, ends: i < parts.length - 1 }] : []));
}

/**
 * What the word list must contain for each query word: the word whole where the query bounds it on both sides, as the
 * end of a word (the query's first word), the start of one (its last) or any part of one (a single unfinished word).
 */
export function wordProbes(words: readonly QueryWord[]): string[] {
  return words.map(({ word, starts, ends }) => `${starts ? '\n' : ''}${word}${ends ? '\n' : ''}`);
}

/** Whether a text with this index can contain the query whose words are `words`. */
export function mayContain(index: WordIndex, words: readonly QueryWord[]): boolean {
  if (!wordProbes(words).every((probe) => index.list.includes(probe))) return false;
  if (words.length < 2) return true;
  // A phrase: its words must also come one after the other somewhere. This spares the scan of a book that has every
  // word of a phrase but never in that order. It starts from the places of the rarest word the query has whole (or of
  // its first word, when it has none whole) and looks at the words around each.
  const { vocabulary, sequence, starts, places } = index;
  // The id of each word the query has whole (-1 for the others); a whole word the book lacks was ruled out above.
  const ids = words.map(({ word, starts: whole, ends }) => (whole && ends ? vocabulary.indexOf(word) : -1));
  const partial = (j: number, id: number): boolean => {
    const { word, starts: whole } = words[j]!;
    return whole ? vocabulary[id]!.startsWith(word) : vocabulary[id]!.endsWith(word);
  };
  let anchor = 0;
  let fewest = Infinity;
  ids.forEach((id, j) => {
    const count = id < 0 ? Infinity : starts[id + 1]! - starts[id]!;
    if (count < fewest) [anchor, fewest] = [j, count];
  });
  const anchorIds = fewest < Infinity ? [ids[anchor]!] : vocabulary.flatMap((_, id) => (partial(0, id) ? [id] : []));
  // Whole words are checked first, by id; the words the query cuts (its first and last) only where those fit.
  const order = words.map((_, j) => j).filter((j) => j !== anchor).sort((x, y) => Number(ids[x]! < 0) - Number(ids[y]! < 0));
  // Plain loops: this runs at every place of the anchor word, thousands of times a book.
  for (const id of anchorIds) {
    for (let p = starts[id]!; p < starts[id + 1]!; p++) {
      const at = places[p]! - anchor;
      if (at < 0 || at + words.length > sequence.length) continue;
      let k = 0;
      for (; k < order.length; k++) {
        const j = order[k]!;
        const found = sequence[at + j]!;
        if (ids[j]! >= 0 ? found !== ids[j] : !partial(j, found)) break;
      }
      if (k === order.length) return true;
    }
  }
  return false;
}
