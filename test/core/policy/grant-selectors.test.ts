import { describe, expect, it } from "vitest";
import { alertFromAuditEntry, parseAuditEntry } from "../../../src/core/alert/audit-log.ts";
import { alertFromInstallation } from "../../../src/core/alert/app-installation.ts";
import { normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import { alertFromTokenRequest } from "../../../src/core/alert/token-request.ts";
import type { Alert } from "../../../src/core/alert/types.ts";
import { classify } from "../../../src/core/policy/classify.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { selectorSchema, type Selector } from "../../../src/core/policy/schema.ts";
import { permissionMatches, selectorMatches } from "../../../src/core/policy/select.ts";
import { formatProblem, validatePolicyText } from "../../../src/core/policy/validate.ts";
import { assignStep, decideRouting, type StepLookup } from "../../../src/core/routing/assign.ts";
import { alertFacts, ownerCandidates } from "../../../src/core/routing/candidates.ts";
import { rawAlert } from "../../fixtures/webhooks.ts";

const problems = (text: string) => validatePolicyText(text, "nhi-steward.yml").problems.map(formatProblem);
const home = { owner: "acme", name: ".github" };

/** One alert per source that carries (or lacks) a grant identity. */
const tokenRequest = alertFromTokenRequest(
  {
    action: "created",
    organization: { login: "acme" },
    personal_access_token_request: {
      id: 77,
      owner: { login: "bot-x" },
      permissions_result: { organization: { members: "read" }, repository: { contents: "write", metadata: "read" } },
      repository_selection: "all",
      created_at: "2026-11-23T08:00:00Z",
      token_id: 4242,
      token_name: "release-bot",
      token_expires_at: null,
    },
  },
  policyFrom({}),
)!;
const installation = alertFromInstallation(
  "acme",
  undefined,
  { id: 502, slug: "datadog", permissions: { contents: "write", metadata: "read" }, selection: "all", clientId: "Iv1.dd42" },
  ["contents: write"],
  home,
  "DataDog",
);
const oauthApproval = alertFromAuditEntry(
  "acme",
  parseAuditEntry({
    action: "org.oauth_app_access_approved",
    _document_id: "d1",
    "@timestamp": 1795420800000,
    actor: "erin",
    org: "acme",
    oauth_application_name: "Shady CRM",
    client_id: "0af1c3",
  })!,
  ["r"],
  home,
);
const patGrant = alertFromAuditEntry(
  "acme",
  parseAuditEntry({
    action: "personal_access_token.access_granted",
    _document_id: "d2",
    "@timestamp": 1795420800000,
    actor: "erin",
    user: "carol",
    user_programmatic_access_name: "deploy",
    repository_selection: "all",
  })!,
  ["r"],
  home,
);
const leaked = normalizeSecretScanningAlert(rawAlert(), { owner: "acme", name: "api" }, "private", []);

const facts = (alert: Alert) => alertFacts(alert, { classification: classify(alert, policyFrom({})), properties: null });
const sel = (s: Record<string, unknown>) => selectorSchema.parse(s) as Selector;

describe("owner rules by grant identity: valid policy", () => {
  it.each([
    ["apps", "owners:\n  - name: Datadog grants\n    match: { apps: [datadog, 'shady-*'] }\n    owners: ['@acme/observability']\n"],
    ["client IDs", "owners:\n  - match: { client_ids: [Iv1.dd42] }\n    owners: ['@acme/observability']\n"],
    ["publishers, with or without @", "owners:\n  - match: { publishers: [datadog, '@acme'] }\n    owners: ['@acme/observability']\n"],
    [
      "permissions, with and without a level",
      "owners:\n  - match: { permissions: [contents, 'administration:write', 'organization_secrets:admin'] }\n    owners: ['@acme/platform']\n",
    ],
    ["requesters", "owners:\n  - match: { requesters: ['@bot-x', 'dependabot[bot]'] }\n    owners: ['@acme/platform']\n"],
    [
      "grant selectors with other keys",
      "owners:\n  - match: { sources: [audit-log], requesters: [carol] }\n    owners: ['@acme/platform']\n",
    ],
    [
      "grant selectors in a system",
      "systems:\n  - name: observability\n    steward: '@acme/observability'\n    credentials: [{ apps: [datadog] }]\n",
    ],
    ["risky scopes", "token_requests:\n  risky_scopes: [repo, 'admin:org']\n"],
  ])("accepts %s", (_name, text) => {
    expect(problems(text)).toEqual([]);
  });
});

describe("owner rules by grant identity: invalid policy says where and how to fix it", () => {
  it.each([
    [
      "owners:\n  - match: { permissions: ['contents:execute'] }\n    owners: ['@a']",
      "nhi-steward.yml:2:28: owners[0].match.permissions[0]: must be a permission name, optionally with a level: `contents` or `contents:write`.",
    ],
    [
      "owners:\n  - match: { requesters: ['not a login'] }\n    owners: ['@a']",
      "nhi-steward.yml:2:27: owners[0].match.requesters[0]: must be a login, e.g. `@bot-x`.",
    ],
    [
      "owners:\n  - match: { publishers: ['acme/team'] }\n    owners: ['@a']",
      "nhi-steward.yml:2:27: owners[0].match.publishers[0]: must be an account login, e.g. `datadog`.",
    ],
    ["owners:\n  - match: { apps: [] }\n    owners: ['@a']", "nhi-steward.yml:2:20: owners[0].match.apps: must list at least one value."],
    ["owners:\n  - match: { client_ids: [''] }\n    owners: ['@a']", "nhi-steward.yml:2:27: owners[0].match.client_ids[0]: "],
    [
      "owners:\n  - match: { publisher: [datadog] }\n    owners: ['@a']",
      'nhi-steward.yml:2:14: owners[0].match: unknown key "publisher". Did you mean "publishers"?',
    ],
    ["token_requests:\n  risky_scopes: repo", "nhi-steward.yml:2:17: token_requests.risky_scopes: expected an array, got a string"],
  ])("%j", (text, expected) => {
    const found = problems(text);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(expected);
  });
});

describe("which alerts a grant selector matches", () => {
  it.each<[string, Record<string, unknown>, Alert, boolean]>([
    ["an app slug", { apps: ["datadog"] }, installation, true],
    ["an app glob, case-insensitive", { apps: ["shady*"] }, oauthApproval, true],
    ["an app that is not it", { apps: ["datadog"] }, oauthApproval, false],
    ["a client ID", { client_ids: ["Iv1.dd42"] }, installation, true],
    ["an OAuth client ID", { client_ids: ["0af1c3"] }, oauthApproval, true],
    ["a publisher, case-insensitive, @ optional", { publishers: ["@datadog"] }, installation, true],
    ["a publisher the audit log does not name", { publishers: ["datadog"] }, oauthApproval, false],
    ["a permission at any level", { permissions: ["contents"] }, installation, true],
    ["a permission at least write", { permissions: ["contents:write"] }, tokenRequest, true],
    ["a permission at least admin", { permissions: ["contents:admin"] }, tokenRequest, false],
    ["an organization permission of a token request", { permissions: ["members:read"] }, tokenRequest, true],
    ["one of several permissions", { permissions: ["administration:write", "metadata"] }, installation, true],
    ["a token request's requester", { requesters: ["@bot-x"] }, tokenRequest, true],
    ["a token grant's owner from the audit log", { requesters: ["CAROL"] }, patGrant, true],
    ["a requester that is not it", { requesters: ["carol"] }, tokenRequest, false],
    ["a grant selector with a source", { sources: ["audit-log"], requesters: ["carol"] }, patGrant, true],
    ["a grant selector with the wrong source", { sources: ["token-request"], requesters: ["carol"] }, patGrant, false],
    ["apps, never a leaked secret", { apps: ["*"] }, leaked, false],
    ["permissions, never a leaked secret", { permissions: ["contents"] }, leaked, false],
    ["requesters, never a leaked secret", { requesters: ["octocat"] }, leaked, false],
    ["publishers, never a leaked secret", { publishers: ["github"] }, leaked, false],
    ["client IDs, never a leaked secret", { client_ids: ["x"] }, leaked, false],
  ])("%s", (_name, selector, alert, expected) => {
    expect(selectorMatches(sel(selector), facts(alert))).toBe(expected);
  });

  it("compares permission levels read < write < admin", () => {
    expect(permissionMatches(["a:read"], { a: "admin" })).toBe(true);
    expect(permissionMatches(["a:admin"], { a: "write" })).toBe(false);
    expect(permissionMatches(["a"], {})).toBe(false);
    expect(permissionMatches(["a"], undefined)).toBe(false);
  });
});

describe("routing a grant by its identity", () => {
  const lookup: StepLookup = {
    teamMembers: new Map([
      ["acme/observability", ["olga"]],
      ["acme/platform", ["carol", "dave"]],
      ["acme/identity", ["ivan"]],
      ["acme/security", ["erin"]],
    ]),
    assignable: new Map(["olga", "carol", "dave", "ivan", "erin"].map((l) => [l, true])),
  };
  const route = (alert: Alert, policy: ReturnType<typeof policyFrom>) => {
    const candidates = ownerCandidates(alert, { codeowners: null, policy, classification: classify(alert, policy), properties: null });
    return decideRouting(
      candidates,
      candidates.steps.map((s) => assignStep(s, lookup)),
    );
  };
  const policy = policyFrom({
    fallback_owner: "@acme/security",
    token_requests: { owner: "@acme/identity" },
    app_access: { owner: "@acme/security" },
    owners: [
      { name: "Datadog grants", match: { apps: ["datadog"] }, owners: ["@acme/observability"] },
      { name: "Bot tokens", match: { requesters: ["@bot-x"] }, owners: ["@acme/platform"] },
    ],
  });

  it.each<[string, Alert, string, string[]]>([
    ["an app installation by app slug", installation, "owner rule “Datadog grants” (@acme/observability)", ["olga"]],
    ["a token request by requester", tokenRequest, "owner rule “Bot tokens” (@acme/platform)", ["carol", "dave"]],
    [
      "an audit-log token grant with no rule: the token reviewer",
      patGrant,
      "the policy's reviewer of token requests (`@acme/identity`)",
      ["ivan"],
    ],
    [
      "an audit-log OAuth approval with no rule: the app reviewer",
      oauthApproval,
      "the policy's reviewer of app access (`@acme/security`)",
      ["erin"],
    ],
  ])("%s", (_name, alert, why, assignees) => {
    const r = route(alert, policy);
    expect(r).toMatchObject({ source: "owner-rule", why, assignees, unowned: false });
    expect(r.notes).toContain("A grant names no file, so CODEOWNERS does not apply.");
  });

  it("a rule by grant identity does not take a leaked secret", () => {
    const r = route(
      leaked,
      policyFrom({ fallback_owner: "@acme/security", owners: [{ match: { apps: ["*"] }, owners: ["@acme/observability"] }] }),
    );
    expect(r.source).toBe("fallback");
  });
});
