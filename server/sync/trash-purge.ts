// When the server forgets the text of books past the trash retention: for an owner whenever their trash is read, and
// at most once an hour per owner (per process) as they sync, so a trash nobody opens does not hold its quota forever.
import type { BookStore } from '../store/book-store.ts';

const EVERY_MS = 60 * 60 * 1000;
/** Owners remembered at once; beyond it the oldest are forgotten (they are only purged again a little sooner). */
const OWNERS_REMEMBERED = 10_000;

export interface TrashPurge {
  /** Purges the owner's trash now; returns the time before which deleted books are gone. */
  now(owner: string): Promise<number>;
  /** Purges the owner's trash if it was not purged in the last hour. */
  whenDue(owner: string): Promise<void>;
}

export function createTrashPurge(store: Pick<BookStore, 'purgeTrash'>, retentionMs: number, clock: () => number): TrashPurge {
  const last = new Map<string, number>();
  const purge = async (owner: string) => {
    const at = clock();
    const upTo = at - retentionMs;
    await store.purgeTrash(owner, upTo);
    last.delete(owner);
    last.set(owner, at);
    if (last.size > OWNERS_REMEMBERED) last.delete(last.keys().next().value!);
    return upTo;
  };
  return {
    now: purge,
    async whenDue(owner) {
      const previous = last.get(owner);
      if (previous === undefined || clock() - previous >= EVERY_MS) await purge(owner);
    },
  };
}
