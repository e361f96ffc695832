// Sync v2 on the wire: one cycle of a 50-word edit of a 150,000-word book between two devices through the real server
// (child process, embedded store) — the writing device's push (a patch) and the other device's pull (the change feed
// as a patch from the revision it holds) — beside the same cycle as a client without patches makes it (whole book).
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { applyPatch, makePatch } from '../shared/manuscript/patch.ts';
import type { BookChange, SyncResponse } from '../shared/protocol.ts';
import { signUpWriter } from './lib/accounts.ts';
import { manuscriptHtml } from './lib/manuscript.ts';
import { startServer } from './lib/processes.ts';

export const FEED_BOOK_WORDS = 150_000;

export interface Transfer {
  /** JSON bytes of the request or answer body, and gzip of them (what travels when compressed). */
  bytes: number;
  gzipBytes: number;
}

export interface FeedCycleFigures {
  manuscriptBytes: number;
  patched: { up: Transfer; down: Transfer };
  whole: { up: Transfer; down: Transfer };
}

const transfer = (text: string): Transfer => ({ bytes: Buffer.byteLength(text), gzipBytes: gzipSync(text).length });

export async function measureFeedCycle(log: (line: string) => void): Promise<FeedCycleFigures> {
  const server = await startServer();
  try {
    const writer = await signUpWriter(server.url);
    const sync = async (body: unknown) => {
      const text = JSON.stringify(body);
      const response = await fetch(`${server.url}/api/sync`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${writer.token}` },
        body: text,
      });
      const answer = await response.text();
      if (response.status !== 200) throw new Error(`sync answered ${response.status}: ${answer.slice(0, 300)}`);
      return { sent: transfer(text), received: transfer(answer), answer: JSON.parse(answer) as SyncResponse };
    };

    const base = manuscriptHtml(FEED_BOOK_WORDS, 3);
    const middle = base.indexOf('</p>', Math.floor(base.length / 2));
    const typed = (tag: string) => ' ' + Array.from({ length: 50 }, (_, i) => `${tag}${i}`).join(' ');
    const book = { id: randomUUID(), title: 'Bench novel', author: 'Bench Writer', metadata: {}, updatedAt: Date.now() - 60_000 };
    await sync({ changes: [{ ...book, content: base }], patches: true });
    // The reading device is up to date: its cursor was issued after revision 1.
    const reader = await sync({ patches: true });

    // Sync v2: the push is a patch from revision 1, the pull a patch from the revision the reader holds.
    const edited = base.slice(0, middle) + typed('patched') + base.slice(middle);
    const push = await sync({ changes: [{ ...book, patch: await makePatch(base, edited), baseRevision: 1, updatedAt: Date.now() }], patches: true });
    if (push.answer.results[0]?.status !== 'ok') throw new Error(`push answered ${JSON.stringify(push.answer.results[0])}`);
    const pull = await sync({ cursor: reader.answer.cursor, patches: true });
    const change = pull.answer.changes[0] as BookChange;
    if (!change.patch || (await applyPatch(base, change.patch)) !== edited) throw new Error('the feed did not send a patch the reader could apply');

    // Today (a client without patches): the whole book up, the whole book down.
    const before = await sync({});
    const again = edited.slice(0, middle) + typed('whole') + edited.slice(middle);
    const wholePush = await sync({ changes: [{ ...book, content: again, baseRevision: 2, updatedAt: Date.now() }] });
    if (wholePush.answer.results[0]?.status !== 'ok') throw new Error(`whole push answered ${JSON.stringify(wholePush.answer.results[0])}`);
    const wholePull = await sync({ cursor: before.answer.cursor });

    const figures = {
      manuscriptBytes: Buffer.byteLength(base),
      patched: { up: push.sent, down: pull.received },
      whole: { up: wholePush.sent, down: wholePull.received },
    };
    log(`feed cycle: patched up ${figures.patched.up.bytes} B, down ${figures.patched.down.bytes} B; whole up ${figures.whole.up.bytes} B, down ${figures.whole.down.bytes} B`);
    return figures;
  } finally {
    await server.stop();
  }
}
