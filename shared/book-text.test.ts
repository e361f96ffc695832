import { describe, expect, it } from 'vitest';
import { sameBookText, sameJson, type BookText } from './book-text.ts';

const base: BookText = { title: 'The Long Tide', author: 'Ana', content: '<p>Once.</p>', metadata: { wordCount: 1, tags: ['sea'] } };

describe('sameBookText', () => {
  it.each<[string, Partial<BookText>, boolean]>([
    ['an identical version', {}, true],
    ['metadata with its keys in another order', { metadata: { tags: ['sea'], wordCount: 1 } }, true],
    ['another title', { title: 'The Long Tide ' }, false],
    ['another author', { author: 'Ana M.' }, false],
    ['another content', { content: '<p>Once upon.</p>' }, false],
    ['metadata with another value', { metadata: { wordCount: 2, tags: ['sea'] } }, false],
    ['metadata with an extra key', { metadata: { wordCount: 1, tags: ['sea'], genre: 'novel' } }, false],
    ['metadata with the array reordered', { metadata: { wordCount: 1, tags: ['sea', 'storm'] } }, false],
  ])('%s → %s', (_name, change, same) => {
    expect(sameBookText(base, { ...base, ...change })).toBe(same);
    expect(sameBookText({ ...base, ...change }, base)).toBe(same);
  });
});

describe('sameJson', () => {
  it.each<[unknown, unknown, boolean]>([
    [null, null, true],
    [null, {}, false],
    [[], {}, false],
    [[1, [2, { a: 3 }]], [1, [2, { a: 3 }]], true],
    [{ a: 1, b: undefined }, { a: 1 }, true],
    [{ a: 1 }, { b: 1 }, false],
    ['1', 1, false],
    [{ nested: { deep: [true] } }, { nested: { deep: [false] } }, false],
  ])('%j vs %j → %s', (a, b, same) => {
    expect(sameJson(a, b)).toBe(same);
  });
});
