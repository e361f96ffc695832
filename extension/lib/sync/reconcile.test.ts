import { describe, expect, it } from 'vitest';
import type { ServerBook } from '../../../shared/protocol.ts';
import type { LocalBook } from './ports.ts';
import { versionMark } from '../books/db.ts';
import {
  afterAccepted,
  afterConflict,
  afterMerged,
  afterNotFound,
  afterRefused,
  afterResend,
  onPulled,
  shouldSend,
  toBookInput,
  withBase,
  type LocalDecision,
} from './reconcile.ts';

const ID = '6f1c1d0e-8a52-4c35-9d55-0d7a3c1f2b10';

function local(patch: Partial<LocalBook> = {}): LocalBook {
  return {
    id: ID,
    title: 'Novel',
    author: 'Ana',
    content: '<p>local</p>',
    metadata: { wordCount: 1, charCount: 5 },
    createdAt: 1_000,
    updatedAt: 2_000,
    dirty: 1,
    revision: 3,
    syncedAt: 1_500,
    deleted: 0,
    syncIssue: null,
    ...patch,
  };
}

function server(patch: Partial<ServerBook> = {}): ServerBook {
  return {
    id: ID,
    title: 'Novel',
    author: 'Ana',
    content: '<p>server</p>',
    metadata: { wordCount: 1, charCount: 6 },
    createdAt: 1_000,
    updatedAt: 3_000,
    syncedAt: 3_100,
    revision: 4,
    deleted: false,
    ...patch,
  };
}

const ids = () => {
  let n = 0;
  return () => `copy-${++n}`;
};

describe('toBookInput and shouldSend', () => {
  it('sends the revision the edit was based on and omits it for a book the server never saw', () => {
    expect(toBookInput(local()).baseRevision).toBe(3);
    expect('baseRevision' in toBookInput(local({ revision: null }))).toBe(false);
    expect(toBookInput(local({ deleted: 1 })).deleted).toBe(true);
  });

  it('sends a tombstone without content, so a book too large to sync can still be deleted', () => {
    const huge = '<p>' + 'x'.repeat(200_000) + '</p>';
    expect(toBookInput(local({ deleted: 1, content: huge })).content).toBe('');
    expect(toBookInput(local({ content: huge })).content).toBe(huge);
  });

  it('holds back a refused book until it is edited after the refusal', () => {
    const issue = { kind: 'invalid' as const, message: 'x', at: 2_500 };
    expect(shouldSend(local({ syncIssue: issue }))).toBe(false);
    expect(shouldSend(local({ syncIssue: issue, updatedAt: 2_501 }))).toBe(true);
    expect(shouldSend(local({ dirty: 0 }))).toBe(false);
  });
});

describe('afterAccepted', () => {
  it('marks an unchanged book clean with the new revision', () => {
    const sent = local();
    const d = afterAccepted(sent, sent, 4, 9_000, 9_000);
    expect(d.outcome).toBe('synced');
    expect(d.put).toMatchObject({ dirty: 0, revision: 4, syncedAt: 9_000, content: '<p>local</p>' });
  });

  it('keeps a book edited while its sync was in flight dirty, now based on the accepted revision', () => {
    const sent = local();
    const edited = local({ content: '<p>local, more</p>', updatedAt: 2_100 });
    const d = afterAccepted(edited, sent, 4, 9_000, 9_000);
    expect(d.outcome).toBe('synced-edited');
    expect(d.put).toMatchObject({ dirty: 1, revision: 4, content: '<p>local, more</p>' });
  });

  it('takes the content as the server stored it when it was sanitised, unless the book was edited meanwhile', () => {
    const sent = local({ content: '<p>a<br>b</p>' });
    const stored = server({ content: '<p>a<br />b</p>', revision: 4 });
    expect(afterAccepted(sent, sent, 4, 9_000, 9_000, stored).put).toMatchObject({ dirty: 0, content: '<p>a<br />b</p>' });
    const edited = local({ content: '<p>a<br>b, more</p>', updatedAt: 2_100 });
    expect(afterAccepted(edited, sent, 4, 9_000, 9_000, stored).put).toMatchObject({ dirty: 1, content: '<p>a<br>b, more</p>' });
  });

  it('takes every field as the server stored it: a trimmed title, a clamped edit time', () => {
    const sent = local({ title: ' Tide ', updatedAt: 99_000_000 });
    const stored = server({ title: 'Tide', updatedAt: 9_000, revision: 4 });
    expect(afterAccepted(sent, sent, 4, 9_000, 9_000, stored).put).toMatchObject({ title: 'Tide', updatedAt: 9_000, dirty: 0 });
  });

  it('removes a local tombstone once the server has the deletion', () => {
    const sent = local({ deleted: 1 });
    expect(afterAccepted(sent, sent, 4, 9_000, 9_000)).toEqual({ outcome: 'synced', remove: ID });
  });

  it('turns a book deleted outright during its first upload into a tombstone, so the deletion reaches the server', () => {
    const sent = local({ revision: null });
    const d = afterAccepted(undefined, sent, 1, 9_000, 9_000);
    expect(d.put).toMatchObject({ deleted: 1, dirty: 1, revision: 1 });
  });
});

