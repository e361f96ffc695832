// How an open editing session takes in a change made elsewhere (a clip, a sync pull, another tab): one pure decision.
import { appendedSince } from '../books/repository.ts';

/** The fields a session shows and edits. */
export interface SessionText {
  title: string;
  author: string;
  content: string;
}

export interface SessionState {
  /** What the database held the last time this session read or wrote it: the base for taking in others' changes. */
  known: SessionText;
  /** Fields edited in this session that no save has picked up yet. */
  unsaved: Record<keyof SessionText, boolean>;
  /** A save is running, so a change reported now may be that save's own write. */
  saving: boolean;
  /** The writer is deleting the book, so its disappearance is expected. */
  deleting: boolean;
}

export type ExternalChange =
  | { kind: 'none' }
  /** The book is gone (deleted elsewhere). */
  | { kind: 'missing' }
  /** Decide again once the running save has finished. */
  | { kind: 'recheck-after-save' }
  | {
      kind: 'apply';
      /** Text appended to the manuscript (a clip), or a whole new manuscript; null leaves the editor as it is. */
      content: { append: string } | { replace: string } | null;
      title?: string;
      author?: string;
      /** The session's new base. */
      known: SessionText;
    };

/**
 * What the session does with `latest`, the stored book. Appended text (a clip) is always shown, after the writer's
 * text; other changes replace only what the writer has not edited since, because the writer's newer edit is saved
 * next and wins. `editorHtml` is asked only when needed (serialising a novel costs a few milliseconds).
 */
export function reconcileExternal(
  state: SessionState,
  latest: SessionText | undefined,
  editorHtml: () => string,
): ExternalChange {
  if (!latest) return state.deleting ? { kind: 'none' } : { kind: 'missing' };
  const { known, unsaved } = state;
  if (latest.content === known.content && latest.title === known.title && latest.author === known.author) {
    return { kind: 'none' };
  }
  if (state.saving) return { kind: 'recheck-after-save' };

  let content: { append: string } | { replace: string } | null = null;
  if (latest.content !== known.content) {
    const appended = appendedSince(known.content, latest.content);
    if (appended) content = { append: appended };
    else if (!unsaved.content && editorHtml() !== latest.content) content = { replace: latest.content };
  }
  const change: ExternalChange = {
    kind: 'apply',
    content,
    known: { title: latest.title, author: latest.author, content: latest.content },
  };
  if (latest.title !== known.title && !unsaved.title) change.title = latest.title;
  if (latest.author !== known.author && !unsaved.author) change.author = latest.author;
  return change;
}
