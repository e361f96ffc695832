// Embedded-store specifics beyond the conformance suite: where the file lives, its pragmas and schema versioning.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_DB_FILE, MIGRATIONS, openEmbeddedStore } from './embedded.ts';

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
      expect(db.pragma('user_version', { simple: true })).toBe(2);
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['books', 'counters', 'identities', 'rate_limits', 'revisions', 'sessions', 'tokens', 'users']);
    } finally {
      db.close();
    }
  });

  it('opens an existing data dir again without re-running its migrations', async () => {
    await (await openEmbeddedStore(root)).close();

    const reopened = await openEmbeddedStore(root);
    await reopened.close();

    const db = new Database(path.join(root, EMBEDDED_DB_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });

  it('migrates a version 1 data dir: its device tokens keep working, with no recorded lineage', async () => {
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    db.exec(MIGRATIONS[0]!);
    db.exec(`
      INSERT INTO users VALUES ('u1', 'ana@example.com', NULL, 'hash', 1);
      INSERT INTO tokens VALUES ('t1', 'u1', 'h1', 'Laptop', 2, NULL);
    `);
    db.pragma('user_version = 1');
    db.close();

    const store = await openEmbeddedStore(root);
    try {
      expect(await store.findTokenByHash('h1')).toEqual({
        id: 't1',
        userId: 'u1',
        hash: 'h1',
        deviceName: 'Laptop',
        createdAt: 2,
        lastUsedAt: null,
        sessionId: null,
        signIn: null,
      });
      expect(await store.listSessions('u1', 0)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a data dir written by a newer server instead of guessing at its schema', async () => {
    await (await openEmbeddedStore(root)).close();
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    db.pragma('user_version = 99');
    db.close();

    await expect(openEmbeddedStore(root)).rejects.toThrow(/schema version 99, newer than this server knows \(2\)/);
  });
});
