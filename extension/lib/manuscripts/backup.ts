// The backup archive of every book: a zip holding each book's exact stored HTML and its Markdown, plus a JSON
// manifest (metadata and clip sources); and the plan for restoring one without ever making a duplicate.
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import { citedSources } from './bibliography.ts';
import { inlineText, toManuscript, type Block } from './document.ts';
import { exportFileName } from './export.ts';
import { manuscriptToMarkdown } from './markdown.ts';

export const BACKUP_FORMAT = 'anclora-press-backup';
export const BACKUP_VERSION = 1;

/** What a backup holds of a book (a LocalBook fits). */
export interface BackupBook {
  id: string;
  title: string;
  author: string;
  content: string;
  metadata: { [key: string]: unknown };
  createdAt: number;
  updatedAt: number;
}

export interface ClipSource {
  /** The reference as the book writes it (in its citation style). */
  label: string;
  url: string;
}

interface ManifestBook extends Omit<BackupBook, 'content'> {
  /** Paths inside the archive. */
  html: string;
  markdown: string;
  /** The pages clipped into the book (the references after its quoted clips). */
  sources: ClipSource[];
}

interface Manifest {
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  books: ManifestBook[];
}

export class BackupError extends Error {
  constructor(readonly reason: 'not_backup' | 'damaged' | 'newer_version', detail?: string) {
    super(detail ?? reason);
    this.name = 'BackupError';
  }
}

export function backupFileName(at: Date): string {
  return `anclora-press-backup-${at.toISOString().slice(0, 10)}.zip`;
}

/** The sources a book cites (bibliography.ts): each one's address and its reference as the book writes it. */
export function clipSources(blocks: Block[]): ClipSource[] {
  return citedSources(blocks).map((s) => ({ label: inlineText(s.reference), url: s.url }));
}

/** Every book in one zip archive. */
export function makeBackup(books: BackupBook[], at: Date): Uint8Array {
  const files: Zippable = {};
  const entries: ManifestBook[] = books.map((book) => {
    const { content, ...fields } = book;
    const m = toManuscript(book, typeof book.metadata.language === 'string' ? book.metadata.language : 'und');
    // The id keeps names unique; the title makes the folder readable to a person.
    const folder = `books/${exportFileName(book.title, 'md').replace(/\.md$/, '').slice(0, 60)} (${book.id})`;
    const entry: ManifestBook = { ...fields, html: `${folder}/content.html`, markdown: `${folder}/${exportFileName(book.title, 'md')}`, sources: clipSources(m.blocks) };
    files[entry.html] = strToU8(content);
    files[entry.markdown] = strToU8(manuscriptToMarkdown(m));
    return entry;
  });
  const manifest: Manifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: at.toISOString(), books: entries };
  files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 2));
  return zipSync(files, { level: 6 });
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The books in a backup archive, exactly as they were stored; refuses anything that is not one of our backups. */
export function readBackup(bytes: Uint8Array): BackupBook[] {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch {
    throw new BackupError('not_backup');
  }
  const raw = files['manifest.json'];
  if (!raw) throw new BackupError('not_backup');
  let manifest: Manifest;
  try {
    manifest = JSON.parse(strFromU8(raw)) as Manifest;
  } catch {
    throw new BackupError('damaged', 'manifest.json');
  }
  if (manifest?.format !== BACKUP_FORMAT || !Array.isArray(manifest.books)) throw new BackupError('not_backup');
  if (manifest.version > BACKUP_VERSION) throw new BackupError('newer_version', String(manifest.version));
  return manifest.books.map((entry, i) => {
    const html = isString(entry?.html) ? files[entry.html] : undefined;
    const valid = isString(entry?.id) && isString(entry.title) && isString(entry.author) && isNumber(entry.createdAt) && isNumber(entry.updatedAt);
    if (!valid || !html) throw new BackupError('damaged', `book ${i + 1}`);
    const metadata = typeof entry.metadata === 'object' && entry.metadata !== null ? entry.metadata : {};
    return { id: entry.id, title: entry.title, author: entry.author, content: strFromU8(html), metadata, createdAt: entry.createdAt, updatedAt: entry.updatedAt };
  });
}

/** True when two versions hold the same title, author and text (what "already restored" means). */
export function sameText(a: Pick<BackupBook, 'title' | 'author' | 'content'>, b: Pick<BackupBook, 'title' | 'author' | 'content'>): boolean {
  return a.title === b.title && a.author === b.author && a.content === b.content;
}
