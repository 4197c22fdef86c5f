import { describe, expect, it } from "vitest";
import { authorize, parseCommand, type Command } from "../../src/core/commands.ts";

describe("parsing commands", () => {
  it.each([
    ["/ack", { name: "ack" }],
    ["thanks!\n/ack\nmore", { name: "ack" }],
    ["/snooze 2d waiting for vendor", { name: "snooze", duration: { kind: "elapsed", ms: 172_800_000 }, reason: "waiting for vendor" }],
    ["/snooze 1 business day rotating tomorrow", { name: "snooze", duration: { kind: "working-days", days: 1 }, reason: "rotating tomorrow" }],
    ["/handoff @acme/payments owns it", { name: "handoff", to: "@acme/payments", reason: "owns it" }],
    ["/revoke", { name: "revoke" }],
    ["/resolve rotated new key in vault", { name: "resolve", resolution: "rotated", comment: "new key in vault" }],
    ["/approve", { name: "approve" }],
  ])("%j", (body, command) => {
    expect(parseCommand(body)).toEqual({ ok: true, command });
  });

  it.each([
    ["/snooze 2d", "needs a reason after the duration"],
    ["/snooze later please", "needs a duration and a reason"],
    ["/handoff bob", "needs who to hand it to"],
    ["/resolve fixed", "needs one of revoked, rotated, false-positive, used-in-tests, wont-fix"],
  ])("%j is explained", (body, error) => {
    expect(parseCommand(body)).toEqual({ ok: false, error: expect.stringContaining(error) });
  });

  it("ignores comments without a command", () => {
    expect(parseCommand("I will rotate it /ack later")).toBeNull();
  });
});

describe("who may run what", () => {
  const who = { assignees: ["alice"], ownerTeamMembers: ["carol"], securityTeamMembers: ["erin"], securityTeam: "@acme/security" };
  const snooze: Command = { name: "snooze", duration: { kind: "elapsed", ms: 1 }, reason: "r" };
  it.each([
    ["alice", { name: "ack" }, true],
    ["carol", { name: "ack" }, true],
    ["erin", { name: "ack" }, true],
    ["mallory", { name: "ack" }, false],
    ["alice", snooze, true],
    ["carol", snooze, true],
    ["mallory", snooze, false],
    ["alice", { name: "approve" }, false],
    ["erin", { name: "approve" }, true],
    ["mallory", { name: "revoke" }, false],
  ] as [string, Command, boolean][])("%s %j → %s", (actor, command, ok) => {
    expect(authorize(command, { actor, ...who }).ok).toBe(ok);
  });
});
