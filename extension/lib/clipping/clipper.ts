// Clipping into a book: picks the target book (chosen, new, last destination, current, latest, or a new "Clippings"
// book), makes the clip record with its citation metadata, and appends it — block quote and reference in the book's
// citation style — through the repository. Runs in the background, so it works with the panel closed.
import type { BookRepository } from '../books/repository.ts';
import { type ClipSource, quoteHtml } from './quote.ts';
import type { LocalBook } from '../books/db.ts';
import { citationMetadata } from './citation-metadata.ts';
import { citationChoiceOf, clipHtml, type Clip } from './clip-record.ts';
import type { ClipLog } from './clip-log.ts';
import type { PageFacts } from './page-facts.ts';
import { withoutClip } from './undo.ts';

export interface ClipRequest extends ClipSource {
  /** The book chosen in the picker or the menu; absent for the default destination. */
  bookId?: string;
  /** "New book…" in the picker: the clip goes into a new book with this title. */
  newBookTitle?: string;
  /** When the clip was taken (ms); defaults to now. */
  at?: number;
  /** What the page says about itself (page-facts.ts); without it the citation uses the title and address. */
  page?: PageFacts;
  kind?: Clip['kind'];
}

export interface ClipResult {
  bookId: string;
  /** True when a new book was created for the clip. */
  created: boolean;
  clipId: string;
}

export interface ClipperDeps {
  repo: BookRepository;
  getCurrentBookId: () => Promise<string | null>;
  setCurrentBookId: (id: string) => Promise<void>;
  /** UI locale: the citation language of a book that has not chosen one. */
  locale: () => string;
  /** Title of the book created when there is none to clip into. */
  newBookTitle: () => string;
  now?: () => number;
  /** Remembers clips for undo and the last destination; clips are not remembered without it. */
  log?: ClipLog;
  newId?: () => string;
}

export class EmptySelectionError extends Error {
  constructor() {
    super('Nothing is selected to clip');
    this.name = 'EmptySelectionError';
  }
}

/**
 * Where a clip goes when the writer does not choose: the book last clipped into, else the one last opened, else the
 * most recently edited, else none.
 */
export async function currentClipTarget(
  deps: Pick<ClipperDeps, 'repo' | 'getCurrentBookId' | 'log'>,
): Promise<LocalBook | undefined> {
  for (const id of [await deps.log?.lastBookId(), await deps.getCurrentBookId()]) {
    const book = id ? await deps.repo.get(id) : undefined;
    if (book) return book;
  }
  return (await deps.repo.list())[0];
}

function pageFacts(request: ClipRequest): PageFacts {
  return request.page ?? { url: request.url ?? '', title: request.title ?? '', lang: '', canonical: '', meta: [], jsonLd: [] };
}

export async function clipToBook(request: ClipRequest, deps: ClipperDeps): Promise<ClipResult> {
  const quote = quoteHtml(request);
  if (!quote) throw new EmptySelectionError();
  const at = request.at ?? (deps.now ?? Date.now)();
  const clip: Clip = {
    id: (deps.newId ?? (() => crypto.randomUUID()))(),
    kind: request.kind ?? 'selection',
    quote,
    source: citationMetadata(pageFacts(request), at),
    note: '',
    at,
  };
  const chosen = request.bookId ? await deps.repo.get(request.bookId) : undefined;
  const target = request.newBookTitle !== undefined ? undefined : (chosen ?? (await currentClipTarget(deps)));
  let result: ClipResult;
  let html: string;
  if (target) {
    html = clipHtml(clip, citationChoiceOf(target, deps.locale()));
    await deps.repo.append(target.id, html);
    result = { bookId: target.id, created: false, clipId: clip.id };
  } else {
    html = clipHtml(clip, citationChoiceOf(undefined, deps.locale()));
    const title = request.newBookTitle?.trim() || deps.newBookTitle();
    const book = await deps.repo.create({ title, content: html });
    await deps.setCurrentBookId(book.id);
    result = { bookId: book.id, created: true, clipId: clip.id };
  }
  await deps.log?.record({ clip, bookId: result.bookId, html, created: result.created });
  return result;
}

export type UndoOutcome = 'removed' | 'gone';

/**
 * Takes a clip back out of its book. 'gone' when it cannot be found any more (undone already, or the writer edited
 * or removed it): then nothing changes, since what the writer did to it is theirs.
 */
export async function undoClip(clipId: string, deps: Pick<ClipperDeps, 'repo' | 'log'>): Promise<UndoOutcome> {
  const entry = await deps.log?.find(clipId);
  const book = entry ? await deps.repo.get(entry.bookId) : undefined;
  if (!entry || !book) return 'gone';
  const content = withoutClip(book.content, entry.html);
  if (content === null) return 'gone';
  // A book made for this clip alone goes with it.
  if (entry.created && content.trim() === '') await deps.repo.remove(book.id);
  else await deps.repo.save(book.id, { content }, { baseContent: book.content });
  await deps.log?.forget(clipId);
  return 'removed';
}
