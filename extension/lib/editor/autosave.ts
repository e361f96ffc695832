// Debounced saving of an open book: at most `delayMs` after the last change, never more than `maxWaitMs` of unsaved
// typing, one write at a time, and an explicit flush for when the page is hidden or closed.
export type SaveState = 'saved' | 'pending' | 'saving' | 'error';

export interface AutosaveOptions {
  delayMs: number;
  maxWaitMs: number;
  /** Performs one write of the current state; it reads the editor itself, so nothing is serialised per keystroke. */
  write: () => Promise<void>;
  onStateChange?: (state: SaveState, error?: unknown) => void;
  now?: () => number;
}

export class Autosave {
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the oldest change that no write has picked up yet was made. */
  private firstPendingAt: number | undefined;
  private inFlight: Promise<void> | undefined;
  private state: SaveState = 'saved';
  private readonly now: () => number;

  constructor(private readonly options: AutosaveOptions) {
    this.now = options.now ?? Date.now;
  }

  /** True while changes exist that no write has picked up yet. */
  get pending(): boolean {
    return this.firstPendingAt !== undefined;
  }

  /** True while a write is running. */
  get busy(): boolean {
    return this.inFlight !== undefined;
  }

  /** Records that something changed; call on every edit (cheap: it only moves a timer). */
  schedule(): void {
    const now = this.now();
    this.firstPendingAt ??= now;
    const wait = Math.max(0, Math.min(this.options.delayMs, this.firstPendingAt + this.options.maxWaitMs - now));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush().catch(() => undefined), wait);
    if (!this.inFlight) this.setState('pending');
  }

  /** Writes now if anything is pending; resolves once everything recorded before the call is stored. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight) await this.inFlight.catch(() => undefined);
    if (this.firstPendingAt === undefined) return;
    this.firstPendingAt = undefined;
    this.setState('saving');
    const run = this.options.write();
    this.inFlight = run;
    try {
      await run;
      this.setState(this.pending ? 'pending' : 'saved');
    } catch (error) {
      // Keep the changes pending so that the next edit or flush retries them.
      this.firstPendingAt ??= this.now();
      this.setState('error', error);
      throw error;
    } finally {
      this.inFlight = undefined;
    }
  }

  /** Stops the timer (the owner flushes first if it wants pending changes written). */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setState(state: SaveState, error?: unknown): void {
    if (state === this.state && state !== 'error') return;
    this.state = state;
    this.options.onStateChange?.(state, error);
  }
}
