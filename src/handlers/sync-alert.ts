import { repoName, type RepoRef } from "../core/alert/types.ts";
import { groupBody, withMember } from "../core/issue/group.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import { replaceMarker, type Marker } from "../core/issue/marker.ts";
import { text } from "../core/issue/markdown.ts";
import type { Change, ExistingIssue } from "../core/plan.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import type { Run } from "./run.ts";

/**
 * An open response issue whose alert is no longer open: read the alert; when GitHub says it is
 * resolved, close the issue with a comment and record the resolution. Null when it is still open
 * (or cannot be read: the next sweep tries again).
 */
export async function planResolvedOnGitHub(run: Run, issue: ExistingIssue, marker: Marker, issueRepo: RepoRef): Promise<Change | null> {
  const { github, clock, log } = run.deps;
  const repo = parseRepo(marker.repo);
  let raw: {
    state?: string;
    resolution?: string | null;
    resolved_by?: { login?: string } | null;
    resolved_at?: string | null;
    resolution_comment?: string | null;
  };
  try {
    raw = (await github.getSecretScanningAlert(repo, marker.alert)) as typeof raw;
  } catch (e) {
    log.warn(`${marker.repo} alert#${marker.alert}: could not read the alert to sync #${issue.number} (${(e as Error).message}).`);
    return null;
  }
  if (raw.state !== "resolved") return null;
  const at = clock.now().toISOString();
  const by = raw.resolved_by?.login ?? "someone";
  const resolution = raw.resolution ?? "resolved";
  const next: Marker = {
    ...marker,
    resolution: { resolution, at: raw.resolved_at ?? at, by, comment: raw.resolution_comment ?? null },
    timeline: [...marker.timeline, { at, event: "resolved", by, detail: `on GitHub as ${resolution}` }],
  };
  return {
    key: marker.key,
    repo: `${issueRepo.owner}/${issueRepo.name}`,
    action: "update",
    issue: issue.number,
    summary: `close #${issue.number}: the alert was resolved on GitHub as ${resolution}`,
    assignees: [],
    why: marker.routing.why,
    labels: [],
    ops: [
      {
        op: "comment",
        issue: issue.number,
        body: `The secret scanning alert was resolved on GitHub as **${resolution}** by @${by}${raw.resolution_comment ? ` (“${text(raw.resolution_comment)}”)` : ""}. Closing this issue to match.`,
      },
      { op: "update-issue", issue: issue.number, body: replaceMarker(issue.body, next), state: "closed" },
    ],
  };
}

/**
 * A group issue: every open member the sweep did not see open is read; those GitHub resolved are
 * ticked (their rows say how and by whom). When all are resolved the group is closed with a
 * comment, as a single issue is. Null when nothing changed.
 */
export async function planGroupResolvedOnGitHub(
  run: Run,
  issue: ExistingIssue,
  marker: Marker,
  issueRepo: RepoRef,
  openKeys: ReadonlySet<string>,
): Promise<Change | null> {
  const { github, clock, log } = run.deps;
  const group = marker.group;
  if (!group) return null;
  const repo = parseRepo(group.repo);
  const at = clock.now().toISOString();
  let next = marker;
  const ticked: string[] = [];
  for (const m of group.members.filter((x) => !x.resolution && !openKeys.has(x.key))) {
    let raw: { state?: string; resolution?: string | null; resolved_by?: { login?: string } | null; resolved_at?: string | null };
    try {
      raw = (await github.getSecretScanningAlert(repo, m.alert)) as typeof raw;
    } catch (e) {
      log.warn(`${group.repo} alert#${m.alert}: could not read the alert to sync #${issue.number} (${(e as Error).message}).`);
      continue;
    }
    if (raw.state !== "resolved") continue;
    const resolution = { resolution: raw.resolution ?? "resolved", at: raw.resolved_at ?? at, by: raw.resolved_by?.login ?? "someone" };
    next = withMember(next, { ...m, resolution });
    ticked.push(`#${m.alert} as **${resolution.resolution}** by @${resolution.by}`);
  }
  if (!ticked.length) return null;
  const members = next.group!.members;
  const all = members.every((m) => m.resolution);
  const { policy } = await loadPolicy(run, repo);
  const now = clock.now();
  if (!all) {
    return planStateChange(
      repoName(issueRepo),
      { ...issue, body: groupBody(issue.body, next, policy) },
      marker,
      next,
      policy,
      now,
      [],
      `tick ${ticked.length} alert(s) resolved on GitHub in #${issue.number}`,
    );
  }
  const kinds = [...new Set(members.map((m) => m.resolution!.resolution))];
  next = {
    ...next,
    resolution: { resolution: kinds.length === 1 ? kinds[0]! : "resolved", at, by: "nhi-steward", comment: null },
    timeline: [...next.timeline, { at, event: "resolved", by: null, detail: `every alert resolved on GitHub (${kinds.join(", ")})` }],
  };
  return planStateChange(
    repoName(issueRepo),
    { ...issue, body: groupBody(issue.body, next, policy) },
    marker,
    next,
    policy,
    now,
    [
      {
        op: "comment",
        issue: issue.number,
        body: `Resolved on GitHub: ${ticked.join(", ")}. Every alert in this issue is now resolved; closing it to match.`,
      },
      { op: "update-issue", issue: issue.number, state: "closed" },
    ],
    `close #${issue.number}: every alert in it was resolved on GitHub`,
  );
}
