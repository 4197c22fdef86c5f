import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { redisClient } from "../github/redis-client.ts";
import type { Clock } from "../core/clock.ts";
import type { Logger } from "../log.ts";

/**
 * Which webhook deliveries (by `X-GitHub-Delivery` id) were processed, so that a delivery sent
 * again (a replay of a captured request, or GitHub's "Redeliver" of one that succeeded) is not
 * processed twice. Only a delivery that completed counts: one that failed, or whose replica died,
 * is released (or its claim runs out) so that GitHub's redelivery, with the same id, is processed.
 *
 * The app records deliveries only after Probot has verified their signature, so unsigned requests
 * cannot claim ids in advance.
 */
export interface DeliveryLog {
  /** Claims a delivery for processing. */
  claim(key: string): Promise<DeliveryClaim>;
  close(): Promise<void>;
}

export type DeliveryClaim =
  /** New (or its earlier attempt failed or died): process it, then say how it went. Neither call throws. */
  | { fresh: true; completed(): Promise<void>; failed(): Promise<void> }
  /** `done`: it was processed already (a replay). `running`: another attempt is processing it now. */
  | { fresh: false; state: "done" | "running" };

/** How long a completed delivery is remembered: a replay within this time is refused. */
export const DELIVERY_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a claim lasts while its delivery is processed; a replica that dies mid-delivery frees it after this. */
export const DELIVERY_RUNNING_MS = 10 * 60 * 1000;
export const DELIVERY_KEY_PREFIX = "nhi-steward:delivery:";

export interface DeliveryLogTimes {
  /** Default DELIVERY_TTL_MS (a day; at least an hour is required). */
  ttlMs?: number;
  /** Default DELIVERY_RUNNING_MS (10 minutes). */
  runningMs?: number;
}

function times(options: DeliveryLogTimes): { ttlMs: number; runningMs: number } {
  const ttlMs = options.ttlMs ?? DELIVERY_TTL_MS;
  const runningMs = options.runningMs ?? DELIVERY_RUNNING_MS;
  if (!Number.isInteger(ttlMs) || ttlMs < 1) throw new RangeError(`ttlMs must be a whole number of milliseconds >= 1, got ${ttlMs}`);
  if (!Number.isInteger(runningMs) || runningMs < 1)
    throw new RangeError(`runningMs must be a whole number of milliseconds >= 1, got ${runningMs}`);
  return { ttlMs, runningMs };
}

export interface MemoryDeliveryLogOptions extends DeliveryLogTimes {
  clock: Clock;
  /** Most deliveries remembered; the oldest are forgotten first. Default 100,000 (some 15 MB). */
  maxEntries?: number;
  log?: Logger;
}

interface Entry {
  /** Null once completed. */
  token: string | null;
  expiresAt: number;
}

/**
 * The deliveries of this process (the default without REDIS_URL; enough for a single replica).
 * Bounded: entries expire with the injected clock, and past `maxEntries` the oldest are forgotten.
 */
export class MemoryDeliveryLog implements DeliveryLog {
  private readonly clock: Clock;
  private readonly ttlMs: number;
  private readonly runningMs: number;
  private readonly maxEntries: number;
  private readonly log: Logger | undefined;
  /** In insertion order, which `complete` refreshes: the oldest first. */
  private readonly entries = new Map<string, Entry>();
  private warnedFull = false;

  constructor(options: MemoryDeliveryLogOptions) {
    ({ ttlMs: this.ttlMs, runningMs: this.runningMs } = times(options));
    this.clock = options.clock;
    this.maxEntries = options.maxEntries ?? 100_000;
    this.log = options.log;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError(`maxEntries must be a whole number >= 1, got ${this.maxEntries}`);
  }

  /** How many deliveries are remembered now (expired ones may linger until the next claim). */
  get size(): number {
    return this.entries.size;
  }

  async claim(key: string): Promise<DeliveryClaim> {
    const now = this.clock.now().getTime();
    const existing = this.entries.get(key);
    if (existing && existing.expiresAt > now) return { fresh: false, state: existing.token === null ? "done" : "running" };
    this.entries.delete(key);
    this.prune(now, this.maxEntries - 1);
    const token = randomUUID();
    this.entries.set(key, { token, expiresAt: now + this.runningMs });
    return {
      fresh: true,
      completed: async () => {
        this.entries.delete(key);
        this.entries.set(key, { token: null, expiresAt: this.clock.now().getTime() + this.ttlMs });
        this.prune(this.clock.now().getTime(), this.maxEntries);
      },
      failed: async () => {
        if (this.entries.get(key)?.token === token) this.entries.delete(key);
      },
    };
  }

