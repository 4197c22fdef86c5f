import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLock, LOCK_KEY_PREFIX, LockTimeoutError, RedisLock, type RedisLockOptions } from "../../../src/github/lock/index.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { Sections, sleep } from "./helpers.ts";

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
    const lock = lockOn(connect(), { leaseMs: 5_000 });
    const key = freshKey("prefix");
    await lock.withLock(key, async () => {
      expect(await admin.get(`nhi-steward:lock:${key}`)).toMatch(/^[0-9a-f-]{36}$/);
      const ttl = await admin.pttl(`nhi-steward:lock:${key}`);
      expect(ttl).toBeGreaterThan(4_000);
      expect(ttl).toBeLessThanOrEqual(5_000);
    });
    expect(await admin.exists(`nhi-steward:lock:${key}`)).toBe(0);
    await expect(lock.withLock(key, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await admin.exists(`nhi-steward:lock:${key}`)).toBe(0);
  });

  it("a holder that dies without releasing blocks the key only until its lease expires", async () => {
    const doomedClient = connect();
    const doomed = lockOn(doomedClient, { leaseMs: 400 });
    const key = freshKey("dies");
    let entered!: () => void;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    // Its fn never finishes: the replica "dies" mid-work, taking its connection with it.
    void doomed.withLock(key, () => {
      entered();
      return new Promise<never>(() => {});
    });
    await holding;
    const diedAt = performance.now();
    doomedClient.disconnect();

    const survivor = lockOn(connect(), { waitMs: 5_000 });
    const result = await survivor.withLock(key, async () => performance.now());
    const waited = result - diedAt;
    expect(waited).toBeGreaterThanOrEqual(300); // blocked while the lease ran…
    expect(waited).toBeLessThan(1_500); // …and not much longer.
  });

  it("renews the lease while a long fn runs (3× the lease): no one else gets in", async () => {
    const log = new MemoryLogger();
    const holder = lockOn(connect(), { leaseMs: 300, log });
    const contender = lockOn(connect(), { leaseMs: 300, waitMs: 5_000 });
    const key = freshKey("renew");
    const sections = new Sections();
    let holderStarted!: () => void;
    const started = new Promise<void>((resolve) => (holderStarted = resolve));
    const long = holder.withLock(key, () =>
      sections.run("holder", async () => {
        holderStarted();
        await sleep(900);
        return await admin.pttl(LOCK_KEY_PREFIX + key);
      }),
    );
    await started;
    const other = contender.withLock(key, () => sections.run("contender", async () => "contender"));
    const ttlAtEnd = await long;
    expect(ttlAtEnd).toBeGreaterThan(0); // still held (renewed) after 3 leases
    await expect(other).resolves.toBe("contender");
    expect(sections.spans.map((s) => s.id)).toEqual(["holder", "contender"]);
    sections.expectNoOverlap();
    expect(log.lines.filter((l) => l.level !== "debug")).toEqual([]);
  });

  it("never deletes or extends another holder's lock once its own lease is gone", async () => {
    const log = new MemoryLogger();
    const lock = lockOn(connect(), { leaseMs: 150, log });
    const key = freshKey("foreign");
    const redisKey = LOCK_KEY_PREFIX + key;
    await lock.withLock(key, async () => {
      // As if our lease ran out and another replica took the lock: its token, its own 10 s lease.
      await admin.set(redisKey, "someone-else", "PX", 10_000);
      await sleep(200); // past at least one renewal attempt
    });
    expect(await admin.get(redisKey)).toBe("someone-else");
    const ttl = await admin.pttl(redisKey);
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000 - 200 + 50); // not pushed back by our renewals
    expect(log.text()).toMatch(/error: lock: lost the lock on ".*foreign/);
    expect(log.text()).toMatch(/warn: lock: ".*foreign.*" was no longer ours at release/);
    await admin.del(redisKey);
  });

  it("throws LockTimeoutError when the wait exceeds its bound, without running fn", async () => {
    const holder = lockOn(connect(), { leaseMs: 5_000 });
    const impatient = lockOn(connect(), { waitMs: 300 });
    const key = freshKey("timeout");
    let release!: () => void;
    let entered!: () => void;
    const holding = new Promise<void>((resolve) => (entered = resolve));
    const held = holder.withLock(key, () => {
      entered();
      return new Promise<void>((resolve) => (release = resolve));
    });
    await holding;

    let ran = false;
    const started = performance.now();
    const error = await impatient
      .withLock(key, async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    const waited = performance.now() - started;
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).key).toBe(key);
    expect((error as Error).message).toContain(`"${key}"`);
    expect((error as Error).message).toMatch(/after \d+ ms.*next delivery or sweep will retry/);
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(1_000);
    expect(ran).toBe(false);

    release();
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
