import { DateTime } from "luxon";
import { DAY_MS } from "../sla/duration.ts";
import { acknowledgedInstant, timeToAcknowledgeMs, timeToRemediateMs, type ResponseRecord } from "./record.ts";

/**
 * Response metrics over a window. Every definition here is also in `docs/metrics.md`, as a table,
 * so that two teams reading two reports compare like with like.
 *
 * - **Window**: half-open, `from ≤ t < to`. ISO weeks and dates are UTC.
 * - **In scope**: opened in the window, or remediated in the window, or still open (at `now`).
 *   Every number below is over in-scope items only.
 * - **Durations** are milliseconds of real (wall-clock) time.
 * - **Percentiles** are nearest-rank: the p-th percentile of n sorted values is the value at
 *   1-based rank ⌈p/100 × n⌉ (rank 1 when that is 0); none with no values. The mean is the
 *   arithmetic mean rounded to the nearest ms.
 * - **Time to remediate** (MTTR): `remediatedAt − openedAt − snoozed time`, floored at 0, over items
 *   remediated in the window. A reopened item counts once, with its final remediation.
 * - **Time to acknowledge** (MTTA): `acknowledgedAt − openedAt` with an explicit acknowledgement;
 *   without one, the time to remediate (a fix acknowledges). Over items whose acknowledging instant
 *   (the acknowledgement, else the remediation) is in the window. Snoozes are not subtracted from an
 *   explicit acknowledgement.
 * - **SLA compliance**: met ÷ (met + missed) over items with a `remediateBy` deadline whose outcome
 *   was decided in the window. Met: remediated at or before the deadline (decided at the
 *   remediation). Missed: remediated after it, or not remediated and the deadline is before `now`
 *   (decided at the deadline). Not remediated with the deadline still ahead: undecided, not counted.
 *   Items with no deadline are not counted. Deadlines are fixed: snoozes do not move them. Each
 *   deadline is counted in exactly one window, so consecutive reports add up. A closed issue with
 *   no resolution is not remediated: it misses its deadline once that passes.
 * - **Breaches**: items whose record is `breached` (a `breached` timeline entry, remediated late,
 *   or unremediated past the deadline). Unlike compliance, not limited to outcomes in the window.
 * - **Escalations**: items per highest escalation level reached (levels ≥ 1).
 * - **Open backlog**: open issues at `now`, by age `now − openedAt` (snoozes not subtracted) in the
 *   buckets `<1 d`, `1–7 d`, `7–30 d`, `>30 d` (lower bound inclusive: exactly 7 days is `7–30 d`),
 *   and by severity.
 * - **Slowest open items**: the 10 oldest open issues, oldest first (ties by key).
 * - **Weekly series**: every ISO week (Monday 00:00 UTC) that overlaps the window, clipped to it;
 *   per week the MTTR p50 of items remediated in it and the compliance of outcomes decided in it.
 */
export interface Window {
  from: Date;
  to: Date;
}

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];

export const AGE_BUCKETS = ["<1 d", "1–7 d", "7–30 d", ">30 d"] as const;
export type AgeBucket = (typeof AGE_BUCKETS)[number];

/** Lower bounds of {@link AGE_BUCKETS}, inclusive. */
const AGE_BOUNDS = [0, DAY_MS, 7 * DAY_MS, 30 * DAY_MS] as const;

export const SLOWEST_OPEN = 10;
export const NO_SYSTEM = "(no system)";

export interface DurationSummary {
  /** How many durations. */
  count: number;
  /** Arithmetic mean, rounded to the nearest ms; null with no durations. */
  meanMs: number | null;
  /** Nearest-rank 50th percentile; null with no durations. */
  p50Ms: number | null;
  /** Nearest-rank 90th percentile; null with no durations. */
  p90Ms: number | null;
}

export interface Compliance {
  /** Remediated at or before the deadline. */
  met: number;
  /** Remediated after the deadline, or unremediated with the deadline passed. */
  missed: number;
  /** met ÷ (met + missed), 0–1; null when no outcome was decided. */
  rate: number | null;
}

