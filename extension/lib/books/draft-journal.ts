// A synchronous safety copy of unsaved edits, written when the page is being closed: IndexedDB writes started in
// `pagehide` may be cut off with the page, localStorage writes are not. Replayed into the database on the next start.
import { appendedSince, type BookRepository } from './repository.ts';

const PREFIX = 'anclora:unsaved:';

export interface JournalEntry {
  bookId: string;
  title?: string;
  author?: string;
  content?: string;
  /** The content the edit was based on (for merging clips appended meanwhile). */
  baseContent: string;
  at: number;
}

export function writeJournal(storage: Storage, entry: JournalEntry): void {
  try {
    storage.setItem(PREFIX + entry.bookId, JSON.stringify(entry));
  } catch {
    // Quota exceeded: the IndexedDB flush started alongside is the remaining chance; nothing better to do here.
  }
}

export function clearJournal(storage: Storage, bookId: string): void {
  storage.removeItem(PREFIX + bookId);
}

function parse(raw: string | null): JournalEntry | undefined {
  if (!raw) return undefined;
  try {
    const entry = JSON.parse(raw) as Partial<JournalEntry>;
    return typeof entry.bookId === 'string' && typeof entry.baseContent === 'string' && typeof entry.at === 'number'
      ? (entry as JournalEntry)
      : undefined;
  } catch {
    return undefined;
  }
}

function alreadyStored(entry: JournalEntry, book: { title: string; author: string; content: string }): boolean {
  // The stored content may have a clip appended after the journalled text.
  const content = entry.content === undefined || appendedSince(entry.content, book.content) !== null;
  const author = entry.author === undefined || book.author === entry.author;
  const title = entry.title === undefined || !entry.title.trim() || book.title === entry.title.trim();
  return content && author && title;
}

/**
 * Saves every journalled edit that did not reach the database, then forgets it. Entries whose edit the database
 * already holds (the normal flush completed, possibly with a clip appended after it) are dropped.
 */
export async function replayJournal(storage: Storage, repo: BookRepository): Promise<string[]> {
  const replayed: string[] = [];
  const keys = Array.from({ length: storage.length }, (_, i) => storage.key(i)).filter(
    (k): k is string => !!k && k.startsWith(PREFIX),
  );
  for (const key of keys) {
    const entry = parse(storage.getItem(key));
    storage.removeItem(key);
    if (!entry) continue;
    const book = await repo.get(entry.bookId);
    if (!book || alreadyStored(entry, book)) continue;
    const patch = { title: entry.title, author: entry.author, content: entry.content };
    await repo.save(entry.bookId, patch, { baseContent: entry.baseContent });
    replayed.push(entry.bookId);
  }
  return replayed;
}