describe('afterConflict', () => {
  it('makes the server version the book and keeps the local text as a conflict copy', () => {
    const sent = local();
    const d = afterConflict(sent, sent, server(), 9_000, ids());
    expect(d.outcome).toBe('conflict');
    expect(d.put).toMatchObject({ content: '<p>server</p>', revision: 4, dirty: 0 });
    expect(d.conflictCopy).toMatchObject({ id: 'copy-1', bookId: ID, content: '<p>local</p>', serverRevision: 4 });
  });

  it('keeps the newest local text when the book was edited while the losing version was in flight', () => {
    const edited = local({ content: '<p>newest</p>', updatedAt: 2_200 });
    const d = afterConflict(edited, local(), server(), 9_000, ids());
    expect(d.conflictCopy?.content).toBe('<p>newest</p>');
  });

  it('keeps the text of a book the server deleted meanwhile, and removes the book', () => {
    const d = afterConflict(local(), local(), server({ deleted: true }), 9_000, ids());
    expect(d.remove).toBe(ID);
    expect(d.conflictCopy?.content).toBe('<p>local</p>');
  });

  it("puts the local edits on top of the server's version when that is this device's own earlier edit (a lost answer)", () => {
    const own = server({ content: '<p>mine, sent</p>', updatedAt: 2_100 });
    const current = local({ content: '<p>mine, sent, and more</p>', updatedAt: 2_200, ownVersions: [versionMark(own)] });
    const d = afterConflict(current, current, own, 9_000, ids());
    expect(d.conflictCopy).toBeUndefined();
    expect(d).toMatchObject({ outcome: 'rebased', put: { content: '<p>mine, sent, and more</p>', revision: 4, dirty: 1 } });
    // Another writer's version (another time or size) is a real conflict.
    expect(afterConflict(current, current, server({ updatedAt: 2_100 }), 9_000, ids()).conflictCopy).toBeDefined();
  });

  it('keeps no copy when the local side was a deletion or the texts are identical', () => {
    expect(afterConflict(local({ deleted: 1 }), local({ deleted: 1 }), server(), 9_000, ids()).conflictCopy).toBeUndefined();
    const same = server({ content: '<p>local</p>', metadata: { charCount: 5, wordCount: 1 } });
    expect(afterConflict(local(), local(), same, 9_000, ids()).conflictCopy).toBeUndefined();
  });
});

describe('afterRefused', () => {
  const issue = { kind: 'invalid' as const, message: 'title: title is required', at: 9_000 };
  it('records the issue on the unchanged book and keeps its text and dirty flag', () => {
    const d = afterRefused(local(), local(), issue);
    expect(d.put).toMatchObject({ syncIssue: issue, dirty: 1, content: '<p>local</p>' });
  });
  it('does not mark a version the user has already replaced', () => {
    expect(afterRefused(local({ updatedAt: 2_001 }), local(), issue)).toEqual({ outcome: 'unchanged' });
  });
});

describe('afterNotFound', () => {
  it('moves the book to a fresh id so it can be uploaded as a new book', () => {
    const d = afterNotFound(local(), local(), () => 'new-id');
    expect(d).toMatchObject({ outcome: 'moved', remove: ID, put: { id: 'new-id', revision: null, dirty: 1 } });
  });
});

