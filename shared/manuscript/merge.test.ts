import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBlocks, tokenize } from './blocks.ts';
import { CLEAN_MERGES, MERGE_BASE as base, p } from './merge-cases.testing.ts';
import { CONTEXT_CHARS, mergeManuscripts, type Side } from './merge.ts';

const both: Side[] = ['stored', 'incoming'];

describe('mergeManuscripts keeps every edit that does not overlap another, whichever is newer', () => {
  it.each<readonly [string, string, string, string]>([
    ...CLEAN_MERGES,
    ['a chapter deleted on one side, another edited on the other', p('Two fish. Red fish.', 'Blue fish.', 'Old fish.'), p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Old whale.'), p('Two fish. Red fish.', 'Blue fish.', 'Old whale.')],
  ])('%s', (_name, stored, incoming, expected) => {
    for (const newer of both) {
      expect(mergeManuscripts(base, stored, incoming, { newer }), `newer: ${newer}`).toEqual({ html: expected, overlaps: [] });
    }
  });

  it('keeps two different additions at one point even when one holds the other\'s words out of order', () => {
    const stored = base + p('Fish two.');
    const incoming = base + p('Two fish.');
    expect(mergeManuscripts(base, stored, incoming, { newer: 'incoming' }).html).toBe(base + p('Fish two.', 'Two fish.'));
    // Whole words: "The end" is not held by "The endless sea".
    expect(mergeManuscripts(base, base + p('The end'), base + p('The endless sea'), { newer: 'incoming' }).html).toBe(base + p('The end', 'The endless sea'));
  });

  it('keeps once a paragraph one side added beside a paragraph the other side rewrote and also added there', () => {
    // The diff folds the second side's added paragraph into its rewrite of the one before it.
    const rewritten = p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Old whale.', 'Added.');
    const added = base + p('Added.');
    for (const newer of both) {
      expect(mergeManuscripts(base, rewritten, added, { newer }).html).toBe(rewritten);
      expect(mergeManuscripts(base, added, rewritten, { newer }).html).toBe(rewritten);
    }
  });

  it('keeps once a paragraph one side added when the other side\'s change beside it already holds it, not only at its end', () => {
    // A push retried from the old base after its first copy and another device's paragraph were merged in.
    const merged = p('One fish.', 'Two fish. Red fish.', 'Blue fish.', 'Old whale.', 'Added.', 'Third device.');
    const retried = base + p('Added.');
    expect(mergeManuscripts(base, merged, retried, { newer: 'incoming' }).html).toBe(merged);
    // Words are kept at the edge only: a word typed again beside a change may be meant.
    expect(mergeManuscripts(p('a b'), p('x a b c'), p('a b a'), { newer: 'incoming' }).html).toBe(p('x a b c a'));
  });

  it('keeps both sides appending, the older first', () => {
    const stored = base + p('Stored end.');
    const incoming = base + p('Incoming end.');
    expect(mergeManuscripts(base, stored, incoming, { newer: 'incoming' }).html).toBe(base + p('Stored end.', 'Incoming end.'));
    expect(mergeManuscripts(base, stored, incoming, { newer: 'stored' }).html).toBe(base + p('Incoming end.', 'Stored end.'));
  });
});

describe('mergeManuscripts where edits overlap: the later edit wins that passage only, and the other is returned', () => {
  it('the same words changed differently', () => {
    const stored = p('One fish.', 'Two fish. Red fish.', 'Blue whale.', 'Old cat.');
    const incoming = p('One dog.', 'Two fish. Red fish.', 'Blue shark.', 'Old fish.');
    const merged = mergeManuscripts(base, stored, incoming, { newer: 'incoming' });
    // Old cat (stored only) and One dog (incoming only) are both kept; "Blue" differs on both sides.
    expect(merged.html).toBe(p('One dog.', 'Two fish. Red fish.', 'Blue shark.', 'Old cat.'));
    // With the merged text around the kept words, to find them again where "shark." is not the only one.
    const before = '<p>One dog.</p><p>Two fish. Red fish.</p><p>Blue '.slice(-CONTEXT_CHARS);
    expect(merged.overlaps).toEqual([{ base: 'fish.', kept: 'shark.', lost: 'whale.', keptSide: 'incoming', before, after: '</p><p>Old cat.</p>' }]);
    const other = mergeManuscripts(base, stored, incoming, { newer: 'stored' });
    expect(other.html).toBe(p('One dog.', 'Two fish. Red fish.', 'Blue whale.', 'Old cat.'));
    expect(other.overlaps).toEqual([{ base: 'fish.', kept: 'whale.', lost: 'shark.', keptSide: 'stored', before, after: '</p><p>Old cat.</p>' }]);
  });

  it('a paragraph deleted on one side and edited on the other', () => {
    const stored = p('One fish.', 'Blue fish.', 'Old fish.');
    const incoming = p('One fish.', 'Two fish. Red fish, edited.', 'Blue fish.', 'Old fish.');
    const deletionWins = mergeManuscripts(base, stored, incoming, { newer: 'stored' });
    expect(deletionWins.html).toBe(stored);
    expect(deletionWins.overlaps).toHaveLength(1);
    expect(deletionWins.overlaps[0]!.lost).toContain('Red fish, edited.');
    const editWins = mergeManuscripts(base, stored, incoming, { newer: 'incoming' });
    expect(editWins.html).toBe(incoming);
    expect(editWins.overlaps[0]!.lost).toBe('');
  });

  it('a paragraph moved on one side and edited on the other loses no words', () => {
    const stored = p('One fish.', 'Blue fish.', 'Old fish.', 'Two fish. Red fish.');
    const incoming = p('One fish.', 'Two fish. Red fish, edited.', 'Blue fish.', 'Old fish.');
    for (const newer of both) {
      const merged = mergeManuscripts(base, stored, incoming, { newer });
      const visible = merged.html + merged.overlaps.map((o) => o.lost).join('');
      expect(visible).toContain('Red fish, edited.');
      expect(merged.html).toContain('Old fish.');
    }
  });

  it('formatting that one side cut through falls back to the later edit for the passage, the other kept aside', () => {
    const b = p('alpha beta gamma delta');
    const stored = p('alpha <em>beta gamma</em> delta');
    const incoming = p('alpha beta</p><p>gamma delta');
    const merged = mergeManuscripts(b, stored, incoming, { newer: 'incoming' });
    expect(merged.html).not.toMatch(/<em>[^<]*<\/p>/);
    expect(merged.html + merged.overlaps.map((o) => o.lost).join('')).toContain('<em>beta gamma</em>');
  });
});

describe('mergeManuscripts as a property', () => {
  // Manuscripts of a few paragraphs over a small vocabulary (repetitive, as prose is). Each side's edits type words
  // of their own (s1, s2… and i1, i2…), so whether a typed word survived is a plain search.
  const word = fc.constantFrom('sea', 'salt', 'tide', 'the', 'and', 'boat', 'wind', '<em>sea</em>');
  const paragraph = fc.array(word, { minLength: 1, maxLength: 8 }).map((w) => `<p>${w.join(' ')}</p>`);
  const book = fc.array(paragraph, { minLength: 1, maxLength: 6 }).map((ps) => ps.join(''));
  const edit = (text: string, prefix: string) =>
    fc
      .array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace', 'split', 'join')), { maxLength: 5 })
      .map((ops) => {
        const tokens = tokenize(text);
        ops.forEach(([at, op], n) => {
          const i = at % (tokens.length + 1);
          const typed = `${prefix}${n}`;
          if (op === 'insert') tokens.splice(i, 0, `${typed} `);
          else if (op === 'split' && tokens[i] === ' ') tokens.splice(i, 1, '</p><p>');
          else if (op === 'join' && tokens[i] === '</p>' && tokens[i + 1] === '<p>') tokens.splice(i, 2, ' ');
          else if ((op === 'delete' || op === 'replace') && /^[a-z]/.test(tokens[i] ?? '')) {
            tokens.splice(i, 1, ...(op === 'delete' ? [] : [typed]));
          }
        });
        return tokens.join('');
      });
  // Typed words may end up glued to a neighbour (two insertions at one point): digits delimit them.
  const typedWords = (html: string) => new Set(html.match(/[si]\d+/g) ?? []);

  it('loses no typed word: each is in the merged text or in a passage the merge returned', () => {
    fc.assert(
      fc.property(
        book.chain((b) => fc.tuple(fc.constant(b), edit(b, 's'), edit(b, 'i'))),
        fc.constantFrom<Side>('stored', 'incoming'),
        ([b, stored, incoming], newer) => {
          expect(mergeManuscripts(b, stored, b, { newer }).html).toBe(stored);
          expect(mergeManuscripts(b, b, incoming, { newer }).html).toBe(incoming);
          const merged = mergeManuscripts(b, stored, incoming, { newer });
          const found = typedWords(merged.html + merged.overlaps.map((o) => o.lost).join(' '));
          for (const w of [...typedWords(stored), ...typedWords(incoming)]) expect(found.has(w), w).toBe(true);
          // Nothing invented: every typed word in the merge was typed by someone, and is where only one copy was.
          for (const w of typedWords(merged.html)) expect(stored.includes(w) || incoming.includes(w)).toBe(true);
          // A word only one side typed appears once.
          for (const w of typedWords(merged.html)) expect(merged.html.split(new RegExp(`${w}(?!\\d)`)).length - 1).toBe(1);
          expect(splitBlocks(merged.html).join('')).toBe(merged.html);
          // Every passage carries the merged text around it: it is found where the merge put it.
          for (const o of merged.overlaps) expect(merged.html).toContain(`${o.before}${o.kept}${o.after}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
