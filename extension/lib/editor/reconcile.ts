// How an open editing session takes in a change made elsewhere (a clip, a sync pull, another tab): one pure decision.
import { mergeManuscripts, type Overlap } from '../../../shared/manuscript/merge.ts';
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
      /**
       * Text appended to the manuscript (a clip), or the manuscript the editor must show (only the blocks that differ
       * are replaced); null leaves the editor as it is.
       */
      content: { append: string } | { replace: string } | null;
      /**
       * Passages the writer's unsaved typing and the change made elsewhere both changed: the typing was kept, and the
       * other text is what must be kept aside (as a conflict copy) so the writer can restore it. Empty for a clean merge.
       */
      overlaps: Overlap[];
      title?: string;
      author?: string;
      /** The session's new base. */
      known: SessionText;
    };

/**
 * What the session does with `latest`, the stored book. Appended text (a clip) is always shown, after the writer's
 * text. Any other change of the manuscript is merged three ways with what the editor shows, from `known` (the last
 * text the editor and the database agreed on): edits that do not overlap are all kept, whatever was typed while the
 * change was on its way; where both changed the same words, the writer's typing (the later edit) wins that passage
 * and the other is returned in `overlaps`. Title and author follow the change unless the writer edited them since.
 * `editorHtml` is asked only when needed (joining a novel's cached blocks costs a millisecond or two).
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
  let overlaps: Overlap[] = [];
  if (latest.content !== known.content) {
    const appended = appendedSince(known.content, latest.content);
    if (appended) content = { append: appended };
    else {
      const shown = editorHtml();
      // Nothing typed since `known`: the merge is the stored text itself.
      const merged = unsaved.content
        ? mergeManuscripts(known.content, latest.content, shown, { newer: 'incoming' })
        : { html: latest.content, overlaps: [] };
      if (merged.html !== shown) content = { replace: merged.html };
      overlaps = merged.overlaps;
    }
  }
  const change: ExternalChange = {
    kind: 'apply',
    content,
    overlaps,
    known: { title: latest.title, author: latest.author, content: latest.content },
  };
  if (latest.title !== known.title && !unsaved.title) change.title = latest.title;
  if (latest.author !== known.author && !unsaved.author) change.author = latest.author;
  return change;
}
