import { describe, expect, it } from "vitest";
import { normalizeLocation, normalizeSecretScanningAlert } from "../../../src/core/alert/secret-scanning.ts";
import type { Alert, AlertLocation } from "../../../src/core/alert/types.ts";
import { parseCodeowners } from "../../../src/core/codeowners/index.ts";
import { classify } from "../../../src/core/policy/classify.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { validatePolicyText } from "../../../src/core/policy/validate.ts";
import { assignStep, decideRouting } from "../../../src/core/routing/assign.ts";
import { ownerCandidates } from "../../../src/core/routing/candidates.ts";
import { PRECEDENCE_STEPS } from "../../../src/core/routing/types.ts";
import { anyLocation, rawAlert } from "../../fixtures/webhooks.ts";

const repo = { owner: "acme", name: "api" };
const CODEOWNERS = parseCodeowners("* @acme/platform\n/infra/ @alice\n", { path: ".github/CODEOWNERS" });
const everyone = ["alice", "bob", "carol", "dave", "erin", "mallory"];

function alertWith(locations: AlertLocation[], fields: Partial<Alert> = {}): Alert {
  return { ...normalizeSecretScanningAlert(rawAlert(), repo, "private", locations), ...fields };
}

function route(alert: Alert, policyData: Record<string, unknown> = {}, assignable = everyone) {
  const policy = policyFrom({ fallback_owner: "@acme/security", ...policyData });
  const candidates = ownerCandidates(alert, { codeowners: CODEOWNERS, policy, classification: classify(alert, policy), properties: null });
  const dir = {
    teamMembers: new Map([
      ["acme/platform", ["carol"]],
      ["acme/security", ["erin"]],
    ]),
    assignable: new Map(everyone.map((l) => [l, assignable.includes(l)])),
  };
  return {
    candidates,
    routing: decideRouting(
      candidates,
      candidates.steps.map((s) => assignStep(s, dir)),
    ),
  };
}

const commit = normalizeLocation(anyLocation("commit"))!; // `/infra/deploy.sh` as GitHub's documentation writes it
const wiki = normalizeLocation(anyLocation("wiki_commit"))!;
const comment = (author: string): AlertLocation => ({
  type: "issue_comment",
  url: "https://api.github.com/repos/acme/api/issues/comments/1",
  pageUrl: null,
  author,
});

describe("owner candidates by location type", () => {
  it("a documented `/infra/…` path meets the anchored rule `/infra/ @alice`", () => {
    expect(route(alertWith([commit])).routing).toMatchObject({ source: "codeowners", assignees: ["alice"] });
  });

  it("a wiki page never goes through CODEOWNERS, not even `*`", () => {
    const { routing } = route(alertWith([wiki]));
    expect(routing).toMatchObject({ source: "fallback", assignees: ["erin"] });
    expect(routing.notes).toContain(
      "The secret was found in the wiki page `Home.md`; wiki pages are not repository files, so CODEOWNERS does not apply.",
    );
  });

  it("whoever posted the issue or pull request text is a candidate; bots are not", () => {
    expect(route(alertWith([comment("bob")])).routing).toMatchObject({
      source: "author",
      assignees: ["bob"],
      why: "`@bob` posted the issue comment where the secret was found",
    });
    expect(route(alertWith([comment("dependabot[bot]")])).routing).toMatchObject({ source: "fallback" });
  });

  it("whoever pushed past push protection comes before CODEOWNERS by default", () => {
    const { routing } = route(alertWith([commit], { pushProtectionBypassed: true, pushProtectionBypassedBy: "dave" }));
    expect(routing).toMatchObject({ source: "bypasser", assignees: ["dave"], why: "`@dave` pushed this secret past push protection" });
  });

  it("an unassignable bypasser falls through to CODEOWNERS, with a note", () => {
    const { routing } = route(alertWith([commit], { pushProtectionBypassedBy: "mallory" }), {}, ["alice", "erin"]);
    expect(routing).toMatchObject({ source: "codeowners", assignees: ["alice"] });
    expect(routing.notes.join("\n")).toContain("@mallory cannot be assigned");
  });
});

describe("routing.precedence", () => {
  it("defaults to every step in the documented order", () => {
    expect(policyFrom({}).routing.precedence).toEqual([...PRECEDENCE_STEPS]);
  });

  it("reorders the steps: CODEOWNERS before the bypasser, authors before CODEOWNERS", () => {
    const bypassed = alertWith([commit], { pushProtectionBypassedBy: "dave" });
    expect(route(bypassed, { routing: { precedence: ["codeowners", "bypasser"] } }).routing).toMatchObject({
      source: "codeowners",
      assignees: ["alice"],
    });
    const both = alertWith([commit, comment("bob")]);
    expect(route(both).routing.source).toBe("codeowners");
    expect(route(both, { routing: { precedence: ["author", "codeowners"] } }).routing).toMatchObject({
      source: "author",
      assignees: ["bob"],
    });
  });

  it("a step left out is not asked, and the notes say so", () => {
    const { routing } = route(alertWith([commit], { pushProtectionBypassedBy: "dave" }), {
      routing: { precedence: ["system", "owner-rule", "codeowners", "property"] },
    });
    expect(routing.source).toBe("codeowners");
    expect(routing.notes).toContain(
      "Not asked, as the policy's `routing.precedence` leaves out `bypasser`: `@dave` pushed this secret past push protection.",
    );
  });

  it("rejects unknown and repeated steps", () => {
    expect(
      validatePolicyText("routing:\n  precedence: [codeowners, codeowners]\n", "p.yml")
        .problems.map((p) => p.message)
        .join("\n"),
    ).toContain("must not name a step twice");
    expect(validatePolicyText("routing:\n  precedence: [fallback]\n", "p.yml").problems).not.toEqual([]);
  });
});
