import { describe, expect, it } from "vitest";
import { createLock, LockClosedError, LockTimeoutError, MemoryLock } from "../../../src/github/lock/index.ts";
import { MemoryLogger } from "../../../src/log.ts";
import { deferred, Sections, settle, VirtualTimers } from "./helpers.ts";

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
            await settle(); // gives every other caller the chance to get in, were the lock not holding them
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
    const gate = deferred();
    let inside = 0;
    const all = Promise.all(
      ["a", "b", "c", "d"].map((key) =>
        lock.withLock(key, async () => {
          inside++;
          await gate.promise;
        }),
      ),
    );
    await settle();
    // All four are inside at once, none waiting for another key's holder to leave.
    expect(inside).toBe(4);
    gate.resolve();
    await all;
  });

  it("releases when fn throws, and passes the error on", async () => {
    const lock = new MemoryLock();
    await expect(lock.withLock("k", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(lock.withLock("k", async () => "next")).resolves.toBe("next");
  });

  it("gives up with LockTimeoutError after waitMs, without running fn", async () => {
    const timers = new VirtualTimers();
    const lock = new MemoryLock({ waitMs: 100, timers });
    const held = deferred();
    const holder = lock.withLock("k", () => held.promise);
    let ranLate = false;
    let outcome: unknown = "pending";
    void lock
      .withLock("k", async () => {
        ranLate = true;
      })
      .then(
        () => (outcome = "ran"),
        (e: unknown) => (outcome = e),
      );
    await timers.advance(99);
    expect(outcome).toBe("pending"); // still waiting just before waitMs
    await timers.advance(1);
    expect(outcome).toBeInstanceOf(LockTimeoutError);
    const error = outcome as LockTimeoutError;
    expect(error.key).toBe("k");
    expect(error.waitedMs).toBe(100);
    expect(error.message).toMatch(/"k".* after 100 ms.*next delivery or sweep will retry/);
    expect(ranLate).toBe(false);
    held.resolve();
    await holder;
    await expect(lock.withLock("k", async () => 1)).resolves.toBe(1);
    expect(ranLate).toBe(false);
  });

  it("a caller that timed out does not let the one behind it in before the holder leaves", async () => {
    const timers = new VirtualTimers();
    const lock = new MemoryLock({ waitMs: 250, timers });
    const sections = new Sections();
    const held = deferred();
    const holder = lock.withLock("k", () => sections.run("holder", () => held.promise));
    const middle = lock.withLock("k", async () => "middle").catch((e: unknown) => e);
    await timers.advance(200);
    // Queued behind the middle caller, which gives up at 250 ms while the holder is still inside.
    let patientIn = false;
    const patient = lock.withLock("k", () =>
      sections.run("patient", async () => {
        patientIn = true;
        return "patient";
      }),
    );
    await timers.advance(50);
    expect(await middle).toBeInstanceOf(LockTimeoutError);
    await settle();
    expect(patientIn).toBe(false); // the holder has not left, so the patient caller still waits
    await timers.advance(150); // 400 ms: the holder leaves, well before the patient caller's 450 ms
    held.resolve();
    await holder;
    await expect(patient).resolves.toBe("patient");
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
