import { decodeMarker, type Marker, type TimelineEntry } from "../issue/marker.ts";

/**
 * One response issue, flattened for metrics: what the marker says, with the issue's own fields
 * filling the gaps. Every instant is a `Date`; every duration is in milliseconds.
 *
 * Definitions (the same table is in `docs/metrics.md`):
 *
 * - `openedAt`: the marker's `openedAt`, else the issue's `created_at`.
 * - `acknowledgedAt`: the marker's `acknowledged.at`, else the first `acknowledged` timeline entry,
 *   else null. Only an *explicit* acknowledgement; the "a fix acknowledges" fallback is applied by
 *   {@link timeToAcknowledgeMs}, not here.
 * - `remediatedAt`: set only when the issue is **closed with a resolution** — the marker's
 *   `resolution`, else the last `resolved` timeline entry. The instant is the resolution's `at`,
 *   else the issue's `closed_at`. A resolution followed by a `reopened` entry (in the timeline's
 *   written order; by time when the timeline has no `resolved` entry) was undone and does not
 *   count; an open issue is never remediated; a closed issue with no resolution is not remediated.
 *   A reopened and re-resolved issue is therefore one record with its final remediation.
 * - `owner`: the first assignee as `@login` (the marker's routing, else the issue's assignees), else
 *   the first mention (a team or an email), else `(unassigned)`.
 * - `breached`: a `breached` timeline entry; or remediated after `remediateBy`; or not remediated
 *   (open, or closed without a resolution) and `now` is after `remediateBy`.
 * - `escalationLevel`: the highest level that fired: the highest level named by an `escalated`
 *   entry (`L2 (manager) → @bob`, `level 2`, `2`), or the marker's `escalation.level` when its
 *   `escalation.at` is set (something fired). A level passed over because the item was already
 *   acknowledged does not count.
 * - `reopened`: how many `reopened` entries the timeline has.
 * - `snoozedMs`: the total of every snooze in the timeline. A `snoozed` entry's detail is the ISO
 *   instant it snoozes until; the snooze runs from the entry to the earliest of that instant, the
 *   next `snooze-expired`, `resolved` or `snoozed` entry (a new snooze replaces the old), and `now`.
 *   A detail that is not itself a date may contain one (`until 2026-11-27T09:00:00Z: vendor`); a
 *   snooze with no date at all counts nothing.
 */
export interface ResponseRecord {
  key: string;
  repo: string;
  issue: number;
  url: string;
  title: string;
  state: "open" | "closed";
  severity: Marker["severity"];
  identityClass: string;
  /** First assignee as `@login`, else the first mention, else `(unassigned)`. */
  owner: string;
  system: string | null;
  openedAt: Date;
  acknowledgedAt: Date | null;
  /** `resolution.at`, or the issue's `closed_at` when closed with a resolution; null otherwise. */
  remediatedAt: Date | null;
  resolution: string | null;
  acknowledgeBy: Date | null;
  remediateBy: Date | null;
  escalationLevel: number;
  /** A `breached` timeline entry, or remediated after `remediateBy`, or unremediated past it at `now`. */
  breached: boolean;
  autoRevoked: boolean;
  /** How many `reopened` timeline entries. */
  reopened: number;
  /** Total snoozed time from the timeline, ms. */
  snoozedMs: number;
}

/**
 * The issue as the REST API returns it (only the fields metrics read). `labels` are accepted so a
 * REST issue can be passed unchanged, but the marker is authoritative for severity.
 */
export interface IssueInput {
  number: number;
  html_url: string;
  title: string;
  state: string;
  created_at: string;
  closed_at: string | null;
  body: string | null;
  labels: (string | { name?: string })[];
  assignees?: { login: string }[] | null;
}

export const UNASSIGNED = "(unassigned)";

/**
 * An ISO 8601 date (`2026-11-27`, read as UTC midnight) or instant with a zone (`…T09:00:00Z`,
 * `…T10:00:00+01:00`). A time without a zone is refused: it would depend on the runtime's zone.
 */
const ISO = String.raw`\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2}))?`;
const ISO_WHOLE = new RegExp(`^${ISO}$`);
/** The same, inside longer text: `until 2026-11-27T09:00:00Z (waiting on vendor)`. */
const ISO_INSIDE = new RegExp(`(?<![\\d-])${ISO}(?![\\dT:])`);

/** An ISO instant as a Date; null when absent or unreadable (never a guess from free text). */
function instant(text: string | null | undefined): Date | null {
  if (!text || !ISO_WHOLE.test(text)) return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? null : d;
}

interface TimedEntry {
  entry: TimelineEntry;
  at: Date;
}

