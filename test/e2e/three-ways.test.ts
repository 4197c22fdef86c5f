import { afterAll, describe, expect, it } from "vitest";
import { runActionBundle } from "../../src/action/local-runner.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { main } from "../../src/cli/main.ts";
import { captureIo } from "../support/capture-io.ts";
import { deliver, leaks, PLANTED, responseIssues, startWorld, type World } from "../support/world.ts";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const worlds: World[] = [];
afterAll(async () => {
  for (const w of worlds) {
    expect(w.sandbox.validationErrors).toEqual([]);
    expect(leaks(w)).toEqual([]);
    await w.close();
  }
});

async function worldWithAlert(): Promise<{ world: World; number: number }> {
  const world = await startWorld();
  worlds.push(world);
  const { number } = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    publiclyLeaked: true,
    locations: [{ path: "infra/deploy.sh", startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  });
  return { world, number };
}

/**
 * What a person sees of an issue, the sandbox's address and the moment it was opened aside (the
 * Action and the CLI run on the real clock, the app on the test's): deadlines derive from that moment.
 */
function visible(world: World, issue: { title: string; body: string | null; labels: string[]; assignees: string[] }) {
  const body = (issue.body ?? "").split(world.sandbox.url).join("<sandbox>");
  const marker = decodeMarker(body)!;
  return {
    title: issue.title,
    body: body.replace(/<!-- nhi-steward:v1 .* -->/s, "").replace(/^\| \*\*(Acknowledge|Remediate) by\*\* \|.*$/gm, "| deadline |"),
    marker: {
      ...marker,
      openedAt: "…",
      sla: { ...marker.sla!, acknowledgeBy: "…", remediateBy: "…", startedAt: "…" },
      timeline: marker.timeline.map((t) => ({ ...t, at: "…" })),
    },
    labels: [...issue.labels].sort(),
    assignees: issue.assignees,
  };
}

describe("webhook, Action sweep and CLI plan produce the same issue for the same alert", () => {
  it("matches across the three ways in", async () => {
    const viaApp = await worldWithAlert();
    expect(await deliver(viaApp.world, "secret_scanning_alert", "created", "acme/api", viaApp.number)).toBe(200);
    const [appIssue] = responseIssues(viaApp.world, "acme/api");

    const viaAction = await worldWithAlert();
    const run = await runActionBundle({ apiUrl: viaAction.world.sandbox.url, repository: "acme/api", inputs: { token: "ghs_x" } });
    expect(run.code).toBe(0);
    const [actionIssue] = responseIssues(viaAction.world, "acme/api");

    const viaCli = await worldWithAlert();
    const dir = mkdtempSync(join(tmpdir(), "nhi-3ways-"));
    const delivery = viaCli.world.sandbox.webhook("secret_scanning_alert_location", "created", {
      owner: "acme",
      repo: "api",
      alertNumber: viaCli.number,
      installationId: 1,
    });
    writeFileSync(join(dir, "payload.json"), JSON.stringify(delivery.payload));
    writeFileSync(join(dir, "CODEOWNERS"), "# API owners\n* @acme/platform\n/infra/ @alice\n/legacy/ @mallory\n");
    writeFileSync(join(dir, "policy.yml"), 'fallback_owner: "@acme/security"\n');
    const io = captureIo();
    expect(
      await main(
        [
          "plan",
          "--event-name",
          "secret_scanning_alert_location",
          "--payload",
          join(dir, "payload.json"),
          "--codeowners",
          join(dir, "CODEOWNERS"),
          "--policy",
          join(dir, "policy.yml"),
        ],
        io,
      ),
    ).toBe(0);
    const op = JSON.parse(io.out()).changes[0].operations[0];

    expect(appIssue).toBeDefined();
    const expected = visible(viaApp.world, appIssue!);
    expect(visible(viaAction.world, actionIssue!)).toEqual(expected);
    // The CLI names the CODEOWNERS file it was given; otherwise the issue is the same.
    expect(op.body).toContain(`${join(dir, "CODEOWNERS")} line 3`);
    const body = op.body.replaceAll(join(dir, "CODEOWNERS"), ".github/CODEOWNERS");
    expect(visible(viaCli.world, { title: op.title, body, labels: op.labels, assignees: op.assignees })).toEqual(expected);
    expect(expected.assignees).toEqual(["alice"]);
  });
});
