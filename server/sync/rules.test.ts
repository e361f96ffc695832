import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../shared/protocol.ts';
import { clampUpdatedAt, decide, type IncomingEdit, type StoredVersion } from './rules.ts';

const NOW = 1_800_000_000_000;
const stored: StoredVersion = {
  title: 'Book',
  author: 'Ana',
  content: '<p>server text</p>',
  metadata: { wordCount: 2 },
  updatedAt: NOW - 60_000,
  revision: 4,
  deleted: false,
};
const edit = (over: Partial<IncomingEdit>): IncomingEdit => ({
  title: 'Book',
  author: 'Ana',
  content: '<p>client text</p>',
  metadata: { wordCount: 2 },
  updatedAt: NOW - 30_000,
  deleted: false,
  ...over,
});

describe('decide (fast-forward, conflict, or last-writer-wins without a base)', () => {
  it.each<[string, StoredVersion | null, IncomingEdit, string]>([
    ['accepts a book the server has never seen', null, edit({}), 'accept'],
    ['accepts an edit based on the current revision even when its clock is older', stored, edit({ baseRevision: 4, updatedAt: NOW - 10 * 60_000 }), 'accept'],
    ['refuses a stale-based edit even when made later than the server copy', stored, edit({ baseRevision: 2 }), 'conflict'],
    ['refuses a stale-based edit from a clock far ahead', stored, edit({ baseRevision: 3, updatedAt: NOW + 3_600_000 }), 'conflict'],
    ['accepts an edit without base revision made later than the server copy', stored, edit({}), 'accept'],
    ['refuses a stale-based edit made earlier than the server copy', stored, edit({ baseRevision: 2, updatedAt: NOW - 120_000 }), 'conflict'],
    ['refuses an edit without base revision made earlier than the server copy', stored, edit({ updatedAt: NOW - 120_000 }), 'conflict'],
    ['refuses a different edit made at the same time as the server copy', stored, edit({ baseRevision: 3, updatedAt: stored.updatedAt }), 'conflict'],
    ['refuses an edit from a base revision ahead of the server', stored, edit({ baseRevision: 9, updatedAt: NOW - 120_000 }), 'conflict'],
    ['treats a resend of the stored copy as a retry', stored, { ...stored, baseRevision: 3 }, 'idempotent'],
    ['treats a resend based on the current revision as a retry too', stored, { ...stored, baseRevision: 4 }, 'idempotent'],
    ['accepts the same time with different metadata as a new edit on the current base', stored, { ...stored, metadata: { wordCount: 3 }, baseRevision: 4 }, 'accept'],
    ['refuses a late delete of an edited book', stored, edit({ ...stored, deleted: true, baseRevision: 3, updatedAt: NOW - 120_000 }), 'conflict'],
    ['refuses a stale-based delete even when made after the last edit', stored, edit({ ...stored, deleted: true, baseRevision: 3, updatedAt: NOW }), 'conflict'],
    ['accepts a delete based on the current revision', stored, edit({ ...stored, deleted: true, baseRevision: 4, updatedAt: NOW }), 'accept'],
    ['accepts an edit based on the tombstone, bringing the book back', { ...stored, deleted: true }, edit({ baseRevision: 4 }), 'accept'],
    ['refuses an edit made before a delete', { ...stored, deleted: true }, edit({ baseRevision: 3, updatedAt: NOW - 120_000 }), 'conflict'],
  ])('%s', (_name, server, incoming, expected) => {
    expect(decide(server, incoming, NOW).kind).toBe(expected);
  });

  it('clamps an edit from a clock far in the future to the server clock', () => {
    const decision = decide(stored, edit({ updatedAt: NOW + LIMITS.futureSkewMs + 1 }), NOW);
    expect(decision).toEqual({ kind: 'accept', updatedAt: NOW, reason: 'later-edit' });
  });

  it('keeps a clock that is only a little ahead', () => {
    const ahead = NOW + LIMITS.futureSkewMs;
    expect(decide(stored, edit({ updatedAt: ahead }), NOW)).toEqual({ kind: 'accept', updatedAt: ahead, reason: 'later-edit' });
  });

  it('lets a clamped edit lose to a later honest edit, so a wrong clock cannot win forever', () => {
    const clamped = { ...stored, updatedAt: clampUpdatedAt(NOW + 3_600_000, NOW), revision: 5 };
    // Only an edit without base revision is judged by its clock (an edit with one fast-forwards or conflicts).
    const later = edit({ updatedAt: NOW + 1000 });
    expect(decide(clamped, later, NOW + 1000).kind).toBe('accept');
  });

  it('bases a retried first push (no base, the text of revision 1) on revision 1: it never replaces edits made since', () => {
    // Found by the convergence property: the retry's clock ahead made it "the later edit", over another device's words.
    const first: StoredVersion = { ...stored, content: '<p>client text</p>', updatedAt: NOW - 90_000, revision: 1 };
    const retry = edit({ updatedAt: NOW + 60_000 });
    expect(decide(stored, retry, NOW, first)).toMatchObject({ kind: 'merge', baseRevision: 1, version: { content: stored.content } });
    // Any other text without a base is still judged by its clock.
    expect(decide(stored, edit({ content: '<p>other</p>', updatedAt: NOW + 60_000 }), NOW, first).kind).toBe('accept');
  });

  it('treats a retry of a clamped edit as a retry, not a new edit', () => {
    const future = NOW + 3_600_000;
    const clamped = { ...stored, content: '<p>client text</p>', updatedAt: NOW, revision: 5 };
    expect(decide(clamped, edit({ baseRevision: 4, updatedAt: future }), NOW + 500).kind).toBe('idempotent');
  });

  describe('with the base revision kept', () => {
    const base = { ...stored, content: '<p>base text</p>', revision: 2, updatedAt: NOW - 120_000 };
    const mine = edit({ baseRevision: 2, content: '<p>base text</p><p>mine</p>' });

    it('merges a stale edit with the stored book; the later edit is the newer side and sets the time', () => {
      const stale = { ...stored, content: '<p>server text</p><p>base text</p>' };
      // A version given as base that is not the revision the edit names is no base.
      expect(decide(stale, mine, NOW, { ...base, revision: 3 })).toEqual({ kind: 'conflict' });
      expect(decide(stale, mine, NOW, base)).toMatchObject({
        kind: 'merge',
        updatedAt: mine.updatedAt,
        newer: 'incoming',
        version: { content: '<p>server text</p><p>base text</p><p>mine</p>' },
        overlaps: [],
      });
      expect(decide({ ...stale, updatedAt: NOW - 1_000 }, mine, NOW, base)).toMatchObject({ kind: 'merge', updatedAt: NOW - 1_000, newer: 'stored' });
    });

    it('still fast-forwards an edit on the current revision and refuses a base ahead of the server', () => {
      expect(decide(stored, edit({ baseRevision: 4 }), NOW, stored).kind).toBe('accept');
      expect(decide(stored, edit({ baseRevision: 9 }), NOW, { ...stored, revision: 9 }).kind).toBe('conflict');
    });
  });
});