describe('onPulled', () => {
  const table: Array<[string, LocalBook | undefined, ServerBook, string]> = [
    ['a new book arrives', undefined, server(), 'applied'],
    ['a tombstone of an unknown book arrives', undefined, server({ deleted: true }), 'unchanged'],
    ['the echo of our own accepted write arrives', local({ dirty: 0, revision: 4 }), server(), 'unchanged'],
    ['a newer version of a clean book arrives', local({ dirty: 0 }), server(), 'applied'],
    ['a newer version arrives while local edits are unsent', local({ dirty: 1 }), server(), 'kept-local'],
    ['a tombstone arrives for a clean book', local({ dirty: 0 }), server({ deleted: true }), 'deleted'],
    ['a tombstone arrives while local edits are unsent', local({ dirty: 1 }), server({ deleted: true }), 'kept-local'],
  ];
  it.each(table)('decides correctly when %s', (_name, current, change, outcome) => {
    expect(onPulled(current, change).outcome).toBe(outcome);
  });

  it('fills in word and character counts the server copy lacks', () => {
    const d = onPulled(undefined, server({ metadata: {}, content: '<p>two words</p>' }));
    expect(d.put?.metadata).toMatchObject({ wordCount: 2, charCount: 9 });
  });
});

describe('withBase: the base each outcome leaves', () => {
  const agreed = (revision: number, content = '<p>server</p>') => ({ bookId: ID, revision, content, hash: 'h' });
  const now = 9_000;
  it.each<[string, () => LocalDecision, number, 'set' | 'dropped' | 'kept']>([
    ['synced: the text the server holds at the new revision', () => afterAccepted(local(), local(), 4, now, now), 4, 'set'],
    ['synced-edited: the text sent, at the new revision', () => afterAccepted(local({ content: '<p>more</p>', updatedAt: 2_100 }), local(), 4, now, now), 4, 'set'],
    ['a tombstone the server took: dropped with the book', () => afterAccepted(local({ deleted: 1 }), local({ deleted: 1 }), 4, now, now), 4, 'dropped'],
    ['conflict: the winning version', () => afterConflict(local(), local(), server(), now, ids()), 4, 'set'],
    ['conflict with a server deletion: dropped', () => afterConflict(local(), local(), server({ deleted: true }), now, ids()), 4, 'dropped'],
    ['rebased on its own earlier version', () => afterConflict(local({ ownVersions: [versionMark({ ...server(), title: 'Novel', author: 'Ana' })] }), local(), server(), now, ids()), 4, 'set'],
    ['pulled and applied', () => onPulled(local({ dirty: 0 }), server()), 4, 'set'],
    ['pulled deletion: dropped', () => onPulled(local({ dirty: 0 }), server({ deleted: true })), 4, 'dropped'],
    ['pulled over unsent edits (kept-local): kept on its revision', () => onPulled(local(), server()), 4, 'kept'],
    ['pulled, older than the local revision: kept', () => onPulled(local({ dirty: 0, revision: 5 }), server()), 4, 'kept'],
    ['refused: kept', () => afterRefused(local(), local(), { kind: 'invalid', message: 'x', at: 1 }), 4, 'kept'],
    ['moved to a new id: dropped, the new id has none', () => afterNotFound(local(), local(), ids()), 4, 'dropped'],
    ['a text agreed at another revision is never the base', () => afterAccepted(local(), local(), 4, now, now), 5, 'kept'],
  ])('%s', (_name, decide, revision, expected) => {
    const decision = withBase(decide(), agreed(revision));
    if (expected === 'set') expect(decision.base).toEqual(agreed(revision));
    else expect(decision.base).toBeUndefined();
    expect(decision.dropBase).toBe(expected === 'dropped' ? ID : undefined);
  });

  it('resend drops the base, so the book goes whole', () => {
    expect(afterResend(local())).toEqual({ outcome: 'resend', dropBase: ID });
  });
});

