import { isGitHubAlert, repoName, type Alert } from "./alert/types.ts";
import type { Decision } from "./decide.ts";
import { isManagedStateLabel, labelSpec, type LabelSpec } from "./issue/labels.ts";
import { carryCheckedBoxes } from "./issue/markdown.ts";
import { decodeMarker, replaceMarker } from "./issue/marker.ts";
import { renderIssue } from "./issue/render.ts";

/** One GitHub write. The executor applies these; nothing else writes to GitHub. */
export type Op =
  | { op: "create-issue"; title: string; body: string; labels: string[]; assignees: string[] }
  | { op: "update-issue"; issue: number; title?: string; body?: string; state?: "open" | "closed"; assignees?: string[] }
  | { op: "resolve-alert"; repo: string; alert: number; resolution: string; comment: string }
  | { op: "add-labels"; issue: number; labels: string[] }
  | { op: "remove-label"; issue: number; label: string }
  | { op: "add-assignees"; issue: number; assignees: string[] }
  /** Sets the secret scanning alert's assignee on GitHub (null: nobody), so the Security tab names the issue's owner. */
  | { op: "assign-alert"; repo: string; alert: number; assignee: string | null }
  /** Not a GitHub write, but a side effect all the same: dry-run and the budget apply. */
  | {
      op: "page";
      alertKey: string;
      severity: "critical" | "high" | "medium" | "low";
      summary: string;
      url: string | null;
      identityClass: string;
      secretType: string;
      via?: string;
    }
  /** GitHub's credential revocation (or the organisation's rotation webhook). The secret is read at that moment only. */
  | { op: "revoke"; alertKey: string; repo: string; alert: number; secretType: string; identityClass: string; issueUrl: string | null }
  | { op: "comment"; issue: number; body: string };

/** Everything to do for one alert: applied whole or not at all (the operations budget never splits it). */
export interface Change {
  key: string;
  /** The repository the response issue lives in, `owner/name`. */
  repo: string;
  action: "open" | "update" | "none";
  /** The existing issue, when there is one. */
  issue: number | null;
  summary: string;
  assignees: string[];
  why: string;
  /** Labels that must exist before the ops run (created with colour and description when missing). */
  labels: LabelSpec[];
  ops: Op[];
}

export interface Plan {
  changes: Change[];
}

/** A response issue as found on GitHub. */
export interface ExistingIssue {
  number: number;
  state: "open" | "closed";
  title: string;
  body: string;
  labels: string[];
  /** Logins assigned now (when known). */
  assignees?: string[];
  url?: string;
}

/** Plans the writes that bring GitHub to the decision: open an issue, or update the one that exists. */
export function planChange(decision: Decision, existing: ExistingIssue | null): Change {
  const rendered = renderIssue(decision);
  const base = {
    key: decision.alert.key,
    repo: repoName(decision.issueRepo),
    assignees: decision.routing.assignees,
    why: decision.routing.why,
  };
  if (!existing) {
    return {
      ...base,
      action: "open",
      issue: null,
      summary: `open an issue for ${decision.alert.key}, assigned to ${who(decision)}`,
      labels: decision.labels.map(labelSpec),
      ops: [
        { op: "create-issue", title: rendered.title, body: rendered.body, labels: decision.labels, assignees: decision.routing.assignees },
        ...assignAlertOps(decision.alert, decision.routing.assignees),
      ],
    };
  }

  const ops: Op[] = [];
  // The alert is open but its issue is closed: reopened on GitHub, or closed without fixing it.
  const reopen = existing.state === "closed" && decision.alert.state === "open";
  if (reopen) {
    const resolved = decodeMarker(existing.body)?.resolution;
    rendered.marker.resolution = null;
    rendered.marker.timeline = [
      ...rendered.marker.timeline,
      {
        at: rendered.marker.timeline.at(-1)?.at ?? decision.openedAt,
        event: "reopened",
        by: null,
        detail: resolved ? `alert still open after ${resolved.resolution}` : "alert open",
      },
    ];
    rendered.body = replaceMarker(rendered.body, rendered.marker);
  }
  const body = carryCheckedBoxes(existing.body, rendered.body);
  if (body !== existing.body || rendered.title !== existing.title || reopen) {
    ops.push({
      op: "update-issue",
      issue: existing.number,
      ...(rendered.title !== existing.title ? { title: rendered.title } : {}),
      ...(body !== existing.body ? { body } : {}),
      ...(reopen ? { state: "open" as const } : {}),
    });
  }
  const missing = decision.labels.filter((l) => !existing.labels.includes(l));
  if (missing.length) ops.push({ op: "add-labels", issue: existing.number, labels: missing });
  // State labels nhi-steward owns (one severity, one clock state…) are taken off when they no longer hold.
  for (const stale of existing.labels.filter((l) => isManagedStateLabel(l) && !decision.labels.includes(l))) {
    ops.push({ op: "remove-label", issue: existing.number, label: stale });
  }
  // The alert names nobody on GitHub (an assignment that failed when the issue opened, or an issue
  // opened before nhi-steward assigned alerts): it gets the issue's owner. An alert someone
  // assigned to another person on GitHub is left alone (its `assigned` webhook moved the issue).
  if (decision.alert.assignedTo === null && (existing.state === "open" || reopen))
    ops.push(...assignAlertOps(decision.alert, decision.routing.assignees));
  const news = whatChanged(existing.body, rendered.marker);
  if (reopen)
    news.unshift(
      "**Reopened**: the secret scanning alert is still open on GitHub. Close this issue with a resolution label (`resolution:revoked`, `resolution:rotated`, `resolution:false-positive`, `resolution:used-in-tests`, `resolution:wont-fix`) or `/resolve <resolution> <comment>` once it is handled.",
    );
  // The comment goes first: if the run dies after it, the next one says it again (at least once);
  // after the body, the news would be lost, because the marker already records the new state.
  if (news.length) ops.unshift({ op: "comment", issue: existing.number, body: news.join("\n") });

  return {
    ...base,
    action: ops.length ? "update" : "none",
    issue: existing.number,
    summary: ops.length
      ? `update #${existing.number} for ${decision.alert.key}${news.length ? ` (${news.length} change${news.length > 1 ? "s" : ""} to report)` : ""}`
      : `#${existing.number} for ${decision.alert.key} is up to date`,
    labels: missing.map(labelSpec),
    ops,
  };
}

