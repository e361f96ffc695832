// Typography for prose as the writer types: curly quotes by language (nested the Spanish way), em dash, ellipsis, and
// the no-break spaces Spanish wants (inside « » when the writer spaces them, before %). English wants none; French
// rules (before ; : ! ?) would come with a French quotation style, which we do not ship.
// Written here rather than with @tiptap/extension-typography: its newest release pins an older @tiptap/core than ours
// and its quote rules cannot nest « “ ” » by context. Each substitution is a TipTap input rule, so Backspace right
// after it (or Undo) brings back what was typed.
import { Extension, InputRule, textInputRule } from '@tiptap/core';

export type QuoteLanguage = 'en' | 'es';

/** Double-quote pairs from the outside in: English “ ”; Spanish « » with “ ” inside (RAE). */
const DOUBLE: Record<QuoteLanguage, readonly (readonly [string, string])[]> = {
  en: [['“', '”']],
  es: [['«', '»'], ['“', '”']],
};

// A quote after these (or at the start of the paragraph) opens; after anything else it closes.
const OPENS_AFTER = /[\s([{\u2014\u2013«“‘\-/]$/u;
const WORD_CHAR = /[\p{L}\p{N}]$/u;

/** The double quotes still open in `before`, innermost last, as indexes into the language's levels. */
function openLevels(before: string, levels: readonly (readonly [string, string])[]): number[] {
  const stack: number[] = [];
  for (const ch of before) {
    const opening = levels.findIndex(([open]) => ch === open);
    if (opening >= 0) stack.push(opening);
    const closing = levels.findIndex(([, close]) => ch === close);
    if (closing >= 0 && stack.includes(closing)) stack.splice(stack.lastIndexOf(closing));
  }
  return stack;
}

/** A no-break space: the line never breaks there, so « and » are never left alone at the end or start of a line. */
export const NBSP = '\u00a0';

/** Whether the innermost open « in `before` was followed by a space (the writer's spaced style: « texto »). */
function spacedGuillemet(before: string): boolean {
  const open = before.lastIndexOf('«');
  return open >= 0 && before[open + 1] === NBSP;
}

/** The character a straight quote typed after `before` (the paragraph's text up to the caret) becomes. */
export function smartQuote(before: string, typed: '"' | "'", language: QuoteLanguage): string {
  const opens = before === '' || OPENS_AFTER.test(before);
  // Apostrophes (it’s, rock ’n’ roll) and closing single quotes are the same character.
  if (typed === "'") return opens && !WORD_CHAR.test(before) ? '‘' : '’';
  const levels = DOUBLE[language];
  const open = openLevels(before, levels);
  if (opens) return levels[Math.min(open.length, levels.length - 1)]![0];
  const close = levels[open[open.length - 1] ?? 0]![1];
  // « texto »: the closing guillemet takes the same no-break space the opening one was given.
  return close === '»' && spacedGuillemet(before) ? `${NBSP}»` : close;
}

export interface ProseTypographyOptions {
  /**
   * The quotation style at the moment of typing (settings may change while the book is open); null: straight quotes.
   * Spanish also brings Spanish no-break spaces.
   */
  quotes: () => QuoteLanguage | null;
}

/**
 * A Spanish no-break space: `find` matches what is typed with what comes before, and the plain space at `space` in the
 * match becomes a no-break one. Only with the Spanish style; Backspace right after gives the plain space back.
 */
function spanishSpace(find: RegExp, space: number, language: () => QuoteLanguage | null): InputRule {
  return new InputRule({
    find,
    handler: ({ state, range, match }) => {
      if (language() !== 'es') return null;
      const typed = match[0];
      state.tr.insertText(`${typed.slice(0, space)}${NBSP}${typed.slice(space + 1)}`, range.from, range.to);
    },
  });
}

export const ProseTypography = Extension.create<ProseTypographyOptions>({
  name: 'proseTypography',

  addOptions() {
    return { quotes: () => 'en' };
  },

  addInputRules() {
    const quotes = () => this.options.quotes();
    return [
      textInputRule({ find: /--$/, replace: '—' }),
      textInputRule({ find: /\.\.\.$/, replace: '…' }),
      new InputRule({
        find: /["']$/,
        handler: ({ state, range, match }) => {
          const language = quotes();
          if (!language) return null;
          const $from = state.doc.resolve(range.from);
          const before = state.doc.textBetween($from.start(), range.from, undefined, '\ufffc');
          state.tr.insertText(smartQuote(before, match[0] as '"' | "'", language), range.from, range.to);
        },
      }),
      // « texto »: a space typed right after «, or right before a typed », and "10 %" (RAE).
      spanishSpace(/« $/, 1, quotes),
      spanishSpace(/ »$/, 0, quotes),
      spanishSpace(/\d %$/, 1, quotes),
    ];
  },
});
