import { describe, expect, it } from 'vitest';
import type { CasWrite, StoredBook } from './book-store.ts';
import { assertDistinctBooks, checkWrite, nextVersion, type CurrentBook } from './book-writes.ts';
import { bookSize } from './paging.ts';

const version = { id: 'b1', title: 'T', author: 'A', content: '<p>text</p>', metadata: {}, updatedAt: 1, createdAt: 1, syncedAt: 1, deleted: false };
const stored: StoredBook = { ...version, revision: 3, owner: 'u1', seq: 7 };
const current: CurrentBook = { book: stored, size: bookSize(stored) };
const write = (expectedRevision: number | null, content = version.content, deleted = false): CasWrite => ({
  book: { ...version, content, deleted, revision: (expectedRevision ?? 0) + 1 },
  expectedRevision,
});
const roomy = { bytes: 0, quota: Number.POSITIVE_INFINITY };

describe('checkWrite', () => {
  it.each([
    ['creates a book nobody has', null, write(null), false, 'ok'],
    ['refuses to create an id another owner has', null, write(null), true, 'foreign'],
    ['refuses to update an id another owner has', null, write(3), true, 'foreign'],
    ['refuses to update a book the owner does not have', null, write(3), false, 'missing'],
    ['updates the revision it was based on', current, write(3), false, 'ok'],
    ['refuses an update based on an older revision', current, write(2), false, 'conflict'],
    ['refuses to create a book the owner already has', current, write(null), false, 'conflict'],
  ] as const)('%s', (_, found, casWrite, foreign, expected) => {
    const check = checkWrite(found, casWrite, roomy, foreign);

    expect(check.ok ? 'ok' : check.reason).toBe(expected);
    if (!check.ok && check.reason === 'conflict') expect(check.current).toBe(stored);
  });

  it('gives the size of the new version and how much it grows the owner total', () => {
    const longer = write(3, '<p>a longer text</p>');
    expect(checkWrite(current, longer, roomy)).toEqual({ ok: true, size: bookSize(longer.book), growth: bookSize(longer.book) - current.size });
  });

  it.each([
    ['a growing write past the quota', write(3, '<p>a longer text</p>'), 'quota'],
    ['a write that shrinks the book', write(3, '<p>t</p>'), 'ok'],
    ['a growing tombstone', write(3, '<p>a longer text</p>', true), 'ok'],
  ] as const)('with the owner at the quota, judges %s', (_, casWrite, expected) => {
    const full = { bytes: 1000, quota: 1000 };
    const check = checkWrite(current, casWrite, full);

    expect(check.ok ? 'ok' : check.reason).toBe(expected);
    if (!check.ok && check.reason === 'quota') expect(check.used).toBe(1000);
  });
});

describe('assertDistinctBooks', () => {
  it('refuses a step that writes one book twice', () => {
    expect(() => assertDistinctBooks([write(null), write(3)])).toThrow(/twice/);
    expect(() => assertDistinctBooks([write(null), { ...write(null), book: { ...version, id: 'b2', revision: 1 } }])).not.toThrow();
  });
});

describe('nextVersion', () => {
  const edit = { title: 'New', author: 'B', content: '<p>new</p>', metadata: { genre: 'x' }, deleted: false };

  it('writes a new book at revision 1, created and synced now', () => {
    expect(nextVersion('b9', null, { ...edit, baseRevision: 4 } as typeof edit, 50, 60)).toEqual({
      id: 'b9', ...edit, updatedAt: 50, createdAt: 60, syncedAt: 60, revision: 1,
    });
  });

  it('writes the next revision of a stored book, keeping its creation time and nothing of its record', () => {
    expect(nextVersion('b1', stored, edit, 50, 60)).toEqual({ id: 'b1', ...edit, updatedAt: 50, createdAt: stored.createdAt, syncedAt: 60, revision: 4 });
  });
});
