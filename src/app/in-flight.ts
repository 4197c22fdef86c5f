/**
 * Work the process must finish before it exits: deliveries being handled, webhook requests being
 * answered, interval sweeps. A shutdown closes it (no new sweeps) and waits, bounded, for the rest.
 */
export class InFlight {
  private readonly running = new Map<number, string>();
  private next = 0;
  private idle: (() => void)[] = [];
  private closingSince: number | null = null;

  /** True once {@link drain} was called. */
  get closing(): boolean {
    return this.closingSince !== null;
  }

  get size(): number {
    return this.running.size;
  }

  /** What is running, e.g. `secret_scanning_alert delivery 1f2e…`. */
  labels(): string[] {
    return [...new Set(this.running.values())];
  }

  /** Registers work until `promise` settles; returns the same outcome. */
  track<T>(label: string, promise: Promise<T>): Promise<T> {
    const id = this.next++;
    this.running.set(id, label);
    const done = (): void => {
      this.running.delete(id);
      if (this.running.size === 0) for (const resolve of this.idle.splice(0)) resolve();
    };
    promise.then(done, done);
    return promise;
  }

  /** Marks the process as closing and resolves true once nothing runs, or false after `timeoutMs` with work still running. */
  async drain(timeoutMs: number): Promise<boolean> {
    this.closingSince ??= performance.now();
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const empty = new Promise<true>((resolve) => this.idle.push(() => resolve(true)));
    try {
      return await Promise.race([empty, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}
