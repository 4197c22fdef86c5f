import { describe, expect, it } from "vitest";
import { createLock, LockClosedError, LockTimeoutError, MemoryLock } from "../../../src/github/lock/index.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { Sections, sleep } from "./helpers.ts";

describe("MemoryLock", () => {
  it("serialises same-key work, in arrival order", async () => {
    const lock = new MemoryLock();
    const sections = new Sections();
    const order: number[] = [];
    const results = await Promise.all(
      [0, 1, 2, 3, 4].map((i) =>
        lock.withLock("acme/app alert#1", () =>
          sections.run(`caller ${i}`, async () => {
            order.push(i);
            await sleep(10);
            return i * 10;
          }),
        ),
      ),
    );
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    sections.expectNoOverlap();
  });

  it("runs different keys in parallel", async () => {
    const lock = new MemoryLock();
    let inside = 0;
    let maxInside = 0;
    const started = performance.now();
    await Promise.all(
      ["a", "b", "c", "d"].map((key) =>
        lock.withLock(key, async () => {
          maxInside = Math.max(maxInside, ++inside);
          await sleep(100);
          inside--;
        }),
      ),
    );
    expect(maxInside).toBe(4);
    expect(performance.now() - started).toBeLessThan(350);
  });

  it("releases when fn throws, and passes the error on", async () => {
    const lock = new MemoryLock();
    await expect(lock.withLock("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lock.withLock("k", async () => "next")).resolves.toBe("next");
  });

  it("gives up with LockTimeoutError after waitMs, without running fn", async () => {
    const lock = new MemoryLock({ waitMs: 100 });
    const holder = lock.withLock("k", () => sleep(300));
    let ranLate = false;
    const error = await lock
      .withLock("k", async () => {
        ranLate = true;
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect((error as LockTimeoutError).key).toBe("k");
    expect((error as LockTimeoutError).waitedMs).toBeGreaterThanOrEqual(95);
    expect((error as Error).message).toMatch(/"k".* after \d+ ms.*next delivery or sweep will retry/);
    expect(ranLate).toBe(false);
    await holder;
    await expect(lock.withLock("k", async () => 1)).resolves.toBe(1);
  });

  it("a caller that timed out does not let the one behind it in before the holder leaves", async () => {
    const lock = new MemoryLock({ waitMs: 250 });
    const sections = new Sections();
    const holder = lock.withLock("k", () => sections.run("holder", () => sleep(400)));
    const middle = lock.withLock("k", async () => "middle");
    await sleep(200);
    // Queued behind the middle caller, which gives up at 250 ms while the holder runs until 400 ms.
    const patient = lock.withLock("k", () => sections.run("patient", async () => "patient"));
    await expect(middle).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(patient).resolves.toBe("patient");
    await holder;
    expect(sections.spans.map((s) => s.id)).toEqual(["holder", "patient"]);
    sections.expectNoOverlap();
  });

  it("refuses work after close()", async () => {
    const lock = new MemoryLock();
    await lock.close();
    await expect(lock.withLock("k", async () => 1)).rejects.toBeInstanceOf(LockClosedError);
  });
});

describe("createLock", () => {
  it("picks the in-process lock without a Redis URL", async () => {
    const log = new MemoryLogger();
    const lock = createLock({ log });
    expect(lock).toBeInstanceOf(MemoryLock);
    expect(createLock({ redisUrl: "  ", log })).toBeInstanceOf(MemoryLock);
    expect(log.text()).toContain("in-process only");
    await lock.close();
  });
});
