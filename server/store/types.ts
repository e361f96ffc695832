// The whole store one database gives the server: books, accounts, credentials and rate counters behind one object,
// each part its own interface so that a route or service depends only on the part it uses.
import type { AccountStore } from './account-store.ts';
import type { BookStore } from './book-store.ts';
import type { CredentialStore } from './credential-store.ts';
import type { RateCounter } from './rate-counter.ts';

export type StoreKind = 'embedded' | 'mongodb';

export interface Store extends BookStore, AccountStore, CredentialStore, RateCounter {
  readonly kind: StoreKind;
  close(): Promise<void>;
}

/** The store's disk (or its database's space) is full: nothing was written; worth retrying later. */
export class StoreFullError extends Error {
  constructor(options?: { cause?: unknown }) {
    super('the store is out of space', options);
    this.name = 'StoreFullError';
  }
}

/**
 * The store with every call's out-of-space failure (as `isFull` recognises it for that database) thrown as
 * StoreFullError, so the server answers 503 + Retry-After whichever store it runs on.
 */
export function reportingFullDisk(store: Store, isFull: (error: unknown) => boolean): Store {
  const wrapped = { ...store };
  for (const key of Object.keys(store) as Array<keyof Store>) {
    const method = store[key];
    if (typeof method !== 'function') continue;
    (wrapped as Record<string, unknown>)[key] = async (...args: unknown[]) => {
      try {
        return await (method as (...a: unknown[]) => Promise<unknown>).apply(store, args);
      } catch (error) {
        throw isFull(error) ? new StoreFullError({ cause: error }) : error;
      }
    };
  }
  return wrapped;
}
