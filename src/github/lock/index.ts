import type { Logger } from "../../log.ts";
import { MemoryLock } from "./memory.ts";
import { RedisLock } from "./redis.ts";
import type { AlertLock } from "./types.ts";
import { redactUrl } from "../redis-client.ts";

export { LockClosedError, LockTimeoutError, realTimers, type AlertLock, type LockTimers } from "./types.ts";
export { MemoryLock, type MemoryLockOptions } from "./memory.ts";
export { LOCK_KEY_PREFIX, RedisLock, type RedisLockOptions } from "./redis.ts";

export interface CreateLockOptions {
  /** Usually process.env.REDIS_URL. Blank or missing: a lock for this process only. */
  redisUrl?: string;
  log: Logger;
  leaseMs?: number;
  waitMs?: number;
}

/** Redis when a URL is given (needed with more than one replica), else an in-process lock. */
export function createLock(options: CreateLockOptions): AlertLock {
  const url = options.redisUrl?.trim();
  if (url) {
    options.log.info(`lock: per-alert lock in Redis at ${redactUrl(url)}`);
    return new RedisLock({ redis: url, log: options.log, leaseMs: options.leaseMs, waitMs: options.waitMs });
  }
  options.log.info("lock: no REDIS_URL; per-alert lock is in-process only (run a single replica)");
  return new MemoryLock({ waitMs: options.waitMs });
}
