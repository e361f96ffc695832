import { describe, expect, it } from 'vitest';
import { applyChoice, chosenText, locatePassage, similarity, undoChoice, type PassageContext, type Placement, type ReviewChoice } from './merge-review.ts';

const BOOK = '<p>The tide came in at dusk, grey as a shark.</p><p>Nobody on the pier said a word.</p><p>End.</p>';

describe('locatePassage', () => {
  it.each([
    ['words found once', BOOK, 'shark.', { kind: 'found', start: BOOK.indexOf('shark.'), end: BOOK.indexOf('shark.') + 6 }],
    ['words found twice are not guessed at', '<p>a shark.</p><p>a shark.</p>', 'shark.', { kind: 'ambiguous', count: 2 }],
    ['words gone since', BOOK, 'whale.', { kind: 'missing' }],
    ['a kept deletion has nothing to find', BOOK, '', { kind: 'missing' }],
    [
      'a whole paragraph edited since is found by its words',
      BOOK,
      '<p>Nobody on the pier said anything.</p>',
      { kind: 'found', start: BOOK.indexOf('<p>Nobody'), end: BOOK.indexOf('<p>End.') },
    ],
    ['a whole paragraph rewritten since is missing', BOOK, '<p>Seven gulls argued over bread.</p>', { kind: 'missing' }],
    ['two paragraphs equally like it are ambiguous', '<p>a b c d</p><p>a b c e</p>', '<p>a b c f</p>', { kind: 'ambiguous', count: 2 }],
  ])('%s', (_name, content, passage, placement) => {
    expect(locatePassage(content, passage)).toEqual(placement);
  });

  const twice = '<p>Grey as a shark.</p><p>Quick as a shark.</p>';
  it.each<[string, string, string, PassageContext, Placement]>([
    ['words found twice are placed by the text the merge left around them', twice, 'shark.', { before: '<p>Quick as a ', after: '</p>' }, { kind: 'found', start: twice.lastIndexOf('shark.'), end: twice.lastIndexOf('shark.') + 6 }],
    ['…still when that text was edited a little since', twice, 'shark.', { before: '</p><p>Quick as a ', after: '</p><p>New.' }, { kind: 'found', start: twice.lastIndexOf('shark.'), end: twice.lastIndexOf('shark.') + 6 }],
    ['…but not when it is as like one place as the other', twice, 'shark.', { before: ' as a ', after: '</p>' }, { kind: 'ambiguous', count: 2 }],
    ['a kept deletion is placed between the text around it', '<p>One two.</p>', '', { before: '<p>One ', after: 'two.</p>' }, { kind: 'found', start: 7, end: 7 }],
    ['…and is missing when that text is gone', '<p>Three.</p>', '', { before: '<p>One ', after: 'two.</p>' }, { kind: 'missing' }],
  ])('%s', (_name, content, passage, context, placement) => {
    expect(locatePassage(content, passage, context)).toEqual(placement);
  });
});

describe('similarity', () => {
  it.each([
    ['', '', 1],
    ['a b c d', 'a b c d', 1],
    ['a b c d', 'a b x d', 0.75],
    ['a b', 'c d', 0],
  ])('%j ~ %j = %d', (a, b, score) => {
    expect(similarity(a, b)).toBe(score);
  });
});

describe('chosenText', () => {
  it.each<[string, { kept: string; lost: string }, ReviewChoice, string]>([
    ['keeping what the merge kept', { kept: 'shark.', lost: 'whale.' }, 'kept', 'shark.'],
    ['taking the other words', { kept: 'shark.', lost: 'whale.' }, 'other', 'whale.'],
    ['both words, a space apart', { kept: 'shark.', lost: 'whale.' }, 'both', 'shark. whale.'],
    ['both paragraphs, one after the other', { kept: '<p>A.</p>', lost: '<p>B.</p>' }, 'both', '<p>A.</p><p>B.</p>'],
    ['both, when the other side deleted the words', { kept: 'shark.', lost: '' }, 'both', 'shark.'],
  ])('%s', (_name, record, choice, text) => {
    expect(chosenText(record, choice)).toBe(text);
  });
});

describe('applyChoice', () => {
  const record = { kept: 'shark.', lost: 'whale.' };

  it.each<[ReviewChoice, string]>([
    ['other', BOOK.replace('shark.', 'whale.')],
    ['both', BOOK.replace('shark.', 'shark. whale.')],
  ])('%s edits only the passage', (choice, content) => {
    const result = applyChoice(BOOK, record, choice);
    expect(result).toMatchObject({ kind: 'applied', content, replaced: 'shark.' });
  });

  it('keeping what the merge kept changes nothing', () => {
    expect(applyChoice(BOOK, record, 'kept')).toEqual({ kind: 'unchanged' });
  });

  it('a paragraph edited since is replaced as it is now, and undo brings that back', () => {
    const now = BOOK.replace('said a word', 'said a single word');
    const result = applyChoice(now, { kept: '<p>Nobody on the pier said a word.</p>', lost: '<p>The pier was empty.</p>' }, 'other');
    expect(result).toMatchObject({ kind: 'applied', replaced: '<p>Nobody on the pier said a single word.</p>' });
    if (result.kind !== 'applied') return;
    expect(result.content).toBe(now.replace('<p>Nobody on the pier said a single word.</p>', '<p>The pier was empty.</p>'));
    expect(undoChoice(result.content, result)).toMatchObject({ kind: 'applied', content: now });
  });

  it.each([
    ['the passage is gone', BOOK.replace('shark.', 'seal.'), { kind: 'missing' }],
    ['the passage is there twice', BOOK.replace('End.', 'shark.'), { kind: 'ambiguous', count: 2 }],
  ])('when %s the words are handed back to place by hand, nothing is changed', (_name, content, placement) => {
    expect(applyChoice(content, record, 'other')).toEqual({ kind: 'unplaced', placement, text: 'whale.' });
  });

  it('takes the other words where the merge kept a deletion, and undo finds them by their surroundings', () => {
    const content = '<p>One two.</p><p>One two.</p>';
    const record = { kept: '', lost: 'and a half ', before: '</p><p>One ', after: 'two.</p>' };
    const result = applyChoice(content, record, 'other');
    expect(result).toMatchObject({ kind: 'applied', content: '<p>One two.</p><p>One and a half two.</p>', replaced: '' });
    if (result.kind !== 'applied') return;
    expect(undoChoice(`<p>One and a half two.</p>${result.content}`, result)).toMatchObject({
      kind: 'applied',
      content: `<p>One and a half two.</p>${content}`,
    });
  });

  it('undo after the inserted words were edited away hands back the replaced words', () => {
    expect(undoChoice(BOOK, { replaced: 'shark.', inserted: 'orca.' })).toEqual({ kind: 'unplaced', placement: { kind: 'missing' }, text: 'shark.' });
  });
});
