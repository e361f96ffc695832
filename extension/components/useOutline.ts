// The open book's outline and the chapter the caret is in, recomputed off the typing path (after a pause in typing).
import type { Editor } from '@tiptap/react';
import { useEffect, useState } from 'react';
import { bookOutline, currentEntry, type OutlineEntry } from '../lib/room/outline.ts';

/** Quiet time after an edit before the outline is recomputed, and the most it may trail continuous typing. */
const OUTLINE_DELAY_MS = 400;
const OUTLINE_MAX_WAIT_MS = 2000;
const CARET_DELAY_MS = 120;

export interface OutlineState {
  entries: OutlineEntry[];
  /** Index into `entries` of the section holding the caret; -1 before the first heading. */
  current: number;
}

export function useOutline(editor: Editor | null): OutlineState {
  const [state, setState] = useState<OutlineState>({ entries: [], current: -1 });
  useEffect(() => {
    if (!editor) return;
    let entries: OutlineEntry[] = [];
    let docTimer: ReturnType<typeof setTimeout> | undefined;
    let caretTimer: ReturnType<typeof setTimeout> | undefined;
    let firstPending = 0;
    const publish = () => {
      if (editor.isDestroyed) return;
      const current = currentEntry(entries, editor.state.selection.head);
      setState((previous) => (previous.entries === entries && previous.current === current ? previous : { entries, current }));
    };
    const recompute = () => {
      docTimer = undefined;
      firstPending = 0;
      if (editor.isDestroyed) return;
      entries = bookOutline(editor.state.doc);
      publish();
    };
    const onTransaction = ({ transaction }: { transaction: { docChanged: boolean } }) => {
      if (transaction.docChanged) {
        const now = Date.now();
        firstPending ||= now;
        clearTimeout(docTimer);
        docTimer = setTimeout(recompute, Math.min(OUTLINE_DELAY_MS, Math.max(0, firstPending + OUTLINE_MAX_WAIT_MS - now)));
      } else if (caretTimer === undefined) {
        caretTimer = setTimeout(() => {
          caretTimer = undefined;
          publish();
        }, CARET_DELAY_MS);
      }
    };
    docTimer = setTimeout(recompute, 0);
    editor.on('transaction', onTransaction);
    return () => {
      editor.off('transaction', onTransaction);
      clearTimeout(docTimer);
      clearTimeout(caretTimer);
    };
  }, [editor]);
  return state;
}

/** Puts the caret at the start of a heading and shows it at the top of the page. */
export function jumpTo(editor: Editor, entry: OutlineEntry): void {
  // Positions move as the writer types; the outline is recomputed now if the heading is no longer there.
  let target = entry;
  const node = editor.state.doc.nodeAt(entry.pos);
  if (!node || node.type.name !== 'heading' || node.textContent.trim() !== entry.text) {
    target = bookOutline(editor.state.doc).find((e) => e.index === entry.index || e.text === entry.text) ?? entry;
  }
  editor.chain().focus().setTextSelection(target.pos + 1).run();
  const dom = editor.view.nodeDOM(target.pos);
  if (dom instanceof HTMLElement) dom.scrollIntoView({ block: 'start' });
}
