/**
 * Pause, resume and stop as seen from inside a running job: the trainer checks `stopRequested` and
 * awaits `whilePaused()` between batches.
 */
export class JobControl {
  private paused = false;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly abort = new AbortController();

  /** Aborted by `stop`, for the long awaits (scanning, statistics) that take a signal. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get stopRequested(): boolean {
    return this.stopped;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake?.();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    this.paused = false;
    this.wake?.();
  }

  /** Resolves at once when running, or when resumed or stopped. */
  async whilePaused(): Promise<void> {
    while (this.paused && !this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }
}
