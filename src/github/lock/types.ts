/**
 * A per-alert mutual-exclusion lock. The app may run as N replicas and the same alert can be
 * delivered several times at once; everything that may open an issue for an alert runs inside
 * `withLock(alertKey, …)` so that two deliveries never open two issues for one alert.
 */
export interface AlertLock {
  /**
   * Runs fn while holding the lock for key; waits (bounded) for a holder to finish; the lease
   * expires by itself if the holder dies. The lock is released as soon as fn settles. Rejects
   * with {@link LockTimeoutError} (without calling fn) when the wait exceeds its bound.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Releases the lock's resources (closes its Redis connection). withLock rejects afterwards. */
  close(): Promise<void>;
}

/** Another holder kept the lock longer than we were willing to wait. Safe to drop: it retries. */
export class LockTimeoutError extends Error {
  readonly key: string;
  readonly waitedMs: number;

  constructor(key: string, waitedMs: number) {
    super(
      `Gave up waiting for the lock on "${key}" after ${Math.round(waitedMs)} ms: another delivery or replica ` +
        `is still handling this alert. Nothing was done; the next delivery or sweep will retry.`,
    );
    this.name = "LockTimeoutError";
    this.key = key;
    this.waitedMs = waitedMs;
  }
}

/** Thrown by withLock after close(). */
export class LockClosedError extends Error {
  constructor(key: string) {
    super(`The lock was closed; cannot lock "${key}".`);
    this.name = "LockClosedError";
  }
}

/**
 * Where a lock gets its time: a monotonic clock in milliseconds and one-shot timers. The real one
 * is {@link realTimers}; tests pass a virtual one so that waits, timeouts and lease renewals happen
 * when the test moves time, not when the machine gets round to it.
 */
export interface LockTimers {
  now(): number;
  /** Calls fn after ms; the returned function cancels it. `unref`: this timer alone does not keep the process alive. */
  after(ms: number, fn: () => void, options?: { unref?: boolean }): () => void;
}

export const realTimers: LockTimers = {
  now: () => performance.now(),
  after(ms, fn, options = {}) {
    const timer = setTimeout(fn, ms);
    if (options.unref) timer.unref();
    return () => clearTimeout(timer);
  },
};
