/**
 * A leading-edge debouncer for analysis runs:
 * - a change when nothing is pending runs as soon as the messages already
 *   received are handled (two turns of the event loop's check phase:
 *   vscode-jsonrpc handles one message per `setImmediate`), so a lone edit is
 *   never delayed, and keystrokes that queued up while an analysis ran make
 *   one run, not one each;
 * - changes that arrive while a run is pending (a burst of editor messages,
 *   a multi-file edit) push it back by `quietMs`, but never later than
 *   `maxWaitMs` after the first of them;
 * - changes that arrive during a run make exactly one more run after it,
 *   after `quietMs`.
 * Runs never overlap.
 */
export class Debouncer {
  /** The pending run's cancel, when one is pending. */
  private cancelPending: (() => void) | undefined;
  private firstPending = 0;
  private running: Promise<void> | undefined;
  private again = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param task the work to run (sync or async); its errors go to `onError` and do not stop later runs
   * @param quietMs quiet time in milliseconds a burst waits for
   * @param maxWaitMs longest time in milliseconds a change waits for a run while changes keep coming
   * @param onError receives what `task` throws
   */
  constructor(
    private readonly task: () => void | Promise<void>,
    public quietMs: number,
    private readonly maxWaitMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Asks for a run. */
  schedule(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.arm(this.cancelPending === undefined ? 0 : this.quietMs);
  }

  private arm(delay: number): void {
    const now = Date.now();
    if (this.cancelPending) this.cancelPending();
    else this.firstPending = now;
    const wait = Math.max(0, Math.min(delay, this.firstPending + this.maxWaitMs - now));
    if (wait > 0) {
      const t = setTimeout(() => this.fire(), wait);
      this.cancelPending = () => clearTimeout(t);
      return;
    }
    let cancelled = false;
    setImmediate(() => setImmediate(() => {
      if (!cancelled) this.fire();
    }));
    this.cancelPending = () => {
      cancelled = true;
    };
  }

  /** Runs now if a run is pending (skipping the quiet time), and resolves when idle. */
  async flush(): Promise<void> {
    if (this.cancelPending) {
      this.cancelPending();
      this.fire();
    }
    await this.idle();
  }

  /** Resolves when no run is pending or running. */
  idle(): Promise<void> {
    if (!this.cancelPending && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels a pending run (a running one finishes). */
  dispose(): void {
    if (this.cancelPending) this.cancelPending();
    this.cancelPending = undefined;
    this.again = false;
  }

  private fire(): void {
    this.cancelPending = undefined;
    this.again = false;
    this.running = (async () => {
      try {
        await this.task();
      } catch (e) {
        this.onError(e);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.arm(this.quietMs);
      } else if (!this.cancelPending) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }
}
