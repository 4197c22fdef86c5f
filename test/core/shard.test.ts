import { describe, expect, it } from "vitest";
import { ownsRepository, parseShard } from "../../src/core/shard.ts";

describe("shards", () => {
  it.each([
    ["", { index: 1, count: 1 }],
    ["2/4", { index: 2, count: 4 }],
    [" 1 / 3 ", { index: 1, count: 3 }],
  ])("reads %j", (text, shard) => {
    expect(parseShard(text)).toEqual(shard);
  });

  it.each(["0/4", "5/4", "1/0", "1/300", "2", "a/b", "-1/2"])("refuses %j and says how to write it", (text) => {
    expect(() => parseShard(text)).toThrow(/write it as k\/n with 1 ≤ k ≤ n ≤ 256, e.g. "2\/4"/);
  });

  it("puts every repository in exactly one shard, in roughly even parts, whatever the case of its name", () => {
    const repos = Array.from({ length: 2000 }, (_, i) => `acme/service-${i}`);
    const counts = [0, 0, 0, 0];
    for (const repo of repos) {
      const owners = [1, 2, 3, 4].filter((index) => ownsRepository({ index, count: 4 }, repo));
      expect(owners).toHaveLength(1);
      counts[owners[0]! - 1]!++;
      expect(ownsRepository({ index: owners[0]!, count: 4 }, repo.toUpperCase())).toBe(true);
    }
    for (const c of counts) expect(c).toBeGreaterThan(400);
  });
});
