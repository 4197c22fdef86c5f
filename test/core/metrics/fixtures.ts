import { encodeMarker, type MarkerInput } from "../../../src/core/issue/marker.ts";
import type { IssueInput } from "../../../src/core/metrics/record.ts";

type Entry = NonNullable<MarkerInput["timeline"]>[number];

export interface Spec {
  n: number;
  severity: MarkerInput["severity"];
  identityClass: string;
  assignees?: string[];
  mentions?: string[];
  system?: string | null;
  openedAt: string;
  state?: "open" | "closed";
  closedAt?: string | null;
  acknowledgedAt?: string;
  remediateBy?: string;
  resolvedAt?: string;
  resolution?: string;
  escalationLevel?: number;
  autoRevokedAt?: string;
  timeline?: Entry[];
  title?: string;
}

export function marker(spec: Spec): MarkerInput {
  const repo = "acme/api";
  return {
    v: 1,
    key: `secret-scanning:${repo}#${spec.n}`,
    repo,
    alert: spec.n,
    identityClass: spec.identityClass,
    validity: "active",
    publiclyLeaked: false,
    severity: spec.severity,
    system: spec.system ?? null,
    locations: [],
    routing: {
      source: spec.assignees?.length ? "codeowners" : "fallback",
      why: "test",
      assignees: spec.assignees ?? [],
      mentions: spec.mentions ?? [],
      unowned: !spec.assignees?.length,
      notes: [],
    },
    openedAt: spec.openedAt,
    sla: spec.remediateBy
      ? { acknowledgeBy: spec.openedAt, remediateBy: spec.remediateBy, calendar: "24x7", timeZone: "UTC", startedAt: spec.openedAt }
      : null,
    acknowledged: spec.acknowledgedAt ? { at: spec.acknowledgedAt, by: "someone" } : null,
    escalation: { level: spec.escalationLevel ?? 0, at: spec.escalationLevel ? spec.openedAt : null },
    resolution: spec.resolvedAt ? { resolution: spec.resolution ?? "revoked", at: spec.resolvedAt, by: "someone", comment: null } : null,
    autoRevoked: spec.autoRevokedAt ? { at: spec.autoRevokedAt, method: "github-pat-revoke" } : null,
    timeline: [{ at: spec.openedAt, event: "opened" }, ...(spec.timeline ?? [])],
  };
}

export function issueWith(spec: Spec, body: string | null): IssueInput {
  const closed = spec.state === "closed";
  return {
    number: spec.n,
    html_url: `https://github.com/acme/responses/issues/${spec.n}`,
    title: spec.title ?? `Leaked secret #${spec.n}`,
    state: closed ? "closed" : "open",
    created_at: spec.openedAt,
    closed_at: closed ? (spec.closedAt ?? spec.resolvedAt ?? null) : null,
    body,
    labels: ["nhi-response", { name: `severity:${spec.severity}` }],
    assignees: (spec.assignees ?? []).map((login) => ({ login })),
  };
}

/** A response issue as the REST API returns it, with the marker in its body. */
export function issue(spec: Spec): IssueInput {
  return issueWith(spec, `# ${spec.title ?? "Leaked secret"}\n\nSome text.\n\n${encodeMarker(marker(spec))}\n`);
}

// ---------------------------------------------------------------------------------------------
// The hand-built set. Window: Mon 2 Nov 2026 00:00 UTC → Mon 16 Nov 00:00 (ISO weeks 45 and 46);
// now = the window's end. Every answer in the tests is worked out from these by hand.
// ---------------------------------------------------------------------------------------------

export const FROM = new Date("2026-11-02T00:00:00Z");
export const TO = new Date("2026-11-16T00:00:00Z");
export const NOW = TO;

