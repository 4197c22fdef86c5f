/**
 * Control: authority (docs/threat-model.md, "Authority"). Every state change a person causes on a
 * response issue goes through one rule (src/core/authority.ts): the owners routed when the alert was
 * routed (not whoever is assigned now), the owning team and security; accepting a risk also needs
 * GitHub's right to dismiss the alert (admin on its repository), unless the policy's
 * `commands.risk_acceptance` grants it. An unauthorised close is reopened, says who may, and leaves
 * the alert untouched. Proven by making `authorize` answer ok: every refusal here then fails (the
 * last two tests show what stays allowed).
 */
import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { asUser, closeIssue, comment, deliver, PLANTED, pushFile, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
let alertNumber: number;
const policy = (extra = "") => `fallback_owner: "@acme/security"\ncommands:\n  security_team: "@acme/security"\n${extra}`;
beforeEach(async () => {
  pushFile(world, "acme", ".github", ".github/nhi-steward.yml", policy());
  world.sandbox.state.setPermission("acme", "api", "mallory", "triage");
  alertNumber = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "unknown",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  await deliver(world, "secret_scanning_alert", "created", "acme/api", alertNumber);
});

const issue = () => responseIssues(world, "acme/api")[0]!;
const lastComment = () => issue().comments.at(-1)!.body;
const alertState = () => world.sandbox.state.alert("acme", "api", alertNumber)!.state;

describe("a person with triage rights", () => {
  it("cannot dismiss the alert by labelling and closing: reopened, told who may, label taken off, alert untouched", async () => {
    expect(decodeMarker(issue().body)!.routing.assignees).toEqual(["alice"]);
    await closeIssue(world, "acme/api", issue().number, "mallory", ["resolution:used-in-tests"]);
    expect(alertState()).toBe("open");
    expect(issue().state).toBe("open");
    expect(issue().labels).not.toContain("resolution:used-in-tests");
    expect(lastComment()).toContain(
      "@mallory, only the routed owners (@alice), members of @acme/security may close this as `used-in-tests` here.",
    );
    expect(lastComment()).toContain("the alert is untouched");
    expect(decodeMarker(issue().body)!.timeline.at(-1)).toMatchObject({ event: "closed-without-resolution", by: "mallory" });
  });

  it("cannot resolve as revoked while GitHub cannot confirm it (validity unknown)", async () => {
    await closeIssue(world, "acme/api", issue().number, "mallory", ["resolution:revoked"]);
    expect(alertState()).toBe("open");
    expect(issue().state).toBe("open");
  });

  it("gains nothing by assigning themselves: owners are the routed ones", async () => {
    await asUser(world, "mallory", "POST", `/repos/acme/api/issues/${issue().number}/assignees`, { assignees: ["mallory"] });
    world.sandbox.state.setAssignable("acme", "api", ["alice", "bob", "carol", "dave", "erin", "mallory"]);
    await asUser(world, "mallory", "POST", `/repos/acme/api/issues/${issue().number}/assignees`, { assignees: ["mallory"] });
    expect(issue().assignees).toContain("mallory");
    await comment(world, "acme/api", issue().number, "mallory", "/resolve wont-fix test key");
    await comment(world, "acme/api", issue().number, "mallory", "/snooze 2d later");
    expect(alertState()).toBe("open");
    expect(decodeMarker(issue().body)!.snooze).toBeNull();
    expect(lastComment()).toContain("@mallory, only the routed owners (@alice)");
  });
});

describe("accepting a risk", () => {
  it("needs GitHub's right to dismiss the alert even for the routed owner", async () => {
    await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:used-in-tests"]);
    expect(alertState()).toBe("open");
    expect(issue().state).toBe("open");
    expect(lastComment()).toContain(
      "`used-in-tests` accepts the risk and dismisses the alert on GitHub, which also needs GitHub's right to dismiss the alert (admin on acme/api)",
    );
    world.sandbox.state.setPermission("acme", "api", "alice", "admin");
    await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:used-in-tests"]);
    expect(world.sandbox.state.alert("acme", "api", alertNumber)).toMatchObject({ state: "resolved", resolution: "used_in_tests" });
    expect(issue().state).toBe("closed");
  });

  it("is allowed without it when the policy grants it explicitly", async () => {
    pushFile(world, "acme", ".github", ".github/nhi-steward.yml", policy('  risk_acceptance: ["@acme/security"]\n'));
    await closeIssue(world, "acme/api", issue().number, "erin", ["resolution:used-in-tests"]);
    expect(world.sandbox.state.alert("acme", "api", alertNumber)).toMatchObject({ state: "resolved", resolution: "used_in_tests" });
  });

  it("a revocation by the owner needs no such right", async () => {
    world.sandbox.state.updateAlert("acme", "api", alertNumber, { validity: "inactive" });
    await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:revoked"]);
    expect(world.sandbox.state.alert("acme", "api", alertNumber)).toMatchObject({ state: "resolved", resolution: "revoked" });
  });
});
