import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep } from "../../src/handlers/sweep.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { seedServices } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

const REPOS = 5;
const PER_REPO = 20;
let sandbox: Sandbox;
const clock = new VirtualClock("2026-11-23T09:00:00Z");
const log = new MemoryLogger();

beforeAll(async () => {
  // GitHub's content-creation limits (80 a minute, 500 an hour), scaled down 8× so the test stays short.
  sandbox = await startSandbox({ clock, contentLimit: { perMinute: 10, perHour: 60 } });
  seedServices(sandbox, REPOS, PER_REPO, (r, i) => `ghp_burst${r}x${i}PLANTED000000000000000000`);
});
afterAll(async () => {
  expect(sandbox.validationErrors).toEqual([]);
  await sandbox.close();
});

describe("a backfill burst against GitHub's content-creation limit", () => {
  it("ends with exactly one issue per alert: paced by the limit, resumed by later sweeps, none lost or doubled", async () => {
    const github = () =>
      new OctokitPort(createOctokit({ token: "ghs_burst", baseUrl: sandbox.url, log, pace: false }), { self: SANDBOX_APP_IDENTITY });
    let sweeps = 0;
    const issues = () => Array.from({ length: REPOS }, (_, r) => sandbox.state.listIssues("acme", `svc-${r}`)).flat();
    while (issues().length < REPOS * PER_REPO && sweeps < 20) {
      const report = await sweep(new Run({ github: github(), clock, log }), { kind: "organization", org: "acme" });
      sweeps++;
      expect(report.failed).toBe(0);
      clock.advance(15 * 60_000); // the Action's schedule
    }
    const keys = issues().map((i) => decodeMarker(i.body)!.key);
    expect(keys).toHaveLength(REPOS * PER_REPO);
    expect(new Set(keys).size).toBe(REPOS * PER_REPO);
    expect(sweeps).toBeGreaterThan(2); // the limit really paced it
    const limited = sandbox.requests.filter((r) => r.status === 403);
    expect(limited.length).toBeGreaterThan(0);
    expect(log.text()).toContain("GitHub asked to slow down");
    expect(sandbox.state.everythingWritten()).not.toMatch(/ghp_burst\d+x\d+PLANTED/);
  }, 120_000);
});
