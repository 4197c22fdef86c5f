import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { ownsRepository } from "../../src/core/shard.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep } from "../../src/handlers/sweep.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { seedServices } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

/** A large organisation swept by a matrix of Action jobs, `shard: k/3`, one after another or at once. */
const REPOS = 12;
const PER_REPO = 3;
let sandbox: Sandbox;
const clock = new VirtualClock("2026-11-23T09:00:00Z");
const log = new MemoryLogger();

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
  seedServices(sandbox, REPOS, PER_REPO, (r, i) => `ghp_shard${r}x${i}PLANTED0000000000000000000`);
});
afterAll(async () => {
  expect(sandbox.validationErrors).toEqual([]);
  await sandbox.close();
});

const shardSweep = (index: number) =>
  sweep(
    new Run({
      github: new OctokitPort(createOctokit({ token: `ghs_shard${index}`, baseUrl: sandbox.url, log, pace: false }), {
        self: SANDBOX_APP_IDENTITY,
      }),
      clock,
      log,
    }),
    { kind: "organization", org: "acme" },
    { shard: { index, count: 3 } },
  );

const repoOf = (path: string) => /^\/repos\/(acme\/[^/]+)\//.exec(path)?.[1];

describe("a sweep sharded by repository with an Actions matrix", () => {
  it("covers every repository exactly once: each alert gets one issue, written only by the shard that owns its repository", async () => {
    const reports = await Promise.all([1, 2, 3].map(shardSweep));
    expect(reports.reduce((n, r) => n + r.alerts, 0)).toBe(REPOS * PER_REPO);
    expect(reports.reduce((n, r) => n + r.opened, 0)).toBe(REPOS * PER_REPO); // response issues only: the app inventory issue is not one
    expect(reports.flatMap((r) => r.results).filter((x) => x.change.key.startsWith("inventory:") && x.status === "applied")).toHaveLength(
      1,
    );
    expect(reports.every((r) => r.alerts > 0)).toBe(true); // 12 repositories do spread over three shards

    const keys = Array.from({ length: REPOS }, (_, r) => sandbox.state.listIssues("acme", `svc-${r}`))
      .flat()
      .map((i) => decodeMarker(i.body)!.key);
    expect(new Set(keys).size).toBe(REPOS * PER_REPO);
    expect(keys).toHaveLength(REPOS * PER_REPO);

    // Every write went to a repository its shard owns.
    for (const req of sandbox.requests.filter((q) => q.method !== "GET" && q.path.startsWith("/repos/"))) {
      const index = Number(req.token!.replace("ghs_shard", ""));
      expect(ownsRepository({ index, count: 3 }, repoOf(req.path)!), `${req.method} ${req.path} by shard ${index}`).toBe(true);
    }
    // Organisation-level work (the app inventory) ran in one shard only.
    const installationReads = sandbox.requests.filter((q) => q.path === "/orgs/acme/installations");
    expect(new Set(installationReads.map((q) => q.token))).toEqual(
      new Set([`ghs_shard${[1, 2, 3].find((i) => ownsRepository({ index: i, count: 3 }, "acme/.github"))}`]),
    );
    expect(sandbox.state.everythingWritten() + log.text()).not.toMatch(/ghp_shard\d+x\d+PLANTED/);
  });

  it("advances each issue's clock in one shard only: a breach is announced once", async () => {
    clock.advance(3 * 24 * 3600_000);
    const before = sandbox.requests.length;
    await Promise.all([1, 2, 3].map(shardSweep));
    const comments = sandbox.requests.slice(before).filter((q) => q.method === "POST" && q.path.endsWith("/comments"));
    const perIssue = new Map<string, number>();
    for (const c of comments) perIssue.set(c.path, (perIssue.get(c.path) ?? 0) + 1);
    expect(perIssue.size).toBe(REPOS * PER_REPO);
    expect([...perIssue.values()].every((n) => n === 1)).toBe(true);
  });
});
