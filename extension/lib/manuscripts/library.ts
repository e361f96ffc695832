// Whole-library actions of the pages: importing a file as a new book, backing up every book, restoring a backup.
import type { LocalBook } from '../books/db.ts';
import { canonicalLanguage, LANGUAGE_METADATA_KEY } from '../books/language.ts';
import type { BookRepository } from '../books/repository.ts';
import { saveFile } from './download.ts';
import type { Dropped } from './import.ts';

export interface ImportResult {
  book: LocalBook;
  dropped: Dropped[];
}

/** Reads `file` (DOCX, Markdown, HTML or text) into a new book. */
export async function importBookFile(file: File, repo: BookRepository): Promise<ImportResult> {
  const { importManuscript } = await import('./import.ts');
  const imported = await importManuscript(file.name, new Uint8Array(await file.arrayBuffer()));
  const created = await repo.create({ title: imported.title, author: imported.author, content: imported.content });
  // The language the file declares becomes the book's (exports write it; a malformed one is not kept).
  const language = imported.language && canonicalLanguage(imported.language);
  const book = language ? await repo.save(created.id, { metadata: { [LANGUAGE_METADATA_KEY]: language } }) : created;
  return { book, dropped: imported.dropped };
}

/** Reads `file` and adds its text at the end of the book `bookId` (as a clip is added: the open editor takes it in). */
export async function appendBookFile(file: File, bookId: string, repo: BookRepository): Promise<ImportResult> {
  const { importManuscript } = await import('./import.ts');
  const imported = await importManuscript(file.name, new Uint8Array(await file.arrayBuffer()));
  const book = await repo.append(bookId, imported.content);
  return { book, dropped: imported.dropped };
}

/** Downloads one archive of every book; returns how many it holds. */
export async function downloadBackup(repo: BookRepository, now = new Date()): Promise<number> {
  const { makeBackup, backupFileName } = await import('./backup.ts');
  const books = await repo.list();
  saveFile({ filename: backupFileName(now), type: 'application/zip', bytes: makeBackup(books, now) });
  return books.length;
}

export interface RestoreSummary {
  restored: number;
  copies: number;
  unchanged: number;
}

/**
 * Restores every book of a backup archive. A book already here with the same title, author and text is left alone
 * (so restoring twice changes nothing); one whose id is free comes back under its id; one whose id is taken by a
 * different version (edited since, or deleted here) comes back as a new book beside it, so neither version is lost.
 */
export async function restoreBackupFile(file: File, repo: BookRepository): Promise<RestoreSummary> {
  const { readBackup, sameText } = await import('./backup.ts');
  const books = readBackup(new Uint8Array(await file.arrayBuffer()));
  const here = await repo.list();
  const summary: RestoreSummary = { restored: 0, copies: 0, unchanged: 0 };
  for (const book of books) {
    if (here.some((b) => sameText(b, book))) {
      summary.unchanged++;
      continue;
    }
    const added = await repo.addRestored(book);
    if (added) {
      summary.restored++;
      here.push(added);
      continue;
    }
    // The id is taken here by another version (edited since, or deleted): the backup's comes back beside it.
    here.push(await repo.create({ title: book.title, author: book.author, content: book.content }));
    summary.copies++;
  }
  return summary;
}
