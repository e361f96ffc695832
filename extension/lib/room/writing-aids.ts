// Focus mode (the paragraph being written is marked so the stylesheet can dim the rest), typewriter scrolling (the
// line being written stays at the middle of the page) and Tab that stays in the text, as one TipTap extension that
// reads the settings live.
import { Extension } from '@tiptap/core';
import { Plugin, PluginKey } from '@tiptap/pm/state';
import { Decoration, DecorationSet } from '@tiptap/pm/view';

export interface WritingAidsOptions {
  focusMode: () => boolean;
  typewriter: () => boolean;
  /** The element the manuscript scrolls in. */
  scroller: () => HTMLElement | null;
}

/** Dispatch a transaction with this meta after a setting changes, so the aids repaint without an edit. */
export const writingAidsKey = new PluginKey('writingAids');

/** Where the caret line sits in typewriter mode, as a fraction of the visible height. */
const TYPEWRITER_LINE = 0.45;

export const WritingAids = Extension.create<WritingAidsOptions>({
  name: 'writingAids',

  addOptions() {
    return { focusMode: () => false, typewriter: () => false, scroller: () => null };
  },

  addKeyboardShortcuts() {
    // Tab indents list items (Shift+Tab outdents); elsewhere it must not throw the writer out of the text
    // mid-sentence. Escape then Tab (or Shift+Tab) leaves the editor, as in code editors.
    const stay = () => !this.storage.escaped;
    const inList = () => !this.storage.escaped && this.editor.isActive('listItem');
    return {
      Tab: () => (inList() && this.editor.commands.sinkListItem('listItem')) || stay(),
      'Shift-Tab': () => (inList() && this.editor.commands.liftListItem('listItem')) || stay(),
    };
  },

  addStorage() {
    return { escaped: false };
  },

  addProseMirrorPlugins() {
    const options = this.options;
    const storage = this.storage as { escaped: boolean };
    return [
      new Plugin({
        key: writingAidsKey,
        props: {
          handleKeyDown(_view, event) {
            if (event.key !== 'Tab') storage.escaped = event.key === 'Escape';
            return false;
          },
          handleDOMEvents: {
            focus() {
              storage.escaped = false;
              return false;
            },
          },
          // One node decoration on the top-level block holding the caret: O(depth) per state, nothing when off.
          decorations(state) {
            if (!options.focusMode()) return DecorationSet.empty;
            const { $head } = state.selection;
            if ($head.depth < 1) return DecorationSet.empty;
            const start = $head.before(1);
            const block = state.doc.child($head.index(0));
            return DecorationSet.create(state.doc, [Decoration.node(start, start + block.nodeSize, { class: 'is-current' })]);
          },
        },
        view() {
          let frame = 0;
          return {
            update(view, previous) {
              if (!options.typewriter() || !view.hasFocus()) return;
              if (view.state.selection.eq(previous.selection) && view.state.doc === previous.doc) return;
              // After the browser's own scroll-into-view, once per frame, however fast the typing.
              cancelAnimationFrame(frame);
              frame = requestAnimationFrame(() => {
                const scroller = options.scroller();
                if (!scroller || view.isDestroyed) return;
                const caret = view.coordsAtPos(view.state.selection.head);
                const box = scroller.getBoundingClientRect();
                const delta = caret.top - (box.top + box.height * TYPEWRITER_LINE);
                if (Math.abs(delta) > 2) scroller.scrollTop += delta;
              });
            },
            destroy: () => cancelAnimationFrame(frame),
          };
        },
      }),
    ];
  },
});
