// Makes sure two sync cycles never overlap, also across service-worker restarts.
//
// Web Locks (navigator.locks) rather than a lease in storage.local: the browser releases a held lock the moment the
// context holding it dies, so a worker killed mid-cycle never leaves a stale lock behind, and the next alarm can
// start at once instead of waiting for a lease to expire. A lease would need a compare-and-set that storage.local does
// not offer, and an expiry long enough for a slow cycle yet short enough not to stall the next one. The lock is
// per extension origin, so the panel (which never runs cycles) cannot contend with the worker by accident.
// Where Web Locks are missing (Node tests), one context is all there is, so an in-process lock is equivalent.

export type LockResult<T> = { ran: true; value: T } | { ran: false };

export interface CycleLock {
  /** Runs `work` if nobody holds the lock; otherwise returns at once without running it. */
  tryRun<T>(work: () => Promise<T>): Promise<LockResult<T>>;
}

interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

export function webLock(locks: LockManagerLike, name = 'anclora-sync-cycle'): CycleLock {
  return {
    tryRun<T>(work: () => Promise<T>) {
      return locks.request<LockResult<T>>(name, { ifAvailable: true }, async (lock) =>
        lock ? { ran: true, value: await work() } : { ran: false },
      );
    },
  };
}

export function inProcessLock(): CycleLock {
  let held = false;
  return {
    async tryRun<T>(work: () => Promise<T>): Promise<LockResult<T>> {
      if (held) return { ran: false };
      held = true;
      try {
        return { ran: true, value: await work() };
      } finally {
        held = false;
      }
    },
  };
}

export function defaultLock(): CycleLock {
  const locks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return locks ? webLock(locks) : inProcessLock();
}
