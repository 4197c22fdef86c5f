import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLock, LOCK_KEY_PREFIX, LockTimeoutError, RedisLock, type RedisLockOptions } from "../../../src/github/lock/index.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { deferred, Sections, settle, VirtualTimers } from "./helpers.ts";

// A real redis-server, started by scripts/redis.sh (CI runs it before the tests). Not mocked:
// the point is SET NX PX, the Lua scripts and lease expiry as Redis really does them.
const REDIS_URL = process.env.REDIS_URL || "redis://127.0.0.1:6390";

const opened: { lock: RedisLock; client?: Redis }[] = [];
let admin: Redis;

/** A fresh connection, like another replica's. */
function connect(): Redis {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, retryStrategy: () => null });
  client.on("error", () => {});
  return client;
}

function lockOn(client: Redis | string, options: Partial<RedisLockOptions> = {}): RedisLock {
  const lock = new RedisLock({ redis: client, log: new MemoryLogger(), retryMinMs: 5, retryMaxMs: 40, ...options });
  opened.push({ lock, client: typeof client === "string" ? undefined : client });
  return lock;
}

/**
 * Virtual timers for a lock on `client`: after each timer, a round trip on that connection (so the
 * command the timer sent has been answered) and a turn of the event loop (so its answer is acted on).
 */
function timersFor(client: Redis): VirtualTimers {
  const idle = async (): Promise<void> => {
    await settle();
    await client.ping();
    await settle();
  };
  return new VirtualTimers(idle);
}

/** The lease's clock, moved by hand: takes ms off the key's TTL in Redis; a TTL that reaches 0 is gone (expired). */
const ELAPSE_SCRIPT = `
local ttl = redis.call("pttl", KEYS[1])
if ttl < 0 then return ttl end
if ttl - tonumber(ARGV[1]) <= 0 then
  redis.call("del", KEYS[1])
  return 0
end
redis.call("pexpire", KEYS[1], ttl - tonumber(ARGV[1]))
return ttl - tonumber(ARGV[1])`;

async function elapse(redisKey: string, ms: number): Promise<number> {
  return (await admin.eval(ELAPSE_SCRIPT, 1, redisKey, ms)) as number;
}

/** A key of its own per test, so reruns and parallel files never see each other's locks. */
function freshKey(name: string): string {
  return `test/${name}/${randomUUID()}`;
}

beforeAll(async () => {
  admin = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  let connectionError: Error | undefined;
  admin.on("error", (error: Error) => (connectionError = error));
  try {
    await admin.connect();
    expect(await admin.ping()).toBe("PONG");
  } catch (error) {
    admin.disconnect();
    throw new Error(
      `Redis is not reachable at ${REDIS_URL} (${(connectionError ?? (error as Error)).message}). The RedisLock tests need a real redis-server: ` +
        `run \`bash scripts/redis.sh\` first (it installs and starts one on 127.0.0.1:6390), or set REDIS_URL.`,
      { cause: error },
    );
  }
});

afterAll(async () => {
  for (const { lock, client } of opened) {
    await lock.close();
    client?.disconnect();
  }
  admin?.disconnect();
});

