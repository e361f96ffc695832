// Embedded-store specifics beyond the conformance suite: where the file lives, its pragmas and schema versioning.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_DB_FILE, openEmbeddedStore } from './embedded.ts';

describe('the embedded store file', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'anclora-embedded-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates a missing data dir and keeps its database there in WAL mode at the current schema version', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const store = await openEmbeddedStore(dataDir);
    await store.close();

    const file = path.join(dataDir, EMBEDDED_DB_FILE);
    expect(existsSync(file)).toBe(true);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['books', 'counters', 'rate_limits', 'revisions', 'tokens', 'users']);
    } finally {
      db.close();
    }
  });

  it('opens an existing data dir again without re-running its migrations', async () => {
    await (await openEmbeddedStore(root)).close();

    const reopened = await openEmbeddedStore(root);
    await reopened.close();

    const db = new Database(path.join(root, EMBEDDED_DB_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    db.close();
  });

  it('refuses a data dir written by a newer server instead of guessing at its schema', async () => {
    await (await openEmbeddedStore(root)).close();
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    db.pragma('user_version = 99');
    db.close();

    await expect(openEmbeddedStore(root)).rejects.toThrow(/schema version 99, newer than this server knows \(1\)/);
  });
});
