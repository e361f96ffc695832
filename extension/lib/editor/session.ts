// The editing session of one open book, without React: what the writer has not saved yet, the autosaver, the
// unsaved-typing journal, and taking in changes made elsewhere. useBookSession wires it to the view.
import type { Node as ProseMirrorNode } from '@tiptap/pm/model';
import type { Editor } from '@tiptap/react';
import { closeHistory } from '@tiptap/pm/history';
import { mergeManuscripts } from '../../../shared/manuscript/merge.ts';
import { Autosave, type SaveState } from './autosave.ts';
import { reconcileExternal, type SessionText } from './reconcile.ts';
import { appendedSince, type BookPatch, type BookRepository, type RemovedBook } from '../books/repository.ts';
import type { BookCounts, LocalBook } from '../books/db.ts';
import { clearJournal, writeJournal } from '../books/draft-journal.ts';
import { docCounts, docToHtml, replaceChangedBlocks, warmBlocks } from './doc.ts';

/** Saves land at most this long after the last keystroke (the issue asks for ≤ 1 s). */
const SAVE_DELAY_MS = 400;
/** Continuous typing still saves at least this often. */
const SAVE_MAX_WAIT_MS = 3000;
/**
 * The word count is shown this long after the writer pauses, and at least this often while they type on. Counting is
 * cheap (unchanged blocks are reused), but every re-render of the view makes React walk the editor's DOM up to the
 * caret (it saves and restores the focused element's selection around each commit), which grows with the book.
 */
const COUNT_DELAY_MS = 250;
const COUNT_MAX_WAIT_MS = 1000;

export type SessionField = 'title' | 'author';

/** What the session tells the view. */
export interface SessionView {
  setField(field: SessionField, value: string): void;
  setCounts(counts: BookCounts): void;
  setSaveState(state: SaveState, error: string): void;
  setMissing(): void;
}

export class EditingSession {
  readonly bookId: string;
  private known: SessionText;
  private readonly fields: Record<SessionField, string>;
  private unsaved = { title: false, author: false, content: false };
  private editor: Editor | null = null;
  // The latest document; kept apart from the editor so a save after unmount still has it.
  private doc: ProseMirrorNode | null = null;
  private deleting = false;
  private recheckAfterSave = false;
  private countTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the count must be shown at the latest (set by the first edit it has not shown yet). */
  private countDueAt: number | undefined;
  private warmTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly autosave: Autosave;

  constructor(
    book: LocalBook,
    private readonly repo: BookRepository,
    private readonly view: SessionView,
    private readonly storage: Storage = localStorage,
  ) {
    this.bookId = book.id;
    this.known = { title: book.title, author: book.author, content: book.content };
    this.fields = { title: book.title, author: book.author };
    this.autosave = new Autosave({
      delayMs: SAVE_DELAY_MS,
      maxWaitMs: SAVE_MAX_WAIT_MS,
      onStateChange: (state, error) =>
        view.setSaveState(state, state === 'error' ? String((error as Error)?.message ?? error) : ''),
      write: () => this.write(),
    });
  }

  /** The editor is ready: it is what the session reads and what changes made elsewhere are shown in. */
  attach(editor: Editor): void {
    this.editor = editor;
    this.doc = editor.state.doc;
    // Prepare a large book's first save in idle moments (a few ms at a time), so it does not stall typing later.
    let next = 0;
    const step = () => {
      if (!this.doc) return;
      next = warmBlocks(this.doc, next, 8);
      if (next < this.doc.childCount) this.warmTimer = setTimeout(step, 16);
    };
    this.warmTimer = setTimeout(step, 200);
  }

  /** The writer changed the manuscript. */
  edited(doc: ProseMirrorNode): void {
    if (this.deleting) return;
    this.doc = doc;
    this.unsaved.content = true;
    this.autosave.schedule();
    this.updateCounts();
  }

  /** The writer changed the title or the author. */
  setField(field: SessionField, value: string): void {
    if (this.deleting) return;
    this.fields[field] = value;
    this.unsaved[field] = true;
    this.view.setField(field, value);
    this.autosave.schedule();
  }

  /** Brings a change made elsewhere (a clip from the background, a sync pull, another tab) into this session. */
  reconcile(latest: LocalBook | undefined): void {
    const editor = this.editor;
    const change = reconcileExternal(
      { known: this.known, unsaved: this.unsaved, saving: this.autosave.busy, deleting: this.deleting },
      latest,
      () => (editor ? docToHtml(editor.state.doc) : this.known.content),
    );
    if (change.kind === 'missing') this.view.setMissing();
    if (change.kind === 'recheck-after-save') this.recheckAfterSave = true;
    if (change.kind !== 'apply') return;
    if (change.content && 'append' in change.content) this.appendToEditor(change.content.append);
    if (change.content && 'replace' in change.content && editor) {
      // Only the blocks that differ are replaced, so the writer's cursor and undo history stay where they were.
      replaceChangedBlocks(editor, change.content.replace);
      this.doc = editor.state.doc;
      this.updateCounts();
    }
    // The writer's typing won passages the other edit also changed: that edit stays findable as a conflict copy.
    if (change.overlaps.length > 0 && latest) void this.repo.keepConflictCopy(latest).catch(() => undefined);
    for (const field of ['title', 'author'] as const) {
      const value = change[field];
      if (value === undefined) continue;
      this.fields[field] = value;
      this.view.setField(field, value);
    }
    this.known = change.known;
  }

