import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { runActionBundle, type ActionRun } from "../../src/action/local-runner.ts";
import { leaks, PLANTED, responseIssues, type World, worldPerTest } from "../support/world.ts";

const runs: ActionRun[] = [];
const world = worldPerTest({ extra: () => runs.map((r) => r.stdout + r.summary + JSON.stringify(r.outputs)).join("\n") });
beforeEach(() => {
  runs.length = 0;
});

async function action(inputs: Record<string, string>, repository = "acme/api", event = "schedule"): Promise<ActionRun> {
  const run = await runActionBundle({
    apiUrl: world.sandbox.url,
    repository,
    event,
    inputs: { token: "ghs_test_installation_token", ...inputs },
  });
  runs.push(run);
  return run;
}

function seedAlerts() {
  const s = world.sandbox.state;
  const a = s.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  const b = s.addSecretScanningAlert("acme", "api", {
    secretType: "aws_access_key_id",
    secretTypeDisplayName: "Amazon AWS Access Key ID",
    secret: PLANTED.aws,
    validity: "unknown",
    locations: [{ path: "src/config.ts", startLine: 4 }],
  }).number;
  const c = s.addSecretScanningAlert("acme", "site", {
    secretType: "npm_access_token",
    secretTypeDisplayName: "npm Access Token",
    secret: PLANTED.npm,
    locations: [{ path: "index.html", startLine: 1 }],
  }).number;
  s.addSecretScanningAlert("acme", "api", {
    secretType: "stripe_api_key",
    secret: "sk_live_resolved_long_ago",
    state: "resolved",
    resolution: "revoked",
  });
  return { a, b, c };
}

const writes = (w: World) => w.sandbox.requests.filter((r) => r.method !== "GET");

