import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { redisClient } from "../redis-client.ts";
import type { Logger } from "../../log.ts";
import { LockClosedError, LockTimeoutError, realTimers, type AlertLock, type LockTimers } from "./types.ts";

export const LOCK_KEY_PREFIX = "nhi-steward:lock:";

/** Deletes the key only while it still holds our token: never another holder's lock. */
const RELEASE_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

/** Extends the lease only while the key still holds our token. */
const EXTEND_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("pexpire", KEYS[1], ARGV[2])
end
return 0`;

export interface RedisLockOptions {
  /** A redis:// URL (the lock opens and closes its own connection) or a client to borrow (left open by close()). */
  redis: string | Redis;
  log: Logger;
  /** How long the lock outlives a holder that died without releasing it. Renewed every leaseMs/3 while fn runs. Default 30 s. */
  leaseMs?: number;
  /** How long withLock waits for another holder before it throws LockTimeoutError. Default 30 s. */
  waitMs?: number;
  /** First retry delay while waiting; doubles per attempt up to retryMaxMs, each jittered down by up to half. Defaults 50 ms and 1 s. */
  retryMinMs?: number;
  retryMaxMs?: number;
  /** Default "nhi-steward:lock:". */
  keyPrefix?: string;
  /** The clock and timers for waiting, retry delays and lease renewals. Default: the real ones. */
  timers?: LockTimers;
}

/**
 * A lock shared by every replica through Redis: `SET key token NX PX lease` to take it, a
 * compare-and-delete script to give it back, a compare-and-PEXPIRE script every lease/3 to keep it
 * while fn runs. A replica that dies mid-fn stops renewing, and its lease runs out by itself.
 */
export class RedisLock implements AlertLock {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly retryMinMs: number;
  private readonly retryMaxMs: number;
  private readonly keyPrefix: string;
  private readonly timers: LockTimers;
  private closed = false;

  constructor(options: RedisLockOptions) {
    this.log = options.log;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.waitMs = options.waitMs ?? 30_000;
    this.retryMinMs = options.retryMinMs ?? 50;
    this.retryMaxMs = options.retryMaxMs ?? 1_000;
    this.keyPrefix = options.keyPrefix ?? LOCK_KEY_PREFIX;
    this.timers = options.timers ?? realTimers;
    if (!Number.isInteger(this.leaseMs) || this.leaseMs < 30) throw new RangeError(`leaseMs must be an integer >= 30, got ${this.leaseMs}`);
    if (!(this.waitMs >= 0)) throw new RangeError(`waitMs must be >= 0, got ${this.waitMs}`);
    if (!(this.retryMinMs > 0 && this.retryMaxMs >= this.retryMinMs)) {
      throw new RangeError(`need 0 < retryMinMs <= retryMaxMs, got ${this.retryMinMs} and ${this.retryMaxMs}`);
    }

    ({ client: this.client, owns: this.ownsClient } = redisClient(options.redis, this.log, "lock"));
  }

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.closed) throw new LockClosedError(key);
    const redisKey = this.keyPrefix + key;
    const token = randomUUID();
    await this.acquire(key, redisKey, token);

    const renewal = this.startRenewal(key, redisKey, token);
    try {
      return await fn();
    } finally {
      renewal.stop();
      await this.release(key, redisKey, token);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async acquire(key: string, redisKey: string, token: string): Promise<void> {
    const started = this.timers.now();
    for (let attempt = 0; ; attempt++) {
      const reply = await this.client.set(redisKey, token, "PX", this.leaseMs, "NX");
      if (reply === "OK") {
        if (attempt > 0) this.log.debug(`lock: took "${key}" after ${Math.round(this.timers.now() - started)} ms`);
        return;
      }
      const remaining = this.waitMs - (this.timers.now() - started);
      if (remaining <= 0) throw new LockTimeoutError(key, this.timers.now() - started);
      const ceiling = Math.min(this.retryMaxMs, this.retryMinMs * 2 ** Math.min(attempt, 30));
      const delay = ceiling / 2 + Math.random() * (ceiling / 2);
      await new Promise<void>((resolve) => this.timers.after(Math.min(delay, remaining), resolve));
    }
  }

  /** Extends the lease every leaseMs/3 until stopped; logs loudly if the lock was lost meanwhile. */
  private startRenewal(key: string, redisKey: string, token: string): { stop(): void } {
    let stopped = false;
    let cancel = (): void => {};
    const every = Math.max(10, Math.floor(this.leaseMs / 3));
    const schedule = (): void => {
      // fn is what keeps the process busy; a renewal timer alone must not keep it alive.
      cancel = this.timers.after(every, () => void renew(), { unref: true });
    };
    const renew = async (): Promise<void> => {
      try {
        const extended = await this.client.eval(EXTEND_SCRIPT, 1, redisKey, token, this.leaseMs);
        if (stopped) return;
        if (extended !== 1) {
          this.log.error(
            `lock: lost the lock on "${key}" while still working on it (its ${this.leaseMs} ms lease ran out before it was ` +
              `renewed); another delivery may now be handling the same alert`,
          );
          stopped = true;
          return;
        }
      } catch (error) {
        if (stopped) return;
        this.log.warn(`lock: could not renew the lease on "${key}" (will retry): ${(error as Error).message}`);
      }
      schedule();
    };
    schedule();
    return {
      stop: () => {
        stopped = true;
        cancel();
      },
    };
  }

  private async release(key: string, redisKey: string, token: string): Promise<void> {
    try {
      const deleted = await this.client.eval(RELEASE_SCRIPT, 1, redisKey, token);
      if (deleted !== 1) this.log.warn(`lock: "${key}" was no longer ours at release (lease expired); left it alone`);
    } catch (error) {
      // Not worth failing the work that already ran: the lease expires by itself.
      this.log.warn(`lock: could not release "${key}"; it frees itself within ${this.leaseMs} ms: ${(error as Error).message}`);
    }
  }
}
