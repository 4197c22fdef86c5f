import { describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { deliver, PLANTED, pushFile, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

const ORG_POLICY = `# yaml-language-server: $schema=https://example.com/schema.json
fallback_owner: "@acme/security"
response_repository: acme/security-response
repository_overrides: [owners]
systems:
  - name: payments
    description: card processing
    steward: "@acme/platform"
    manager: "@bob"
    credentials:
      - secret_types: [stripe_api_key]
    dependents: [checkout, invoicing]
    revocation: Roll the key in the Stripe dashboard, then update vault path secret/payments/stripe.
`;

function setOrgPolicy(text: string) {
  pushFile(world, "acme", ".github", ".github/nhi-steward.yml", text);
}

function addAlert(repo: string, secretType: string, path: string, extra: Record<string, unknown> = {}) {
  return world.sandbox.state.addSecretScanningAlert("acme", repo, {
    secretType,
    secretTypeDisplayName: secretType,
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path, startLine: 3 }],
    ...extra,
  }).number;
}

describe("policy as code, end to end", () => {
  it("routes a shared credential to its system's steward and shows what revoking it affects", async () => {
    setOrgPolicy(ORG_POLICY);
    // CODEOWNERS would say @alice for infra/; the system's steward wins.
    const n = addAlert("api", "stripe_api_key", "infra/stripe.ts");
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees).toEqual(["carol", "dave"]);
    expect(issue!.labels).toEqual(expect.arrayContaining(["nhi-response", "severity:high"]));
    expect(issue!.body).toContain("steward of system **payments** (`@acme/platform`), which owns this credential");
    expect(issue!.body).toContain("| **Revoking this affects** | checkout, invoicing |");
    expect(issue!.body).toContain("Roll the key in the Stripe dashboard");
    expect(issue!.body).toContain("| **Escalation path** | @carol, @dave → @bob |");
    expect(decodeMarker(issue!.body)).toMatchObject({ system: "payments", severity: "high", routing: { source: "system" } });
  });

  it("opens the issue for a public repository's alert in the private response repository", async () => {
    setOrgPolicy(ORG_POLICY);
    world.sandbox.state.addRepo({
      owner: "acme",
      name: "oss-lib",
      visibility: "public",
      files: { CODEOWNERS: "* @alice\n" },
      assignable: ["alice"],
    });
    world.sandbox.state.addRepo({ owner: "acme", name: "security-response", visibility: "private", assignable: ["alice", "erin"] });
    const n = addAlert("oss-lib", "github_personal_access_token", "src/index.js");
    await deliver(world, "secret_scanning_alert", "created", "acme/oss-lib", n);
    expect(world.sandbox.state.listIssues("acme", "oss-lib")).toEqual([]);
    const [issue] = responseIssues(world, "acme/security-response");
    expect(issue!.title).toBe(`Leaked github_personal_access_token in acme/oss-lib (secret scanning alert #${n})`);
    expect(issue!.assignees).toEqual(["alice"]);
    expect(issue!.labels).toContain("severity:critical");
    // Redelivery finds it there too.
    await deliver(world, "secret_scanning_alert", "created", "acme/oss-lib", n);
    expect(responseIssues(world, "acme/security-response")).toHaveLength(1);
  });

  it("an invalid org policy opens one config-error issue and the alert still reaches its owner", async () => {
    setOrgPolicy('fallback_owner: "@acme/security"\nsystemz: []\nissues_in: sometimes\n');
    const first = addAlert("api", "github_personal_access_token", "infra/deploy.sh");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", first);
    expect(responseIssues(world, "acme/api")[0]!.assignees).toEqual(["alice"]);

    const errors = world.sandbox.state.listIssues("acme", ".github");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.labels).toEqual(["nhi-steward:config-error"]);
    expect(errors[0]!.title).toBe("nhi-steward: .github/nhi-steward.yml is invalid, so the default policy applies");
    expect(errors[0]!.body).toContain('acme/.github:.github/nhi-steward.yml:2:1: unknown key "systemz". Did you mean "systems"?');
    expect(errors[0]!.body).toContain('acme/.github:.github/nhi-steward.yml:3:12: issues_in: "sometimes" is not allowed.');

    // Another failing load updates the same issue (and reopens it if someone closed it).
    setOrgPolicy('fallback_owner: "alice"\n');
    const second = addAlert("api", "github_personal_access_token", "infra/other.sh");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", second);
    const after = world.sandbox.state.listIssues("acme", ".github");
    expect(after).toHaveLength(1);
    expect(after[0]!.body).toContain("fallback_owner: must be a user");
    expect(after[0]!.body).not.toContain("systemz");
    expect(responseIssues(world, "acme/api")).toHaveLength(2);
  });

  it("lets a repository change only what the organisation allows, and reports the rest", async () => {
    setOrgPolicy(ORG_POLICY);
    pushFile(
      world,
      "acme",
      "site",
      ".github/nhi-steward.yml",
      'owners:\n  - match: { paths: ["**"] }\n    owners: ["@bob"]\nfallback_owner: "@erin"\n',
    );
    const n = addAlert("site", "github_personal_access_token", "index.html");
    await deliver(world, "secret_scanning_alert", "created", "acme/site", n);
    const [issue] = responseIssues(world, "acme/site");
    expect(issue!.assignees).toEqual(["bob"]);
    expect(issue!.body).toContain("owner rule #1 (@bob)");
    const [error] = world.sandbox.state.listIssues("acme", "site").filter((i) => i.labels.includes("nhi-steward:config-error"));
    expect(error!.body).toContain("`fallback_owner` may not be set by a repository");
  });

  it("follows _extends to a shared policy repository", async () => {
    world.sandbox.state.addRepo({
      owner: "acme",
      name: "policies",
      visibility: "private",
      files: { "nhi/base.yml": 'fallback_owner: "@bob"\n' },
    });
    setOrgPolicy("_extends: policies:nhi/base.yml\n");
    const n = addAlert("site", "github_personal_access_token", "index.html");
    await deliver(world, "secret_scanning_alert", "created", "acme/site", n);
    expect(responseIssues(world, "acme/site")[0]!.assignees).toEqual(["bob"]);
  });

  it("uses the repository's owner custom property after CODEOWNERS", async () => {
    setOrgPolicy('fallback_owner: "@acme/security"\n');
    world.sandbox.state.setProperties("acme", "site", { owner: "@bob" });
    const n = addAlert("site", "github_personal_access_token", "index.html");
    await deliver(world, "secret_scanning_alert", "created", "acme/site", n);
    const [issue] = responseIssues(world, "acme/site");
    expect(issue!.assignees).toEqual(["bob"]);
    expect(issue!.body).toContain("repository property `owner` = `@bob`");
    expect(issue!.labels).not.toContain("nhi:unowned");
  });
});

describe("routing precedence per repository", () => {
  const PREFER_CODEOWNERS = "routing:\n  precedence: [system, owner-rule, codeowners, bypasser, author, property]\n";
  const bypassed = () => addAlert("api", "github_personal_access_token", "infra/deploy.sh", { pushProtectionBypassedBy: "dave" });

  it("a repository puts CODEOWNERS before the push-protection bypasser when the organisation allows `routing`", async () => {
    setOrgPolicy('fallback_owner: "@acme/security"\nrepository_overrides: [routing]\n');
    pushFile(world, "acme", "api", ".github/nhi-steward.yml", PREFER_CODEOWNERS);
    const n = bypassed();
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees).toEqual(["alice"]);
    expect(issue!.body).toContain("(precedence step: CODEOWNERS)");
  });

  it("without `routing` in repository_overrides the repository's precedence is refused, said why, and the organisation's applies", async () => {
    setOrgPolicy('fallback_owner: "@acme/security"\nrepository_overrides: [owners]\n');
    pushFile(world, "acme", "api", ".github/nhi-steward.yml", PREFER_CODEOWNERS);
    const n = bypassed();
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees).toEqual(["dave"]);
    expect(world.log.text()).toContain("`routing` may not be set by a repository");
  });
});
