import { LockClosedError, LockTimeoutError, realTimers, type AlertLock, type LockTimers } from "./types.ts";

export interface MemoryLockOptions {
  /** How long a caller waits for the same key's earlier callers before giving up. Default 30 s. */
  waitMs?: number;
  /** The clock and timers the wait is measured with. Default: the real ones. */
  timers?: LockTimers;
}

/**
 * A lock for a single process (the default without REDIS_URL): one promise chain per key, so
 * same-key work runs one at a time in arrival order and different keys run in parallel. There is
 * no lease: a holder that never settles blocks its key, and later callers time out after waitMs.
 */
export class MemoryLock implements AlertLock {
  private readonly waitMs: number;
  private readonly timers: LockTimers;
  /** The promise that settles when the last queued caller for a key has released it. */
  private readonly tails = new Map<string, Promise<void>>();
  private closed = false;

  constructor(options: MemoryLockOptions = {}) {
    this.waitMs = options.waitMs ?? 30_000;
    this.timers = options.timers ?? realTimers;
    if (!(this.waitMs >= 0)) throw new RangeError(`waitMs must be >= 0, got ${this.waitMs}`);
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new LockClosedError(key);
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    // The next caller waits for us, and we are done only once our predecessor is done too (so a
    // caller that gave up waiting never lets its successor in before the current holder leaves).
    const tail = Promise.all([previous, released]).then(() => undefined);
    this.tails.set(key, tail);
    const cleanUp = (): void => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };

    const started = this.timers.now();
    let cancel = (): void => {};
    const timedOut = new Promise<"timeout">((resolve) => (cancel = this.timers.after(this.waitMs, () => resolve("timeout"))));
    const outcome = await Promise.race([previous.then(() => "acquired" as const), timedOut]);
    cancel();
    if (outcome === "timeout") {
      release();
      void tail.then(cleanUp);
      throw new LockTimeoutError(key, this.timers.now() - started);
    }

    try {
      return await fn();
    } finally {
      release();
      void tail.then(cleanUp);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
