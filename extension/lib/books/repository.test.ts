import 'fake-indexeddb/auto';
import Dexie from 'dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { BookNotFoundError, appendedSince, createBookRepository } from './repository.ts';
import { AncloraDB, MIGRATIONS, type LocalBook, type Migration } from './db.ts';
import { testDatabases } from '../testing.ts';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const freshDb = testDatabases('books-test');
const opened: Dexie[] = [];

/** A repository with a clock the test moves by hand. */
function setup(start = 1_000_000) {
  const db = freshDb();
  const clock = { now: start };
  const repo = createBookRepository(db, { now: () => clock.now });
  return { db, repo, clock };
}

afterEach(async () => {
  for (const db of opened.splice(0)) {
    db.close();
    await Dexie.delete(db.name);
  }
});

describe('the book repository', () => {
  it('announces every committed write, and neither reads nor failed writes', async () => {
    const db = freshDb();
    let announced = 0;
    const repo = createBookRepository(db, { announce: () => announced++ });
    const book = await repo.create({ title: 'Tide' });
    await repo.save(book.id, { content: '<p>One.</p>' });
    await repo.append(book.id, '<p>Clip</p>');
    await repo.rename(book.id, 'High Tide');
    const removed = await repo.remove(book.id);
    await repo.restore(removed);
    expect(announced).toBe(6);
    await repo.get(book.id);
    await repo.list();
    await expect(repo.save('00000000-0000-4000-8000-000000000000', { title: 'x' })).rejects.toBeInstanceOf(BookNotFoundError);
    expect(announced).toBe(6);
  });

  it('creates a dirty, never-synced book with a v4 UUID, counts and timestamps', async () => {
    const { repo } = setup();
    const book = await repo.create({ title: '  My novel ', author: 'Ana', content: '<p>Call me Ishmael.</p>' });
    expect(book).toMatchObject({
      title: 'My novel',
      author: 'Ana',
      content: '<p>Call me Ishmael.</p>',
      metadata: { wordCount: 3, charCount: 16 },
      createdAt: 1_000_000,
      updatedAt: 1_000_000,
      dirty: 1,
      revision: null,
      syncedAt: null,
      deleted: 0,
      syncIssue: null,
    });
    expect(book.id).toMatch(UUID_V4);
    expect(await repo.get(book.id)).toEqual(book);
  });

  it('gives an untitled book a placeholder title because the server requires one', async () => {
    const { repo } = setup();
    expect((await repo.create({ title: '   ' })).title).toBe('Untitled');
  });

  it('lists live books most recently edited first, and finds them by title regardless of case', async () => {
    const { repo, clock } = setup();
    const a = await repo.create({ title: 'Alpha chapter' });
    clock.now += 10;
    const b = await repo.create({ title: 'Beta' });
    clock.now += 10;
    await repo.save(a.id, { content: '<p>edited</p>' });
    expect((await repo.list()).map((x) => x.title)).toEqual(['Alpha chapter', 'Beta']);
    expect((await repo.list('CHAPTER')).map((x) => x.id)).toEqual([a.id]);
    expect(await repo.list('nothing like it')).toEqual([]);
    await repo.remove(b.id);
    expect((await repo.list()).map((x) => x.id)).toEqual([a.id]);
  });

  it('marks every save dirty with a newer updatedAt and recounts words when the content changes', async () => {
    const { db, repo, clock } = setup();
    const book = await repo.create({ content: '<p>one</p>' });
    await db.books.update(book.id, { dirty: 0, revision: 3, syncedAt: 5 });
    clock.now += 100;
    const saved = await repo.save(book.id, { content: '<p>one two <strong>three</strong></p>' });
    expect(saved).toMatchObject({ dirty: 1, updatedAt: 1_000_100, revision: 3, metadata: { wordCount: 3 } });
    expect(await repo.get(book.id)).toEqual(saved);
  });

  it('never reuses an updatedAt, even for two saves in the same millisecond', async () => {
    const { repo } = setup();
    const book = await repo.create();
    const first = await repo.save(book.id, { author: 'A' });
    const second = await repo.save(book.id, { author: 'B' });
    expect(first.updatedAt).toBeGreaterThan(book.updatedAt);
    expect(second.updatedAt).toBeGreaterThan(first.updatedAt);
  });

  it('takes the counts from the caller when given, and recounts when a clip was merged in', async () => {
    const { repo } = setup();
    const book = await repo.create({ content: '<p>a</p>' });
    const counts = { wordCount: 2, charCount: 3 };
    expect((await repo.save(book.id, { content: '<p>a b</p>' }, { counts })).metadata).toMatchObject(counts);
    await repo.append(book.id, '<p>clip words</p>');
    const merged = await repo.save(book.id, { content: '<p>a b c</p>' }, { baseContent: '<p>a b</p>', counts });
    expect(merged.content).toBe('<p>a b c</p><p>clip words</p>');
    expect(merged.metadata).toMatchObject({ wordCount: 5 });
  });

  it('keeps metadata other than the counts when content changes', async () => {
    const { db, repo } = setup();
    const book = await repo.create({ content: '<p>a</p>' });
    await db.books.update(book.id, { metadata: { ...book.metadata, genre: 'noir' } });
    const saved = await repo.save(book.id, { content: '<p>a b</p>' });
    expect(saved.metadata).toEqual({ wordCount: 2, charCount: 3, genre: 'noir' });
  });

  it('sets metadata entries as a dirty edit, keeping the other entries and its own counts', async () => {
    const { repo } = setup();
    const book = await repo.create({ content: '<p>Two words</p>' });
    const saved = await repo.save(book.id, { metadata: { citation: { style: 'mla', language: 'es' }, wordCount: 99 } });
    expect(saved.metadata).toEqual({ citation: { style: 'mla', language: 'es' }, wordCount: 2, charCount: 9 });
    expect(saved.dirty).toBe(1);
    const again = await repo.save(book.id, { metadata: { other: 1 }, content: '<p>Three words now</p>' });
    expect(again.metadata).toEqual({ citation: { style: 'mla', language: 'es' }, other: 1, wordCount: 3, charCount: 15 });
  });

  it('renames a book, keeping the old title when the new one is blank', async () => {
    const { repo } = setup();
    const book = await repo.create({ title: 'Old' });
    expect((await repo.rename(book.id, 'New')).title).toBe('New');
    expect((await repo.rename(book.id, '  ')).title).toBe('New');
  });

  it('appends to the end of a book in one step (clipping)', async () => {
    const { repo } = setup();
    const book = await repo.create({ content: '<p>mine</p>' });
    const saved = await repo.append(book.id, '<blockquote><p>quoted words</p></blockquote>');
    expect(saved.content).toBe('<p>mine</p><blockquote><p>quoted words</p></blockquote>');
    expect(saved.metadata.wordCount).toBe(3);
  });

  it('keeps a clip appended after the editor loaded the book when the editor saves its text', async () => {
    const { repo } = setup();
    const book = await repo.create({ content: '<p>draft</p>' });
    await repo.append(book.id, '<blockquote><p>clip</p></blockquote>');
    const saved = await repo.save(book.id, { content: '<p>draft, revised</p>' }, { baseContent: '<p>draft</p>' });
    expect(saved.content).toBe('<p>draft, revised</p><blockquote><p>clip</p></blockquote>');
  });

  it('merges the editor\'s text with a change stored after the editor read the book (a sync pull), losing neither', async () => {
    const { db, repo } = setup();
    const base = '<h2>One</h2><p>The first chapter.</p><h2>Two</h2><p>The second chapter.</p>';
    const book = await repo.create({ content: base });
    await repo.save(book.id, { content: base.replace('The first chapter.', 'The first chapter, edited elsewhere.') });
    const typed = base.replace('The second chapter.', 'The second chapter, typed here.');
    const saved = await repo.save(book.id, { content: typed }, { baseContent: base, counts: { wordCount: 1, charCount: 1 } });
    expect(saved.content).toBe('<h2>One</h2><p>The first chapter, edited elsewhere.</p><h2>Two</h2><p>The second chapter, typed here.</p>');
    // Counts of the merged text, not of what the editor sent; a clean merge makes no conflict copy.
    expect(saved.metadata.wordCount).toBe(12);
    expect(await db.conflicts.count()).toBe(0);
  });

  it('lets the newer local text win where both changed the same words, keeping the stored text as a conflict copy', async () => {
    const { db, repo } = setup();
    const book = await repo.create({ content: '<p>draft</p>' });
    await repo.save(book.id, { content: '<p>pulled from another device</p>' });
    const saved = await repo.save(book.id, { content: '<p>typed here</p>' }, { baseContent: '<p>draft</p>' });
    expect(saved.content).toBe('<p>typed here</p>');
    const copies = await db.conflicts.toArray();
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatchObject({ bookId: book.id, content: '<p>pulled from another device</p>' });
  });

  it('removes a never-synced book outright', async () => {
    const { db, repo } = setup();
    const book = await repo.create();
    await repo.remove(book.id);
    expect(await db.books.get(book.id)).toBeUndefined();
  });

  it('turns a synced book into a dirty tombstone hidden from the UI', async () => {
    const { db, repo, clock } = setup();
    const book = await repo.create();
    await db.books.update(book.id, { revision: 4, dirty: 0 });
    clock.now += 5;
    await repo.remove(book.id);
    expect(await db.books.get(book.id)).toMatchObject({ deleted: 1, dirty: 1, revision: 4, updatedAt: 1_000_005 });
    expect(await repo.get(book.id)).toBeUndefined();
    expect(await repo.list()).toEqual([]);
  });

  it('undoes a deletion, as a new dirty edit of the same book', async () => {
    const { db, repo, clock } = setup();
    const synced = await repo.create({ title: 'Synced', content: '<p>kept</p>' });
    await db.books.update(synced.id, { revision: 2, dirty: 0 });
    const local = await repo.create({ title: 'Local' });
    clock.now += 5;
    const removedSynced = await repo.remove(synced.id);
    const removedLocal = await repo.remove(local.id);
    clock.now += 5;
    await repo.restore(removedSynced);
    await repo.restore(removedLocal);
    expect(await repo.get(synced.id)).toMatchObject({ content: '<p>kept</p>', deleted: 0, dirty: 1, revision: 2 });
    const restoredLocal = (await repo.get(local.id)) as LocalBook;
    expect(restoredLocal).toMatchObject({ title: 'Local', revision: null, dirty: 1 });
    expect(restoredLocal.updatedAt).toBeGreaterThan(local.updatedAt);
  });

  it('refuses to save, append or delete a book that does not exist', async () => {
    const { repo } = setup();
    const missing = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
    await expect(repo.save(missing, { title: 'x' })).rejects.toBeInstanceOf(BookNotFoundError);
    await expect(repo.append(missing, '<p>x</p>')).rejects.toBeInstanceOf(BookNotFoundError);
    await expect(repo.remove(missing)).rejects.toBeInstanceOf(BookNotFoundError);
  });

  it('notifies watchers of the list and of one book when a book changes', async () => {
    const { repo } = setup();
    const book = await repo.create({ title: 'Watched' });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const subscription = repo.watchBook(book.id).subscribe((b) => {
        seen.push(b?.title ?? '(gone)');
        if (b?.title === 'Renamed') {
          subscription.unsubscribe();
          resolve();
        }
      });
    });
    const listed = new Promise<string[]>((resolve) => {
      const subscription = repo.watchList().subscribe((books) => {
        if (books[0]?.title === 'Renamed') {
          subscription.unsubscribe();
          resolve(books.map((b) => b.title));
        }
      });
    });
    await repo.rename(book.id, 'Renamed');
    await done;
    expect(seen.at(-1)).toBe('Renamed');
    expect(await listed).toEqual(['Renamed']);
  });
});

