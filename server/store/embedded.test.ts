// Embedded-store specifics beyond the conformance suite: where the file lives, its pragmas and schema versioning.
import { randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EMBEDDED_DB_FILE, MIGRATIONS, openEmbeddedStore, SCHEMA_VERSION } from './embedded.ts';
import { bookSize, revisionSize } from './paging.ts';

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
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
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
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('migrates a version 1 data dir: its device tokens keep working, with no recorded lineage', async () => {
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    db.exec(MIGRATIONS[0] as string);
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

    await expect(openEmbeddedStore(root)).rejects.toThrow(new RegExp(`schema version 99, newer than this server knows \\(${SCHEMA_VERSION}\\)`));
  });

  const mode = (file: string) => statSync(file).mode & 0o777;

  it('keeps the data dir private (0700) and the database with its -wal and -shm files 0600', async () => {
    const dataDir = path.join(root, 'fresh');
    const store = await openEmbeddedStore(dataDir);
    await store.createUser({ id: randomUUID(), email: 'a@example.test', name: null, passwordHash: 'x', createdAt: 1 });

    const file = path.join(dataDir, EMBEDDED_DB_FILE);
    expect(mode(dataDir)).toBe(0o700);
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(mode(f), f).toBe(0o600);
    await store.close();
  });

  it('tightens a data dir and database that an older server left readable by others', async () => {
    const dataDir = path.join(root, 'older');
    mkdirSync(dataDir, { mode: 0o755 });
    const file = path.join(dataDir, EMBEDDED_DB_FILE);
    new Database(file).close();
    chmodSync(dataDir, 0o755);
    chmodSync(file, 0o644);

    await (await openEmbeddedStore(dataDir)).close();

    expect(mode(dataDir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it("records the sizes of books and revisions, and each owner's total, written before sizes existed", async () => {
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    db.exec(MIGRATIONS[0] as string);
    db.pragma('user_version = 1');
    const book = {
      id: randomUUID(),
      title: 'Old "quoted" draft',
      author: 'Ana',
      content: '<p>Año ünïcode — text</p>',
      metadata: { wordCount: 3 },
      updatedAt: 10,
      createdAt: 5,
      syncedAt: 11,
      revision: 2,
      deleted: false,
    };
    const row = { ...book, metadata: JSON.stringify(book.metadata), deleted: 0, owner: 'ana', seq: 2 };
    db.prepare(
      `INSERT INTO books (id, owner, title, author, content, metadata, updated_at, created_at, synced_at, revision, deleted, seq)
       VALUES (@id, @owner, @title, @author, @content, @metadata, @updatedAt, @createdAt, @syncedAt, @revision, @deleted, @seq)`,
    ).run(row);
    db.prepare(
      `INSERT INTO revisions (owner, book_id, revision, title, author, content, metadata, updated_at, created_at, synced_at, deleted, replaced_at)
       VALUES (@owner, @id, 1, @title, @author, '<p>first</p>', @metadata, @updatedAt, @createdAt, @syncedAt, @deleted, 11)`,
    ).run(row);
    db.prepare("INSERT INTO counters (owner, seq) VALUES ('ana', 2)").run();
    db.close();

    const store = await openEmbeddedStore(root);
    const bytes = await store.storedBytes('ana');
    const page = await store.changesSince('ana', 0, 10, { maxBytes: bookSize(book), atLeastOne: false });
    await store.close();

    expect(bytes).toBe(bookSize(book));
    expect(page.books.map((b) => b.id)).toEqual([book.id]);
    const migrated = new Database(path.join(root, EMBEDDED_DB_FILE), { readonly: true });
    const listedSize = migrated.prepare('SELECT size FROM revisions').pluck().get();
    migrated.close();
    // A kept version's size is now what it takes in a listing (no text).
    const { content: _content, ...fields } = { ...book, revision: 1 };
    expect(listedSize).toBe(revisionSize({ ...fields, replacedAt: 11, device: null }));
  });

  it('re-encodes the whole copies a version 4 data dir kept as reverse patches that read back exactly', async () => {
    const db = new Database(path.join(root, EMBEDDED_DB_FILE));
    // Step 3 sizes existing rows with book_size(), which the store registers; this database starts empty.
    db.function('book_size', { varargs: true }, () => 0);
    for (const step of MIGRATIONS.slice(0, 4)) db.exec(step as string);
    db.pragma('user_version = 4');
    const id = randomUUID();
    const texts = ['<p>One.</p>', '<p>One. Two.</p>', '<p>One. Two.</p><p>Three.</p>', '<p>One, two.</p><p>Three.</p><p>Four.</p>'];
    const merge = { baseRevision: 1, mergedWith: 2, newer: 'incoming', overlaps: [{ base: 'Two.', kept: 'Two', lost: 'Deux', keptSide: 'incoming' }] };
    const columns = 'owner, title, author, metadata, updated_at, created_at, synced_at, deleted, size, merge';
    db.prepare(
      `INSERT INTO books (id, content, revision, seq, ${columns}) VALUES (?, ?, 4, 4, 'ana', 'Tide', 'Ana', '{}', 40, 1, 40, 0, 100, NULL)`,
    ).run(id, texts[3]);
    for (let revision = 1; revision <= 3; revision++) {
      db.prepare(
        `INSERT INTO revisions (book_id, content, revision, replaced_at, ${columns})
         VALUES (?, ?, ?, ?, 'ana', ?, 'Ana', '{}', ?, 1, ?, 0, 100, ?)`,
      ).run(id, texts[revision - 1], revision, revision * 10 + 10, `Tide ${revision}`, revision * 10, revision * 10, revision === 3 ? JSON.stringify(merge) : null);
    }
    db.close();

    const store = await openEmbeddedStore(root);
    try {
      const listed = (await store.listRevisions('ana', id))!.revisions;
      expect(listed.map((r) => [r.revision, r.title, r.wordsAdded, r.wordsRemoved, r.device])).toEqual([
        [3, 'Tide 3', 1, 0, null],
        [2, 'Tide 2', 1, 0, null],
        [1, 'Tide 1', 1, 0, null],
      ]);
      expect(listed[0]!.merge).toEqual(merge);
      for (let revision = 1; revision <= 3; revision++) {
        expect((await store.getRevision('ana', id, { revision }))?.content).toBe(texts[revision - 1]);
      }
      // The migrated chain goes on: a new write archives revision 4 on top of it.
      const current = (await store.getBook('ana', id))!;
      const next = await store.putBooks('ana', [{ book: { ...current, content: '<p>Five.</p>', revision: 5, syncedAt: 50 }, expectedRevision: 4 }]);
      expect(next[0]!.ok).toBe(true);
      for (let revision = 1; revision <= 4; revision++) {
        expect((await store.getRevision('ana', id, { revision }))?.content).toBe(texts[revision - 1]);
      }
    } finally {
      await store.close();
    }
    const migrated = new Database(path.join(root, EMBEDDED_DB_FILE), { readonly: true });
    const stored = migrated.prepare('SELECT revision, snapshot IS NOT NULL AS whole FROM revisions ORDER BY revision').all();
    migrated.close();
    // Patches, not whole copies (a history this short needs no whole copy).
    expect(stored).toEqual([1, 2, 3, 4].map((revision) => ({ revision, whole: 0 })));
  });

  it("never reads another owner's book to answer that it is not yours, so its size does not show in the time taken", async () => {
    const store = await openEmbeddedStore(root);
    const id = randomUUID();
    const content = 'x'.repeat(4 * 1024 * 1024);
    const book = { id, title: 't', author: '', content, metadata: {}, updatedAt: 1, createdAt: 1, syncedAt: 1, revision: 1, deleted: false };
    await store.putBooks('bob', [{ book, expectedRevision: null }]);

    // Reading the 4 MiB row costs ~5 ms a lookup; a lookup by owner and id together costs microseconds, like a miss.
    const started = performance.now();
    for (let i = 0; i < 50; i++) {
      expect(await store.getBook('alice', id)).toBeNull();
      expect(await store.getBooks('alice', [id])).toEqual([]);
    }
    const elapsed = performance.now() - started;
    await store.close();

    expect(elapsed).toBeLessThan(50);
  });
});

