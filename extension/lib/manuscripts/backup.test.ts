import 'fake-indexeddb/auto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createBookRepository } from '../books/repository.ts';
import { countHtml } from '../books/words.ts';
import { testDatabases } from '../testing.ts';
import { BackupError, makeBackup, readBackup, type BackupBook } from './backup.ts';
import { restoreBackupFile } from './library.ts';
import { citedBook, SAMPLE_BOOK, generatedBook } from './sample.testing.ts';

const freshDb = testDatabases('backup-test');
const AT = new Date('2026-11-29T10:00:00Z');

const BOOKS: BackupBook[] = [
  { ...SAMPLE_BOOK, metadata: { wordCount: 110, charCount: 700, language: 'es' }, createdAt: 1_000, updatedAt: 2_000 },
  { ...generatedBook(2_000), metadata: { wordCount: 2_000, charCount: 12_000 }, createdAt: 3_000, updatedAt: 4_000 },
  { id: 'b3', title: 'Sin autor / con barra', author: '', content: '<p>Breve.</p>', metadata: { wordCount: 1, charCount: 6 }, createdAt: 5_000, updatedAt: 6_000 },
];

const archiveFile = (bytes: Uint8Array) => new File([bytes as Uint8Array<ArrayBuffer>], 'backup.zip', { type: 'application/zip' });

describe('the backup archive', () => {
  it('holds each book as its exact stored HTML and as Markdown, with a manifest of metadata and clip sources', () => {
    const files = unzipSync(makeBackup(BOOKS, AT));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest).toMatchObject({ format: 'anclora-press-backup', version: 1, createdAt: AT.toISOString() });
    expect(manifest.books).toHaveLength(3);
    const sample = manifest.books[0];
    expect(strFromU8(files[sample.html]!)).toBe(SAMPLE_BOOK.content);
    expect(strFromU8(files[sample.markdown]!)).toContain('# Capítulo uno: La llegada');
    expect(sample.sources).toEqual([{ label: '— Veinte mil leguas, 12 mar 2026', url: 'https://example.org/verne' }]);
    expect(manifest.books[2].markdown).toMatch(/^books\/Sin autor con barra \(b3\)\//);
  });

  it('lists the sources of references in any citation style, once each', () => {
    const cited = { ...citedBook({ style: 'chicago', language: 'en' }), createdAt: 1, updatedAt: 2 };
    const manifest = JSON.parse(strFromU8(unzipSync(makeBackup([cited], AT))['manifest.json']!));
    expect(manifest.books[0].sources.map((s: { url: string }) => s.url)).toEqual([
      'https://example.org/puerto',
      'https://doi.org/10.1234/coast.2020.3',
      'https://es.wikipedia.org/wiki/Faro',
    ]);
    expect(manifest.books[0].sources[0].label).toMatch(/^Zúñiga, Marta\. “El puerto de noche\.”/);
  });

  it('reads back exactly the books it was made from', () => {
    expect(readBackup(makeBackup(BOOKS, AT))).toEqual(BOOKS);
  });

  it('refuses what is not one of its archives, and archives of a newer version', () => {
    expect(() => readBackup(strToU8('not a zip'))).toThrow(BackupError);
    expect(() => readBackup(zipSync({ 'other.txt': strToU8('x') }))).toThrow(expect.objectContaining({ reason: 'not_backup' }));
    const newer = zipSync({ 'manifest.json': strToU8(JSON.stringify({ format: 'anclora-press-backup', version: 99, books: [] })) });
    expect(() => readBackup(newer)).toThrow(expect.objectContaining({ reason: 'newer_version' }));
    const files = unzipSync(makeBackup(BOOKS, AT));
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    delete files[manifest.books[1].html];
    expect(() => readBackup(zipSync(files))).toThrow(expect.objectContaining({ reason: 'damaged' }));
  });
});

describe('restoring a backup', () => {
  it('restores every book under its id on a fresh browser, and restoring twice changes nothing', async () => {
    const repo = createBookRepository(freshDb());
    const archive = archiveFile(makeBackup(BOOKS, AT));
    expect(await restoreBackupFile(archive, repo)).toEqual({ restored: 3, copies: 0, unchanged: 0 });
    const restored = await repo.list();
    for (const book of BOOKS) {
      expect(restored.find((b) => b.id === book.id)).toEqual(
        // Counts are recounted from the text; every other metadata key comes back as it was.
        expect.objectContaining({ ...book, metadata: { ...book.metadata, ...countHtml(book.content) }, dirty: 1, revision: null }),
      );
    }
    expect(await restoreBackupFile(archive, repo)).toEqual({ restored: 0, copies: 0, unchanged: 3 });
    expect(await repo.list()).toHaveLength(3);
  });

  it('keeps a book edited since the backup and brings the backup’s version back beside it, once', async () => {
    const repo = createBookRepository(freshDb());
    const archive = archiveFile(makeBackup(BOOKS, AT));
    await restoreBackupFile(archive, repo);
    await repo.save('b3', { content: '<p>Breve, y corregido.</p>' });
    expect(await restoreBackupFile(archive, repo)).toEqual({ restored: 0, copies: 1, unchanged: 2 });
    expect(await restoreBackupFile(archive, repo)).toEqual({ restored: 0, copies: 0, unchanged: 3 });
    const versions = (await repo.list()).filter((b) => b.title === 'Sin autor / con barra').map((b) => b.content);
    expect(versions.sort()).toEqual(['<p>Breve, y corregido.</p>', '<p>Breve.</p>']);
  });

  it('brings back a book deleted here (a tombstone waiting for the server) as a new book', async () => {
    const db = freshDb();
    const repo = createBookRepository(db);
    await restoreBackupFile(archiveFile(makeBackup(BOOKS, AT)), repo);
    await db.books.update('b3', { revision: 4, dirty: 0 });
    await repo.remove('b3');
    expect(await restoreBackupFile(archiveFile(makeBackup(BOOKS, AT)), repo)).toEqual({ restored: 0, copies: 1, unchanged: 2 });
    expect((await db.books.get('b3'))?.deleted).toBe(1);
    expect((await repo.list()).filter((b) => b.content === '<p>Breve.</p>')).toHaveLength(1);
  });
});
