import { NEEDS_REASON, RESOLUTIONS, type Resolution } from "../core/commands.ts";
import { LABELS } from "../core/issue/labels.ts";
import { text } from "../core/issue/markdown.ts";
import { isGitHubAlert } from "../core/alert/types.ts";
import type { Marker } from "../core/issue/marker.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import { groupBody, withMember } from "../core/issue/group.ts";
import type { Change, ExistingIssue, Op } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import { parseRepo } from "../github/port.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import type { Run } from "./run.ts";

export interface IssueContext {
  /** `owner/name` of the repository the issue lives in. */
  issueRepo: string;
  issue: ExistingIssue & { url: string };
  marker: Marker;
  policy: Policy;
}

/**
 * An owner says how the response ended. The alert is resolved on GitHub to match and the issue
 * closed; a revocation GitHub still sees as active reopens it; accepting a risk needs a reason.
 */
export async function planResolve(
  run: Run,
  ctx: IssueContext,
  resolution: Resolution,
  comment: string,
  actor: string,
  approval: { bySecurity: boolean; approvedBy?: string } = { bySecurity: false },
): Promise<Change> {
  const { clock, github, log } = run.deps;
  const now = clock.now();
  const at = now.toISOString();
  const { issue, marker, policy, issueRepo } = ctx;
  const stay = (reply: string, event: Marker["timeline"][number]["event"] | null, detail: string) => {
    const after: Marker = { ...marker, timeline: event ? [...marker.timeline, { at, event, by: actor, detail }] : marker.timeline };
    const ops: Op[] = [{ op: "comment", issue: issue.number, body: reply }];
    if (issue.state === "closed") ops.unshift({ op: "update-issue", issue: issue.number, state: "open" });
    return planStateChange(issueRepo, issue, marker, after, policy, now, ops, `keep #${issue.number} open: ${detail}`);
  };

  if (NEEDS_REASON.includes(resolution) && !comment) {
    return stay(
      `@${actor}, \`${resolution}\` accepts a risk, so it needs a reason. Reply \`/resolve ${resolution} <why>\`; the issue stays open until then.`,
      "closed-without-resolution",
      `${resolution} without a reason`,
    );
  }
  if (ctx.policy.commands.approval_required.includes(resolution as never) && !approval.bySecurity && !approval.approvedBy) {
    const team = ctx.policy.commands.security_team ?? "security";
    const after: Marker = {
      ...marker,
      pending: { resolution, at, by: actor, comment: comment || null },
      timeline: [...marker.timeline, { at, event: "closed-without-resolution", by: actor, detail: `${resolution} awaits approval` }],
    };
    const ops: Op[] = [
      {
        op: "comment",
        issue: issue.number,
        body: `${team}: @${actor} resolves this as **${resolution}**${comment ? ` (“${text(comment)}”)` : ""}. The policy needs a member of ${team} to confirm with \`/approve\` before the alert is resolved; until then the issue stays open and the clock runs.`,
      },
    ];
    if (issue.state === "closed") ops.unshift({ op: "update-issue", issue: issue.number, state: "open" });
    return planStateChange(issueRepo, issue, marker, after, policy, now, ops, `ask security to approve ${resolution} for ${marker.key}`);
  }
  if (marker.group) return planResolveGroup(run, ctx, resolution, comment, actor, approval, stay);
  const github_ = isGitHubAlert(marker.key);
  if (github_ && (resolution === "revoked" || resolution === "rotated")) {
    try {
      const alert = (await github.getSecretScanningAlert(parseRepo(marker.repo), marker.alert)) as { validity?: string };
      if (alert.validity === "active") {
        return stay(
          `@${actor}, GitHub still reports this secret as **active**: the provider accepts it. Revoke it at the provider (see the runbook), then close again. The SLA clock keeps running.`,
          "reopened",
          `${resolution}, but still active`,
        );
      }
    } catch (e) {
      log.warn(`${marker.key}: could not re-read validity before resolving (${(e as Error).message}); resolving as asked.`);
    }
  }
  const after: Marker = {
    ...marker,
    pending: null,
    resolution: { resolution, at, by: actor, comment: comment || null },
    timeline: [
      ...marker.timeline,
      {
        at,
        event: "resolved",
        by: actor,
        detail: `${resolution}${comment ? `: ${comment}` : ""}${approval.approvedBy ? ` (approved by @${approval.approvedBy})` : ""}`,
      },
    ],
  };
  const ops: Op[] = [
    ...(github_
      ? [
          {
            op: "resolve-alert" as const,
            repo: marker.repo,
            alert: marker.alert,
            resolution: RESOLUTIONS[resolution],
            comment: `${resolution} (${issue.url})${comment ? `: ${comment}` : ""}`,
          },
        ]
      : []),
    { op: "update-issue", issue: issue.number, state: "closed" },
    {
      op: "comment",
      issue: issue.number,
      body: `Resolved as **${resolution}** by @${actor}${comment ? `: ${text(comment)}` : ""}.${github_ ? " The secret scanning alert is resolved to match." : ""}`,
    },
  ];
  if (!issue.labels.includes(`resolution:${resolution}`))
    ops.push({ op: "add-labels", issue: issue.number, labels: [`resolution:${resolution}`] });
  if (issue.labels.includes(LABELS.needsResolution.name))
    ops.push({ op: "remove-label", issue: issue.number, label: LABELS.needsResolution.name });
  return planStateChange(issueRepo, issue, marker, after, policy, now, ops, `resolve ${marker.key} as ${resolution}`);
}

