import { describe, expect, it } from 'vitest';
import { bookLanguageOf, canonicalLanguage } from './language.ts';

describe('a book’s language', () => {
  it.each([
    ['es', 'es'],
    [' en-gb ', 'en-GB'],
    ['pt-br', 'pt-BR'],
    ['zh-hant-tw', 'zh-Hant-TW'],
    ['sr-Latn', 'sr-Latn'],
  ])('accepts %j as %j', (tag, canonical) => {
    expect(canonicalLanguage(tag)).toBe(canonical);
  });

  it.each(['', 'english', 'es_ES!', 'x', '12', 'a'.repeat(40)])('refuses %j', (tag) => {
    expect(canonicalLanguage(tag)).toBeNull();
  });

  it('is read from the book’s metadata when well formed, else none', () => {
    expect(bookLanguageOf({ metadata: { language: 'es-es' } })).toBe('es-ES');
    expect(bookLanguageOf({ metadata: { language: 'Spanish!' } })).toBeNull();
    expect(bookLanguageOf({ metadata: { language: 7 } })).toBeNull();
    expect(bookLanguageOf({ metadata: {} })).toBeNull();
    expect(bookLanguageOf(undefined)).toBeNull();
  });
});
