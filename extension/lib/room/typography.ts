// Typography for prose as the writer types: curly quotes by language (nested the Spanish way), em dash, ellipsis.
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

/** The character a straight quote typed after `before` (the paragraph's text up to the caret) becomes. */
export function smartQuote(before: string, typed: '"' | "'", language: QuoteLanguage): string {
  const opens = before === '' || OPENS_AFTER.test(before);
  // Apostrophes (it’s, rock ’n’ roll) and closing single quotes are the same character.
  if (typed === "'") return opens && !WORD_CHAR.test(before) ? '‘' : '’';
  const levels = DOUBLE[language];
  const open = openLevels(before, levels);
  if (opens) return levels[Math.min(open.length, levels.length - 1)]![0];
  return levels[open[open.length - 1] ?? 0]![1];
}

export interface ProseTypographyOptions {
  /** The quotation style at the moment of typing (settings may change while the book is open); null: straight quotes. */
  quotes: () => QuoteLanguage | null;
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
    ];
  },
});
