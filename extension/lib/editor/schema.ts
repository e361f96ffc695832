// The TipTap extensions of the manuscript editor: only the marks and nodes that shared/html-policy.ts allows.
import { OrderedList } from '@tiptap/extension-list';
import { Selection, TextSelection } from '@tiptap/pm/state';
import { Extension, type Attribute, type Extensions } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { ALLOWED_ATTRIBUTE_VALUES, isAllowedHref } from '../../../shared/html-policy.ts';
import { tableExtensions } from './table.ts';

const LIST_TYPES: readonly string[] = ALLOWED_ATTRIBUTE_VALUES.ol?.type ?? [];

/**
 * Ordered lists keep their numbering style (TipTap reads it from `type` or from a pasted list-style-type), but only
 * the styles the server keeps: any other would be dropped on sync and the list renumbered behind the writer's back.
 */
const PolicyOrderedList = OrderedList.extend({
  addAttributes() {
    const inherited: Record<string, Attribute> = this.parent?.() ?? {};
    const type = inherited.type ?? {};
    return {
      ...inherited,
      type: {
        ...type,
        parseHTML: (element: HTMLElement) => {
          const parsed: unknown = type.parseHTML ? type.parseHTML(element) : element.getAttribute('type');
          return typeof parsed === 'string' && LIST_TYPES.includes(parsed) ? parsed : null;
        },
      },
    };
  },
});

const MAC = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/**
 * Ctrl+Home/End (also ⌘↑/↓ on a Mac), with Shift to select, moved by the editor rather than the browser: the browser's
 * own move reads the layout of the last block, which a block out of view does not have (the side panel skips laying
 * them out, `content-visibility`), and would stop at that block's start instead of the end of the book.
 */
const DocumentEdges = Extension.create({
  name: 'documentEdges',
  addKeyboardShortcuts() {
    const moveTo = (edge: 'start' | 'end', extend: boolean) => () => {
      const { state, view } = this.editor;
      const target = edge === 'end' ? Selection.atEnd(state.doc) : Selection.atStart(state.doc);
      const selection = extend ? TextSelection.between(state.selection.$anchor, target.$head) : target;
      view.dispatch(state.tr.setSelection(selection).scrollIntoView());
      return true;
    };
    return {
      'Mod-Home': moveTo('start', false),
      'Mod-End': moveTo('end', false),
      'Shift-Mod-Home': moveTo('start', true),
      'Shift-Mod-End': moveTo('end', true),
      ...(MAC && {
        'Mod-ArrowUp': moveTo('start', false),
        'Mod-ArrowDown': moveTo('end', false),
        'Shift-Mod-ArrowUp': moveTo('start', true),
        'Shift-Mod-ArrowDown': moveTo('end', true),
      }),
    };
  },
});

export function manuscriptExtensions(): Extensions {
  return [
    StarterKit.configure({
      // Not in the policy: <u>, and the language class of <pre><code class="language-…">: a prefix no class has, so
      // code blocks (clipped articles keep them) are written as plain <pre><code>.
      underline: false,
      codeBlock: { languageClassPrefix: 'anclora-no-language-', HTMLAttributes: {} },
      orderedList: false,
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: 'https',
        isAllowedUri: (url) => isAllowedHref(url),
        // TipTap's default adds "nofollow", which the server does not keep: every link would make the stored copy
        // differ from the writer's and each sync send the book back.
        HTMLAttributes: { target: '_blank', rel: 'noopener noreferrer' },
      },
    }),
    PolicyOrderedList,
    DocumentEdges,
    ...tableExtensions,
  ];
}
