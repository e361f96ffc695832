// The book repository: every local read and write of books (UI, clipping and sync go through it).
import { liveQuery, type Observable } from 'dexie';
import { LIMITS } from '../../../shared/limits.ts';
import { mergeManuscripts } from '../../../shared/manuscript/merge.ts';
import { conflictCopyOf, database, newLocalBook, ownVersionsAfter, type AncloraDB, type BookCounts, type LocalBook } from './db.ts';
import { countHtml } from './words.ts';

export interface BookDraft {
  title?: string;
  author?: string;
  content?: string;
}

export interface BookPatch extends BookDraft {
  /** Metadata entries to set (e.g. the book's citation style); the counts stay the repository's own. */
  metadata?: Record<string, unknown>;
}

/** What `remove` hands back so the deletion can be undone exactly. */
export interface RemovedBook {
  before: LocalBook;
}

export interface BookRepository {
  create(draft?: BookDraft): Promise<LocalBook>;
  get(id: string): Promise<LocalBook | undefined>;
  /** Live (not deleted) books, most recently edited first; `search` filters by title, case-insensitively. */
  list(search?: string): Promise<LocalBook[]>;
  /**
   * Writes an edit: marks the book dirty with a new updatedAt, and recounts words when the content changed.
   * `baseContent` is the content the editor started from: if something was appended since (a clip), the appended
   * part is kept after the edited content; if the stored text changed otherwise (a sync pull that landed after the
   * editor last read it), the edit is merged three ways with it, never written over it, and where both changed the
   * same words the stored text is kept as a conflict copy. `counts` are the counts of `patch.content` when the caller
   * already has them (the editor does), which spares recounting a large book on every save.
   */
  save(id: string, patch: BookPatch, options?: { baseContent?: string; counts?: BookCounts }): Promise<LocalBook>;
  /**
   * Keeps `version` (stored text a later edit replaced where both changed the same words) as a conflict copy of its
   * book, marked as the other text (origin 'replaced-by-edit') so the banner does not call it the writer's own.
   */
  keepConflictCopy(version: LocalBook): Promise<void>;
  rename(id: string, title: string): Promise<LocalBook>;
  /** Appends HTML to the end of a book's content in one transaction (clipping). */
  append(id: string, html: string): Promise<LocalBook>;
  /**
   * Adds a book restored from a backup under its own id, as a local book the server has not acknowledged (dirty, no
   * revision); null when a record (live or a tombstone) already holds that id.
   */
  addRestored(
    book: Pick<LocalBook, 'id' | 'title' | 'author' | 'content' | 'createdAt' | 'updatedAt'> & { metadata: { [key: string]: unknown } },
  ): Promise<LocalBook | null>;
  remove(id: string): Promise<RemovedBook>;
  restore(removed: RemovedBook): Promise<void>;
  watchList(search?: string): Observable<LocalBook[]>;
  watchBook(id: string): Observable<LocalBook | undefined>;
  /** How many books (local deletions included) have edits the server has not acknowledged. */
  watchPendingCount(): Observable<number>;
}

export interface BookRepositoryOptions {
  now?: () => number;
  newId?: () => string;
  untitled?: string;
  /** Told after every committed write, so the background can sync soon (see `onBookWrites`). */
  announce?: () => void;
}

export class BookNotFoundError extends Error {
  constructor(readonly id: string) {
    super(`No book with id ${id}`);
    this.name = 'BookNotFoundError';
  }
}

/**
 * What was appended to `base` to make `current` ('' when they are equal), or null when `current` is not `base`
 * with something added at its end. Clips are appended, so this is how an edit based on `base` tells a clip that
 * arrived meanwhile (kept after the edit) from a rewrite (which it must not silently extend).
 */
export function appendedSince(base: string, current: string): string | null {
  return current.startsWith(base) ? current.slice(base.length) : null;
}

/** Titles are required by the server; an empty one is stored as the UI's placeholder instead. */
function cleanTitle(title: string, fallback: string): string {
  const trimmed = title.trim().slice(0, LIMITS.titleMax);
  return trimmed || fallback;
}