export interface GroupStats {
  key: string;
  /** In-scope items. */
  items: number;
  opened: number;
  open: number;
  remediated: number;
  breached: number;
  timeToAcknowledge: DurationSummary;
  timeToRemediate: DurationSummary;
  compliance: Compliance;
}

export interface OpenItem {
  key: string;
  repo: string;
  issue: number;
  url: string;
  title: string;
  severity: Severity;
  owner: string;
  openedAt: Date;
  ageMs: number;
  remediateBy: Date | null;
  breached: boolean;
}

export interface WeekStats {
  /** ISO week, `2026-W48`. */
  week: string;
  /** The week's part of the window: `from` inclusive, `to` exclusive. */
  from: Date;
  to: Date;
  timeToRemediate: DurationSummary;
  compliance: Compliance;
}

export interface Metrics {
  window: Window;
  now: Date;
  totals: {
    /** In scope. */
    items: number;
    /** Opened in the window. */
    opened: number;
    /** Remediated in the window. */
    remediated: number;
    /** Acknowledged (explicitly or by a fix) in the window. */
    acknowledged: number;
    /** Open at `now`. */
    open: number;
    /** Closed without a resolution. */
    closedUnresolved: number;
    breached: number;
    /** Escalated at least once (level ≥ 1). */
    escalated: number;
    autoRevoked: number;
    /** Reopened at least once. */
    reopened: number;
  };
  timeToAcknowledge: DurationSummary;
  timeToRemediate: DurationSummary;
  compliance: Compliance;
  /** Always the four severities, most severe first. */
  bySeverity: GroupStats[];
  /** Most items first, then by name. */
  byIdentityClass: GroupStats[];
  byOwner: GroupStats[];
  /** Items with no system are grouped as `(no system)`. */
  bySystem: GroupStats[];
  /** Items per highest escalation level reached, levels ≥ 1, ascending. */
  escalations: { level: number; count: number }[];
  backlog: {
    total: number;
    byAge: { bucket: AgeBucket; count: number }[];
    bySeverity: { severity: Severity; count: number }[];
  };
  /** The {@link SLOWEST_OPEN} oldest open items, oldest first. */
  slowestOpen: OpenItem[];
  weekly: WeekStats[];
}

/**
 * Nearest-rank percentile of values sorted ascending: the value at 1-based rank ⌈p/100 × n⌉
 * (at least 1). Null for no values. `p` is 0–100.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** Count, mean (rounded to the ms), nearest-rank p50 and p90 of durations in any order. */
export function summarize(durations: readonly number[]): DurationSummary {
  const sorted = [...durations].sort((a, b) => a - b);
  const mean = sorted.length ? Math.round(sorted.reduce((s, d) => s + d, 0) / sorted.length) : null;
  return { count: sorted.length, meanMs: mean, p50Ms: percentile(sorted, 50), p90Ms: percentile(sorted, 90) };
}

type Outcome = { kind: "met" | "missed"; at: Date } | { kind: "undecided" } | { kind: "no-deadline" };

/**
 * Whether an item met its remediation deadline, and when that was decided: met at the remediation,
 * missed at the deadline; undecided while unremediated before the deadline.
 */
export function slaOutcome(r: ResponseRecord, now: Date): Outcome {
  if (!r.remediateBy) return { kind: "no-deadline" };
  const due = r.remediateBy.getTime();
  if (r.remediatedAt) {
    return r.remediatedAt.getTime() <= due ? { kind: "met", at: r.remediatedAt } : { kind: "missed", at: r.remediateBy };
  }
  return now.getTime() > due ? { kind: "missed", at: r.remediateBy } : { kind: "undecided" };
}

function within(d: Date | null, w: Window): boolean {
  return d !== null && d.getTime() >= w.from.getTime() && d.getTime() < w.to.getTime();
}