/**
 * Closing a group issue with a resolution resolves every member still open, on GitHub and in its
 * row, as closing a single issue does for its alert. `revoked`/`rotated` first re-reads each open
 * member: one GitHub still sees as active keeps the whole issue open, and the reply names it.
 */
async function planResolveGroup(
  run: Run,
  ctx: IssueContext,
  resolution: Resolution,
  comment: string,
  actor: string,
  approval: { bySecurity: boolean; approvedBy?: string },
  stay: (reply: string, event: Marker["timeline"][number]["event"] | null, detail: string) => Change,
): Promise<Change> {
  const { clock, github, log } = run.deps;
  const now = clock.now();
  const at = now.toISOString();
  const { issue, marker, policy, issueRepo } = ctx;
  const group = marker.group!;
  const open = group.members.filter((m) => !m.resolution);
  if (resolution === "revoked" || resolution === "rotated") {
    const active: number[] = [];
    for (const m of open) {
      try {
        const alert = (await github.getSecretScanningAlert(parseRepo(group.repo), m.alert)) as { validity?: string };
        if (alert.validity === "active") active.push(m.alert);
      } catch (e) {
        log.warn(
          `${group.repo} alert#${m.alert}: could not re-read validity before resolving (${(e as Error).message}); resolving as asked.`,
        );
      }
    }
    if (active.length) {
      const list = active.map((n) => `#${n}`).join(", ");
      return stay(
        `@${actor}, GitHub still reports ${list} as **active**: the provider accepts ${active.length > 1 ? "them" : "it"}. Revoke ${active.length > 1 ? "them" : "it"} at the provider (see the runbook), then close again. The SLA clock keeps running.`,
        "reopened",
        `${resolution}, but ${list} still active`,
      );
    }
  }
  const resolvedAs = { resolution, at, by: actor };
  let after: Marker = marker;
  for (const m of open) after = withMember(after, { ...m, resolution: resolvedAs });
  after = {
    ...after,
    pending: null,
    resolution: { resolution, at, by: actor, comment: comment || null },
    timeline: [
      ...marker.timeline,
      {
        at,
        event: "resolved",
        by: actor,
        detail: `${resolution} for ${open.length} alert(s)${comment ? `: ${comment}` : ""}${approval.approvedBy ? ` (approved by @${approval.approvedBy})` : ""}`,
      },
    ],
  };
  const ops: Op[] = [
    ...open.map((m) => ({
      op: "resolve-alert" as const,
      repo: group.repo,
      alert: m.alert,
      resolution: RESOLUTIONS[resolution],
      comment: `${resolution} (${issue.url})${comment ? `: ${comment}` : ""}`,
    })),
    { op: "update-issue", issue: issue.number, state: "closed" },
    {
      op: "comment",
      issue: issue.number,
      body: `Resolved as **${resolution}** by @${actor}${comment ? `: ${text(comment)}` : ""}. ${open.length ? `The ${open.length} secret scanning alert${open.length > 1 ? "s" : ""} still open (${open.map((m) => `#${m.alert}`).join(", ")}) ${open.length > 1 ? "are" : "is"} resolved to match.` : "Every alert was already resolved."}`,
    },
  ];
  if (!issue.labels.includes(`resolution:${resolution}`))
    ops.push({ op: "add-labels", issue: issue.number, labels: [`resolution:${resolution}`] });
  if (issue.labels.includes(LABELS.needsResolution.name))
    ops.push({ op: "remove-label", issue: issue.number, label: LABELS.needsResolution.name });
  return planStateChange(
    issueRepo,
    { ...issue, body: groupBody(issue.body, after, policy) },
    marker,
    after,
    policy,
    now,
    ops,
    `resolve ${open.length} alert(s) of ${marker.key} as ${resolution}`,
  );
}

/** How nhi-steward's reply begins when GitHub refused to resolve an alert (a sweep recognises its answer by it). */
export const REFUSED_RESOLVE_REPLY = "The secret scanning alert could not be resolved:";

/**
 * When GitHub refused to resolve the alert (delegated dismissal, missing permission), the owner
 * hears why in the issue instead of the refusal being swallowed in a log.
 */
export async function explainRefusals(run: Run, report: ExecutionReport): Promise<ExecutionReport | null> {
  const refused = report.results.filter(
    (r) => r.status === "failed" && r.change.ops.some((o) => o.op === "resolve-alert") && r.change.issue !== null,
  );
  if (!refused.length) return null;
  const changes: Change[] = refused.map((r) => ({
    key: r.change.key,
    repo: r.change.repo,
    action: "update",
    issue: r.change.issue,
    summary: `explain why the alert of ${r.change.key} was not resolved`,
    assignees: [],
    why: "",
    labels: [],
    ops: [
      {
        op: "comment",
        issue: r.change.issue!,
        body: `${REFUSED_RESOLVE_REPLY} ${text(r.error ?? "GitHub refused")}. This issue stays as it was; try again once that is sorted.`,
      },
    ],
  }));
  return execute({ changes }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log: run.deps.log });
}
