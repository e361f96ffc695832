// The TipTap extensions of the manuscript editor: only the marks and nodes that shared/html-policy.ts allows.
import type { Extensions } from '@tiptap/react';
import StarterKit from '@tiptap/starter-kit';
import { isAllowedHref } from '../../shared/html-policy.ts';

export function manuscriptExtensions(): Extensions {
  return [
    StarterKit.configure({
      // Not in the policy: <u>, and <pre><code class="language-…">.
      underline: false,
      codeBlock: false,
      link: {
        openOnClick: false,
        autolink: true,
        linkOnPaste: true,
        defaultProtocol: 'https',
        isAllowedUri: (url) => isAllowedHref(url),
      },
    }),
  ];
}
