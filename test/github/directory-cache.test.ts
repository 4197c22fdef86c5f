import { describe, expect, it } from "vitest";
import { DirectoryCache } from "../../src/github/directory-cache.ts";

describe("DirectoryCache", () => {
  it("answers from memory until the TTL passes, then asks again", async () => {
    let now = 0;
    let asked = 0;
    const cache = new DirectoryCache(() => now, { ttlMs: 1000 });
    const load = async () => ++asked;
    expect(await cache.remember("team:acme/platform", load)).toBe(1);
    now = 999;
    expect(await cache.remember("team:acme/platform", load)).toBe(1);
    now = 1000;
    expect(await cache.remember("team:acme/platform", load)).toBe(2);
  });

  it("shares one request between concurrent callers", async () => {
    let asked = 0;
    const cache = new DirectoryCache(() => 0);
    const answers: (() => void)[] = [];
    const load = () => new Promise<number>((resolve) => answers.push(() => resolve(++asked)));
    const all = Promise.all([cache.remember("k", load), cache.remember("k", load), cache.remember("k", load)]);
    expect(answers).toHaveLength(1); // one request while it is pending…
    for (const answer of answers) answer();
    expect(await all).toEqual([1, 1, 1]); // …and its answer for all three
  });

  it("does not keep failures: the next caller asks again", async () => {
    const cache = new DirectoryCache(() => 0);
    await expect(cache.remember("k", () => Promise.reject(new Error("502")))).rejects.toThrow("502");
    expect(await cache.remember("k", async () => "ok")).toBe("ok");
  });

  it("takes a correction (GitHub refused an assignee it had called assignable)", async () => {
    const cache = new DirectoryCache(() => 0);
    await cache.remember("assignable:acme/api:bob", async () => true);
    cache.set("assignable:acme/api:bob", false);
    expect(await cache.remember("assignable:acme/api:bob", async () => true)).toBe(false);
    expect(cache.peek("missing:x")).toBeUndefined();
  });

  it("forgets the least recently used entries beyond its size", async () => {
    const cache = new DirectoryCache(() => 0, { max: 2 });
    await cache.remember("a", async () => 1);
    await cache.remember("b", async () => 2);
    await cache.remember("c", async () => 3);
    expect(cache.peek("a")).toBeUndefined();
    expect(await cache.peek("c")).toBe(3);
  });
});
