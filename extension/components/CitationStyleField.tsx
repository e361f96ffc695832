// The book's citation style (APA 7, MLA 9, Chicago; English or Spanish), kept in the book's metadata, so every
// device and every clip into the book cites the same way.
import { bookRepository } from '../lib/books/repository.ts';
import { CITATION_METADATA_KEY, citationChoiceOf } from '../lib/clipping/clip-record.ts';
import { CITATION_LANGUAGES, CITATION_STYLES, type CitationChoice } from '../lib/clipping/citation-style.ts';
import { t, uiLocale } from '../lib/i18n.ts';
import { useObservable } from './useObservable.ts';

const STYLE_NAMES = { apa: 'citationStyleApa', mla: 'citationStyleMla', chicago: 'citationStyleChicago' } as const;
const LANGUAGE_NAMES = { en: 'citationLanguageEn', es: 'citationLanguageEs' } as const;

const CHOICES: CitationChoice[] = CITATION_STYLES.flatMap((style) => CITATION_LANGUAGES.map((language) => ({ style, language })));

export function CitationStyleField({ bookId }: { bookId: string }) {
  const book = useObservable(() => bookRepository().watchBook(bookId), [bookId]);
  const current = citationChoiceOf(book, uiLocale());
  return (
    <label className="field">
      <span>{t('citationStyleLabel')}</span>
      <select
        data-testid="citation-style"
        value={`${current.style}/${current.language}`}
        disabled={!book}
        onChange={(e) => {
          const [style, language] = e.target.value.split('/');
          void bookRepository()
            .save(bookId, { metadata: { [CITATION_METADATA_KEY]: { style, language } } })
            .catch((error: unknown) => console.error('[anclora] saving the citation style', error));
        }}
      >
        {CHOICES.map(({ style, language }) => (
          <option key={`${style}/${language}`} value={`${style}/${language}`}>
            {t('citationChoice', [t(STYLE_NAMES[style]), t(LANGUAGE_NAMES[language])])}
          </option>
        ))}
      </select>
    </label>
  );
}
