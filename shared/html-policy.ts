// The HTML a manuscript may contain: what the editor produces and what the server's sanitiser keeps.
export const ALLOWED_TAGS = [
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6',
  'p', 'br', 'hr',
  'strong', 'b', 'em', 'i', 's', 'strike', 'del', 'code', 'pre',
  'blockquote', 'ul', 'ol', 'li', 'a',
  // Tables as the editor writes them: rows in one tbody, header cells as th (clipped articles keep their tables).
  'table', 'tbody', 'tr', 'th', 'td',
] as const;

export const ALLOWED_ATTRIBUTES: Record<string, readonly string[]> = {
  a: ['href', 'title', 'rel', 'target'],
  ol: ['start', 'type'],
  th: ['colspan', 'rowspan'],
  td: ['colspan', 'rowspan'],
};

/** Attributes kept only with one of these values (any other value removes the attribute). */
export const ALLOWED_ATTRIBUTE_VALUES: Record<string, Record<string, readonly string[]>> = {
  // Numbering style of a list: lettered and roman lists pasted from word processors keep their numbering.
  ol: { type: ['1', 'a', 'A', 'i', 'I'] },
};

export const ALLOWED_URL_SCHEMES = ['http', 'https', 'mailto'] as const;

/** True when a link target is one we keep (absolute http/https/mailto only). */
export function isAllowedHref(href: string): boolean {
  const m = /^\s*([a-z][a-z0-9+.-]*):/i.exec(href);
  return !!m && (ALLOWED_URL_SCHEMES as readonly string[]).includes(m[1]!.toLowerCase());
}

/**
 * The policy as sanitize-html options (the server's sanitiser and the extension's clipper add their link handling).
 * Structural typing keeps this module free of any import; it matches sanitize-html's IOptions.
 */
export function policySanitizeOptions() {
  return {
    allowedTags: [...ALLOWED_TAGS] as string[],
    allowedAttributes: Object.fromEntries(Object.entries(ALLOWED_ATTRIBUTES).map(([tag, attrs]) => [tag, [...attrs]])),
    allowedSchemes: [...ALLOWED_URL_SCHEMES] as string[],
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard' as const,
    // Values are checked here rather than with sanitize-html's `values` option, which leaves a refused attribute
    // behind empty (`<ol type>`) and so changes the text again on a second pass.
    transformTags: Object.fromEntries(
      Object.keys(ALLOWED_ATTRIBUTE_VALUES).map((tag) => [
        tag,
        (tagName: string, attribs: Record<string, string>) => ({ tagName, attribs: withAllowedValues(tag, attribs) }),
      ]),
    ),
  };
}

/** `attribs` without the attributes whose value the policy does not allow. */
function withAllowedValues(tag: string, attribs: Record<string, string>): Record<string, string> {
  const rules = ALLOWED_ATTRIBUTE_VALUES[tag] ?? {};
  return Object.fromEntries(Object.entries(attribs).filter(([name, value]) => rules[name]?.includes(value) ?? true));
}
