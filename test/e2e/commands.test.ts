import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { closeIssue, comment, deliver, PLANTED, pushFile, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
let alertNumber: number;
beforeEach(async () => {
  pushFile(
    world,
    "acme",
    ".github",
    ".github/nhi-steward.yml",
    'fallback_owner: "@acme/security"\ncommands:\n  security_team: "@acme/security"\n  snooze_max: 3d\n',
  );
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

describe("owners answer in the issue", () => {
  it("/ack stops the acknowledge clock and records who and when", async () => {
    world.clock.set("2026-11-23T09:30:00Z");
    expect(await comment(world, "acme/api", issue().number, "alice", "On it.\n/ack")).toBe(200);
    expect(decodeMarker(issue().body)!.acknowledged).toEqual({ at: "2026-11-23T09:30:00.000Z", by: "alice" });
    expect(issue().labels).toContain("nhi:acknowledged");
    expect(lastComment()).toContain("Acknowledged by @alice. Remediate by");
  });

  it("refuses commands from people without the right, saying who may", async () => {
    await comment(world, "acme/api", issue().number, "mallory", "/snooze 2d not my problem");
    expect(lastComment()).toBe(
      "@mallory, only the routed owners (@alice), members of @acme/security may `/snooze` here. Ask one of them, or ask security to hand it to you (`/handoff`).",
    );
    expect(decodeMarker(issue().body)!.snooze).toBeNull();
  });

  it("/snooze is time-boxed by the policy and recorded", async () => {
    await comment(world, "acme/api", issue().number, "alice", "/snooze 5d waiting for vendor");
    expect(lastComment()).toContain("a snooze may last at most 3 days");
    await comment(world, "acme/api", issue().number, "erin", "/snooze 2d waiting for the vendor to rotate");
    expect(decodeMarker(issue().body)!.snooze).toMatchObject({ by: "erin", reason: "waiting for the vendor to rotate" });
    expect(issue().labels).toContain("nhi:snoozed");
  });

  it("/handoff reassigns and records the chain of custody", async () => {
    await comment(world, "acme/api", issue().number, "alice", "/handoff @acme/platform they own deploys");
    expect(issue().assignees).toEqual(["carol", "dave"]);
    const m = decodeMarker(issue().body)!;
    expect(m.routing.why).toBe("handed off by @alice: they own deploys");
    expect(m.timeline.at(-1)).toMatchObject({ event: "handoff", by: "alice", detail: "@acme/platform: they own deploys" });
  });

  it("explains a malformed command", async () => {
    await comment(world, "acme/api", issue().number, "alice", "/snooze soon");
    expect(lastComment()).toContain("`/snooze` needs a duration and a reason");
  });
});

describe("closing the issue records the remediation", () => {
  it("a resolution label resolves the alert to match, with a comment that links the issue", async () => {
    world.sandbox.state.updateAlert("acme", "api", alertNumber, { validity: "inactive" });
    expect(await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:rotated"])).toBe(200);
    const alert = world.sandbox.state.alert("acme", "api", alertNumber)!;
    expect(alert).toMatchObject({ state: "resolved", resolution: "revoked" });
    expect(JSON.stringify(alert)).toContain(`rotated (`);
    expect(issue().state).toBe("closed");
    expect(decodeMarker(issue().body)!.resolution).toMatchObject({ resolution: "rotated", by: "alice" });
  });

  it("closed without a resolution: reopened, asked for one, labelled nhi:needs-resolution", async () => {
    await closeIssue(world, "acme/api", issue().number, "alice");
    expect(issue().state).toBe("open");
    expect(issue().labels).toContain("nhi:needs-resolution");
    expect(lastComment()).toContain("closed without saying how");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
  });

  it("revoked while GitHub still reports the secret active: reopened, and it says so", async () => {
    world.sandbox.state.updateAlert("acme", "api", alertNumber, { validity: "active" });
    await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:revoked"]);
    expect(issue().state).toBe("open");
    expect(lastComment()).toContain("GitHub still reports this secret as **active**");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
  });

  it("wont-fix needs GitHub's right to dismiss the alert and a reason; /resolve with both resolves and closes", async () => {
    // Accepting the risk dismisses the alert on GitHub: only someone GitHub would let do that may.
    await comment(world, "acme/api", issue().number, "alice", "/resolve wont-fix test fixture key, never deployed");
    expect(lastComment()).toContain("which also needs GitHub's right to dismiss the alert (admin on acme/api)");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
    world.sandbox.state.setPermission("acme", "api", "alice", "admin");
    await comment(world, "acme/api", issue().number, "alice", "/resolve wont-fix");
    expect(lastComment()).toContain("`wont-fix` accepts a risk, so it needs a reason");
    await comment(world, "acme/api", issue().number, "alice", "/resolve wont-fix test fixture key, never deployed");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)).toMatchObject({ state: "resolved", resolution: "wont_fix" });
    expect(issue().state).toBe("closed");
  });
});

describe("delegated alert dismissal", () => {
  it("a 403 when resolving the alert is explained in the issue, not swallowed", async () => {
    world.sandbox.state.updateAlert("acme", "api", alertNumber, { validity: "inactive" });
    world.sandbox.faults.inject({
      method: "PATCH",
      path: /\/secret-scanning\/alerts\/\d+$/,
      status: 403,
      body: { message: "Resource not accessible by integration" },
      times: 1,
    });
    await comment(world, "acme/api", issue().number, "alice", "/resolve revoked rotated in vault");
    expect(lastComment()).toContain(
      "could not be resolved: GitHub refused to resolve the alert (403). The repository may use delegated alert dismissal",
    );
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
  });
});

describe("risk acceptance that needs security's approval", () => {
  it("wont-fix waits for /approve by a member of the security team, then resolves", async () => {
    pushFile(
      world,
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\ncommands:\n  security_team: "@acme/security"\n  approval_required: [wont-fix, false-positive]\n',
    );
    await comment(world, "acme/api", issue().number, "alice", "/resolve wont-fix vendor sandbox key, no production access");
    expect(lastComment()).toContain("needs a member of @acme/security to confirm with `/approve`");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
    await comment(world, "acme/api", issue().number, "alice", "/approve");
    expect(lastComment()).toContain("only members of @acme/security may `/approve`");
    await comment(world, "acme/api", issue().number, "erin", "/approve");
    expect(lastComment()).toContain(
      "approving a risk acceptance dismisses the alert, which also needs GitHub's right to dismiss the alert (admin on acme/api)",
    );
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
    world.sandbox.state.setPermission("acme", "api", "erin", "admin");
    await comment(world, "acme/api", issue().number, "erin", "/approve");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)).toMatchObject({ state: "resolved", resolution: "wont_fix" });
    expect(decodeMarker(issue().body)!.timeline.at(-1)).toMatchObject({
      event: "resolved",
      by: "alice",
      detail: expect.stringContaining("approved by @erin"),
    });
  });
});

describe("conflicting resolutions", () => {
  it("two resolution labels: reopened, asked to keep exactly one, alert untouched", async () => {
    await closeIssue(world, "acme/api", issue().number, "alice", ["resolution:revoked", "resolution:wont-fix"]);
    expect(issue().state).toBe("open");
    expect(lastComment()).toContain("it carries 2 resolution labels (`resolution:revoked`, `resolution:wont-fix`); keep exactly one");
    expect(world.sandbox.state.alert("acme", "api", alertNumber)!.state).toBe("open");
  });
});