describe("RedisLock against a real redis-server", () => {
  it("two replicas with 5 concurrent callers each on one key: all 10 run, never two at once", async () => {
    const replicaA = lockOn(REDIS_URL);
    const replicaB = lockOn(REDIS_URL);
    const key = freshKey("race");
    const sections = new Sections();
    const results = await Promise.all(
      [replicaA, replicaB].flatMap((lock, r) =>
        [0, 1, 2, 3, 4].map((i) =>
          lock.withLock(key, () =>
            sections.run(`replica ${r} caller ${i}`, async () => {
              await sleep(15);
              return `${r}.${i}`;
            }),
          ),
        ),
      ),
    );
    expect(results.sort()).toEqual(["0.0", "0.1", "0.2", "0.3", "0.4", "1.0", "1.1", "1.2", "1.3", "1.4"]);
    expect(sections.spans).toHaveLength(10);
    sections.expectNoOverlap();
    expect(await admin.exists(LOCK_KEY_PREFIX + key)).toBe(0);
  });

  it("holds the key under the nhi-steward:lock: prefix with a lease, and deletes it when fn settles", async () => {
    const lock = lockOn(connect(), { leaseMs: 60_000 });
    const key = freshKey("prefix");
    await lock.withLock(key, async () => {
      expect(await admin.get(`nhi-steward:lock:${key}`)).toMatch(/^[0-9a-f-]{36}$/);
      const ttl = await admin.pttl(`nhi-steward:lock:${key}`);
      expect(ttl).toBeGreaterThan(30_000); // the lease, less however long this machine took to ask
      expect(ttl).toBeLessThanOrEqual(60_000);
    });
    expect(await admin.exists(`nhi-steward:lock:${key}`)).toBe(0);
    await expect(lock.withLock(key, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await admin.exists(`nhi-steward:lock:${key}`)).toBe(0);
  });

  // Lease times below pass by hand (virtual timers for the lock, `elapse` for Redis's TTL), with a
  // real lease of a minute, so a stalled machine cannot make one run out by itself mid-test.
  const LEASE = 60_000;

  it("a holder that dies without releasing blocks the key only until its lease expires", async () => {
    const doomedClient = connect();
    const doomed = lockOn(doomedClient, { leaseMs: LEASE, timers: timersFor(doomedClient) });
    const key = freshKey("dies");
    const redisKey = LOCK_KEY_PREFIX + key;
    const holding = deferred();
    // Its fn never finishes: the replica "dies" mid-work, taking its connection with it (its timers never run again).
    void doomed.withLock(key, () => {
      holding.resolve();
      return new Promise<never>(() => {});
    });
    await holding.promise;
    doomedClient.disconnect();

    const survivorClient = connect();
    const timers = timersFor(survivorClient);
    const survivor = lockOn(survivorClient, { waitMs: 2 * LEASE, retryMinMs: 100, retryMaxMs: 1_000, timers });
    let enteredAt: number | undefined;
    const result = survivor.withLock(key, async () => (enteredAt = timers.now()));
    const step = 5_000;
    let leaseLeft = await admin.pttl(redisKey);
    while (leaseLeft > 0) {
      await timers.advance(step);
      expect(enteredAt, "got in while the dead holder's lease still ran").toBeUndefined();
      leaseLeft = await elapse(redisKey, step);
    }
    expect(leaseLeft).toBe(0); // it expired (a key without a lease would answer -1)
    const expiredAt = timers.now();
    expect(expiredAt).toBeGreaterThanOrEqual(LEASE - step); // blocked for the whole lease…
    await timers.advance(1_000); // the longest retry delay
    expect(await result).toBe(enteredAt);
    expect(enteredAt!).toBeGreaterThan(expiredAt); // …and in at the next try after it ran out
    expect(enteredAt!).toBeLessThanOrEqual(expiredAt + 1_000);
  });

  it("renews the lease while a long fn runs (3× the lease): no one else gets in", async () => {
    const log = new MemoryLogger();
    const holderClient = connect();
    const timers = timersFor(holderClient);
    const holder = lockOn(holderClient, { leaseMs: LEASE, log, timers });
    // The contender runs on real time, trying every 5–40 ms throughout.
    const contender = lockOn(connect(), { leaseMs: LEASE, waitMs: 10 * LEASE });
    const key = freshKey("renew");
    const redisKey = LOCK_KEY_PREFIX + key;
    const sections = new Sections();
    const started = deferred();
    const finish = deferred();
    const long = holder.withLock(key, () =>
      sections.run("holder", async () => {
        started.resolve();
        await finish.promise;
      }),
    );
    await started.promise;
    const other = contender.withLock(key, () => sections.run("contender", async () => "contender"));
    // Three leases pass, a renewal interval (lease/3) at a time, for the holder and for Redis alike.
    for (let i = 0; i < 9; i++) {
      expect(await elapse(redisKey, LEASE / 3), `step ${i}: lease ran out`).toBeGreaterThan(0);
      await timers.advance(LEASE / 3);
      expect(await admin.pttl(redisKey), `step ${i}: not renewed`).toBeGreaterThan(LEASE - LEASE / 6);
    }
    await settle();
    expect(sections.spans).toEqual([]); // the holder is still inside, the contender never got in
    finish.resolve();
    await long;
    await expect(other).resolves.toBe("contender");
    expect(sections.spans.map((s) => s.id)).toEqual(["holder", "contender"]);
    sections.expectNoOverlap();
    expect(log.lines.filter((l) => l.level !== "debug")).toEqual([]);
  });

  it("never deletes or extends another holder's lock once its own lease is gone", async () => {
    const log = new MemoryLogger();
    const client = connect();
    const timers = timersFor(client);
    const lock = lockOn(client, { leaseMs: LEASE, log, timers });
    const key = freshKey("foreign");
    const redisKey = LOCK_KEY_PREFIX + key;
    await lock.withLock(key, async () => {
      // As if our lease ran out and another replica took the lock: its token, its own 10 s lease.
      await admin.set(redisKey, "someone-else", "PX", 10_000);
      await timers.advance(LEASE / 3); // one renewal attempt, answered
      expect(log.text()).toMatch(/error: lock: lost the lock on ".*foreign/);
    });
    expect(await admin.get(redisKey)).toBe("someone-else");
    const ttl = await admin.pttl(redisKey);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000); // not pushed back to our 60 s lease by the renewal
    expect(log.text()).toMatch(/warn: lock: ".*foreign.*" was no longer ours at release/);
    await admin.del(redisKey);
  });

  it("throws LockTimeoutError when the wait exceeds its bound, without running fn", async () => {
    const holder = lockOn(connect(), { leaseMs: LEASE });
    const impatientClient = connect();
    const timers = timersFor(impatientClient);
    const impatient = lockOn(impatientClient, { waitMs: 300, timers });
    const key = freshKey("timeout");
    const release = deferred();
    const holding = deferred();
    const held = holder.withLock(key, () => {
      holding.resolve();
      return release.promise;
    });
    await holding.promise;

    let ran = false;
    let outcome: unknown = "pending";
    void impatient
      .withLock(key, async () => {
        ran = true;
      })
      .then(
        () => (outcome = "ran"),
        (e: unknown) => (outcome = e),
      );
    await timers.advance(299);
    expect(outcome).toBe("pending"); // still trying just before its bound
    await timers.advance(1);
    expect(outcome).toBeInstanceOf(LockTimeoutError);
    const error = outcome as LockTimeoutError;
    expect(error.key).toBe(key);
    expect(error.waitedMs).toBe(300);
    expect(error.message).toContain(`"${key}"`);
    expect(error.message).toMatch(/after 300 ms.*next delivery or sweep will retry/);
    expect(ran).toBe(false);

    release.resolve();
    await held;
    expect(await admin.exists(LOCK_KEY_PREFIX + key)).toBe(0);
  });

  it("createLock picks Redis when given a URL", async () => {
    const log = new MemoryLogger();
    const lock = createLock({ redisUrl: REDIS_URL, log });
    try {
      expect(lock).toBeInstanceOf(RedisLock);
      await expect(lock.withLock(freshKey("create"), async () => "ok")).resolves.toBe("ok");
    } finally {
      await lock.close();
    }
    expect(log.text()).toContain("lock in Redis at redis://");
  });
});
