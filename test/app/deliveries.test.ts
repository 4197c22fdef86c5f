/**
 * Control: replayed deliveries are not processed twice. The delivery log's rules, in memory (with a
 * virtual clock) and in a real Redis (shared by replicas): a completed delivery is refused for its
 * TTL; one that failed, or whose replica died, can be processed again (GitHub's redelivery keeps the
 * id); one being processed is not processed a second time at once.
 */
import { randomUUID } from "node:crypto";
import { setImmediate as setImmediatePromise } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDeliveryLog,
  DELIVERY_KEY_PREFIX,
  MemoryDeliveryLog,
  RedisDeliveryLog,
  type DeliveryClaim,
  type DeliveryLog,
} from "../../src/app/deliveries.ts";
import { VirtualClock } from "../../src/core/clock.ts";
import { MemoryLogger } from "../../src/log.ts";

const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6390";
const HOUR = 3_600_000;

function fresh(claim: DeliveryClaim): Extract<DeliveryClaim, { fresh: true }> {
  expect(claim.fresh).toBe(true);
  return claim as Extract<DeliveryClaim, { fresh: true }>;
}

/** The rules every delivery log keeps, whatever stores it. */
function sharedRules(make: () => { log: DeliveryLog; other: DeliveryLog }) {
  it("a completed delivery is refused as a replay", async () => {
    const { log } = make();
    const id = randomUUID();
    await fresh(await log.claim(id)).completed();
    expect(await log.claim(id)).toEqual({ fresh: false, state: "done" });
    expect(await log.claim(id)).toEqual({ fresh: false, state: "done" });
  });

  it("a delivery being processed is not claimed again at once", async () => {
    const { log } = make();
    const id = randomUUID();
    const first = fresh(await log.claim(id));
    expect(await log.claim(id)).toEqual({ fresh: false, state: "running" });
    await first.completed();
    expect(await log.claim(id)).toEqual({ fresh: false, state: "done" });
  });

  it("a failed delivery is released: its redelivery (same id) is processed, and then refused once completed", async () => {
    const { log } = make();
    const id = randomUUID();
    await fresh(await log.claim(id)).failed();
    const again = fresh(await log.claim(id));
    await again.completed();
    expect(await log.claim(id)).toEqual({ fresh: false, state: "done" });
  });

  it("other ids are independent", async () => {
    const { log } = make();
    await fresh(await log.claim(randomUUID())).completed();
    fresh(await log.claim(randomUUID()));
  });

  it("another replica sharing the store sees the same deliveries", async () => {
    const { log, other } = make();
    const id = randomUUID();
    await fresh(await log.claim(id)).completed();
    expect(await other.claim(id)).toEqual({ fresh: false, state: "done" });
  });
}

describe("in memory (one replica)", () => {
  const clock = new VirtualClock("2026-11-23T08:55:00Z");
  describe("the shared rules", () => {
    sharedRules(() => {
      const log = new MemoryDeliveryLog({ clock });
      return { log, other: log };
    });
  });

  it("remembers a completed delivery for its TTL (by the injected clock), then forgets it", async () => {
    const log = new MemoryDeliveryLog({ clock, ttlMs: HOUR });
    await fresh(await log.claim("d1")).completed();
    clock.advance(HOUR - 1);
    expect(await log.claim("d1")).toEqual({ fresh: false, state: "done" });
    clock.advance(1);
    fresh(await log.claim("d1"));
  });

  it("the default TTL is at least an hour", async () => {
    const log = new MemoryDeliveryLog({ clock });
    await fresh(await log.claim("d1")).completed();
    clock.advance(HOUR);
    expect(await log.claim("d1")).toEqual({ fresh: false, state: "done" });
  });

  it("a claim whose delivery never finished (its process died or hung) runs out, so the redelivery is processed", async () => {
    const log = new MemoryDeliveryLog({ clock, runningMs: 10 * 60_000 });
    const dead = fresh(await log.claim("d1"));
    clock.advance(10 * 60_000);
    const redelivered = fresh(await log.claim("d1"));
    // The first attempt's late failure does not release the redelivery's claim.
    await dead.failed();
    expect(await log.claim("d1")).toEqual({ fresh: false, state: "running" });
    await redelivered.completed();
    expect(await log.claim("d1")).toEqual({ fresh: false, state: "done" });
  });

  it("is bounded: past maxEntries the oldest are forgotten (and that is said once)", async () => {
    const logger = new MemoryLogger();
    const log = new MemoryDeliveryLog({ clock, maxEntries: 3, log: logger });
    for (const id of ["a", "b", "c", "d", "e"]) await fresh(await log.claim(id)).completed();
    expect(log.size).toBe(3);
    fresh(await log.claim("a"));
    expect(await log.claim("e")).toEqual({ fresh: false, state: "done" });
    expect(logger.lines.filter((l) => l.level === "warn")).toHaveLength(1);
    expect(logger.text()).toContain("more than 3 deliveries");
  });

  it("expired entries are dropped as new ones come, so a steady stream stays small", async () => {
    const log = new MemoryDeliveryLog({ clock, ttlMs: HOUR, maxEntries: 1_000 });
    for (let i = 0; i < 500; i++) {
      await fresh(await log.claim(`s${i}`)).completed();
      clock.advance(HOUR / 100);
    }
    expect(log.size).toBeLessThanOrEqual(101);
  });

  it("refuses nonsense sizes", () => {
    expect(() => new MemoryDeliveryLog({ clock, ttlMs: 0 })).toThrow(RangeError);
    expect(() => new MemoryDeliveryLog({ clock, maxEntries: 0 })).toThrow(RangeError);
  });
});

