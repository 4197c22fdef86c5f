import { describe, expect, it } from "vitest";
import { markerSchema, type Marker, type MarkerInput } from "../../../src/core/issue/marker.ts";
import type { ExistingIssue } from "../../../src/core/plan.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { planClock } from "../../../src/core/sla/escalate.ts";

// Opened Mon 23 Nov 2026 10:00 Berlin (09:00Z), high: acknowledge by 17:00 Berlin, remediate by Tue 10:00 Berlin (24x7).
const OPENED = "2026-11-23T09:00:00.000Z";
const base: MarkerInput = {
  v: 1,
  key: "secret-scanning:acme/api#1",
  repo: "acme/api",
  alert: 1,
  identityClass: "api-key",
  validity: "active",
  publiclyLeaked: false,
  severity: "high",
  system: null,
  locations: [],
  routing: { source: "codeowners", why: "x", assignees: ["alice"], mentions: [], unowned: false, notes: [] },
  openedAt: OPENED,
  sla: {
    acknowledgeBy: "2026-11-23T16:00:00.000Z",
    remediateBy: "2026-11-24T09:00:00.000Z",
    calendar: "24x7",
    timeZone: "Europe/Berlin",
    startedAt: OPENED,
  },
};
const policy = policyFrom({
  sla: { business_hours: { time_zone: "Europe/Berlin" } },
  escalation: {
    on_call: "@acme/oncall",
    incident_commander: "@ic",
    repeat: "2h",
    levels: [
      { name: "reminder", from: "acknowledge", after: "0m", target: "owner", actions: ["comment"] },
      { name: "at risk", from: "remediate", after: "75%", target: "owner", actions: ["comment"] },
      { name: "breached", from: "remediate", after: "0m", target: "manager", actions: ["comment", "assign", "raise-severity"] },
    ],
  },
});

function plan(at: string, over: Partial<MarkerInput> = {}, labels = ["nhi-response", "severity:high", "sla:on-track"]) {
  const marker: Marker = markerSchema.parse({ ...base, ...over });
  const issue: ExistingIssue = { number: 7, state: "open", title: "t", body: "b", labels, assignees: ["alice"] };
  return planClock(issue, marker, { policy, now: new Date(at), pagerConfigured: true });
}
const comments = (p: ReturnType<typeof plan>) => p.change.ops.flatMap((o) => (o.op === "comment" ? [o.body] : []));

describe("escalation levels", () => {
  it.each([
    // at, level reached, what the newest comment says
    ["2026-11-23T12:00:00Z", 0, null], // 13:00 Berlin, working hours, nothing due
    ["2026-11-23T15:59:00Z", 0, null],
    ["2026-11-23T16:00:00Z", 1, "**Escalation L1 (reminder)**: @acme/oncall"], // 17:00 Berlin: closing time, so on-call
  ] as const)("at %s: level %i", (at, level, text) => {
    const p = plan(at);
    expect(p.marker.escalation.level).toBe(level);
    if (text) expect(comments(p).at(-1)).toContain(text);
    else expect(comments(p)).toEqual([]);
  });

  it("fires every level that came due since the last sweep, in order", () => {
    const p = plan("2026-11-24T09:30:00Z"); // Tue 10:30 Berlin, past the remediate deadline, business hours
    expect(p.marker.escalation.level).toBe(3);
    expect(comments(p).map((c) => c.split(":")[0])).toEqual([
      "**Escalation L1 (reminder)**",
      "**Escalation L2 (at risk)**",
      "**Escalation L3 (breached)**",
    ]);
    expect(comments(p)[2]).toContain("@ic"); // no system manager declared → the incident commander
    expect(comments(p)[2]).toContain("Severity raised from high to **critical**");
    expect(p.change.ops).toContainEqual({ op: "add-assignees", issue: 7, assignees: ["ic"] });
    expect(p.change.ops.find((o) => o.op === "add-labels")).toMatchObject({
      labels: expect.arrayContaining(["sla:breached", "escalation:L3", "severity:critical"]),
    });
  });

  it("skips acknowledge levels once acknowledged", () => {
    const p = plan("2026-11-23T16:30:00Z", { acknowledged: { at: "2026-11-23T10:00:00.000Z", by: "alice" } });
    expect(p.marker.escalation.level).toBe(1);
    expect(comments(p)).toEqual([]);
  });

  it("repeats the last level every interval until resolved", () => {
    const fired = plan("2026-11-24T09:30:00Z").marker;
    expect(comments(plan("2026-11-24T10:30:00Z", { ...fired, severity: fired.severity as never }))).toEqual([]);
    const again = plan("2026-11-24T11:31:00Z", { ...fired, severity: fired.severity as never });
    expect(comments(again).at(-1)).toContain("**Escalation L3 (breached), repeated**");
  });

  it("pauses while snoozed and says so when the snooze ends", () => {
    const snooze = { until: "2026-11-24T12:00:00.000Z", by: "alice", reason: "vendor" };
    expect(plan("2026-11-24T09:30:00Z", { snooze }).marker.escalation.level).toBe(0);
    const after = plan("2026-11-24T12:30:00Z", { snooze });
    expect(comments(after)[0]).toContain("The snooze by @alice ended (vendor)");
    expect(after.marker.escalation.level).toBe(3);
  });

  it("after hours it pages on-call; at the next opening it hands back with what happened", () => {
    const night = plan("2026-11-23T20:00:00Z"); // 21:00 Berlin
    expect(night.change.ops.some((o) => o.op === "page")).toBe(true);
    expect(night.marker.timeline.map((e) => e.event)).toContain("after-hours");
    const morning = plan("2026-11-24T08:00:00Z", { ...night.marker, severity: night.marker.severity as never }); // Tue 09:00 Berlin
    expect(comments(morning).at(-1)).toMatch(/^Good morning @alice: this is back with you\./);
  });

  it("is idempotent: planning again on its own result changes nothing", () => {
    const first = plan("2026-11-24T09:30:00Z");
    const labels = ["nhi-response", "severity:critical", "sla:breached", "escalation:L3"];
    const second = planClock({ number: 7, state: "open", title: "t", body: "b", labels, assignees: ["alice", "ic"] }, first.marker, {
      policy,
      now: new Date("2026-11-24T09:30:00Z"),
      pagerConfigured: true,
    });
    expect(second.change.ops).toEqual([]);
  });
});
