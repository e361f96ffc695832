// A book's language: a BCP 47 tag kept in its metadata (synced with the book, no schema of its own), which exports
// write into their files (EPUB, DOCX, PDF, HTML, Markdown) so readers, spell-checkers and hyphenation follow it.

/** Where a book keeps its language in its metadata. */
export const LANGUAGE_METADATA_KEY = 'language';

/** The tag in its canonical spelling ("es-mx" → "es-MX"), or null when it is not a well-formed BCP 47 tag. */
export function canonicalLanguage(tag: string): string | null {
  const trimmed = tag.trim();
  // The primary subtag is an ISO 639 code of 2 or 3 letters: BCP 47's 5–8 letter form is reserved and unused, and
  // would take a typed "English" for a tag.
  if (trimmed.length > 35 || !/^[a-z]{2,3}(-|$)/i.test(trimmed)) return null;
  try {
    return Intl.getCanonicalLocales(trimmed)[0] ?? null;
  } catch {
    return null;
  }
}

/** The language the book names, or null (then the writer's interface language stands in). */
export function bookLanguageOf(book: { metadata?: { [key: string]: unknown } } | undefined): string | null {
  const stored = book?.metadata?.[LANGUAGE_METADATA_KEY];
  return typeof stored === 'string' ? canonicalLanguage(stored) : null;
}