/**
 * The write that makes a GitHub alert's assignee the issue's first assignee, so the Security tab
 * names the same person; nothing when it already does, or when the alert is not GitHub's.
 */
export function assignAlertOps(alert: Pick<Alert, "key" | "repo" | "number" | "state" | "assignedTo">, assignees: readonly string[]): Op[] {
  if (!isGitHubAlert(alert.key) || alert.state !== "open") return [];
  const assignee = assignees[0] ?? null;
  if (!assignee || (alert.assignedTo ?? null)?.toLowerCase() === assignee.toLowerCase()) return [];
  return [{ op: "assign-alert", repo: repoName(alert.repo), alert: alert.number, assignee }];
}

function who(decision: Decision): string {
  const r = decision.routing;
  const names = [...r.assignees.map((a) => `@${a}`), ...r.mentions];
  return names.length ? names.join(", ") : "nobody (no owner and no fallback owner)";
}

/** The news an owner should be notified of, comparing the old marker with the new one. */
function whatChanged(oldBody: string, next: ReturnType<typeof renderIssue>["marker"]): string[] {
  const old = decodeMarker(oldBody);
  if (!old) return [];
  const news: string[] = [];
  if (old.validity !== next.validity) {
    news.push(
      next.validity === "active"
        ? `**The secret is active**: GitHub now reports it works (was ${old.validity}). Revoke it now.`
        : `Validity changed from ${old.validity} to **${next.validity}**.`,
    );
  }
  if (old.severity !== next.severity) news.push(`Severity is now **${next.severity}** (was ${old.severity}).`);
  if (!old.publiclyLeaked && next.publiclyLeaked)
    news.push("**The secret was found in a public source.** Treat it as compromised and revoke it now.");
  const added = next.locations.filter((l) => !old.locations.includes(l));
  if (added.length) news.push(`The secret was found in ${added.length} more location${added.length > 1 ? "s" : ""}; the issue lists them.`);
  return news;
}

/** The issue as it will be once a change's ops are applied (for planning more on top of it). */
export function afterOps(issue: ExistingIssue, ops: Op[]): ExistingIssue {
  let next: ExistingIssue = { ...issue, labels: [...issue.labels] };
  for (const op of ops) {
    if (op.op === "update-issue")
      next = {
        ...next,
        ...(op.body !== undefined ? { body: op.body } : {}),
        ...(op.title !== undefined ? { title: op.title } : {}),
        ...(op.state ? { state: op.state } : {}),
        ...(op.assignees ? { assignees: op.assignees } : {}),
      };
    if (op.op === "add-labels") next.labels = [...next.labels, ...op.labels.filter((l) => !next.labels.includes(l))];
    if (op.op === "remove-label") next.labels = next.labels.filter((l) => l !== op.label);
    if (op.op === "add-assignees") next.assignees = [...(next.assignees ?? []), ...op.assignees];
  }
  return next;
}