describe('afterMerged', () => {
  const rest = '<p>Middle.</p><p>End.</p>';
  const sent = local({ content: '<p>One cat.</p>' + rest });
  const merged = server({ content: '<p>One cat.</p>' + rest.replace('End.', 'End, said B.'), revision: 6, title: 'Novel (B)' });
  const context = { now: 9_000, newId: ids() };
  const overlap = { base: 'fish.', kept: 'cat.', lost: 'dog.', keptSide: 'stored' as const };

  it('makes the merged book the local copy, clean, and records the overlaps from this device\'s side', () => {
    const d = afterMerged(sent, sent, merged, [overlap], context);
    expect(d.outcome).toBe('merged');
    expect(d.put).toMatchObject({ content: merged.content, title: 'Novel (B)', revision: 6, dirty: 0 });
    expect(d.overlaps).toEqual([
      { id: 'copy-1', bookId: ID, revision: 6, at: 9_000, base: 'fish.', kept: 'cat.', lost: 'dog.', keptSide: 'other-device' },
    ]);
  });

  it('merges edits made while the request was in flight on top, keeping fields edited here and taking the others', () => {
    const current = local({ content: '<p>One cat.</p><p>Middle, typed later.</p><p>End.</p>', author: 'Ana M.', updatedAt: 2_500 });
    const d = afterMerged(current, sent, merged, [], { now: 9_000, newId: ids() });
    expect(d.outcome).toBe('merged-edited');
    expect(d.put).toMatchObject({
      content: '<p>One cat.</p><p>Middle, typed later.</p><p>End, said B.</p>',
      title: 'Novel (B)',
      author: 'Ana M.',
      revision: 6,
      dirty: 1,
      updatedAt: 2_500,
      metadata: { wordCount: 8 },
    });
    expect(d.overlaps ?? []).toEqual([]);
  });

  it('lets an edit made in flight win a passage the merge also changed, and records what it replaced', () => {
    const current = local({ content: '<p>One cat.</p><p>Middle.</p><p>End, said A.</p>', updatedAt: 2_500 });
    const d = afterMerged(current, sent, merged, [], { now: 9_000, newId: ids() });
    expect(d.put?.content).toBe('<p>One cat.</p><p>Middle.</p><p>End, said A.</p>');
    expect(d.overlaps).toEqual([expect.objectContaining({ base: 'End.', kept: 'End, said A.', lost: 'End, said B.', keptSide: 'this-device', revision: 6 })]);
  });

  it('keeps a deletion made while the request was in flight on the revision its writer saw when the merge brought in other words', () => {
    // Found by the convergence property: based on the merged revision, the tombstone would delete words of another
    // device (here "said B." and the title) that this writer never saw; on its own base the server weighs it instead.
    const current = local({ deleted: 1, updatedAt: 2_500 });
    const d = afterMerged(current, sent, merged, [], context);
    expect(d).toMatchObject({ outcome: 'merged-edited', put: { deleted: 1, dirty: 1, revision: 3, updatedAt: 2_500 } });
    expect(withBase(d, { bookId: ID, revision: 6, content: merged.content, hash: 'h' }).base).toBeUndefined();
  });

  it('bases a deletion made in flight on the merged revision when the merge holds only what this device sent', () => {
    const current = local({ deleted: 1, updatedAt: 2_500 });
    const same = server({ title: sent.title, author: sent.author, content: sent.content, metadata: { wordCount: 9, charCount: 40 }, revision: 6 });
    expect(afterMerged(current, sent, same, [], context).put).toMatchObject({ deleted: 1, dirty: 1, revision: 6 });
  });

  it('sets aside a title the merge changed when this device renamed the book in flight (never replaced unseen)', () => {
    // Found by the convergence property: the next push is based on the merged revision, so without this record the
    // other device's title would be replaced by a rename whose writer never saw it.
    const current = local({ content: sent.content, title: 'Novel (A)', updatedAt: 2_500 });
    const d = afterMerged(current, sent, merged, [], { now: 9_000, newId: ids() });
    expect(d.put).toMatchObject({ title: 'Novel (A)', content: merged.content, revision: 6, dirty: 1 });
    expect(d.overlaps).toEqual([expect.objectContaining({ base: 'Novel', kept: 'Novel (A)', lost: 'Novel (B)', keptSide: 'this-device' })]);
  });
});
