import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { createBookRepository } from '../books/repository.ts';
import { testDatabases } from '../testing.ts';
import { appendBookFile, importBookFile } from './library.ts';

const freshDb = testDatabases('library-test');
const file = (name: string, text: string) => new File([text], name);

describe('importing files into books', () => {
  it('makes a new book from a file, with its title, author and counts', async () => {
    const repo = createBookRepository(freshDb());
    const { book, dropped } = await importBookFile(file('notas.md', '---\ntitle: "Notas"\nauthor: "Ana"\n---\n\n# Uno\n\nDos *tres*.\n'), repo);
    expect(book).toMatchObject({ title: 'Notas', author: 'Ana', content: '<h1>Uno</h1><p>Dos <em>tres</em>.</p>', metadata: { wordCount: 3 } });
    expect(book.metadata.language).toBeUndefined();
    expect(dropped).toEqual([]);
    expect(await repo.list()).toHaveLength(1);
  });

  it('keeps the language a file declares as the book’s, in its canonical spelling; a malformed one is not kept', async () => {
    const repo = createBookRepository(freshDb());
    const { book } = await importBookFile(file('notas.md', '---\ntitle: "Notas"\nlang: "es-mx"\n---\n\nHola.\n'), repo);
    expect((await repo.get(book.id))?.metadata.language).toBe('es-MX');
    const { book: odd } = await importBookFile(file('raro.html', '<html lang="Spanish!"><body><p>Hola.</p></body></html>'), repo);
    expect((await repo.get(odd.id))?.metadata.language).toBeUndefined();
  });

  it('adds a file at the end of an existing book, keeping what was there', async () => {
    const repo = createBookRepository(freshDb());
    const existing = await repo.create({ title: 'Libro', content: '<p>Antes.</p>' });
    const { book, dropped } = await appendBookFile(file('extra.html', '<p>Después <img src="x.png"></p>'), existing.id, repo);
    expect(book.content).toBe('<p>Antes.</p><p>Después </p>');
    expect(dropped).toEqual([{ kind: 'image', count: 1 }]);
    expect(await repo.list()).toHaveLength(1);
  });

  it('leaves the library untouched when a file cannot be read', async () => {
    const repo = createBookRepository(freshDb());
    await expect(importBookFile(file('libro.pages', 'x'), repo)).rejects.toMatchObject({ name: 'ImportError', reason: 'format' });
    expect(await repo.list()).toHaveLength(0);
  });
});
