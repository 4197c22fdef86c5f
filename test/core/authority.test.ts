import { describe, expect, it } from "vitest";
import { authorize, needsDismissRight, type Act, type Standing } from "../../src/core/authority.ts";

/**
 * The one authorisation rule (docs/threat-model.md, "Authority"): owners are the routed owners
 * recorded in the marker, the owning teams and security; accepting a risk on a GitHub alert also
 * needs GitHub's right to dismiss it, unless the policy grants it.
 */
const base: Standing = {
  actor: "",
  owners: ["alice"],
  ownerTeams: ["@acme/platform"],
  ownerTeamMembers: ["carol"],
  securityTeam: "@acme/security",
  securityTeamMembers: ["erin"],
  githubAlert: true,
  mayDismiss: false,
  approvalRequired: false,
  repo: "acme/api",
};
const resolve = (
  resolution: "revoked" | "rotated" | "false-positive" | "used-in-tests" | "wont-fix",
  via: "command" | "close" = "command",
): Act => ({ kind: "resolve", resolution, via });

describe("who may do what on a response issue", () => {
  it.each([
    ["alice (routed owner)", "alice", { kind: "ack" }, {}, true],
    ["carol (owning team)", "carol", { kind: "snooze" }, {}, true],
    ["erin (security)", "erin", { kind: "handoff" }, {}, true],
    ["mallory (triage, self-assigned)", "mallory", { kind: "ack" }, {}, false],
    ["mallory", "mallory", { kind: "revoke" }, {}, false],
    ["mallory closes as revoked", "mallory", resolve("revoked", "close"), {}, false],
    ["alice closes as rotated", "alice", resolve("rotated", "close"), {}, true],
    ["alice wont-fix without GitHub's right", "alice", resolve("wont-fix"), {}, false],
    ["alice used-in-tests with GitHub's right", "alice", resolve("used-in-tests", "close"), { mayDismiss: true }, true],
    ["mallory with GitHub's right but not an owner", "mallory", resolve("false-positive"), { mayDismiss: true }, false],
    ["alice false-positive waiting for approval", "alice", resolve("false-positive"), { approvalRequired: true }, true],
    ["alice false-positive on a detector finding", "alice", resolve("false-positive"), { githubAlert: false }, true],
    ["erin approves without GitHub's right", "erin", { kind: "approve", resolution: "wont-fix" }, {}, false],
    ["erin approves with it", "erin", { kind: "approve", resolution: "wont-fix" }, { mayDismiss: true }, true],
    ["alice approves", "alice", { kind: "approve", resolution: "wont-fix" }, { mayDismiss: true }, false],
    ["case does not matter", "ALICE", { kind: "ack" }, {}, true],
  ] as [string, string, Act, Partial<Standing>, boolean][])("%s → %s", (_, actor, act, more, ok) => {
    expect(authorize(act, { ...base, ...more, actor }).ok).toBe(ok);
  });

  it("says who may, and what accepting a risk needs", () => {
    const refused = authorize({ kind: "ack" }, { ...base, actor: "mallory" });
    expect(refused).toEqual({
      ok: false,
      reply: expect.stringContaining("only the routed owners (@alice), members of @acme/platform, members of @acme/security may `/ack`"),
    });
    const risk = authorize(resolve("wont-fix", "close"), { ...base, actor: "alice" });
    expect(risk).toEqual({ ok: false, reply: expect.stringContaining("admin on acme/api") });
    expect(risk.ok ? "" : risk.reply).toContain("commands.risk_acceptance");
  });

  it("asks GitHub about the right to dismiss only when the act itself dismisses a GitHub alert", () => {
    expect(needsDismissRight(resolve("revoked"), true, false)).toBe(false);
    expect(needsDismissRight(resolve("wont-fix"), true, false)).toBe(true);
    expect(needsDismissRight(resolve("wont-fix"), true, true)).toBe(false);
    expect(needsDismissRight(resolve("wont-fix"), false, false)).toBe(false);
    expect(needsDismissRight({ kind: "approve", resolution: "wont-fix" }, true, false)).toBe(true);
  });
});