export function createBookRepository(db: AncloraDB, options: BookRepositoryOptions = {}): BookRepository {
  const now = options.now ?? Date.now;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const untitled = options.untitled ?? 'Untitled';
  /** Runs a write and announces it once it has committed (never a failed one). */
  async function write<T>(run: () => Promise<T>): Promise<T> {
    const result = await run();
    options.announce?.();
    return result;
  }

  // updatedAt must grow with every save even when two saves land in the same millisecond,
  // because last-writer-wins compares it.
  const nextUpdatedAt = (previous: number) => Math.max(now(), previous + 1);

  // Both callers keep the stored text a later edit replaced: another device's words, not the writer's own.
  const copyOf = (version: LocalBook) => ({
    ...conflictCopyOf(version, { id: newId(), createdAt: now(), serverRevision: version.revision ?? 0 }),
    origin: 'replaced-by-edit' as const,
  });

  async function mustGet(id: string): Promise<LocalBook> {
    const book = await db.books.get(id);
    if (!book || book.deleted) throw new BookNotFoundError(id);
    return book;
  }

  function applyPatch(book: LocalBook, patch: BookPatch, counts?: BookCounts): LocalBook {
    const next: LocalBook = { ...book, dirty: 1, updatedAt: nextUpdatedAt(book.updatedAt), ownVersions: ownVersionsAfter(book) };
    if (patch.title !== undefined) next.title = cleanTitle(patch.title, book.title || untitled);
    if (patch.author !== undefined) next.author = patch.author.slice(0, LIMITS.authorMax);
    if (patch.metadata !== undefined) {
      next.metadata = { ...book.metadata, ...patch.metadata, wordCount: book.metadata.wordCount, charCount: book.metadata.charCount };
    }
    if (patch.content !== undefined && patch.content !== book.content) {
      next.content = patch.content;
      next.metadata = { ...next.metadata, ...(counts ?? countHtml(patch.content)) };
    }
    return next;
  }

  const repo: BookRepository = {
    async create(draft = {}) {
      const at = now();
      const content = draft.content ?? '';
      const book = newLocalBook(
        {
          id: newId(),
          title: cleanTitle(draft.title ?? '', untitled),
          author: (draft.author ?? '').slice(0, LIMITS.authorMax),
          content,
          metadata: { ...countHtml(content) },
        },
        at,
      );
      await write(() => db.books.add(book));
      return book;
    },

    async get(id) {
      const book = await db.books.get(id);
      return book && !book.deleted ? book : undefined;
    },

    async list(search = '') {
      const needle = search.trim().toLocaleLowerCase();
      return db.books
        .orderBy('updatedAt')
        .reverse()
        .filter((b) => !b.deleted && (!needle || b.title.toLocaleLowerCase().includes(needle)))
        .toArray();
    },

    async save(id, patch, { baseContent, counts } = {}) {
      return write(() => db.transaction('rw', db.books, db.conflicts, async () => {
        const stored = await mustGet(id);
        let content = patch.content;
        let knownCounts = counts;
        if (content !== undefined && baseContent !== undefined && stored.content !== baseContent) {
          const appended = appendedSince(baseContent, stored.content);
          // The edit is the later one: it wins where both changed the same words, and the stored text is kept aside.
          const merged = appended !== null
            ? { html: content + appended, overlaps: [] }
            : mergeManuscripts(baseContent, stored.content, content, { newer: 'incoming' });
          if (merged.overlaps.length > 0) await db.conflicts.put(copyOf(stored));
          content = merged.html;
          knownCounts = undefined;
        }
        const next = applyPatch(stored, { ...patch, content }, knownCounts);
        await db.books.put(next);
        return next;
      }));
    },

    async keepConflictCopy(version) {
      await db.conflicts.put(copyOf(version));
    },

    rename(id, title) {
      return repo.save(id, { title });
    },

    async append(id, html) {
      return write(() => db.transaction('rw', db.books, async () => {
        const book = await mustGet(id);
        const next = applyPatch(book, { content: book.content + html });
        await db.books.put(next);
        return next;
      }));
    },

    async addRestored(fields) {
      return write(() => db.transaction('rw', db.books, async () => {
        if (await db.books.get(fields.id)) return null;
        const { createdAt, updatedAt, ...rest } = fields;
        const book: LocalBook = {
          ...newLocalBook({ ...rest, title: cleanTitle(rest.title, untitled), author: rest.author.slice(0, LIMITS.authorMax), metadata: { ...rest.metadata, ...countHtml(rest.content) } }, createdAt),
          updatedAt,
        };
        await db.books.add(book);
        return book;
      }));
    },

    async remove(id) {
      return write(() => db.transaction('rw', db.books, async () => {
        const before = await mustGet(id);
        if (before.revision === null) await db.books.delete(id);
        else await db.books.put({ ...before, deleted: 1, dirty: 1, updatedAt: nextUpdatedAt(before.updatedAt), ownVersions: ownVersionsAfter(before) });
        return { before };
      }));
    },

    async restore({ before }) {
      await write(() => db.transaction('rw', db.books, async () => {
        const current = await db.books.get(before.id);
        // If sync already pushed the tombstone, the restored book is a newer edit of the same id: keep the revision
        // the tombstone reached so the server accepts it as a normal update.
        const revision = current?.revision ?? before.revision;
        const updatedAt = nextUpdatedAt(Math.max(before.updatedAt, current?.updatedAt ?? 0));
        await db.books.put({ ...before, revision, deleted: 0, dirty: 1, updatedAt });
      }));
    },

    watchList(search = '') {
      return liveQuery(() => repo.list(search));
    },

    watchBook(id) {
      return liveQuery(() => repo.get(id));
    },

    watchPendingCount() {
      return liveQuery(() => db.books.where('dirty').equals(1).count());
    },
  };
  return repo;
}

let shared: BookRepository | undefined;
let writeListener: () => void = () => {};

/**
 * Who hears of this context's book writes: each composition root says (the background schedules a sync cycle, pages
 * send it a message). Writes are announced by the repository, so no view has to remember to.
 */
export function onBookWrites(listener: () => void): void {
  writeListener = listener;
}

/** Announces a book write to whoever `onBookWrites` named (for writers beside the repository: conflict choices). */
export function announceBookWrite(): void {
  writeListener();
}

/** The repository on this context's shared database handle. */
export function bookRepository(): BookRepository {
  shared ??= createBookRepository(database(), { announce: announceBookWrite });
  return shared;
}