describe("the Action (dist/index.js run as a runner runs it)", () => {
  it("sweeps the repository's open alerts into assigned issues, with outputs and a job summary", async () => {
    const { a, b } = seedAlerts();
    const run = await action({});
    expect(run.code).toBe(0);
    expect(run.outputs.opened).toBe("2");
    expect(run.outputs.updated).toBe("0");
    const issues = responseIssues(world, "acme/api");
    expect(issues.map((i) => [i.title, i.assignees]).sort()).toEqual([
      [`Leaked Amazon AWS Access Key ID in acme/api (secret scanning alert #${b})`, ["carol", "dave"]],
      [`Leaked GitHub Personal Access Token in acme/api (secret scanning alert #${a})`, ["alice"]],
    ]);
    expect(responseIssues(world, "acme/site")).toEqual([]);
    const plan = JSON.parse(run.outputs.plan!);
    expect(plan.changes.map((c: { status: string; action: string }) => `${c.action}:${c.status}`)).toEqual([
      "open:applied",
      "open:applied",
    ]);
    expect(run.summary).toContain("| Alert | Issue | Result | Assigned | Why |");
    expect(run.summary).toContain(`| \`secret-scanning:acme/api#${a}\` |`);
    // Every REST read of alerts hides the secret.
    const alertReads = world.sandbox.requests.filter(
      (r) => r.method === "GET" && r.path.includes("/secret-scanning/alerts") && !r.path.endsWith("/locations"),
    );
    expect(alertReads.length).toBeGreaterThan(0);
    for (const r of alertReads) expect(r.query.hide_secret).toBe("true");
  });

  it("changes nothing when run again", async () => {
    seedAlerts();
    await action({ scope: "organization" });
    const before = writes(world).length;
    const again = await action({ scope: "organization" });
    expect(again.outputs).toMatchObject({ opened: "0", updated: "0" });
    expect(writes(world).length).toBe(before);
    expect(responseIssues(world, "acme/api")).toHaveLength(2);
    expect(responseIssues(world, "acme/site")).toHaveLength(1);
  });

  it("in dry-run plans and reports but writes nothing", async () => {
    seedAlerts();
    const run = await action({ "dry-run": "true", scope: "organization" });
    expect(run.code).toBe(0);
    expect(writes(world)).toEqual([]);
    const plan = JSON.parse(run.outputs.plan!);
    expect(plan.dryRun).toBe(true);
    // Three alerts, plus the app inventory an organisation sweep records.
    expect(plan.changes.map((c: { alert: string; status: string }) => `${c.alert.split(":")[0]}:${c.status}`).sort()).toEqual([
      "inventory:planned",
      "secret-scanning:planned",
      "secret-scanning:planned",
      "secret-scanning:planned",
    ]);
    expect(run.summary).toContain("(dry run)");
  });

  it("stops at max-operations without leaving an issue half-done, and the next run finishes", async () => {
    seedAlerts();
    // Five writes fit one owned alert (its three labels: response, severity, SLA; its issue; the alert's assignee); the rest wait, whole.
    const first = await action({ scope: "organization", "max-operations": "5" });
    expect(first.outputs.opened).toBe("1");
    const alertChanges = JSON.parse(first.outputs.plan!).changes.filter((c: { alert: string }) => c.alert.startsWith("secret-scanning:"));
    expect(alertChanges.map((c: { status: string }) => c.status).sort()).toEqual(["applied", "deferred", "deferred"]);
    expect(first.stdout).toContain("deferred to the next run");
    const second = await action({ scope: "organization" });
    const opened = JSON.parse(second.outputs.plan!).changes.filter(
      (c: { alert: string; action: string; status: string }) =>
        c.alert.startsWith("secret-scanning:") && c.action === "open" && c.status === "applied",
    );
    expect(opened).toHaveLength(2);
    expect([...responseIssues(world, "acme/api"), ...responseIssues(world, "acme/site")]).toHaveLength(3);
  });

  it("reports metrics: job summary with Mermaid charts, JSON and CSV files, one report issue updated in place", async () => {
    seedAlerts();
    await action({ scope: "organization" });
    const first = await action({ command: "report", scope: "organization" });
    expect(first.code).toBe(0);
    expect(first.summary).toContain("xychart-beta");
    expect(first.summary).toContain("pie");
    const json = JSON.parse(readFileSync(first.outputs["report-json"]!, "utf8"));
    expect(JSON.stringify(json)).toContain("critical");
    expect(readFileSync(first.outputs["report-json"]!.replace(/\.json$/, ".csv"), "utf8").split("\n")[0]).toContain("time_to_remediate_h");
    const reports = () => world.sandbox.state.listIssues("acme", "api").filter((i) => i.labels.includes("nhi-steward:report"));
    expect(reports()).toHaveLength(1);
    await action({ command: "report", scope: "organization" });
    expect(reports()).toHaveLength(1);
  });

  it("with `sweep-state`, the next run reads only what changed since, and the state holds no secret", async () => {
    seedAlerts();
    // The Action runs on the real clock; GitHub (the sandbox) must agree on what "a day ago" means.
    world.clock.advance(Date.now() - world.clock.now().getTime());
    const dir = mkdtempSync(join(tmpdir(), "nhi-action-state-"));
    const file = join(dir, "sweep-state.jsonl");
    try {
      const first = await action({ scope: "organization", "sweep-state": file });
      expect(
        JSON.parse(first.outputs.plan!).changes.filter(
          (c: { alert: string; status: string }) => c.alert.startsWith("secret-scanning:") && c.status === "applied",
        ),
      ).toHaveLength(3);
      world.clock.advance(10 * 60_000);
      const mark = world.sandbox.requests.length;
      const before = writes(world).length;
      const second = await action({ scope: "organization", "sweep-state": file });
      expect(second.code).toBe(0);
      expect(second.outputs).toMatchObject({ opened: "0", updated: "0" });
      expect(writes(world).length).toBe(before);
      expect(second.stdout).toContain("sweep state: reading only what changed since the last sweep");
      const reads = world.sandbox.requests.slice(mark);
      const alertList = reads.filter((r) => r.path === "/orgs/acme/secret-scanning/alerts" && r.query.state !== "resolved");
      expect(alertList.map((r) => r.query.sort)).toEqual(["updated"]);
      const issueLists = reads.filter((r) => /^\/repos\/acme\/[^/]+\/issues$/.test(r.path) && r.query.labels === "nhi-response");
      expect(issueLists.length).toBeGreaterThan(0);
      for (const r of issueLists) expect(r.query.since).toBeDefined();
      const kept = readFileSync(file, "utf8");
      expect(leaks(world, kept)).toEqual([]);
      expect(kept).not.toContain("sk_live_resolved_long_ago");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("does nothing on events it does not sweep on", async () => {
    seedAlerts();
    const run = await action({}, "acme/api", "push");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("the push event has nothing for it to do");
    expect(world.sandbox.requests).toEqual([]);
  });

  it("fails with a message that names the bad input", async () => {
    const run = await action({ scope: "enterprise" });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("input `scope` must be `repository` or `organization`");
  });
});
