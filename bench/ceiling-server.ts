// The throughput ceilings, run as their own process: a bare Koa app with one JSON endpoint and no middleware, and the
// same app making one durable SQLite write of each request's body (WAL, synchronous = FULL, as the embedded store).
import Database from 'better-sqlite3';
import Koa from 'koa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WRITE_PATH = '/ceiling-write/';
const dir = mkdtempSync(join(tmpdir(), 'anclora-ceiling-'));
const db = new Database(join(dir, 'ceiling.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec('CREATE TABLE writes (id TEXT PRIMARY KEY, body BLOB NOT NULL) STRICT');
const write = db.prepare('INSERT OR REPLACE INTO writes (id, body) VALUES (?, ?)');

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path.startsWith(WRITE_PATH)) {
    const chunks: Buffer[] = [];
    for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
    write.run(ctx.path.slice(WRITE_PATH.length), Buffer.concat(chunks));
  }
  ctx.body = { ok: true };
});
app.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