describe('the database schema', () => {
  it('is named AncloraPress and has the agreed tables and indexes', () => {
    const db = new AncloraDB(undefined, { autoOpen: false });
    expect(db.name).toBe('AncloraPress');
    const schema = Object.fromEntries(
      db.tables.map((t) => [t.name, [t.schema.primKey.src, ...t.schema.indexes.map((i) => i.src)].join(', ')]),
    );
    expect(schema).toEqual({
      books: 'id, updatedAt, dirty, title',
      conflicts: 'id, bookId',
      kv: 'key',
      bases: 'bookId',
      overlaps: 'id, bookId',
      unanswered: 'bookId',
      trash: 'bookId, deletedAt',
      snapshots: 'id, bookId, at',
      snapshotTexts: 'id',
    });
  });

  it('numbers its migrations 1, 2, 3… without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });

  // Each step is tested by opening a database written by the previous schema with the next one. The second step
  // below is a stand-in that shows the pattern a real version 2 will follow (add the step to MIGRATIONS and here).
  it('opens a database written by version 1 with every later migration applied and no book lost', async () => {
    const name = `migration-test-${crypto.randomUUID()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(MIGRATIONS[0]!.stores);
    await v1.table('books').add({ id: 'b1', title: 'Old', content: '<p>old text</p>', updatedAt: 1, dirty: 0 });
    v1.close();

    const nextStep: Migration = {
      version: MIGRATIONS.length + 1,
      stores: { books: '&id, updatedAt, dirty, title, deleted' },
      upgrade: async (tx) => {
        await tx.table('books').toCollection().modify((b: Partial<LocalBook>) => void (b.deleted ??= 0));
      },
    };
    const upgraded = new AncloraDB(name, {}, [...MIGRATIONS, nextStep]);
    opened.push(upgraded);
    const book = await upgraded.books.get('b1');
    expect(book).toMatchObject({ title: 'Old', content: '<p>old text</p>', deleted: 0 });
    expect(upgraded.verno).toBe(nextStep.version);
    expect(await upgraded.books.where('deleted').equals(0).count()).toBe(1);
  });
});

describe('migration 2 (sync v2: the device keeps the base)', () => {
  it('gives every clean synced book its text as base, and none to a book with unsynced edits, a tombstone or a new book', async () => {
    const name = `migration-2-${crypto.randomUUID()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores(MIGRATIONS[0]!.stores);
    const book = (id: string, fields: Partial<LocalBook>): LocalBook => ({
      id, title: id, author: '', content: `<p>${id} text</p>`, metadata: { wordCount: 2, charCount: 8 },
      createdAt: 1, updatedAt: 2, dirty: 0, revision: 3, syncedAt: 2, deleted: 0, syncIssue: null, ...fields,
    });
    await v1.table('books').bulkAdd([
      book('clean', {}),
      book('edited', { dirty: 1 }),
      book('new', { dirty: 1, revision: null, syncedAt: null }),
      book('tombstone', { dirty: 1, deleted: 1 }),
    ]);
    await v1.table('conflicts').add({ id: 'c1', bookId: 'edited', content: '<p>kept</p>' });
    v1.close();

    const upgraded = new AncloraDB(name, {}, MIGRATIONS.slice(0, 2));
    opened.push(upgraded);
    expect(upgraded.verno).toBe(2);
    expect(await upgraded.bases.toArray()).toEqual([{ bookId: 'clean', revision: 3, content: '<p>clean text</p>', hash: null }]);
    // Nothing else changed: the books and conflict copies are as version 1 left them.
    expect((await upgraded.books.toArray()).map((b) => [b.id, b.content, b.dirty])).toEqual([
      ['clean', '<p>clean text</p>', 0],
      ['edited', '<p>edited text</p>', 1],
      ['new', '<p>new text</p>', 1],
      ['tombstone', '<p>tombstone text</p>', 1],
    ]);
    expect(await upgraded.conflicts.count()).toBe(1);
    expect(await upgraded.overlaps.count()).toBe(0);
    expect(await upgraded.unanswered.count()).toBe(0);
  });
});

describe('appendedSince', () => {
  it.each<[string, string, string, string | null]>([
    ['equal texts', '<p>a</p>', '<p>a</p>', ''],
    ['a clip appended', '<p>a</p>', '<p>a</p><blockquote>c</blockquote>', '<blockquote>c</blockquote>'],
    ['an edit inside the text', '<p>a</p>', '<p>b</p><blockquote>c</blockquote>', null],
    ['text removed at the end', '<p>a</p><p>b</p>', '<p>a</p>', null],
    ['from an empty book', '', '<p>c</p>', '<p>c</p>'],
  ])('%s', (_name, base, current, expected) => {
    expect(appendedSince(base, current)).toBe(expected);
  });
});
