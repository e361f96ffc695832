// Typed access to the extension's UI strings (public/_locales/*/messages.json) through browser.i18n.
import { browser } from 'wxt/browser';

type Messages = typeof import('../public/_locales/en/messages.json');
export type MessageKey = keyof Messages;

/** The localised string for `key`; the key itself when the browser has no message for it (never an empty label). */
export function t(key: MessageKey, substitutions?: string | number | Array<string | number>): string {
  const subs = substitutions === undefined ? undefined : [substitutions].flat().map(String);
  const getMessage = browser.i18n.getMessage as (name: string, substitutions?: string | string[]) => string;
  return getMessage(key, subs) || key;
}

/** The locale the messages are shown in, as a BCP 47 tag (e.g. "es-ES"), so dates and numbers match the words. */
export function uiLocale(): string {
  const getMessage = browser.i18n.getMessage as (name: string) => string;
  const browserLocale = getMessage('@@ui_locale').replace(/_/g, '-') || browser.i18n.getUILanguage();
  // The browser may pick the Spanish catalogue while reporting another UI locale (Chromium started with --lang=es
  // says en-US): the catalogue's own language wins, with the browser's region when the languages agree.
  const language = getMessage('catalogueLanguage');
  if (!language || browserLocale.toLowerCase().split('-')[0] === language) return browserLocale;
  return language;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

export function formatCount(n: number): string {
  const locale = uiLocale();
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format.format(n);
}

export function wordCountLabel(n: number): string {
  return n === 1 ? t('wordsOne') : t('wordsOther', formatCount(n));
}

export function charCountLabel(n: number): string {
  return n === 1 ? t('charsOne') : t('charsOther', formatCount(n));
}