/** Timeline entries with readable instants, oldest first (ties keep their written order). */
function timed(timeline: TimelineEntry[]): TimedEntry[] {
  const out: TimedEntry[] = [];
  for (const entry of timeline) {
    const at = instant(entry.at);
    if (at) out.push({ entry, at });
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

const SNOOZE_ENDS = new Set(["snooze-expired", "resolved", "snoozed"]);

/** Total snoozed time: see {@link ResponseRecord}. */
export function snoozedTime(timeline: TimelineEntry[], now: Date): number {
  const entries = timed(timeline);
  let total = 0;
  entries.forEach(({ entry, at }, i) => {
    if (entry.event !== "snoozed") return;
    const until = instant(ISO_INSIDE.exec(entry.detail ?? "")?.[0]);
    if (!until) return;
    let end = Math.min(until.getTime(), now.getTime());
    const next = entries.slice(i + 1).find((e) => SNOOZE_ENDS.has(e.entry.event));
    if (next) end = Math.min(end, next.at.getTime());
    total += Math.max(0, end - at.getTime());
  });
  return total;
}

function ownerOf(marker: Marker, issue: IssueInput): string {
  const login = marker.routing.assignees[0] ?? issue.assignees?.[0]?.login;
  if (login) return `@${login.replace(/^@/, "")}`;
  return marker.routing.mentions[0] ?? UNASSIGNED;
}

function escalationLevelOf(marker: Marker): number {
  // A level the marker passed over without firing (already acknowledged) leaves `at` unset.
  let level = marker.escalation.at ? marker.escalation.level : 0;
  for (const e of marker.timeline) {
    if (e.event !== "escalated" || !e.detail) continue;
    const m = /^\s*L(\d+)\b/.exec(e.detail) ?? /^\s*(\d+)\s*$/.exec(e.detail) ?? /\blevel\s*(\d+)\b/i.exec(e.detail);
    if (m) level = Math.max(level, Number(m[1]));
  }
  return level;
}

/** The resolution a `resolved` entry names: `revoked: comment` → `revoked`, `on GitHub as revoked` → `revoked`. */
function resolutionNamed(detail: string | null): string {
  const text = (detail ?? "").replace(/^on GitHub as\s+/i, "");
  const name = text.split(":")[0]!.trim();
  return name || "resolved";
}

/**
 * The metrics view of one issue, or null when its body has no readable response marker (not an
 * nhi-steward response issue, a config-error issue, or a damaged marker).
 */
export function recordFromIssue(issue: IssueInput, now: Date): ResponseRecord | null {
  const marker = decodeMarker(issue.body);
  if (!marker) return null;
  const openedAt = instant(marker.openedAt) ?? instant(issue.created_at);
  if (!openedAt) return null;
  const state = issue.state === "closed" ? "closed" : "open";
  const has = (event: TimelineEntry["event"]) => marker.timeline.some((e) => e.event === event);
  const firstAcknowledged = timed(marker.timeline).find((e) => e.entry.event === "acknowledged");
  const acknowledgedAt = instant(marker.acknowledged?.at) ?? firstAcknowledged?.at ?? null;

  // Written order, not time: a reopen may carry the same instant as the resolution it undoes.
  const lastResolvedIndex = marker.timeline.findLastIndex((e) => e.event === "resolved");
  const lastReopenIndex = marker.timeline.findLastIndex((e) => e.event === "reopened");
  const lastResolved = marker.timeline[lastResolvedIndex];
  const resolutionAt = marker.resolution ? instant(marker.resolution.at) : instant(lastResolved?.at);
  const resolutionName = marker.resolution?.resolution ?? (lastResolved ? resolutionNamed(lastResolved.detail) : null);
  const lastReopenAt = instant(marker.timeline[lastReopenIndex]?.at);
  const undone =
    lastResolvedIndex >= 0
      ? lastReopenIndex > lastResolvedIndex
      : resolutionAt !== null && lastReopenAt !== null && resolutionAt.getTime() < lastReopenAt.getTime();
  const remediated = state === "closed" && resolutionName !== null && !undone;
  const remediatedAt = remediated ? (resolutionAt ?? instant(issue.closed_at)) : null;
  const resolution = remediatedAt ? resolutionName : null;

  const acknowledgeBy = instant(marker.sla?.acknowledgeBy);
  const remediateBy = instant(marker.sla?.remediateBy);
  const breached =
    has("breached") ||
    (remediateBy !== null && (remediatedAt ? remediatedAt.getTime() > remediateBy.getTime() : now.getTime() > remediateBy.getTime()));

  return {
    key: marker.key,
    repo: marker.repo,
    issue: issue.number,
    url: issue.html_url,
    title: issue.title,
    state,
    severity: marker.severity,
    identityClass: marker.identityClass,
    owner: ownerOf(marker, issue),
    system: marker.system,
    openedAt,
    acknowledgedAt,
    remediatedAt,
    resolution,
    acknowledgeBy,
    remediateBy,
    escalationLevel: escalationLevelOf(marker),
    breached,
    autoRevoked: marker.autoRevoked !== null || has("auto-revoked"),
    reopened: marker.timeline.filter((e) => e.event === "reopened").length,
    snoozedMs: snoozedTime(marker.timeline, now),
  };
}

/**
 * Time to remediate, ms: `remediatedAt − openedAt − snoozedMs`, floored at 0; null when not
 * remediated. Snoozes are accepted pauses, so they do not count against the owner.
 */
export function timeToRemediateMs(r: ResponseRecord): number | null {
  if (!r.remediatedAt) return null;
  return Math.max(0, r.remediatedAt.getTime() - r.openedAt.getTime() - r.snoozedMs);
}

/**
 * When the item counts as acknowledged: the explicit acknowledgement, else the remediation (a fix
 * acknowledges), else null.
 */
export function acknowledgedInstant(r: ResponseRecord): Date | null {
  return r.acknowledgedAt ?? r.remediatedAt;
}

/**
 * Time to acknowledge, ms: `acknowledgedAt − openedAt` (floored at 0) with an explicit
 * acknowledgement, else the time to remediate ({@link timeToRemediateMs}), else null.
 */
export function timeToAcknowledgeMs(r: ResponseRecord): number | null {
  if (r.acknowledgedAt) return Math.max(0, r.acknowledgedAt.getTime() - r.openedAt.getTime());
  return timeToRemediateMs(r);
}
