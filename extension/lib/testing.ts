// Test helpers for extension code: throwaway Dexie databases (fake-indexeddb).
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