// A real redis-server, started by scripts/redis.sh (CI runs it before the tests): SET NX PX, the
// compare-and-delete script and expiry as Redis really does them.
describe("in Redis (every replica)", () => {
  let admin: Redis;
  const opened: DeliveryLog[] = [];
  const keyPrefix = `nhi-steward:test:${randomUUID()}:delivery:`;
  const make = (options: { ttlMs?: number; runningMs?: number } = {}) => {
    const log = new RedisDeliveryLog({ redis: REDIS_URL, log: new MemoryLogger(), keyPrefix, ...options });
    opened.push(log);
    return log;
  };

  beforeAll(async () => {
    admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
    admin.on("error", () => {});
    try {
      await admin.connect();
    } catch (e) {
      throw new Error(
        `Redis is not reachable at ${REDIS_URL}: start one with \`export REDIS_URL="$(bash scripts/redis.sh)"\` (${(e as Error).message})`,
        { cause: e },
      );
    }
  });
  afterAll(async () => {
    for (const log of opened) await log.close();
    const keys = await admin.keys(`${keyPrefix}*`);
    if (keys.length) await admin.del(...keys);
    admin.disconnect();
  });

  describe("the shared rules (two replicas, two connections)", () => {
    sharedRules(() => ({ log: make(), other: make() }));
  });

  it("claims with SET NX PX: a running claim expires after runningMs, a completed one after ttlMs", async () => {
    const log = make({ runningMs: 60_000, ttlMs: HOUR });
    const claim = fresh(await log.claim("k1"));
    expect(await admin.get(`${keyPrefix}k1`)).toMatch(/^running:/);
    const runningTtl = await admin.pttl(`${keyPrefix}k1`);
    expect(runningTtl).toBeGreaterThan(50_000);
    expect(runningTtl).toBeLessThanOrEqual(60_000);
    await claim.completed();
    expect(await admin.get(`${keyPrefix}k1`)).toBe("done");
    expect(await admin.pttl(`${keyPrefix}k1`)).toBeGreaterThan(HOUR - 10_000);
  });

  /**
   * Lets a key's TTL run out now, as if its time had passed: checks the TTL the code set (within
   * (0, ms]), then has Redis expire it and waits until it has. Claims and TTLs in these tests are a
   * minute or more, so a stalled machine cannot make one run out by itself between two steps.
   */
  async function runOut(key: string, ms: number): Promise<void> {
    const ttl = await admin.pttl(`${keyPrefix}${key}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(ms);
    await admin.pexpire(`${keyPrefix}${key}`, 1);
    while ((await admin.exists(`${keyPrefix}${key}`)) === 1) await setImmediatePromise();
  }

  it("a replica that died mid-delivery frees the id when its claim runs out", async () => {
    const [a, b] = [make({ runningMs: 60_000 }), make({ runningMs: 60_000 })];
    fresh(await a.claim("k2")); // never completed: the replica died
    expect(await b.claim("k2")).toEqual({ fresh: false, state: "running" });
    await runOut("k2", 60_000);
    await fresh(await b.claim("k2")).completed();
    expect(await a.claim("k2")).toEqual({ fresh: false, state: "done" });
  });

  it("a late failure of an expired claim does not release the claim another replica took since", async () => {
    const [a, b] = [make({ runningMs: 60_000 }), make({ runningMs: 120_000 })];
    const late = fresh(await a.claim("k3"));
    await runOut("k3", 60_000);
    fresh(await b.claim("k3"));
    await late.failed();
    expect(await a.claim("k3")).toEqual({ fresh: false, state: "running" });
  });

  it("only one of many racing replicas wins a delivery", async () => {
    const replicas = [make(), make(), make(), make()];
    const claims = await Promise.all(replicas.flatMap((r) => [r.claim("k4"), r.claim("k4")]));
    expect(claims.filter((c) => c.fresh)).toHaveLength(1);
  });

  it("a completed delivery is forgotten after its TTL", async () => {
    const log = make({ ttlMs: HOUR });
    await fresh(await log.claim("k5")).completed();
    expect(await log.claim("k5")).toEqual({ fresh: false, state: "done" });
    await runOut("k5", HOUR);
    fresh(await log.claim("k5"));
  });

  it("uses its own key prefix by default", () => {
    expect(DELIVERY_KEY_PREFIX).toBe("nhi-steward:delivery:");
  });
});

describe("createDeliveryLog", () => {
  it("Redis with a URL, else memory, and says which", async () => {
    const logger = new MemoryLogger();
    const clock = new VirtualClock("2026-11-23T08:55:00Z");
    const memory = createDeliveryLog({ redisUrl: " ", log: logger, clock });
    expect(memory).toBeInstanceOf(MemoryDeliveryLog);
    const redis = createDeliveryLog({ redisUrl: REDIS_URL, log: logger, clock });
    expect(redis).toBeInstanceOf(RedisDeliveryLog);
    await redis.close();
    expect(logger.text()).toContain("kept in this process only");
    expect(logger.text()).toContain("kept in Redis");
  });
});
