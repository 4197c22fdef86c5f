import { describe, expect, it } from "vitest";
import { normalizeSecretScanningAlert } from "../../src/core/alert/secret-scanning.ts";
import type { AlertLocation } from "../../src/core/alert/types.ts";
import { parseCodeowners } from "../../src/core/codeowners/index.ts";
import { assignStep, decideRouting, type StepLookup } from "../../src/core/routing/assign.ts";
import { ownerCandidates } from "../../src/core/routing/candidates.ts";
import { classify } from "../../src/core/policy/classify.ts";
import { policyFrom } from "../../src/core/policy/load.ts";
import { rawAlert } from "../fixtures/webhooks.ts";

const repo = { owner: "acme", name: "api" };
const at = (path: string): AlertLocation[] => [{ type: "commit", path, startLine: 3, endLine: 3, commitSha: "abc", blobUrl: null }];
const alertIn = (path: string | null) => normalizeSecretScanningAlert(rawAlert(), repo, "private", path ? at(path) : []);

const CODEOWNERS = ["# owners", "* @acme/platform", "/infra/ @alice", "/docs/ @bob you@example.com", "/generated/"].join("\n");

function lookup(teams: Record<string, string[] | null>, assignable: string[]): StepLookup {
  const teamMembers = new Map(Object.entries(teams));
  const all = new Set([...Object.values(teams).flatMap((m) => m ?? []), "alice", "bob", "carol", "dave", "erin"]);
  return { teamMembers, assignable: new Map([...all].map((l) => [l, assignable.includes(l)])) };
}

/** Runs the whole precedence chain with a fixed directory. */
function route(
  path: string | null,
  opts: { codeowners?: string | null; fallback?: string; teams?: Record<string, string[] | null>; assignable?: string[] },
) {
  const codeowners = opts.codeowners === null ? null : parseCodeowners(opts.codeowners ?? CODEOWNERS, { path: ".github/CODEOWNERS" });
  const alert = alertIn(path);
  const policy = policyFrom(opts.fallback ? { fallback_owner: opts.fallback } : {});
  const candidates = ownerCandidates(alert, { codeowners, policy, classification: classify(alert, policy), properties: null });
  const dir = lookup(
    opts.teams ?? { "acme/platform": ["carol", "dave"], "acme/security": ["erin"] },
    opts.assignable ?? ["alice", "bob", "carol", "dave", "erin"],
  );
  return decideRouting(
    candidates,
    candidates.steps.map((s) => assignStep(s, dir)),
  );
}

describe("owner routing", () => {
  it("assigns the CODEOWNERS owner of the leaked file and says which line decided", () => {
    const r = route("infra/deploy.sh", {});
    expect(r).toMatchObject({
      source: "codeowners",
      assignees: ["alice"],
      unowned: false,
      why: ".github/CODEOWNERS line 3: `/infra/ @alice`",
    });
  });

  it("expands a team owner to its assignable members and mentions the team", () => {
    const r = route("src/index.ts", { assignable: ["dave"] });
    expect(r.assignees).toEqual(["dave"]);
    expect(r.mentions).toEqual(["@acme/platform"]);
  });

  it("assigns at most 10 people from a large team", () => {
    const members = Array.from({ length: 14 }, (_, i) => `dev${i}`);
    const r = route("src/index.ts", { teams: { "acme/platform": members }, assignable: members });
    expect(r.assignees).toEqual(members.slice(0, 10));
  });

  it("shows but does not assign email owners", () => {
    const r = route("docs/x.md", {});
    expect(r.assignees).toEqual(["bob"]);
    expect(r.notes.join(" ")).toContain("you@example.com is an email owner");
  });

  it("sends a file no line matches to the fallback owner, labelled unowned", () => {
    const r = route("x.txt", { codeowners: "/infra/ @alice", fallback: "@acme/security" });
    expect(r).toMatchObject({ source: "fallback", assignees: ["erin"], mentions: ["@acme/security"], unowned: true });
    expect(r.notes).toContain("No line of .github/CODEOWNERS matches `x.txt`.");
  });

  it("tells a line with no owners apart from no match", () => {
    const r = route("generated/a.ts", { fallback: "@dave" });
    expect(r.source).toBe("fallback");
    expect(r.notes[0]).toContain("line 5 (`/generated/`) matches `generated/a.ts` but names no owners");
  });

  it("skips owners who cannot be assigned and says so", () => {
    const r = route("infra/x", { assignable: ["erin"], fallback: "@acme/security" });
    expect(r).toMatchObject({ source: "fallback", assignees: ["erin"] });
    expect(r.notes.join("\n")).toMatch(/@alice cannot be assigned[\s\S]*goes to the next step/);
  });

  it("mentions a team whose members cannot be read rather than dropping it", () => {
    const r = route("src/index.ts", { teams: { "acme/platform": null }, fallback: "@dave" });
    expect(r).toMatchObject({ source: "codeowners", assignees: [], mentions: ["@acme/platform"] });
  });

  it("without CODEOWNERS or fallback, leaves the alert unassigned and says how to fix it", () => {
    const r = route("infra/x", { codeowners: null });
    expect(r).toMatchObject({ source: "none", assignees: [], unowned: true });
    expect(r.notes.join(" ")).toContain("Set `fallback_owner`");
  });

  it("routes a secret found outside files (e.g. an issue comment) to the fallback", () => {
    const r = route(null, { fallback: "@bob" });
    expect(r).toMatchObject({ source: "fallback", assignees: ["bob"] });
    expect(r.notes[0]).toContain("not found in a repository file");
  });
});