  /** Writes what is pending now (leaving the book, opening it in a tab); failures stay pending and are shown. */
  flush(): Promise<void> {
    return this.autosave.flush().catch(() => undefined);
  }

  /**
   * The page is being hidden or closed: an IndexedDB write started now may be cut off with the page, so unsaved
   * typing is first copied synchronously to the journal, which the next start replays.
   */
  journalAndFlush(): Promise<void> {
    if (this.autosave.pending || this.autosave.busy) {
      writeJournal(this.storage, {
        bookId: this.bookId,
        title: this.fields.title,
        author: this.fields.author,
        content: this.doc ? docToHtml(this.doc) : undefined,
        baseContent: this.known.content,
        at: Date.now(),
      });
    }
    return this.flush();
  }

  async delete(): Promise<RemovedBook> {
    this.deleting = true;
    await this.flush();
    this.autosave.dispose();
    return this.repo.remove(this.bookId);
  }

  /** The view is going away: save what is pending and stop the timers. */
  close(): void {
    void this.flush();
    this.autosave.dispose();
    clearTimeout(this.countTimer);
    clearTimeout(this.warmTimer);
  }

  private async write(): Promise<void> {
    const doc = this.doc;
    const patch: BookPatch = {};
    const wrote = { ...this.unsaved };
    if (wrote.title) patch.title = this.fields.title;
    if (wrote.author) patch.author = this.fields.author;
    // Serialising is the expensive part for a 1 MB book; it happens here, once per save, never per keystroke.
    const counts = wrote.content && doc ? docCounts(doc) : undefined;
    if (wrote.content && doc) patch.content = docToHtml(doc);
    this.unsaved = { title: false, author: false, content: false };
    try {
      const saved = await this.repo.save(this.bookId, patch, { baseContent: this.known.content, counts });
      this.known = { title: saved.title, author: saved.author, content: saved.content };
      // The repository kept what reached the database meanwhile (a clip after our text, a pulled change merged in):
      // show it too, merged with whatever the writer typed while the save ran.
      if (patch.content !== undefined && saved.content !== patch.content) this.showSaved(patch.content, saved);
      if (!this.autosave.pending) clearJournal(this.storage, this.bookId);
    } catch (error) {
      this.unsaved = {
        title: this.unsaved.title || wrote.title,
        author: this.unsaved.author || wrote.author,
        content: this.unsaved.content || wrote.content,
      };
      throw error;
    } finally {
      if (this.recheckAfterSave) {
        this.recheckAfterSave = false;
        setTimeout(() => void this.repo.get(this.bookId).then((latest) => this.reconcile(latest)), 0);
      }
    }
  }

  private showSaved(written: string, saved: LocalBook): void {
    const appended = appendedSince(written, saved.content);
    if (appended !== null) return this.appendToEditor(appended);
    const editor = this.editor;
    if (!editor) return;
    const shown = docToHtml(editor.state.doc);
    const merged = shown === written ? { html: saved.content, overlaps: [] } : mergeManuscripts(written, saved.content, shown, { newer: 'incoming' });
    // Typing during the save won passages the merged-in change also changed: that version stays findable.
    if (merged.overlaps.length > 0) void this.repo.keepConflictCopy(saved).catch(() => undefined);
    if (!replaceChangedBlocks(editor, merged.html)) return;
    this.doc = editor.state.doc;
    this.updateCounts();
  }

  private appendToEditor(html: string): void {
    const editor = this.editor;
    if (!editor || !html) return;
    // Appending keeps the writer's cursor; the clip is one undo step of its own, never merged with the writer's
    // typing. It is not the writer's edit, so it schedules no save: the database holds it already, and a save queued
    // now would write it back over an undo made from the page's confirmation.
    editor
      .chain()
      .command(({ tr }) => {
        closeHistory(tr);
        return true;
      })
      .insertContentAt(editor.state.doc.content.size, html, { updateSelection: false })
      .command(({ tr }) => {
        tr.setMeta('preventUpdate', true);
        return true;
      })
      .run();
    this.doc = editor.state.doc;
    this.updateCounts();
    // The writer sees the clip arrive: the end of the manuscript comes into view (the cursor stays where it was).
    const last = editor.view.dom.lastElementChild;
    last?.scrollIntoView?.({ block: 'nearest' });
  }

  // A timer, not requestAnimationFrame: frames stop in hidden tabs, and the count must still be right when shown.
  private updateCounts(): void {
    const now = Date.now();
    this.countDueAt ??= now + COUNT_MAX_WAIT_MS;
    clearTimeout(this.countTimer);
    this.countTimer = setTimeout(() => {
      this.countTimer = undefined;
      this.countDueAt = undefined;
      if (this.doc) this.view.setCounts(docCounts(this.doc));
    }, Math.min(COUNT_DELAY_MS, this.countDueAt - now));
  }
}
