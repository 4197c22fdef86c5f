import { describe, expect, it } from "vitest";
import { encodeKeyMarker, encodeMarker } from "../../../src/core/issue/marker.ts";
import {
  recordFromIssue,
  snoozedTime,
  timeToAcknowledgeMs,
  timeToRemediateMs,
  type ResponseRecord,
} from "../../../src/core/metrics/index.ts";
import { HAND_BUILT, NOW, issue, issueWith, marker, type Spec } from "./fixtures.ts";

const H = 3_600_000;
const t = (iso: string) => new Date(iso);

function record(spec: Spec, now = NOW): ResponseRecord {
  const r = recordFromIssue(issue(spec), now);
  if (!r) throw new Error("expected a record");
  return r;
}

const base: Spec = { n: 1, severity: "high", identityClass: "github-pat", assignees: ["alice"], openedAt: "2026-11-02T09:00:00Z" };

describe("recordFromIssue: not a response issue", () => {
  it.each<[string, string | null]>([
    ["no body", null],
    ["an empty body", ""],
    ["no marker", "# A normal issue\n\nNothing to see."],
    ["a marker that is not JSON", "<!-- nhi-steward:v1 {not json} -->"],
    ["a config-error issue's key-only marker", encodeKeyMarker("config-error:acme/.github", "config-error")],
    ["a marker missing required fields", '<!-- nhi-steward:v1 {"v":1,"key":"k","repo":"acme/api"} -->'],
    ["a marker of another version", encodeMarker(marker(base)).replace('"v":1', '"v":2')],
    ["a marker with an unknown severity", encodeMarker(marker(base)).replace('"severity":"high"', '"severity":"urgent"')],
    [
      "a marker with an unknown timeline event",
      encodeMarker({ ...marker(base), timeline: [{ at: "2026-11-02T09:00:00Z", event: "opened" }] }).replace(
        '"event":"opened"',
        '"event":"exploded"',
      ),
    ],
  ])("%s → null", (_, body) => {
    expect(recordFromIssue(issueWith(base, body), NOW)).toBeNull();
  });

  it("null when neither the marker nor the issue has a readable opening time", () => {
    const body = encodeMarker({ ...marker(base), openedAt: "yesterday" });
    expect(recordFromIssue({ ...issueWith(base, body), created_at: "not a date" }, NOW)).toBeNull();
  });
});

describe("recordFromIssue: a full marker", () => {
  it("flattens the hand-built item A", () => {
    const a = HAND_BUILT[0]!;
    expect(record(a)).toEqual({
      key: "secret-scanning:acme/api#1",
      repo: "acme/api",
      issue: 1,
      url: "https://github.com/acme/responses/issues/1",
      title: "Leaked secret #1",
      state: "closed",
      severity: "critical",
      identityClass: "aws-access-key",
      owner: "@alice",
      system: "payments",
      openedAt: t("2026-11-02T09:00:00Z"),
      acknowledgedAt: t("2026-11-02T09:30:00Z"),
      remediatedAt: t("2026-11-02T13:00:00Z"),
      resolution: "revoked",
      acknowledgeBy: t("2026-11-02T09:00:00Z"),
      remediateBy: t("2026-11-02T17:00:00Z"),
      escalationLevel: 0,
      breached: false,
      autoRevoked: false,
      reopened: 0,
      snoozedMs: 0,
    });
  });
});

