import { alertContext, repoName, type Alert, type RepoRef } from "../core/alert/types.ts";
import { decide, type Decision } from "../core/decide.ts";
import {
  closedToNewAlerts,
  GROUP_BODY_LIMIT,
  memberAsPrevious,
  memberNews,
  memberOf,
  openGroup,
  ownerSignature,
  planGroupChange,
  renderGroup,
  withMember,
} from "../core/issue/group.ts";
import { LABELS } from "../core/issue/labels.ts";
import { text } from "../core/issue/markdown.ts";
import { decodeMarker, replaceMarker, type Marker } from "../core/issue/marker.ts";
import { assignAlertOps, type Change, type ExistingIssue, type Op } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import { parseRepo } from "../github/port.ts";
import { issueMarker } from "./issue-marker.ts";
import type { Run } from "./run.ts";

/**
 * A group issue as this run has planned it so far. A sweep plans many alerts before it writes
 * anything, so every alert that joins or updates a group in the run changes the same draft, and
 * the run writes the group once.
 */
export interface GroupDraft {
  key: string;
  /** `owner/name` of the repository the issue lives in. */
  issueRepo: string;
  /** The issue as it was on GitHub when the run read it; null when the run opens it. */
  base: ExistingIssue | null;
  marker: Marker;
  policy: Policy;
  /** The lone member's decision while the group has one alert (it then renders as an ordinary issue). */
  lone: Decision | null;
  news: string[];
  reopen: boolean;
  untick: Set<string>;
  summaries: string[];
  /**
   * The `assign-alert` write of the alert whose change is the group's own (the first of the run), so
   * its GitHub alert names the group's owner (one owner in both places). Later alerts carry theirs
   * in their own change: a large backfill never makes the group's change too big for the budget.
   */
  alertOps: Op[];
  /** The run's one change for this group; rewritten in place as more alerts come in. */
  change: Change;
}

const OPEN_PLACEHOLDER: ExistingIssue = { number: 0, state: "open", title: "", body: "", labels: [] };

function newDraft(run: Run, issueRepo: string, base: ExistingIssue | null, marker: Marker, policy: Policy): GroupDraft {
  const draft: GroupDraft = {
    key: marker.key,
    issueRepo,
    base,
    marker,
    policy,
    lone: null,
    news: [],
    reopen: false,
    untick: new Set(),
    summaries: [],
    alertOps: [],
    change: {
      key: marker.key,
      repo: issueRepo,
      action: "none",
      issue: base?.number ?? null,
      summary: "",
      assignees: [],
      why: "",
      labels: [],
      ops: [],
    },
  };
  run.groups.set(marker.key, draft);
  return draft;
}

/**
 * Rewrites the draft's change from its marker; returns it the first time, and for later alerts of
 * the same run a change of their own that holds only their `alertOps` (usually none).
 */
function commit(run: Run, draft: GroupDraft, alert: Alert, summary: string, first: boolean, alertOps: Op[] = []): Change {
  const now = run.deps.clock.now();
  if (first) draft.alertOps = alertOps;
  draft.summaries.push(summary);
  const rendered = renderGroup(draft.marker, draft.policy, {
    decision: draft.lone,
    oldBody: draft.base?.body ?? null,
    untick: draft.untick,
  }) ?? { title: draft.base?.title ?? "", body: replaceMarker(draft.base?.body ?? "", draft.marker) };
  const change = planGroupChange({
    existing: draft.base,
    marker: draft.marker,
    title: rendered.title,
    body: rendered.body,
    policy: draft.policy,
    now,
    issueRepo: draft.issueRepo,
    news: draft.news,
    reopen: draft.reopen,
    summary: draft.summaries.join("; "),
  });
  Object.assign(draft.change, change);
  if (draft.alertOps.length) {
    draft.change.ops = [...draft.change.ops, ...draft.alertOps];
    if (draft.change.action === "none") draft.change.action = "update";
  }
  if (first) return draft.change;
  return {
    key: alert.key,
    repo: draft.issueRepo,
    action: "none",
    issue: draft.base?.number ?? null,
    summary: alertOps.length ? `${summary}; assign ${alert.key} to its owner on GitHub` : summary,
    assignees: [],
    why: "",
    labels: [],
    ops: alertOps,
  };
}

/**
 * A new alert with grouping on: join the newest group for its owner in its repository that still
 * takes alerts (one row more, no new issue, no new issue assignment), else open a new group. Either
 * way the alert on GitHub is assigned to the group's first owner (nothing when it already names
 * them): GitHub's `assigned` webhook that follows is ours, and group issues ignore it anyway.
 */
