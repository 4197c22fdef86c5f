import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runActionBundle, type ActionRun } from "../../src/action/local-runner.ts";
import { GITLEAKS_PLANTED, GITLEAKS_PLANTED_PAT } from "../fixtures/findings/planted.ts";
import { nhiAlert } from "../fixtures/findings/dispatch.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { dispatchPayload, responseIssues, sendWebhook, sweepAsAction, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
const outputs: ActionRun[] = [];
beforeEach(() => {
  outputs.length = 0;
});
// Before worldPerTest's own checks (validationErrors, leaks): the detector's planted values too.
afterEach(() => {
  const everything =
    world.sandbox.state.everythingWritten() +
    world.log.text() +
    outputs.map((o) => o.stdout + o.summary + JSON.stringify(o.outputs)).join("");
  expect(everything).not.toContain(GITLEAKS_PLANTED);
  expect(everything).not.toContain(GITLEAKS_PLANTED_PAT);
});

describe("beyond secret scanning: detector reports and dispatched alerts", () => {
  it("a gitleaks report from an earlier step becomes owned issues, once each, with no secret in them", async () => {
    const report = join(mkdtempSync(join(tmpdir(), "nhi-findings-")), "gitleaks.json");
    writeFileSync(report, readFileSync("test/fixtures/findings/gitleaks-report.json", "utf8"));
    const run = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/api",
      event: "push",
      inputs: { token: "ghs_x", findings: report },
    });
    outputs.push(run);
    expect(run.code).toBe(0);
    const issues = responseIssues(world, "acme/api");
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((i) => i.title.includes("gitleaks finding"))).toBe(true);
    expect(issues.every((i) => i.assignees.length > 0)).toBe(true); // CODEOWNERS: * @acme/platform
    const again = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/api",
      event: "push",
      inputs: { token: "ghs_x", findings: report },
    });
    outputs.push(again);
    expect(again.outputs.opened).toBe("0");
    expect(responseIssues(world, "acme/api")).toHaveLength(issues.length);
  });

  it("a repository_dispatch nhi-alert is routed by its identity class; an invalid one is refused with the failing field", async () => {
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\nowners:\n  - match: { identity_classes: [cloud-access-key] }\n    owners: ["@bob"]\n',
    );
    const payload = nhiAlert({ resource: { repository: "acme/api" } });
    // Delivered as GitHub sends a dispatch to the App, checked against GitHub's webhook schema.
    const send = (client_payload: Record<string, unknown>) =>
      sendWebhook(world, "repository_dispatch", dispatchPayload(world, "acme/api", client_payload));
    expect(await send(payload)).toBe(200);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue).toBeDefined();
    expect(issue!.body).toContain("the class the reporting source gave");
    expect(issue!.assignees).toEqual(["bob"]); // the owner rule for cloud-access-key

    const bad = { ...payload, identity: { name: "x" } };
    // The envelope is GitHub's (valid); the client_payload, free-form to GitHub, fails nhi-steward's schema.
    expect(await send(bad)).toBe(200);
    expect(world.log.text()).toMatch(/rejected: The nhi-alert dispatch payload is invalid: client_payload\.identity\.class/);
    expect(world.log.text()).toContain("dispatch-schema.json");
  });
});

describe("an organisation sweep finds response issues wherever they are", () => {
  it("a detector's issue in a repository with no secret scanning alert still has its clock run and escalates", async () => {
    const report = join(mkdtempSync(join(tmpdir(), "nhi-findings-")), "gitleaks.json");
    writeFileSync(report, readFileSync("test/fixtures/findings/gitleaks-report.json", "utf8"));
    const run = await runActionBundle({
      apiUrl: world.sandbox.url,
      repository: "acme/site",
      event: "push",
      inputs: { token: "ghs_x", findings: report },
      now: world.clock.now(),
    });
    outputs.push(run);
    expect(run.code).toBe(0);
    const opened = responseIssues(world, "acme/site");
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((i) => decodeMarker(i.body)!.escalation.level === 0)).toBe(true);

    // A week later, nobody acknowledged: the scheduled sweep of the organisation escalates them,
    // although acme/site has no secret scanning alert to bring it into the sweep.
    world.clock.advance(7 * 24 * 60 * 60_000);
    await sweepAsAction(world);
    const after = responseIssues(world, "acme/site");
    expect(after).toHaveLength(opened.length);
    for (const issue of after) {
      expect(decodeMarker(issue.body)!.escalation.level).toBeGreaterThan(0);
      expect(issue.labels.some((l) => l.startsWith("escalation:"))).toBe(true);
    }
  });
});