export const HAND_BUILT: Spec[] = [
  // A: acknowledged after 30 min, fixed after 4 h, before the 17:00 deadline (met).
  {
    n: 1,
    severity: "critical",
    identityClass: "aws-access-key",
    assignees: ["alice"],
    system: "payments",
    openedAt: "2026-11-02T09:00:00Z",
    acknowledgedAt: "2026-11-02T09:30:00Z",
    remediateBy: "2026-11-02T17:00:00Z",
    state: "closed",
    resolvedAt: "2026-11-02T13:00:00Z",
    resolution: "revoked",
  },
  // B: acknowledged after 2 h; breached at 18:00, escalated to level 2; fixed after 24 h (missed).
  {
    n: 2,
    severity: "critical",
    identityClass: "github-pat",
    assignees: ["bob"],
    system: "payments",
    openedAt: "2026-11-03T10:00:00Z",
    acknowledgedAt: "2026-11-03T12:00:00Z",
    remediateBy: "2026-11-03T18:00:00Z",
    escalationLevel: 2,
    state: "closed",
    resolvedAt: "2026-11-04T10:00:00Z",
    resolution: "rotated",
    timeline: [{ at: "2026-11-03T18:00:00Z", event: "breached" }],
  },
  // C: never acknowledged; snoozed 24 h (to its until); fixed 48 h after opening → 24 h to remediate,
  // but the deadline (24 h) is fixed: fixed a day late (missed, breached).
  {
    n: 3,
    severity: "high",
    identityClass: "aws-access-key",
    assignees: ["alice"],
    openedAt: "2026-11-04T08:00:00Z",
    remediateBy: "2026-11-05T08:00:00Z",
    state: "closed",
    resolvedAt: "2026-11-06T08:00:00Z",
    timeline: [
      { at: "2026-11-04T10:00:00Z", event: "snoozed", detail: "2026-11-05T10:00:00Z" },
      { at: "2026-11-06T08:00:00Z", event: "resolved", detail: "revoked" },
    ],
  },
  // D: acknowledged after 1 h, resolved after 2 h, reopened, resolved for good 48 h after opening (met).
  {
    n: 4,
    severity: "high",
    identityClass: "slack-token",
    assignees: ["carol"],
    system: "chat",
    openedAt: "2026-11-09T09:00:00Z",
    acknowledgedAt: "2026-11-09T10:00:00Z",
    remediateBy: "2026-11-12T09:00:00Z",
    state: "closed",
    resolvedAt: "2026-11-11T09:00:00Z",
    timeline: [
      { at: "2026-11-09T11:00:00Z", event: "resolved", detail: "revoked" },
      { at: "2026-11-10T09:00:00Z", event: "reopened" },
      { at: "2026-11-11T09:00:00Z", event: "resolved", detail: "revoked" },
    ],
  },
  // E: open, owned by a team (a mention), deadline still ahead (undecided), 5 d 12 h old.
  {
    n: 5,
    severity: "high",
    identityClass: "github-pat",
    mentions: ["@acme/platform"],
    system: "chat",
    openedAt: "2026-11-10T12:00:00Z",
    remediateBy: "2026-11-17T12:00:00Z",
  },
  // F: open since 1 Oct (46 days), nobody owns it, no deadline at all.
  { n: 6, severity: "low", identityClass: "generic", openedAt: "2026-10-01T00:00:00Z", title: "Leaked | token <b>x</b> in *docs* [old]" },
  // G: open since 20 Oct (27 days); its deadline was missed on 20 Oct, before the window; level 3;
  // snoozed yesterday until the 20th: 24 h snoozed so far.
  {
    n: 7,
    severity: "critical",
    identityClass: "aws-access-key",
    assignees: ["bob"],
    system: "payments",
    openedAt: "2026-10-20T00:00:00Z",
    acknowledgedAt: "2026-10-20T01:00:00Z",
    remediateBy: "2026-10-20T04:00:00Z",
    escalationLevel: 3,
    timeline: [{ at: "2026-11-15T00:00:00Z", event: "snoozed", detail: "2026-11-20T00:00:00Z" }],
  },
  // H: opened 25 Oct, auto-revoked, never acknowledged, closed 3 Nov: 9 days = 216 h. Its deadline
  // (25 Oct) was missed before the window, so it is a breach but not in this window's compliance.
  {
    n: 8,
    severity: "high",
    identityClass: "slack-token",
    assignees: ["carol"],
    system: "chat",
    openedAt: "2026-10-25T00:00:00Z",
    remediateBy: "2026-10-25T08:00:00Z",
    autoRevokedAt: "2026-10-25T00:05:00Z",
    state: "closed",
    resolvedAt: "2026-11-03T00:00:00Z",
    resolution: "auto-revoked",
  },
  // I: closed without a resolution 6 h after opening: not remediated; deadline (19 Nov) still ahead.
  {
    n: 9,
    severity: "medium",
    identityClass: "generic",
    assignees: ["dave"],
    openedAt: "2026-11-12T00:00:00Z",
    remediateBy: "2026-11-19T00:00:00Z",
    state: "closed",
    closedAt: "2026-11-12T06:00:00Z",
    timeline: [{ at: "2026-11-12T06:00:00Z", event: "closed-without-resolution" }],
  },
  // J: opened and fixed in September: out of scope.
  {
    n: 10,
    severity: "low",
    identityClass: "generic",
    assignees: ["erin"],
    system: "legacy",
    openedAt: "2026-09-01T00:00:00Z",
    remediateBy: "2026-09-10T00:00:00Z",
    state: "closed",
    resolvedAt: "2026-09-05T00:00:00Z",
  },
  // K: open, acknowledged after 15 min, auto-revoked (awaiting confirmation), breached 15 Nov, level 1.
  {
    n: 11,
    severity: "high",
    identityClass: "aws-access-key",
    assignees: ["alice"],
    system: "payments",
    openedAt: "2026-11-14T00:00:00Z",
    acknowledgedAt: "2026-11-14T00:15:00Z",
    remediateBy: "2026-11-15T00:00:00Z",
    escalationLevel: 1,
    autoRevokedAt: "2026-11-14T01:00:00Z",
    timeline: [
      { at: "2026-11-15T00:00:00Z", event: "breached" },
      { at: "2026-11-15T00:00:00Z", event: "escalated", detail: "L1 → @alice" },
    ],
  },
];
