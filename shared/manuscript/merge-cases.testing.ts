// Test support: the three-way merge cases both the merge itself (shared) and the HTTP API (server) must get right.

/** Paragraphs: p('One.', 'Two.') is `<p>One.</p><p>Two.</p>`. */
export const p = (...texts: string[]) => texts.map((t) => `<p>${t}</p>`).join('');

/** The text both sides started from. */
export const MERGE_BASE = p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Old fish.');

/** [case, one side's text (stored first), the other side's text, the merge whichever is newer]: no overlap, nothing lost. */
export const CLEAN_MERGES: ReadonlyArray<readonly [string, string, string, string]> = [
  ['different paragraphs', p('One cat.', 'Two fish. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red fish.', 'Blue dog.', 'Old fish.'), p('One cat.', 'Two fish. Red fish.', 'Blue dog.', 'Old fish.')],
  ['different sentences of one paragraph', p('One fish.', 'Two cats. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red dogs.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two cats. Red dogs.', 'Blue fish.', 'Old fish.')],
  ['a paragraph joined on one side, edited on the other', p('One fish. Two fish. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red cats.', 'Blue fish.', 'Old fish.'), p('One fish. Two fish. Red cats.', 'Blue fish.', 'Old fish.')],
  ['a paragraph split on one side, its end edited on the other', p('One fish.', 'Two fish.', 'Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red cats.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish.', 'Red cats.', 'Blue fish.', 'Old fish.')],
  ['formatting on one side, typing on the other', p('One fish.', 'Two <em>fish</em>. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red fish, said Sam.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two <em>fish</em>. Red fish, said Sam.', 'Blue fish.', 'Old fish.')],
  ['the same fix made on both (not doubled)', p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Gold fish.'), p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Gold fish.'), p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Gold fish.')],
  // An earlier copy of the same typing stored (say its answer was lost), the longer one sent from the base again.
  ['words added at one point, one side\'s addition extending the other\'s (not doubled)', p('One fish. Two', 'Two fish. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish. Two three', 'Two fish. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish. Two three', 'Two fish. Red fish.', 'Blue fish.', 'Old fish.')],
  ['a paragraph added at one point, one side\'s extending the other\'s (not doubled)', MERGE_BASE + p('The end'), MERGE_BASE + p('The end, <em>at last</em>.'), MERGE_BASE + p('The end, <em>at last</em>.')],
];