describe("recordFromIssue: a partial marker falls back to the issue", () => {
  // Only the required fields: no sla, acknowledgement, resolution or timeline (an older writer).
  const minimal = {
    ...marker(base),
    sla: undefined,
    acknowledged: undefined,
    escalation: undefined,
    resolution: undefined,
    autoRevoked: undefined,
    timeline: undefined,
  };

  it("reads the defaults: no deadline, not acknowledged, level 0, no snoozes", () => {
    const r = recordFromIssue(issueWith(base, encodeMarker(minimal)), NOW)!;
    expect(r).toMatchObject({
      state: "open",
      acknowledgedAt: null,
      remediatedAt: null,
      acknowledgeBy: null,
      remediateBy: null,
      escalationLevel: 0,
      breached: false,
      reopened: 0,
      snoozedMs: 0,
    });
  });

  it("a closed issue with no resolution is not remediated", () => {
    const r = recordFromIssue(issueWith({ ...base, state: "closed", closedAt: "2026-11-03T00:00:00Z" }, encodeMarker(minimal)), NOW)!;
    expect([r.state, r.remediatedAt, r.resolution]).toEqual(["closed", null, null]);
    expect(timeToRemediateMs(r)).toBeNull();
    expect(timeToAcknowledgeMs(r)).toBeNull();
  });

  it("a resolution with an unreadable time takes the issue's closed_at", () => {
    const body = encodeMarker({ ...minimal, resolution: { resolution: "rotated", at: "", by: "bob", comment: null } });
    const r = recordFromIssue(issueWith({ ...base, state: "closed", closedAt: "2026-11-02T12:00:00Z" }, body), NOW)!;
    expect([r.remediatedAt, r.resolution]).toEqual([t("2026-11-02T12:00:00Z"), "rotated"]);
    expect(timeToRemediateMs(r)).toBe(3 * H);
  });

  it("with no resolution in the marker, the last `resolved` timeline entry stands in", () => {
    const body = encodeMarker({ ...minimal, timeline: [{ at: "2026-11-02T11:00:00Z", event: "resolved", detail: "false-positive" }] });
    const r = recordFromIssue(issueWith({ ...base, state: "closed", closedAt: "2026-11-02T11:00:05Z" }, body), NOW)!;
    expect([r.remediatedAt, r.resolution]).toEqual([t("2026-11-02T11:00:00Z"), "false-positive"]);
  });

  it("an unreadable openedAt takes the issue's created_at; the issue's assignees stand in for routing", () => {
    const body = encodeMarker({ ...minimal, openedAt: "soon", routing: { ...minimal.routing, assignees: [] } });
    const r = recordFromIssue({ ...issueWith(base, body), created_at: "2026-11-01T00:00:00Z", assignees: [{ login: "zoe" }] }, NOW)!;
    expect([r.openedAt, r.owner]).toEqual([t("2026-11-01T00:00:00Z"), "@zoe"]);
  });

  it("owner: first assignee, else first mention, else (unassigned)", () => {
    expect(record({ ...base, assignees: ["x", "y"], mentions: ["@acme/t"] }).owner).toBe("@x");
    expect(record({ ...base, assignees: [], mentions: ["@acme/t", "ops@acme.test"] }).owner).toBe("@acme/t");
    expect(record({ ...base, assignees: [], mentions: [] }).owner).toBe("(unassigned)");
  });

  it("an acknowledgement only in the timeline counts", () => {
    const r = record({ ...base, timeline: [{ at: "2026-11-02T09:20:00Z", event: "acknowledged", by: "alice" }] });
    expect(r.acknowledgedAt).toEqual(t("2026-11-02T09:20:00Z"));
  });
});

describe("recordFromIssue: reopen, breach, escalation, auto-revocation", () => {
  it("a reopened issue that is open again is not remediated, though the marker kept the old resolution", () => {
    const r = record({
      ...base,
      resolvedAt: "2026-11-02T10:00:00Z",
      timeline: [
        { at: "2026-11-02T10:00:00Z", event: "resolved" },
        { at: "2026-11-03T10:00:00Z", event: "reopened" },
      ],
    });
    expect([r.state, r.remediatedAt, r.reopened]).toEqual(["open", null, 1]);
  });

  it("a stale resolution from before the reopen does not count when the issue is closed again without one", () => {
    const r = record({
      ...base,
      state: "closed",
      resolvedAt: "2026-11-02T10:00:00Z",
      closedAt: "2026-11-04T10:00:00Z",
      timeline: [
        { at: "2026-11-03T10:00:00Z", event: "reopened" },
        { at: "2026-11-04T10:00:00Z", event: "closed-without-resolution" },
      ],
    });
    expect([r.remediatedAt, r.resolution]).toEqual([null, null]);
  });

  it("a reopen written with the same instant as the resolution still undoes it (as the alert sync writes it)", () => {
    const r = record({
      ...base,
      state: "closed",
      closedAt: "2026-11-04T10:00:00Z",
      timeline: [
        { at: "2026-11-02T10:00:00Z", event: "resolved", detail: "revoked" },
        { at: "2026-11-02T10:00:00Z", event: "reopened", detail: "alert still open after revoked" },
        { at: "2026-11-04T10:00:00Z", event: "closed-without-resolution" },
      ],
    });
    expect([r.remediatedAt, r.resolution, r.reopened]).toEqual([null, null, 1]);
  });

  it("names the resolution from a `resolved` entry when the marker has none", () => {
    const named = (detail: string | null) =>
      record({
        ...base,
        state: "closed",
        closedAt: "2026-11-02T11:00:00Z",
        timeline: [{ at: "2026-11-02T11:00:00Z", event: "resolved", detail }],
      }).resolution;
    expect(named("on GitHub as false_positive")).toBe("false_positive");
    expect(named("wont-fix: accepted, rotated next quarter")).toBe("wont-fix");
    expect(named(null)).toBe("resolved");
  });

  it("breached: an event, a late fix, or unremediated past the deadline at now", () => {
    const due = { ...base, remediateBy: "2026-11-03T09:00:00Z" };
    expect(record({ ...due, timeline: [{ at: "2026-11-02T10:00:00Z", event: "breached" }] }).breached).toBe(true);
    expect(record({ ...due, state: "closed", resolvedAt: "2026-11-03T09:00:00Z" }).breached).toBe(false); // on the dot is in time
    expect(record({ ...due, state: "closed", resolvedAt: "2026-11-03T09:00:01Z" }).breached).toBe(true);
    expect(record(due, t("2026-11-03T09:00:00Z")).breached).toBe(false);
    expect(record(due, t("2026-11-03T09:00:01Z")).breached).toBe(true);
    // Closed without a resolution counts as not remediated.
    expect(record({ ...due, state: "closed", closedAt: "2026-11-02T10:00:00Z" }, t("2026-11-04T00:00:00Z")).breached).toBe(true);
  });

  it("escalation level: the highest level that fired", () => {
    const level = (detail: string | null, markerLevel = 0, at: string | null = null) => {
      const body = encodeMarker({
        ...marker(base),
        escalation: { level: markerLevel, at },
        timeline: [{ at: "2026-11-02T10:00:00Z", event: "escalated", detail }],
      });
      return recordFromIssue(issueWith(base, body), NOW)!.escalationLevel;
    };
    expect(level("L2 (manager) → @bob")).toBe(2); // as the escalation sweep writes it
    expect(level("L3 (repeat) → @acme/security")).toBe(3);
    expect(level("2")).toBe(2);
    expect(level("paged at level 3")).toBe(3);
    expect(level("after 4h to @bob")).toBe(0); // a number that is not a level
    // The marker's level counts when a level fired (`at` set)…
    expect(level(null, 1, "2026-11-02T10:00:00Z")).toBe(1);
    expect(level("L1 → @bob", 2, "2026-11-02T10:00:00Z")).toBe(2);
    // …not when it was passed over because the owner had already acknowledged.
    expect(level(null, 1, null)).toBe(0);
  });

  it("auto-revoked from the marker or the timeline", () => {
    expect(record({ ...base, autoRevokedAt: "2026-11-02T09:01:00Z" }).autoRevoked).toBe(true);
    expect(record({ ...base, timeline: [{ at: "2026-11-02T09:01:00Z", event: "auto-revoked" }] }).autoRevoked).toBe(true);
    expect(record({ ...base, timeline: [{ at: "2026-11-02T09:01:00Z", event: "revocation-failed" }] }).autoRevoked).toBe(false);
  });
});