/** Opened in the window, remediated in the window, or open at `now`. */
export function inScope(r: ResponseRecord, window: Window): boolean {
  return within(r.openedAt, window) || within(r.remediatedAt, window) || r.state === "open";
}

/** The in-scope items, in the order given. */
export function recordsInScope(records: readonly ResponseRecord[], window: Window): ResponseRecord[] {
  return records.filter((r) => inScope(r, window));
}

/** What one in-scope item contributes, worked out once. */
interface Facts {
  r: ResponseRecord;
  opened: boolean;
  remediated: boolean;
  /** Time to remediate, when remediated in the window. */
  ttr: number | null;
  /** Time to acknowledge, when acknowledged in the window. */
  tta: number | null;
  outcome: Outcome;
}

function ttrIn(facts: readonly Facts[]): number[] {
  return facts.flatMap((f) => (f.ttr === null ? [] : [f.ttr]));
}

function complianceOf(facts: readonly Facts[], w: Window): Compliance {
  let met = 0;
  let missed = 0;
  for (const { outcome } of facts) {
    if ((outcome.kind === "met" || outcome.kind === "missed") && within(outcome.at, w)) {
      if (outcome.kind === "met") met++;
      else missed++;
    }
  }
  return { met, missed, rate: met + missed === 0 ? null : met / (met + missed) };
}

function groupStats(key: string, facts: readonly Facts[], w: Window): GroupStats {
  return {
    key,
    items: facts.length,
    opened: facts.filter((f) => f.opened).length,
    open: facts.filter((f) => f.r.state === "open").length,
    remediated: facts.filter((f) => f.remediated).length,
    breached: facts.filter((f) => f.r.breached).length,
    timeToAcknowledge: summarize(facts.flatMap((f) => (f.tta === null ? [] : [f.tta]))),
    timeToRemediate: summarize(ttrIn(facts)),
    compliance: complianceOf(facts, w),
  };
}

function groupBy(facts: readonly Facts[], keyOf: (r: ResponseRecord) => string): Map<string, Facts[]> {
  const groups = new Map<string, Facts[]>();
  for (const f of facts) {
    const key = keyOf(f.r);
    const list = groups.get(key);
    if (list) list.push(f);
    else groups.set(key, [f]);
  }
  return groups;
}

