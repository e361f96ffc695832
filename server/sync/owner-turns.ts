// Takes turns per owner within this process: writes of one owner that lost a compare-and-set retry one at a time, so
// many devices (or tabs) writing one book at once do not keep invalidating each other's reads.

/** Runs tasks of one key one after another, in arrival order; tasks of different keys run freely. */
export class KeyedTurns {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const turn = previous.catch(() => undefined).then(task);
    this.tails.set(key, turn);
    try {
      return await turn;
    } finally {
      // The last in line leaves no entry behind.
      if (this.tails.get(key) === turn) this.tails.delete(key);
    }
  }
}
