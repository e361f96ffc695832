// The one fake browser of the unit tests: WXT's fakeBrowser, plus what it lacks (browser.i18n over the real English
// messages, as the browser resolves them). The unit project's setup file puts it behind `wxt/browser`.
import { fakeBrowser } from 'wxt/testing/fake-browser';
import en from '../public/_locales/en/messages.json';

export type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

/** browser.i18n.getMessage over a messages.json catalogue, placeholders included (as the browser does it). */
export function getMessageFrom(catalog: Catalog) {
  return (key: string, substitutions?: string | string[]): string => {
    const entry = catalog[key];
    if (!entry) return '';
    const subs = substitutions === undefined ? [] : [substitutions].flat();
    return entry.message.replace(/\$([A-Za-z_]+)\$/g, (_m, name: string) => {
      const content = entry.placeholders?.[name.toLowerCase()]?.content ?? '';
      return content.replace(/\$(\d)/g, (_x, n: string) => subs[Number(n) - 1] ?? '');
    });
  };
}

// fakeBrowser.reset() leaves i18n alone (it has nothing to reset), so these survive between tests.
Object.assign(fakeBrowser.i18n, {
  getMessage: getMessageFrom(en as Catalog),
  getUILanguage: () => 'en',
});

export { fakeBrowser };
