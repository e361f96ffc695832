import { describe, expect, it } from 'vitest';
import { mergeVersions, type MergeableVersion } from './three-way.ts';

const base: MergeableVersion = { title: 'Book', author: 'Ana', content: '<p>One.</p><p>Two.</p>', metadata: { wordCount: 2 }, deleted: false };
const v = (over: Partial<MergeableVersion>): MergeableVersion => ({ ...base, ...over });

describe('mergeVersions: each field last-writer-wins on its own, the text passage by passage', () => {
  it.each<[string, Partial<MergeableVersion>, Partial<MergeableVersion>, 'stored' | 'incoming', Partial<MergeableVersion>]>([
    ['a field only the stored side changed keeps it, even when the incoming edit is newer', { title: 'Stored' }, { author: 'Inc' }, 'incoming', { title: 'Stored', author: 'Inc' }],
    ['a field only the incoming side changed takes it, even when the stored one is newer', { author: 'Stored' }, { title: 'Inc' }, 'stored', { title: 'Inc', author: 'Stored' }],
    ['a field both changed takes the newer side: incoming', { title: 'Stored' }, { title: 'Inc' }, 'incoming', { title: 'Inc' }],
    ['a field both changed takes the newer side: stored', { title: 'Stored' }, { title: 'Inc' }, 'stored', { title: 'Stored' }],
    ['metadata compared by value', { metadata: { wordCount: 2 } }, { metadata: { wordCount: 3 } }, 'stored', { metadata: { wordCount: 3 } }],
    ['metadata key by key: counts changed by a text edit never drop a note added on the other side', { metadata: { wordCount: 2, note: 'N' } }, { metadata: { wordCount: 5 } }, 'incoming', { metadata: { wordCount: 5, note: 'N' } }],
    ['metadata: a key both changed takes the newer side', { metadata: { wordCount: 4 } }, { metadata: { wordCount: 5 } }, 'stored', { metadata: { wordCount: 4 } }],
    ['the text of both sides', { content: '<p>One!</p><p>Two.</p>' }, { content: '<p>One.</p><p>Two!</p>' }, 'stored', { content: '<p>One!</p><p>Two!</p>' }],
    ['a deletion of an unchanged book', { deleted: true }, {}, 'incoming', { deleted: true }],
    ['a deletion by both sides', { deleted: true }, { deleted: true }, 'incoming', { deleted: true }],
    ['a book brought back on one side', {}, { deleted: false, title: 'Back' }, 'stored', { title: 'Back', deleted: false }],
  ])('%s', (_name, stored, incoming, newer, expected) => {
    const result = mergeVersions(base, v(stored), v(incoming), newer);
    expect(result).toMatchObject({ kind: 'merged', newer, version: { ...base, ...expected } });
  });

  it('returns a title, author or metadata value both sides changed among the overlaps, but never the word counts', () => {
    const stored = v({ title: 'Stored title', author: 'Ana', metadata: { wordCount: 4, note: 'stored note' } });
    const incoming = v({ title: 'Incoming title', metadata: { wordCount: 5, note: 'incoming note' } });
    const result = mergeVersions(base, stored, incoming, 'incoming');
    expect(result).toMatchObject({ kind: 'merged', version: { title: 'Incoming title', metadata: { wordCount: 5, note: 'incoming note' } } });
    expect(result.kind === 'merged' && result.overlaps).toEqual([
      { base: 'Book', kept: 'Incoming title', lost: 'Stored title', keptSide: 'incoming' },
      { base: '', kept: '"incoming note"', lost: '"stored note"', keptSide: 'incoming' },
    ]);
  });

  it.each<[string, Partial<MergeableVersion>, Partial<MergeableVersion>]>([
    ['stored deleted, incoming edited the text', { deleted: true }, { content: '<p>One.</p><p>Edited.</p>' }],
    ['incoming deleted, stored edited the title', { title: 'Renamed' }, { deleted: true }],
  ])('answers a deletion against an edit as a conflict, whichever is newer: %s', (_name, stored, incoming) => {
    for (const newer of ['stored', 'incoming'] as const) expect(mergeVersions(base, v(stored), v(incoming), newer)).toEqual({ kind: 'conflict' });
  });
});
