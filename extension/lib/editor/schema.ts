// The TipTap extensions of the manuscript editor: only the marks and nodes that shared/html-policy.ts allows.
import { OrderedList } from '@tiptap/extension-list';
import type { Attribute, Extensions } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { ALLOWED_ATTRIBUTE_VALUES, isAllowedHref } from '../../../shared/html-policy.ts';

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

export function manuscriptExtensions(): Extensions {
  return [
    StarterKit.configure({
      // Not in the policy: <pre><code class="language-…">.
      codeBlock: false,
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
  ];
}