/** Groups, most items first, then by key (code-point order, so the result never depends on locale). */
function groupsByCount(facts: readonly Facts[], keyOf: (r: ResponseRecord) => string, w: Window): GroupStats[] {
  return [...groupBy(facts, keyOf)]
    .map(([key, list]) => groupStats(key, list, w))
    .sort((a, b) => b.items - a.items || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

export function ageBucket(ageMs: number): AgeBucket {
  let bucket: AgeBucket = AGE_BUCKETS[0];
  AGE_BOUNDS.forEach((bound, i) => {
    if (ageMs >= bound) bucket = AGE_BUCKETS[i]!;
  });
  return bucket;
}

/** ISO weeks (Monday 00:00 UTC) overlapping the window, each clipped to it. */
export function isoWeeks(window: Window): { week: string; from: Date; to: Date }[] {
  const out: { week: string; from: Date; to: Date }[] = [];
  const end = window.to.getTime();
  if (!(window.from.getTime() < end)) return out;
  let start = DateTime.fromMillis(window.from.getTime(), { zone: "utc" }).startOf("week");
  while (start.toMillis() < end) {
    const next = start.plus({ weeks: 1 });
    out.push({
      week: `${start.weekYear}-W${String(start.weekNumber).padStart(2, "0")}`,
      from: new Date(Math.max(start.toMillis(), window.from.getTime())),
      to: new Date(Math.min(next.toMillis(), end)),
    });
    start = next;
  }
  return out;
}

function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** The metrics of the in-scope records over the window, as of `now`. See the definitions above. */
export function computeMetrics(records: readonly ResponseRecord[], window: Window, now: Date): Metrics {
  if ([window.from, window.to, now].some((d) => Number.isNaN(d.getTime()))) throw new RangeError("computeMetrics needs valid dates");
  if (window.from.getTime() > window.to.getTime()) throw new RangeError("the window must not end before it starts");
  const facts: Facts[] = [];
  for (const r of records) {
    if (!inScope(r, window)) continue;
    const remediated = within(r.remediatedAt, window);
    facts.push({
      r,
      opened: within(r.openedAt, window),
      remediated,
      ttr: remediated ? timeToRemediateMs(r) : null,
      tta: within(acknowledgedInstant(r), window) ? timeToAcknowledgeMs(r) : null,
      outcome: slaOutcome(r, now),
    });
  }

  const overall = groupStats("all", facts, window);

  const severityGroups = groupBy(facts, (r) => r.severity);
  const bySeverity = SEVERITIES.map((s) => groupStats(s, severityGroups.get(s) ?? [], window));

  const levels = new Map<number, number>();
  for (const { r } of facts) if (r.escalationLevel >= 1) levels.set(r.escalationLevel, (levels.get(r.escalationLevel) ?? 0) + 1);
  const escalations = [...levels].sort((a, b) => a[0] - b[0]).map(([level, count]) => ({ level, count }));

  const open = facts.filter((f) => f.r.state === "open").map((f) => f.r);
  const ageOf = (r: ResponseRecord) => Math.max(0, now.getTime() - r.openedAt.getTime());
  const ageCounts = new Map<AgeBucket, number>();
  for (const r of open) ageCounts.set(ageBucket(ageOf(r)), (ageCounts.get(ageBucket(ageOf(r))) ?? 0) + 1);

  const slowestOpen: OpenItem[] = [...open]
    .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime() || byKey(a, b))
    .slice(0, SLOWEST_OPEN)
    .map((r) => ({
      key: r.key,
      repo: r.repo,
      issue: r.issue,
      url: r.url,
      title: r.title,
      severity: r.severity,
      owner: r.owner,
      openedAt: r.openedAt,
      ageMs: ageOf(r),
      remediateBy: r.remediateBy,
      breached: r.breached,
    }));

  const weekly: WeekStats[] = isoWeeks(window).map((wk) => {
    const w = { from: wk.from, to: wk.to };
    return {
      ...wk,
      timeToRemediate: summarize(facts.flatMap((f) => (f.ttr !== null && within(f.r.remediatedAt, w) ? [f.ttr] : []))),
      compliance: complianceOf(facts, w),
    };
  });

  return {
    window: { from: window.from, to: window.to },
    now,
    totals: {
      items: facts.length,
      opened: overall.opened,
      remediated: overall.remediated,
      acknowledged: overall.timeToAcknowledge.count,
      open: open.length,
      closedUnresolved: facts.filter((f) => f.r.state === "closed" && f.r.remediatedAt === null).length,
      breached: overall.breached,
      escalated: facts.filter((f) => f.r.escalationLevel >= 1).length,
      autoRevoked: facts.filter((f) => f.r.autoRevoked).length,
      reopened: facts.filter((f) => f.r.reopened > 0).length,
    },
    timeToAcknowledge: overall.timeToAcknowledge,
    timeToRemediate: overall.timeToRemediate,
    compliance: overall.compliance,
    bySeverity,
    byIdentityClass: groupsByCount(facts, (r) => r.identityClass, window),
    byOwner: groupsByCount(facts, (r) => r.owner, window),
    bySystem: groupsByCount(facts, (r) => r.system ?? NO_SYSTEM, window),
    escalations,
    backlog: {
      total: open.length,
      byAge: AGE_BUCKETS.map((bucket) => ({ bucket, count: ageCounts.get(bucket) ?? 0 })),
      bySeverity: SEVERITIES.map((severity) => ({ severity, count: open.filter((r) => r.severity === severity).length })),
    },
    slowestOpen,
    weekly,
  };
}