describe("snoozes", () => {
  const now = t("2026-11-10T00:00:00Z");
  const snoozed = (at: string, until: string | null) => ({ at, event: "snoozed" as const, by: "alice", detail: until });
  const entry = (at: string, event: "snooze-expired" | "resolved" | "acknowledged") => ({ at, event, by: null, detail: null });

  it("a snooze runs to its until", () => {
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-02T06:00:00Z")], now)).toBe(6 * H);
  });
  it("…or to an earlier snooze-expired or resolved entry", () => {
    expect(
      snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"), entry("2026-11-02T02:00:00Z", "snooze-expired")], now),
    ).toBe(2 * H);
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-03T00:00:00Z"), entry("2026-11-02T03:00:00Z", "resolved")], now)).toBe(
      3 * H,
    );
    // Entries that do not end a snooze are ignored.
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-02T04:00:00Z"), entry("2026-11-02T01:00:00Z", "acknowledged")], now)).toBe(
      4 * H,
    );
  });
  it("…or to now, while it runs", () => {
    expect(snoozedTime([snoozed("2026-11-09T20:00:00Z", "2026-11-12T00:00:00Z")], now)).toBe(4 * H);
  });
  it("a new snooze replaces the running one: 2 h of the first, then 5 h of the second = 7 h", () => {
    expect(
      snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-04T00:00:00Z"), snoozed("2026-11-02T02:00:00Z", "2026-11-02T07:00:00Z")], now),
    ).toBe(7 * H);
  });
  it("two separate snoozes add up, whatever order the timeline lists them in: 1 h + 3 h", () => {
    expect(
      snoozedTime([snoozed("2026-11-05T00:00:00Z", "2026-11-05T03:00:00Z"), snoozed("2026-11-02T00:00:00Z", "2026-11-02T01:00:00Z")], now),
    ).toBe(4 * H);
  });
  it("a date inside longer text counts; a detail with no zoned date counts nothing", () => {
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "until 2026-11-02T02:00:00Z (vendor fix)")], now)).toBe(2 * H);
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "until Friday")], now)).toBe(0);
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-02T02:00")], now)).toBe(0); // no zone: refused
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", null)], now)).toBe(0);
  });
  it("an until before the snooze counts nothing, never a negative", () => {
    expect(snoozedTime([snoozed("2026-11-02T00:00:00Z", "2026-11-01T00:00:00Z")], now)).toBe(0);
  });
  it("is subtracted from time to remediate, floored at 0", () => {
    const r = record({
      ...base,
      state: "closed",
      resolvedAt: "2026-11-02T12:00:00Z",
      timeline: [snoozed("2026-11-02T10:00:00Z", "2026-11-02T11:00:00Z")],
    });
    // 3 h open, 1 h snoozed → 2 h; not acknowledged, so acknowledging also took 2 h.
    expect([r.snoozedMs, timeToRemediateMs(r), timeToAcknowledgeMs(r)]).toEqual([1 * H, 2 * H, 2 * H]);
  });
});
