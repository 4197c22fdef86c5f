import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import { parseCodeowners } from "../../../src/core/codeowners/index.ts";
import { classify } from "../../../src/core/policy/classify.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { assignStep, decideRouting, stepTakesIt, type StepResult } from "../../../src/core/routing/assign.ts";
import { ownerCandidates } from "../../../src/core/routing/candidates.ts";
import { rawAlert } from "../../fixtures/webhooks.ts";

const POLICY = {
  fallback_owner: "@fallback",
  systems: [
    {
      name: "payments",
      steward: "@steward",
      manager: "@manager",
      credentials: [{ secret_types: ["stripe_api_key"], repositories: ["payments-*"] }],
      dependents: ["checkout"],
    },
  ],
  owners: [{ name: "CI tokens", match: { identity_classes: ["ci-cd-token"] }, owners: ["@ruler"], notify: ["@acme/vendor-risk"] }],
};
const CODEOWNERS = "/src/ @coder\n";

/** Routes an alert with everyone assignable but those listed. */
function route(opts: {
  type: string;
  repo?: string;
  path?: string;
  properties?: Record<string, string> | null;
  unassignable?: readonly string[];
  codeowners?: boolean;
}) {
  const repo = { owner: "acme", name: opts.repo ?? "payments-api" };
  const alert = normalizeSecretScanningAlert(rawAlert({ secret_type: opts.type }), repo, "private", [
    { type: "commit", path: opts.path ?? "src/a.ts", startLine: 1, endLine: 1, commitSha: null, blobUrl: null },
  ]);
  const policy = policyFrom(POLICY);
  const candidates = ownerCandidates(alert, {
    codeowners: opts.codeowners === false ? null : parseCodeowners(CODEOWNERS, { path: "CODEOWNERS" }),
    policy,
    classification: classify(alert, policy),
    properties: opts.properties === undefined ? { owner: "@propowner" } : opts.properties,
  });
  const lookup = {
    teamMembers: new Map<string, string[] | null>([["acme/vendor-risk", ["vera"]]]),
    assignable: new Map(
      ["steward", "manager", "ruler", "coder", "propowner", "fallback"].map((l) => [l, !(opts.unassignable ?? []).includes(l)]),
    ),
  };
  const results: StepResult[] = [];
  for (const step of candidates.steps) {
    const r = assignStep(step, lookup);
    results.push(r);
    if (stepTakesIt(r)) break;
  }
  return { routing: decideRouting(candidates, results), system: candidates.system };
}

describe("owner precedence: system steward → owner rule → CODEOWNERS → repository property → fallback", () => {
  it.each([
    ["a shared credential goes to its system's steward, not the file's owner", { type: "stripe_api_key" }, "system", ["steward"]],
    ["the system needs its repositories to match", { type: "stripe_api_key", repo: "web" }, "codeowners", ["coder"]],
    ["an owner rule by identity class comes next", { type: "npm_access_token" }, "owner-rule", ["ruler"]],
    ["then CODEOWNERS of the leaked file", { type: "github_personal_access_token" }, "codeowners", ["coder"]],
    ["then the repository's owner property", { type: "github_personal_access_token", path: "docs/x.md" }, "property", ["propowner"]],
    ["then the fallback owner", { type: "github_personal_access_token", path: "docs/x.md", properties: {} }, "fallback", ["fallback"]],
    ["an unassignable steward is skipped to the next step", { type: "stripe_api_key", unassignable: ["steward"] }, "codeowners", ["coder"]],
    ["an unassignable rule owner is skipped", { type: "npm_access_token", unassignable: ["ruler"] }, "codeowners", ["coder"]],
    ["an unassignable code owner is skipped", { type: "github_personal_access_token", unassignable: ["coder"] }, "property", ["propowner"]],
    [
      "an unassignable property owner is skipped",
      { type: "github_personal_access_token", unassignable: ["coder", "propowner"] },
      "fallback",
      ["fallback"],
    ],
    [
      "no CODEOWNERS file skips that step",
      { type: "github_personal_access_token", codeowners: false, properties: {} },
      "fallback",
      ["fallback"],
    ],
    [
      "nobody assignable at all leaves it unassigned",
      { type: "github_personal_access_token", unassignable: ["coder", "propowner", "fallback"] },
      "none",
      [],
    ],
  ] as const)("%s", (_name, opts, source, assignees) => {
    const { routing } = route(opts);
    expect(routing.source).toBe(source);
    expect(routing.assignees).toEqual(assignees);
    expect(routing.unowned).toBe(source === "fallback" || source === "none");
  });

  it("records every skip in the issue's reasons", () => {
    const { routing } = route({ type: "stripe_api_key", unassignable: ["steward", "coder"] });
    expect(routing.notes).toEqual(
      expect.arrayContaining([
        "@steward cannot be assigned in this repository (no access or not a member); skipped.",
        expect.stringContaining("Nobody named by steward of system **payments**"),
        "@coder cannot be assigned in this repository (no access or not a member); skipped.",
      ]),
    );
    expect(routing.why).toBe("repository property `owner` = `@propowner`");
  });

  it("says why: the system, the rule, the CODEOWNERS line", () => {
    expect(route({ type: "stripe_api_key" }).routing.why).toBe("steward of system **payments** (`@steward`), which owns this credential");
    expect(route({ type: "npm_access_token" }).routing.why).toBe("owner rule “CI tokens” (@ruler)");
    expect(route({ type: "github_personal_access_token" }).routing.why).toBe("CODEOWNERS line 1: `/src/ @coder`");
  });

  it("mentions the rule's notify list whoever is assigned", () => {
    expect(route({ type: "npm_access_token", unassignable: ["ruler"] }).routing.mentions).toContain("@acme/vendor-risk");
  });
});
