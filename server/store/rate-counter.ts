// Rate-limit counting: fixed windows per key, shared by every server process on one store.

export interface RateCounter {
  /** Counts one hit for `key` in the fixed window starting at `windowStart`; returns the count so far in it. */
  hit(key: string, windowStart: number, windowMs: number): Promise<number>;
}
