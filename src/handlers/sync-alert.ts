import type { RepoRef } from "../core/alert/types.ts";
import { replaceMarker, type Marker } from "../core/issue/marker.ts";
import type { Change, ExistingIssue } from "../core/plan.ts";
import { parseRepo } from "../github/port.ts";
import type { Run } from "./run.ts";

/**
 * An open response issue whose alert is no longer open: read the alert; when GitHub says it is
 * resolved, close the issue with a comment and record the resolution. Null when it is still open
 * (or cannot be read: the next sweep tries again).
 */
export async function planResolvedOnGitHub(run: Run, issue: ExistingIssue, marker: Marker, issueRepo: RepoRef): Promise<Change | null> {
  const { github, clock, log } = run.deps;
  const repo = parseRepo(marker.repo);
  let raw: { state?: string; resolution?: string | null; resolved_by?: { login?: string } | null; resolved_at?: string | null; resolution_comment?: string | null };
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
      { op: "comment", issue: issue.number, body: `The secret scanning alert was resolved on GitHub as **${resolution}** by @${by}${raw.resolution_comment ? ` (“${raw.resolution_comment}”)` : ""}. Closing this issue to match.` },
      { op: "update-issue", issue: issue.number, body: replaceMarker(issue.body, next), state: "closed" },
    ],
  };
}
