import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../src/core/alert/secret-scanning.ts";
import type { Alert } from "../../src/core/alert/types.ts";
import { decide as decideWith } from "../../src/core/decide.ts";
import { policyFrom } from "../../src/core/policy/load.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { planChange, type ExistingIssue } from "../../src/core/plan.ts";
import type { Routing } from "../../src/core/routing/types.ts";
import { rawAlert } from "../fixtures/webhooks.ts";

const NOW = new Date("2026-11-26T09:00:00Z");
/** decide() with a policy given as plain data. */
const decide = (a: Alert, r: Routing, policy: object, now: Date, previousBody?: string) =>
  decideWith(a, r, { policy: policyFrom(policy), now, previous: previousBody ? decodeMarker(previousBody) : null });
const repo = { owner: "acme", name: "api" };
const routing: Routing = {
  source: "codeowners",
  why: ".github/CODEOWNERS line 3: `/infra/ @alice`",
  assignees: ["alice"],
  mentions: [],
  unowned: false,
  notes: [],
};

function alert(over: Parameters<typeof rawAlert>[0] = {}, paths = ["infra/deploy.sh"]): Alert {
  return normalizeSecretScanningAlert(
    rawAlert(over),
    repo,
    "private",
    paths.map((path, i) => ({
      type: "commit",
      path,
      startLine: 3 + i,
      endLine: 3 + i,
      commitSha: "9f2c1d4e8b7a6f5e4d3c",
      blobUrl: `https://github.com/acme/api/blob/9f2c/${path}`,
    })),
  );
}

function opened(a: Alert, r: Routing = routing) {
  const change = planChange(decide(a, r, {}, NOW), null);
  const op = change.ops[0];
  if (op?.op !== "create-issue") throw new Error("expected create-issue");
  return { change, op };
}

function asExisting(a: Alert, number = 7): ExistingIssue {
  const { op } = opened(a);
  return { number, state: "open", title: op.title, body: op.body, labels: op.labels };
}

describe("opening a response issue", () => {
  it("tells a developer what leaked, where, whether it is active, who owns it and why", () => {
    const { op, change } = opened(alert({ publicly_leaked: true }));
    expect(change.action).toBe("open");
    expect(op.title).toBe("Leaked GitHub Personal Access Token in acme/api (secret scanning alert #12)");
    expect(op.body).toContain("GitHub Personal Access Token (`github_personal_access_token`), class personal access token");
    expect(op.body).toContain("**critical** (default rule (validity active, publicly leaked true))");
    expect(op.body).toContain("`infra/deploy.sh` line 3 in commit `9f2c1d4e8b7a`");
    expect(op.body).toContain("**Yes.** GitHub checked with the provider: the secret still works");
    expect(op.body).toContain("**found in public sources**; private repository");
    expect(op.body).toContain("[acme/api secret scanning alert #12](https://github.com/acme/api/security/secret-scanning/12)");
    expect(op.body).toContain("@alice (.github/CODEOWNERS line 3: `/infra/ @alice`)");
    expect(op.assignees).toEqual(["alice"]);
    expect(op.labels).toEqual(["nhi-response", "severity:critical", "sla:on-track"]);
    // critical: acknowledge 1 h, remediate 4 h, round the clock, from the moment it opened
    expect(op.body).toContain("| **Acknowledge by** | Thu 26 Nov 10:00 UTC, in 1 h: comment `/ack` |");
    expect(op.body).toContain("| **Remediate by** | Thu 26 Nov 13:00 UTC, in 4 h |");
  });

  it("carries the runbook for the credential's class as a checklist", () => {
    const pat = opened(alert()).op.body;
    expect(pat).toContain("### Personal access token");
    expect(pat).toMatch(/^- \[ \] \*\*Revoke\*\*/m);
    const aws = opened(alert({ secret_type: "aws_access_key_id", secret_type_display_name: "AWS Access Key ID" })).op.body;
    expect(aws).toContain("class cloud access key");
    expect(aws).not.toContain("### Personal access token");
  });

  it("says when the secret is inactive or its validity unknown", () => {
    expect(opened(alert({ validity: "inactive" })).op.body).toContain("The provider reports it inactive");
    expect(opened(alert({ validity: "unknown" })).op.body).toContain("**Unknown.**");
  });

  it("labels unowned alerts and explains the fallback", () => {
    const { op } = opened(alert(), {
      source: "fallback",
      why: "fallback owner `@acme/security` from the policy",
      assignees: ["erin"],
      mentions: ["@acme/security"],
      unowned: true,
      notes: ["No line of CODEOWNERS matches `x`."],
    });
    expect(op.labels).toEqual(["nhi-response", "severity:high", "nhi:unowned", "sla:on-track"]);
    expect(op.body).toContain("@erin, @acme/security (fallback owner `@acme/security` from the policy)");
    expect(op.body).toContain("- No line of CODEOWNERS matches `x`.");
  });

  it("hides the alert's identity in a marker that reads back", () => {
    const m = decodeMarker(opened(alert()).op.body);
    expect(m).toMatchObject({
      key: "secret-scanning:acme/api#12",
      validity: "active",
      routing: { assignees: ["alice"] },
      openedAt: NOW.toISOString(),
    });
  });

  it("takes SLA targets from the credential's system first, then its class, then its severity", () => {
    const policy = {
      systems: [
        {
          name: "payments",
          steward: "@pay",
          credentials: [{ secret_types: ["stripe_api_key"] }],
          sla: { high: { acknowledge: "15m", remediate: "2h", calendar: "24x7" } },
        },
      ],
      sla: { by_class: { "personal-access-token": { high: { acknowledge: "30m", remediate: "3h", calendar: "24x7" } } } },
    };
    const body = (a: Alert) => (planChange(decide(a, routing, policy, NOW), null).ops[0] as { body: string }).body;
    expect(body(alert({ secret_type: "stripe_api_key", secret_type_display_name: "Stripe API Key" }))).toContain(
      "| **Remediate by** | Thu 26 Nov 11:00 UTC, in 2 h |",
    );
    expect(body(alert())).toContain("| **Remediate by** | Thu 26 Nov 12:00 UTC, in 3 h |");
    expect(body(alert({ secret_type: "aws_access_key_id" }))).toContain("| **Remediate by** | Fri 27 Nov 09:00 UTC, in 1 day |");
  });

  it("opens issues for public repositories in the response repository when configured", () => {
    const pub = normalizeSecretScanningAlert(rawAlert(), repo, "public");
    expect(planChange(decide(pub, routing, { response_repository: "acme/security-response" }, NOW), null).repo).toBe(
      "acme/security-response",
    );
    const warned = planChange(decide(pub, routing, {}, NOW), null);
    expect(warned.repo).toBe("acme/api");
    const body = (warned.ops[0] as { body: string }).body;
    expect(body).toContain("This repository is public, so this issue is public too");
    expect(body).not.toContain("infra/deploy.sh");
    expect(body).not.toContain("the secret still works");
  });
});

