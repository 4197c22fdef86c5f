import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import { encodeMarker } from "../../src/core/issue/marker.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { buildReport } from "../../src/handlers/report.ts";
import { Run } from "../../src/handlers/run.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { seedAcme } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

const N = 5000;
let sandbox: Sandbox;
const clock = new VirtualClock("2026-11-26T12:00:00Z");

beforeAll(async () => {
  sandbox = await startSandbox({ clock });
  seedAcme(sandbox);
  const repo = sandbox.state.repo("acme", "api")!;
  for (let i = 1; i <= N; i++) {
    const opened = new Date(Date.parse("2026-11-01T00:00:00Z") + i * 60_000).toISOString();
    const marker = encodeMarker({
      v: 1,
      key: `secret-scanning:acme/api#${i}`,
      repo: "acme/api",
      alert: i,
      identityClass: "api-key",
      validity: "active",
      publiclyLeaked: false,
      severity: i % 4 === 0 ? "critical" : "high",
      system: null,
      locations: [],
      routing: { source: "codeowners", why: "x", assignees: ["alice"], mentions: [], unowned: false, notes: [] },
      openedAt: opened,
      sla: {
        acknowledgeBy: opened,
        remediateBy: new Date(Date.parse(opened) + 86_400_000).toISOString(),
        calendar: "24x7",
        timeZone: "UTC",
        startedAt: opened,
      },
    });
    const issue = sandbox.state.newIssue(repo, {
      title: `Leaked key ${i}`,
      body: `body\n${marker}`,
      user: "nhi-steward[bot]",
      labels: ["nhi-response"],
      assignees: ["alice"],
    });
    issue.createdAt = opened;
  }
});
afterAll(async () => {
  expect(sandbox.validationErrors).toEqual([]);
  await sandbox.close();
});

describe("the report at scale", () => {
  it("reads 5,000 response issues with one paginated read per 100 issues", async () => {
    const github = new OctokitPort(createOctokit({ token: "ghs_report", baseUrl: sandbox.url, log: new MemoryLogger(), pace: false }), {
      self: SANDBOX_APP_IDENTITY,
    });
    const report = await buildReport(
      new Run({ github, clock, log: new MemoryLogger() }),
      { kind: "repository", repo: { owner: "acme", name: "api" } },
      30,
    );
    expect(report.records).toHaveLength(N);
    const issueReads = sandbox.requests.filter((r) => r.method === "GET" && r.path === "/repos/acme/api/issues");
    expect(issueReads).toHaveLength(N / 100);
    expect(report.markdown).toContain("pie");
  }, 120_000);
});
