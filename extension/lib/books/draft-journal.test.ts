import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createBookRepository } from './repository.ts';
import { clearJournal, replayJournal, writeJournal } from './draft-journal.ts';
import { testDatabases } from '../testing.ts';

/** The Storage interface over a Map (localStorage is not available in node). */
class MemoryStorage implements Storage {
  private map = new Map<string, string>();
  get length() {
    return this.map.size;
  }
  clear() {
    this.map.clear();
  }
  getItem(key: string) {
    return this.map.get(key) ?? null;
  }
  key(index: number) {
    return [...this.map.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.map.delete(key);
  }
  setItem(key: string, value: string) {
    this.map.set(key, value);
  }
}

const freshDb = testDatabases('journal-test');

function setup() {
  return { repo: createBookRepository(freshDb()), storage: new MemoryStorage() };
}

describe('the unsaved-edits journal', () => {
  it('stores typing that a closed page could not save, on the next start', async () => {
    const { repo, storage } = setup();
    const book = await repo.create({ content: '<p>saved</p>' });
    writeJournal(storage, { bookId: book.id, content: '<p>saved and more</p>', title: 'T', baseContent: '<p>saved</p>', at: Date.now() });
    expect(await replayJournal(storage, repo)).toEqual([book.id]);
    expect(await repo.get(book.id)).toMatchObject({ content: '<p>saved and more</p>', title: 'T', dirty: 1 });
    expect(storage.length).toBe(0);
  });

  it('drops an entry whose edit the database already holds', async () => {
    const { repo, storage } = setup();
    const book = await repo.create({ content: '<p>done</p>', title: 'T' });
    writeJournal(storage, { bookId: book.id, content: '<p>done</p>', title: 'T', baseContent: '<p>done</p>', at: 1 });
    expect(await replayJournal(storage, repo)).toEqual([]);
    expect((await repo.get(book.id))?.updatedAt).toBe(book.updatedAt);
  });

  it('keeps a clip that arrived after the page closed behind the replayed typing', async () => {
    const { repo, storage } = setup();
    const book = await repo.create({ content: '<p>a</p>' });
    writeJournal(storage, { bookId: book.id, content: '<p>a b</p>', baseContent: '<p>a</p>', at: Date.now() });
    await repo.append(book.id, '<blockquote><p>clip</p></blockquote>');
    await replayJournal(storage, repo);
    expect((await repo.get(book.id))?.content).toBe('<p>a b</p><blockquote><p>clip</p></blockquote>');
  });

  it('forgets entries of deleted books and entries it cannot read', async () => {
    const { repo, storage } = setup();
    writeJournal(storage, { bookId: '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b', content: '<p>x</p>', baseContent: '', at: 1 });
    storage.setItem('anclora:unsaved:broken', '{not json');
    storage.setItem('unrelated', 'kept');
    expect(await replayJournal(storage, repo)).toEqual([]);
    expect(storage.length).toBe(1);
    expect(storage.getItem('unrelated')).toBe('kept');
  });

  it('is cleared for a book once its save succeeded', () => {
    const { storage } = setup();
    writeJournal(storage, { bookId: 'b', content: '<p>x</p>', baseContent: '', at: 1 });
    clearJournal(storage, 'b');
    expect(storage.length).toBe(0);
  });
});