describe("updating the existing issue", () => {
  it("does nothing when the same alert arrives again", () => {
    const a = alert();
    const existing = asExisting(a);
    const change = planChange(decide(a, routing, {}, NOW, existing.body), existing);
    expect(change).toMatchObject({ action: "none", ops: [] });
  });

  it("updates the body and tells the owner when the secret turns active", () => {
    const before = alert({ validity: "unknown" });
    const existing = asExisting(before);
    const change = planChange(decide(alert({ validity: "active" }), routing, {}, NOW, existing.body), existing);
    expect(change.action).toBe("update");
    // The comment first: a run that dies after it repeats it; one that died after the body would lose it.
    expect(change.ops.map((o) => o.op)).toEqual(["comment", "update-issue", "add-labels", "remove-label"]);
    expect(change.ops).toContainEqual({ op: "add-labels", issue: 7, labels: ["severity:high"] });
    expect(change.ops).toContainEqual({ op: "remove-label", issue: 7, label: "severity:medium" });
    const comment = (change.ops[0] as { body: string }).body;
    expect(comment).toContain("**The secret is active**");
    expect(comment).toContain("Severity is now **high** (was medium)");
  });

  it("reports new locations once", () => {
    const before = alert();
    const after = alert({}, ["infra/deploy.sh", "scripts/ci.sh"]);
    const existing = asExisting(before);
    const change = planChange(decide(after, routing, {}, NOW, existing.body), existing);
    const updated = change.ops.find((o) => o.op === "update-issue") as { body: string };
    expect(updated.body).toContain("`scripts/ci.sh` line 4");
    expect((change.ops.find((o) => o.op === "comment") as { body: string }).body).toContain("found in 1 more location");
    const again = planChange(decide(after, routing, {}, NOW, updated.body), { ...asExisting(before), body: updated.body });
    expect(again.ops).toEqual([]);
  });

  it("keeps the checkboxes the owner ticked", () => {
    const before = alert({ validity: "unknown" });
    const existing = asExisting(before);
    existing.body = existing.body.replace("- [ ] **Revoke**", "- [x] **Revoke**");
    const change = planChange(decide(alert({ validity: "active" }), routing, {}, NOW, existing.body), existing);
    expect((change.ops.find((o) => o.op === "update-issue") as { body: string }).body).toContain("- [x] **Revoke**");
  });

  it("puts back a label someone removed", () => {
    const a = alert();
    const existing = asExisting(a);
    const change = planChange(decide(a, { ...routing, unowned: true }, {}, NOW, existing.body), { ...existing, labels: [] });
    expect(change.ops).toContainEqual({
      op: "add-labels",
      issue: 7,
      labels: ["nhi-response", "severity:high", "nhi:unowned", "sla:on-track"],
    });
    expect(change.labels.map((l) => l.name)).toEqual(["nhi-response", "severity:high", "nhi:unowned", "sla:on-track"]);
  });
});
