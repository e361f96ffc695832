// Test helpers for extension code: throwaway Dexie databases (fake-indexeddb) and the real English messages.
import Dexie from 'dexie';
import { afterEach } from 'vitest';
import { openDatabase, type AncloraDB } from './books/db.ts';

/** Registers cleanup and returns a factory of fresh, uniquely named databases for the current test file. */
export function testDatabases(prefix: string): () => AncloraDB {
  const opened: AncloraDB[] = [];
  afterEach(async () => {
    for (const db of opened.splice(0)) {
      db.close();
      await Dexie.delete(db.name);
    }
  });
  return () => {
    const db = openDatabase(`${prefix}-${crypto.randomUUID()}`);
    opened.push(db);
    return db;
  };
}

type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

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