export async function planGroupJoin(run: Run, decision: Decision, policy: Policy, issueRepo: RepoRef): Promise<Change> {
  const { github, clock, log } = run.deps;
  const now = clock.now();
  const { alert } = decision;
  const where = repoName(issueRepo);
  const ctx = { policy, now, repo: repoName(alert.repo), owner: ownerSignature(decision.routing) };

  const candidates: { issue: ExistingIssue; marker: Marker; draft: GroupDraft | null }[] = [];
  for (const draft of run.groups.values())
    if (draft.issueRepo === where) candidates.push({ issue: draft.base ?? OPEN_PLACEHOLDER, marker: draft.marker, draft });
  for (const issue of await github.listIssues(issueRepo, LABELS.response.name)) {
    const marker = issueMarker(issue);
    if (marker?.group && !run.groups.has(marker.key)) candidates.push({ issue, marker, draft: null });
  }
  const open = candidates
    .filter((c) => closedToNewAlerts(c.issue, c.marker, ctx) === null)
    .sort((a, b) => b.marker.openedAt.localeCompare(a.marker.openedAt));

  for (const c of open) {
    const marker = withMember(c.marker, memberOf(decision));
    const rendered = renderGroup(marker, policy, { oldBody: c.draft?.base?.body ?? (c.draft ? null : c.issue.body) });
    if (!rendered || rendered.body.length > GROUP_BODY_LIMIT) {
      log.info(`${alertContext(alert)}: ${c.marker.key} is too large for another row; looking further.`);
      continue;
    }
    const first = !c.draft;
    const draft = c.draft ?? newDraft(run, where, c.issue, c.marker, policy);
    if (marker.severity !== draft.marker.severity)
      draft.news.push(
        `Severity is now **${marker.severity}** (was ${draft.marker.severity}): #${alert.number} (${text(alert.secretTypeDisplayName)}) joined this issue.`,
      );
    draft.marker = marker;
    draft.lone = null;
    const n = draft.base ? `#${draft.base.number}` : draft.key;
    log.info(`${alertContext(alert)}: joins ${n} for ${ctx.owner || "nobody"} (${marker.group!.members.length} alerts).`);
    return commit(run, draft, alert, `add ${alert.key} to ${n}`, first, assignAlertOps(alert, marker.routing.assignees));
  }

  const marker = openGroup(decision, now);
  const draft = newDraft(run, where, null, marker, policy);
  draft.lone = decision;
  return commit(
    run,
    draft,
    alert,
    `open a group issue for ${alert.key}, assigned to ${ctx.owner || "nobody"}`,
    true,
    assignAlertOps(alert, marker.routing.assignees),
  );
}

export interface MemberContext {
  existing: ExistingIssue;
  marker: Marker;
  policy: Policy;
  properties: Record<string, string> | null;
  issueRepo: RepoRef;
  inputs: string | null;
}

/**
 * An alert that is already a member of a group (a redelivery, `validated`, `publicly_leaked`, a new
 * location, `reopened`): its row is updated in the group; it never gets an issue of its own.
 */
export function planGroupMember(run: Run, alert: Alert, ctx: MemberContext): Change {
  const { clock, log } = run.deps;
  const now = clock.now();
  const at = now.toISOString();
  const existingDraft = run.groups.get(ctx.marker.key) ?? null;
  const current = existingDraft?.marker ?? ctx.marker;
  const before = current.group!.members.find((m) => m.key === alert.key) ?? null;
  if (!before)
    log.warn(
      `${alertContext(alert)}: the index names ${ctx.marker.key} (#${ctx.existing.number}) but its marker does not list the alert; adding it back.`,
    );
  const decision = decide(alert, current.routing, {
    policy: ctx.policy,
    properties: ctx.properties,
    now,
    previous: before ? memberAsPrevious(current, before) : null,
    issueRepo: ctx.issueRepo,
    inputs: ctx.inputs,
  });
  const after = memberOf(decision, before);
  const draft = existingDraft ?? newDraft(run, repoName(ctx.issueRepo), ctx.existing, ctx.marker, ctx.policy);
  const issueClosed = (draft.base?.state ?? "open") === "closed";

  let next = withMember(current, after);
  const news = before ? memberNews(before, after) : [];
  // Open on GitHub, but resolved here (or its issue closed): reopened on GitHub, or closed without fixing it.
  if (alert.state === "open" && (before?.resolution || issueClosed)) {
    next = withMember(next, { ...after, resolution: null });
    draft.untick.add(alert.key);
    const was = before?.resolution?.resolution ?? current.resolution?.resolution;
    next = {
      ...next,
      resolution: null,
      timeline: [...next.timeline, { at, event: "reopened", by: null, detail: `#${alert.number} still open${was ? ` after ${was}` : ""}` }],
    };
    if (issueClosed) draft.reopen = true;
    news.unshift(
      `**Reopened**: #${alert.number} is still open on GitHub. Resolve it (or close this issue with a resolution label or \`/resolve <resolution> <comment>\`) once it is handled.`,
    );
  }
  // The member's own line already says so when its rise is the group's.
  if (next.severity !== current.severity && after.severity !== next.severity)
    news.push(`Severity is now **${next.severity}** (was ${current.severity}).`);
  draft.marker = next;
  draft.news.push(...news);
  draft.lone = next.group!.members.length === 1 ? decision : null;
  const n = draft.base ? `#${draft.base.number}` : draft.key;
  return commit(
    run,
    draft,
    alert,
    `update ${alert.key} in ${n}${news.length ? ` (${news.length} change${news.length > 1 ? "s" : ""} to report)` : ""}`,
    !existingDraft,
  );
}

/**
 * A command or a closing on a group issue: hold the repository's group lock and read the issue
 * again, so the change is planned on the rows as they are now (an alert may have joined since the
 * event was sent) and no row is written away.
 */
export async function withGroupIssue<T>(
  run: Run,
  issueRepo: string,
  found: { issue: ExistingIssue & { url: string }; marker: Marker },
  fn: (fresh: { issue: ExistingIssue & { url: string }; marker: Marker }) => Promise<T>,
): Promise<T> {
  const group = found.marker.group;
  if (!group) return fn(found);
  const work = async () => {
    let fresh = found;
    try {
      const issue = await run.deps.github.findIssue(parseRepo(issueRepo), found.marker.key, LABELS.response.name);
      const marker = issue?.number === found.issue.number ? decodeMarker(issue.body) : null;
      if (issue && marker?.group) fresh = { issue: { ...issue, url: issue.url ?? found.issue.url }, marker };
    } catch (e) {
      run.deps.log.warn(
        `${found.marker.key}: could not read #${found.issue.number} again (${(e as Error).message}); using the event's copy.`,
      );
    }
    return fn(fresh);
  };
  return run.deps.lock ? run.deps.lock.withLock(`group:${group.repo}`, work) : work();
}
