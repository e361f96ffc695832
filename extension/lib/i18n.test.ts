import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

interface Message {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string; example?: string }>;
}

const root = new URL('../../', import.meta.url);
const load = (lang: string): Record<string, Message> =>
  JSON.parse(readFileSync(new URL(`extension/public/_locales/${lang}/messages.json`, root), 'utf8'));
const en = load('en');
const es = load('es');

const usedPlaceholders = (text: string) => [...text.matchAll(/\$([A-Za-z0-9_@]+)\$/g)].map((m) => m[1]!.toLowerCase()).sort();

describe('UI strings', () => {
  it('exist in English and Spanish for exactly the same keys', () => {
    expect(Object.keys(es).sort()).toEqual(Object.keys(en).sort());
  });

  for (const [lang, messages] of [['en', en], ['es', es]] as const) {
    it(`are all non-empty in ${lang}, and every $PLACEHOLDER$ used is declared (and every declared one used)`, () => {
      for (const [key, value] of Object.entries(messages)) {
        expect(value.message.trim(), key).not.toBe('');
        const declared = Object.keys(value.placeholders ?? {}).map((p) => p.toLowerCase()).sort();
        expect(usedPlaceholders(value.message), key).toEqual(declared);
      }
    });
  }

  it('use the same placeholders, with the same substitution positions, in both languages', () => {
    for (const key of Object.keys(en)) {
      const positions = (m: Message | undefined) =>
        Object.fromEntries(Object.entries(m?.placeholders ?? {}).map(([name, p]) => [name.toLowerCase(), p.content]));
      expect(positions(es[key]), key).toEqual(positions(en[key]));
    }
  });

  it("use the seed's Spanish sync labels exactly, with \"Offline\" said in Spanish", () => {
    expect(es.syncSynced?.message).toBe('Sincronizado');
    expect(es.syncSyncing?.message).toBe('Sincronizando...');
    expect(es.syncOffline?.message).toBe('Sin conexión');
    expect(es.syncPending?.message.replace('$COUNT$', 'X')).toBe('X pendiente');
    expect(es.syncPendingMany?.message.replace('$COUNT$', 'N')).toBe('N pendientes');
    expect(es.syncError?.message).toBe('Error (reintentar)');
  });

  it('cover every __MSG_key__ the manifest refers to', () => {
    const config = readFileSync(fileURLToPath(new URL('wxt.config.ts', root)), 'utf8');
    const keys = [...config.matchAll(/__MSG_(\w+)__/g)].map((m) => m[1]!);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(en[key], key).toBeDefined();
  });
});

describe('the locale of dates and numbers', () => {
  it.each([
    ['es', 'es_MX', 'es-MX'],
    // Chromium started with --lang=es picks the Spanish catalogue but reports en-US: the words decide.
    ['es', 'en_US', 'es'],
    ['en', 'en_GB', 'en-GB'],
  ])('with the %s catalogue and a browser saying %s is %s', async (catalogue, reported, expected) => {
    const { fakeBrowser, getMessageFrom } = await import('./fake-browser.testing.ts');
    const { uiLocale } = await import('./i18n.ts');
    const original = fakeBrowser.i18n.getMessage;
    const messages = getMessageFrom(load(catalogue) as never);
    fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => (key === '@@ui_locale' ? reported : messages(key, subs))) as never;
    try {
      expect(uiLocale()).toBe(expected);
    } finally {
      fakeBrowser.i18n.getMessage = original;
    }
  });
});
