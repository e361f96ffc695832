// Clipping into a book: picks the target book (chosen, current, latest, or a new "Clippings" book), builds the
// quotation and appends it through the repository. Runs in the background, so it works with the panel closed.
import type { BookRepository } from '../books/repository.ts';
import { buildClipHtml, type ClipSource } from './quote.ts';
import type { LocalBook } from '../books/db.ts';

export interface ClipRequest extends ClipSource {
  /** The book chosen in "Clip to…"; absent for "Clip to <current book>". */
  bookId?: string;
  /** When the clip was taken (ms); defaults to now. */
  at?: number;
}

export interface ClipResult {
  bookId: string;
  /** True when no book existed to clip into and a new one was created. */
  created: boolean;
}

export interface ClipperDeps {
  repo: BookRepository;
  getCurrentBookId: () => Promise<string | null>;
  setCurrentBookId: (id: string) => Promise<void>;
  /** UI locale for the citation date. */
  locale: () => string;
  /** Title of the book created when there is none to clip into. */
  newBookTitle: () => string;
  now?: () => number;
}

export class EmptySelectionError extends Error {
  constructor() {
    super('Nothing is selected to clip');
    this.name = 'EmptySelectionError';
  }
}

/** The book "Clip to <current book>" goes to: the last opened one, else the most recently edited, else none. */
export async function currentClipTarget(deps: Pick<ClipperDeps, 'repo' | 'getCurrentBookId'>): Promise<LocalBook | undefined> {
  const currentId = await deps.getCurrentBookId();
  const current = currentId ? await deps.repo.get(currentId) : undefined;
  return current ?? (await deps.repo.list())[0];
}

export async function clipToBook(request: ClipRequest, deps: ClipperDeps): Promise<ClipResult> {
  const html = buildClipHtml(request, { at: request.at ?? (deps.now ?? Date.now)(), locale: deps.locale() });
  if (!html) throw new EmptySelectionError();
  const chosen = request.bookId ? await deps.repo.get(request.bookId) : undefined;
  const target = chosen ?? (await currentClipTarget(deps));
  if (target) {
    await deps.repo.append(target.id, html);
    return { bookId: target.id, created: false };
  }
  const book = await deps.repo.create({ title: deps.newBookTitle(), content: html });
  await deps.setCurrentBookId(book.id);
  return { bookId: book.id, created: true };
}