  async close(): Promise<void> {
    this.entries.clear();
  }

  /** Drops expired entries from the oldest end, then the oldest while there are more than `keep`. */
  private prune(now: number, keep: number): void {
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt > now && this.entries.size <= keep) break;
      if (entry.expiresAt > now && !this.warnedFull) {
        this.warnedFull = true;
        this.log?.warn(
          `deliveries: more than ${this.maxEntries} deliveries in ${Math.round(this.ttlMs / 60_000)} minutes; the oldest are forgotten early, so their replays are no longer refused (set REDIS_URL to keep them in Redis)`,
        );
      }
      this.entries.delete(key);
    }
  }
}

/** Deletes the key only while it still holds our claim: never a claim another attempt took after ours ran out. */
const RELEASE_SCRIPT = `
if redis.call("get", KEYS[1]) == ARGV[1] then
  return redis.call("del", KEYS[1])
end
return 0`;

export interface RedisDeliveryLogOptions extends DeliveryLogTimes {
  /** A redis:// URL (opened and closed here) or a client to borrow (left open by close()). */
  redis: string | Redis;
  log: Logger;
  /** Default "nhi-steward:delivery:". */
  keyPrefix?: string;
}

/**
 * The deliveries of every replica, in Redis: `SET key running:<token> NX PX runningMs` claims one
 * (only one replica wins), `SET key done PX ttlMs` records it completed, and a compare-and-delete
 * releases a failed one. Redis expires the keys; memory stays bounded by the TTL.
 */
export class RedisDeliveryLog implements DeliveryLog {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly log: Logger;
  private readonly ttlMs: number;
  private readonly runningMs: number;
  private readonly keyPrefix: string;

  constructor(options: RedisDeliveryLogOptions) {
    ({ ttlMs: this.ttlMs, runningMs: this.runningMs } = times(options));
    this.log = options.log;
    this.keyPrefix = options.keyPrefix ?? DELIVERY_KEY_PREFIX;
    ({ client: this.client, owns: this.ownsClient } = redisClient(options.redis, this.log, "deliveries"));
  }

  async claim(key: string): Promise<DeliveryClaim> {
    const redisKey = this.keyPrefix + key;
    const token = `running:${randomUUID()}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      if ((await this.client.set(redisKey, token, "PX", this.runningMs, "NX")) === "OK") {
        return { fresh: true, completed: () => this.complete(key, redisKey), failed: () => this.release(key, redisKey, token) };
      }
      const value = await this.client.get(redisKey);
      // Gone between the two commands (released or expired): try to claim it again.
      if (value !== null) return { fresh: false, state: value === "done" ? "done" : "running" };
    }
    return { fresh: false, state: "running" };
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  private async complete(key: string, redisKey: string): Promise<void> {
    try {
      await this.client.set(redisKey, "done", "PX", this.ttlMs);
    } catch (error) {
      // The work is done; not worth failing the delivery. Its claim runs out by itself.
      this.log.warn(
        `deliveries: could not record delivery ${key} as processed (${(error as Error).message}); a replay after ${Math.round(this.runningMs / 60_000)} minutes would be processed again`,
      );
    }
  }

  private async release(key: string, redisKey: string, token: string): Promise<void> {
    try {
      await this.client.eval(RELEASE_SCRIPT, 1, redisKey, token);
    } catch (error) {
      this.log.warn(
        `deliveries: could not release failed delivery ${key} (${(error as Error).message}); GitHub's redelivery is refused until the claim runs out in ${Math.round(this.runningMs / 60_000)} minutes`,
      );
    }
  }
}

export interface CreateDeliveryLogOptions extends DeliveryLogTimes {
  /** Usually process.env.REDIS_URL. Blank or missing: this process only. */
  redisUrl?: string;
  log: Logger;
  clock: Clock;
}

/** Redis when a URL is given (needed with more than one replica), else this process's memory. */
export function createDeliveryLog(options: CreateDeliveryLogOptions): DeliveryLog {
  const url = options.redisUrl?.trim();
  const { ttlMs, runningMs } = times(options);
  if (url) {
    options.log.info("deliveries: processed delivery ids kept in Redis (replays refused across replicas)");
    return new RedisDeliveryLog({ redis: url, log: options.log, ttlMs, runningMs });
  }
  options.log.info("deliveries: no REDIS_URL; processed delivery ids kept in this process only (run a single replica)");
  return new MemoryDeliveryLog({ clock: options.clock, log: options.log, ttlMs, runningMs });
}
