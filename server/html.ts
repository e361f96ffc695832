// Manuscript HTML sanitiser: keeps exactly what shared/html-policy.ts allows; run once on every write, in a worker
// thread (server/sanitizer/), after shared/markup-guard.ts has bounded its cost.
import sanitizeHtml from 'sanitize-html';
import { isAllowedHref, policySanitizeOptions } from '../shared/html-policy.ts';
import { scanMarkup, type MarkupScan } from '../shared/markup-guard.ts';

const policy = policySanitizeOptions();
const options: sanitizeHtml.IOptions = {
  ...policy,
  transformTags: {
    ...policy.transformTags,
    // sanitize-html keeps relative links; the policy keeps absolute http/https/mailto links only.
    a: (tagName, attribs) => {
      // Attributes are rebuilt in one fixed order so that sanitising twice gives the same text: the editor's order
      // (target, rel, href, title), so a link written in the editor is stored byte for byte and no sync has to
      // send the book back to its writer.
      const kept: Record<string, string> = {};
      if (attribs.target === '_blank') {
        kept.target = '_blank';
        // A page opened from a manuscript must not be able to script the opener.
        kept.rel = 'noopener noreferrer';
      } else if (attribs.rel !== undefined) {
        kept.rel = attribs.rel;
      }
      if (attribs.href !== undefined && isAllowedHref(attribs.href)) kept.href = attribs.href;
      if (attribs.title !== undefined) kept.title = attribs.title;
      return { tagName, attribs: kept };
    },
  },
};

/** Returns the manuscript with every tag, attribute and URL outside the policy removed. */
export function sanitizeManuscript(html: string): string {
  return sanitizeHtml(html, options);
}

export type Sanitized = { html: string } | { exceeded: NonNullable<MarkupScan['exceeded']> };

/**
 * The manuscript sanitised, or the markup limit it crosses: checked first, because the sanitiser's parser costs time
 * quadratic in nesting depth (a megabyte of unclosed tags held a thread for half a minute).
 */
export function sanitizeWithinLimits(html: string): Sanitized {
  const { exceeded } = scanMarkup(html);
  return exceeded ? { exceeded } : { html: sanitizeManuscript(html) };
}
