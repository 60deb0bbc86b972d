/**
 * Coalesces bursts of changes into few analysis runs, without delaying a
 * lone change:
 * - a change that comes `burstWindowMs` (30 ms by default: longer than a
 *   burst of editor messages or key repeat, shorter than the pause between
 *   keystrokes) or more after the previous one runs on the next turn of the
 *   event loop (leading edge);
 * - changes in a burst run `quietMs` after the last one (restarted by each
 *   change), but never later than `maxWaitMs` after the first pending one;
 * - changes that arrive during a run make exactly one more run after it.
 * Runs never overlap.
 */
export class Debouncer {
  private timer: NodeJS.Timeout | undefined;
  private firstPending = 0;
  private lastSchedule = -Infinity;
  private running: Promise<void> | undefined;
  private again = false;
  private idleWaiters: (() => void)[] = [];

  /**
   * @param task the work to run (sync or async); its errors go to `onError` and do not stop later runs
   * @param quietMs quiet time in milliseconds before a run, inside a burst
   * @param maxWaitMs longest time in milliseconds a change waits for a run while changes keep coming
   * @param onError receives what `task` throws
   * @param burstWindowMs a change this soon (ms) after the previous one belongs to a burst
   */
  constructor(
    private readonly task: () => void | Promise<void>,
    public quietMs: number,
    private readonly maxWaitMs: number,
    private readonly onError: (e: unknown) => void,
    private readonly burstWindowMs = 30,
  ) {}

  /** Asks for a run. */
  schedule(): void {
    if (this.running) {
      this.again = true;
      this.lastSchedule = Date.now();
      return;
    }
    const now = Date.now();
    const sincePrevious = now - this.lastSchedule;
    this.lastSchedule = now;
    if (this.timer) {
      clearTimeout(this.timer);
    } else {
      this.firstPending = now;
      if (sincePrevious >= this.burstWindowMs) {
        this.timer = setTimeout(() => this.fire(), 0);
        return;
      }
    }
    const wait = Math.max(0, Math.min(this.quietMs, this.firstPending + this.maxWaitMs - now));
    this.timer = setTimeout(() => this.fire(), wait);
  }

  /** Runs now if a run is pending (skipping the quiet time), and resolves when idle. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.fire();
    }
    await this.idle();
  }

  /** Resolves when no run is pending or running. */
  idle(): Promise<void> {
    if (!this.timer && !this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Cancels a pending run (a running one finishes). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.again = false;
  }

  private fire(): void {
    this.timer = undefined;
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
        this.schedule();
      } else if (!this.timer) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
  }
}
