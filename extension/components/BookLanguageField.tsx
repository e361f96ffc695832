// The book's language (English, Spanish, or any BCP 47 code), kept in the book's metadata: exports write it into
// their files; a book that names none is exported in the interface language.
import { useState } from 'react';
import { bookLanguageOf, canonicalLanguage, LANGUAGE_METADATA_KEY } from '../lib/books/language.ts';
import { bookRepository } from '../lib/books/repository.ts';
import { t } from '../lib/i18n.ts';
import { useObservable } from './useObservable.ts';

/** The choices of the list; any other language is "other" with its code in a field. */
type Choice = '' | 'en' | 'es' | 'other';

function choiceOf(language: string | null): Choice {
  if (!language) return '';
  return language === 'en' || language === 'es' ? language : 'other';
}

export function BookLanguageField({ bookId }: { bookId: string }) {
  const book = useObservable(() => bookRepository().watchBook(bookId), [bookId]);
  const stored = bookLanguageOf(book);
  /** "Other…" chosen before a code is typed; the code being typed, until it is kept. */
  const [other, setOther] = useState<{ code: string; invalid: boolean } | null>(null);
  const choice: Choice = other ? 'other' : choiceOf(stored);

  const save = (language: string | null) =>
    void bookRepository()
      // null removes the key: the book follows the interface language again.
      .save(bookId, { metadata: { [LANGUAGE_METADATA_KEY]: language } })
      .catch((error: unknown) => console.error('[anclora] saving the book language', error));

  const keepCode = (code: string) => {
    const language = canonicalLanguage(code);
    if (!language) return setOther({ code, invalid: true });
    setOther(null);
    if (language !== stored) save(language);
  };

  return (
    <div className="field book-language">
      <label className="field">
        <span>{t('bookLanguageLabel')}</span>
        <select
          data-testid="book-language"
          value={choice}
          disabled={!book}
          onChange={(e) => {
            const next = e.target.value as Choice;
            if (next === 'other') return setOther({ code: stored && choiceOf(stored) === 'other' ? stored : '', invalid: false });
            setOther(null);
            save(next || null);
          }}
        >
          <option value="">{t('bookLanguageDefault')}</option>
          <option value="en">{t('bookLanguageEn')}</option>
          <option value="es">{t('bookLanguageEs')}</option>
          <option value="other">{choice === 'other' && stored && !other ? `${t('bookLanguageOther')} (${stored})` : t('bookLanguageOther')}</option>
        </select>
      </label>
      {other && (
        <label className="field">
          <span>{t('bookLanguageCode')}</span>
          <input
            data-testid="book-language-code"
            value={other.code}
            maxLength={35}
            aria-invalid={other.invalid}
            aria-describedby={other.invalid ? `${bookId}-language-invalid` : undefined}
            onChange={(e) => setOther({ code: e.target.value, invalid: false })}
            onBlur={(e) => keepCode(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                keepCode(e.currentTarget.value);
              }
            }}
          />
        </label>
      )}
      {other?.invalid && (
        <p id={`${bookId}-language-invalid`} role="alert" data-testid="book-language-invalid">
          {t('bookLanguageInvalid')}
        </p>
      )}
    </div>
  );
}
