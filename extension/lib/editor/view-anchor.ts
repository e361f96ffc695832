// Keeps what the writer is looking at where it is on screen while a change made elsewhere is applied above it.
import type { Mapping } from '@tiptap/pm/transform';
import type { EditorView } from '@tiptap/pm/view';

/** The nearest ancestor of `element` that scrolls vertically, or the page's scrolling element. */
function scrollerOf(element: HTMLElement): Element {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const { overflowY } = getComputedStyle(node);
    if ((overflowY === 'auto' || overflowY === 'scroll') && node.scrollHeight > node.clientHeight) return node;
  }
  return document.scrollingElement ?? document.documentElement;
}

/**
 * Notes where the caret is on screen (or, when the caret is out of view, the text at the top of the view) and returns
 * what to call once the document has changed: it scrolls so that the same text is at the same height again. Blocks
 * inserted or removed above the view would otherwise push the writer's line up or down under their eyes.
 */
export function anchorView(view: EditorView): (mapping: Mapping) => void {
  let pos: number;
  let top: number;
  try {
    const height = window.innerHeight;
    const caret = view.coordsAtPos(view.state.selection.head);
    if (caret.bottom > 0 && caret.top < height) {
      pos = view.state.selection.head;
      top = caret.top;
    } else {
      const box = view.dom.getBoundingClientRect();
      const found = view.posAtCoords({ left: box.left + box.width / 2, top: Math.min(height - 1, Math.max(box.top, 0) + 1) });
      if (!found) return () => {};
      pos = found.pos;
      top = view.coordsAtPos(pos).top;
    }
  } catch {
    // No layout to measure (a page being torn down): nothing to keep.
    return () => {};
  }
  return (mapping) => {
    try {
      const delta = view.coordsAtPos(mapping.map(pos)).top - top;
      if (Math.abs(delta) >= 1) scrollerOf(view.dom).scrollTop += delta;
    } catch {
      // The anchor is gone with the page: nothing to restore.
    }
  };
}
