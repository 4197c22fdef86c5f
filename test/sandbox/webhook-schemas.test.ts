/**
 * Every webhook the sandbox sends, and every webhook fixture of test/fixtures/, matches GitHub's
 * webhook description (@octokit/openapi-webhooks), and carries no alert field GitHub never sends.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOCATION_TYPES } from "../../src/core/alert/types.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { checkWebhookPayload } from "../../src/sandbox/webhooks.ts";
import { alertCreated, anyLocationCreated, locationCreated, olderServerAlert } from "../fixtures/webhooks.ts";

describe("webhook fixtures", () => {
  it("secret_scanning_alert.created, public and private, with and without the optional fields", () => {
    expect(checkWebhookPayload("secret_scanning_alert", alertCreated())).toEqual([]);
    expect(checkWebhookPayload("secret_scanning_alert", alertCreated({ validity: "inactive", publicly_leaked: true }))).toEqual([]);
    expect(checkWebhookPayload("secret_scanning_alert", { ...alertCreated(), alert: olderServerAlert() })).toEqual([]);
  });

  it.each(LOCATION_TYPES)("secret_scanning_alert_location.created with a %s location", (type) => {
    expect(checkWebhookPayload("secret_scanning_alert_location", anyLocationCreated(type))).toEqual([]);
  });

  it("the commit location fixture", () => {
    expect(checkWebhookPayload("secret_scanning_alert_location", locationCreated("/infra/deploy.sh"))).toEqual([]);
  });

  it("finds what GitHub would never send", () => {
    const withProvider = alertCreated({ provider: "GitHub" } as never);
    expect(checkWebhookPayload("secret_scanning_alert", withProvider)).toEqual([
      "payload/alert has 'provider', which GitHub's webhook schema does not name",
    ]);
    const { repository: _r, ...noRepository } = alertCreated();
    expect(checkWebhookPayload("secret_scanning_alert", noRepository)).toEqual(["payload must have required property 'repository'"]);
  });
});

describe("the sandbox's webhooks", () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox();
    const s = sandbox.state;
    s.addOrg("acme");
    s.addUser("carol");
    s.addInstallation({ id: 1, account: "acme", repositories: "all" });
    s.addRepo({ owner: "acme", name: "api", files: { "infra/deploy.sh": "TOKEN=ghp_x\n" } });
    const issue = s.newIssue(s.requireRepo("acme", "api"), { title: "help", body: "ghp_x", user: "carol", labels: [], assignees: [] });
    const comment = s.newComment(issue, "ghp_x", "carol");
    s.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: "ghp_x",
      pushProtectionBypassedBy: "carol",
      locations: [
        { path: "/infra/deploy.sh" },
        { type: "wiki_commit", path: "/Home.md" },
        { type: "issue_title", issue: issue.number },
        { type: "issue_body", issue: issue.number },
        { type: "issue_comment", issue: issue.number, comment: comment.id },
        ...LOCATION_TYPES.filter((t) => t.startsWith("discussion_") || t.startsWith("pull_request_")).map((type) => ({
          type,
          url: `https://api.github.com/repos/acme/api/${type.startsWith("pull") ? "pulls/1" : "discussions/1"}`,
        })),
      ],
    });
  });
  afterEach(async () => {
    expect(sandbox.validationErrors).toEqual([]);
    await sandbox.close();
  });

  it("each action and every location type match GitHub's schemas; no provider on the webhook alert", () => {
    for (const action of ["created", "reopened", "validated", "publicly_leaked", "resolved"]) {
      const d = sandbox.webhook("secret_scanning_alert", action, { owner: "acme", repo: "api", alertNumber: 1 });
      expect(d.problems).toEqual([]);
      expect(Object.keys(d.payload.alert as object)).not.toContain("provider");
    }
    const count = LOCATION_TYPES.length;
    for (let i = 0; i < count; i++) {
      const d = sandbox.webhook("secret_scanning_alert_location", "created", {
        owner: "acme",
        repo: "api",
        alertNumber: 1,
        locationIndex: i,
      });
      expect(d.problems, LOCATION_TYPES[i]).toEqual([]);
      expect((d.payload.location as { type: string }).type).toBe(LOCATION_TYPES[i]);
    }
  });

  it("sends paths as given (GitHub's documentation writes a leading slash) and can leave out what older servers do not send", () => {
    const d = sandbox.webhook("secret_scanning_alert_location", "created", {
      owner: "acme",
      repo: "api",
      alertNumber: 1,
      locationIndex: 0,
      omit: ["validity", "publicly_leaked"],
    });
    expect((d.payload.location as { details: { path: string } }).details.path).toBe("/infra/deploy.sh");
    expect(d.payload.alert).not.toHaveProperty("validity");
    expect(d.payload.alert).not.toHaveProperty("publicly_leaked");
    expect((d.payload.alert as { push_protection_bypassed_by: { login: string } }).push_protection_bypassed_by.login).toBe("carol");
  });
});
