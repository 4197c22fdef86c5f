import type { RepoRef } from "../core/alert/types.ts";
import { repoName } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import { decodeMarker } from "../core/issue/marker.ts";
import { parseCommand } from "../core/commands.ts";
import type { ExistingIssue } from "../core/plan.ts";
import type { ExecutionReport } from "../github/execute.ts";
import type { ListedComment } from "../github/port.ts";
import { issueMarker } from "./issue-marker.ts";
import { commentApplied, onIssueComment, type RawIssue } from "./on-comment.ts";
import { onIssueClosed } from "./on-issue-closed.ts";
import { REFUSED_RESOLVE_REPLY } from "./respond-to-owner.ts";
import type { Run } from "./run.ts";

/**
 * What people did on response issues while no server listened, applied by a sweep exactly as the
 * App applies the webhook: the same handlers (onIssueClosed, onIssueComment), the same provenance
 * check and the same authorisation rule. Nothing here decides anything of its own.
 */

type IssueFromGitHub = RawIssue & { closed_by?: { login?: string; type?: string } | null };

/**
 * The run as it was when the person acted: the same budget, caches and GitHub, with the clock at
 * that moment (never later than now), so an `/ack` is recorded when it was written and a snooze
 * runs from then, as the webhook would have had it.
 */
function runAt(run: Run, at: string | null | undefined): Run {
  const ms = at ? Date.parse(at) : Number.NaN;
  const now = run.deps.clock.now();
  if (Number.isNaN(ms) || ms >= now.getTime()) return run;
  const then: Run = Object.create(run) as Run;
  Object.defineProperty(then, "deps", { value: { ...run.deps, clock: { now: () => new Date(ms) } } });
  return then;
}

/** The repository as an event names it (what `repositoryFrom` reads). */
function repositoryOf(repo: RepoRef) {
  return { name: repo.name, full_name: repoName(repo), owner: { login: repo.owner } };
}

/**
 * A response issue a person closed without nhi-steward acting on it (no server heard `issues.closed`):
 * read it (who closed it, its labels now) and hand it to the close handler the App uses. With exactly
 * one valid resolution from someone allowed, the alert is resolved and the issue stays closed;
 * otherwise it is reopened and says why. Null when the handler did nothing (not a record, handled);
 * "answered" when nhi-steward already replied to this close (one comment list read to know).
 */
export async function catchUpClose(run: Run, issueRepo: RepoRef, issueNumber: number): Promise<ExecutionReport | "answered" | null> {
  const { github } = run.deps;
  const raw = (await github.getIssue(issueRepo, issueNumber)) as IssueFromGitHub & { closed_at?: string | null };
  // Reopened since, or closed by nhi-steward once resolved (a command caught up just before, maybe).
  if (raw.state !== "closed" || decodeMarker(raw.body)?.resolution) return null;
  // nhi-steward already answered this close (GitHub refused to resolve the alert, and the issue says
  // so and stays as it was until the person closes it again): it is not answered twice. Only that
  // reply counts: another of nhi-steward's comments in the same second (GitHub's times are whole
  // seconds), an escalation or an answer to a command, does not make the close answered.
  const self = github.self?.login.toLowerCase();
  if (raw.closed_at && self) {
    const since = await github.listIssueCommentsSince(issueRepo, new Date(raw.closed_at));
    const answer = (c: ListedComment) =>
      c.issue === issueNumber &&
      c.user?.login.toLowerCase() === self &&
      c.createdAt >= raw.closed_at! &&
      c.body.startsWith(REFUSED_RESOLVE_REPLY);
    if (since.some(answer)) return "answered";
  }
  run.deps.log.info(
    `${repoName(issueRepo)}#${issueNumber}: closed by @${raw.closed_by?.login ?? "someone"} while no server listened; applying the close.`,
  );
  return onIssueClosed(runAt(run, raw.closed_at), {
    issue: raw,
    repository: repositoryOf(issueRepo),
    ...(raw.closed_by ? { sender: raw.closed_by as { login?: string; type?: string } } : {}),
  });
}

/** Response issues closed now and updated since the last sweep (`GitHubPort.closedSinceLastSweep`). */
export interface ClosedSince {
  issues: ExistingIssue[];
  /** When the list begins: what happened before it, an earlier sweep saw. */
  since: Date;
}

/** What the closing catch-up of one repository did. */
export interface CloseCatchUp {
  /** Closes handed to the close handler (resolved, refused or reopened with the request). */
  applied: number;
  /** Issue numbers whose close this sweep applied or found answered already: nothing more is planned on them this sweep. */
  handled: Set<number>;
  /** The alert keys those issues answer for (a group's members too). */
  handledKeys: Set<string>;
  reports: ExecutionReport[];
}

/**
 * Every kind of response issue (secret scanning alert, group, token request, external finding, audit
 * log record) that a person closed while no server listened: those closed since the last sweep whose
 * marker records no resolution, handed to the close handler one by one (catchUpClose). Applied at most
 * once: the handler's answer either records a resolution, or reopens the issue, or (GitHub refused
 * to resolve the alert) replies, which catchUpClose recognises. Costs nothing for closes that were
 * applied (their marker says so, from the list already read); one issue read, one comment list and
 * the handler's writes for each close that was not.
 */
export async function catchUpClosings(
  run: Run,
  issueRepo: RepoRef,
  closed: ClosedSince,
  owns: (alertRepo: string) => boolean = () => true,
): Promise<CloseCatchUp> {
  const done: CloseCatchUp = { applied: 0, handled: new Set(), handledKeys: new Set(), reports: [] };
  for (const issue of [...closed.issues].sort((a, b) => a.number - b.number)) {
    const marker = issueMarker(issue);
    // Resolved (by a person's close the App applied, a command, GitHub, a denied token request…): nothing to catch up.
    if (!marker || marker.resolution || !owns(marker.repo)) continue;
    try {
      const report = await catchUpClose(run, issueRepo, issue.number);
      if (report === null) continue;
      done.handled.add(issue.number);
      for (const k of [marker.key, ...(marker.group?.members.map((m) => m.key) ?? [])]) done.handledKeys.add(k);
      if (report === "answered") continue;
      done.applied++;
      done.reports.push(report);
    } catch (e) {
      run.deps.log.error(
        `sweep: ${repoName(issueRepo)}#${issue.number} (${marker.key}): its close could not be applied (${(e as Error).message}); the next sweep tries again.`,
      );
    }
  }
  return done;
}

/** What the comment catch-up of one repository did. */
export interface CommentCatchUp {
  /** Comments read from the repository's list. */
  read: number;
  /** Commands handed to the comment handler (applied, refused or explained). */
  applied: number;
  reports: ExecutionReport[];
}

/** When an issue's comments were last caught up to: its newest applied comment, else when it opened. */
function caughtUpTo(issue: ExistingIssue): string | null {
  const marker = issueMarker(issue);
  if (!marker) return null;
  return marker.comments?.through ?? marker.openedAt;
}

/**
 * Commands written on a repository's open response issues since they were last caught up, and on
 * its closed ones since the last sweep (`closed`: the App applies a command whatever the issue's
 * state, e.g. `/resolve` after GitHub refused to resolve a close): one
 * paginated `GET …/issues/comments?since=` for the repository, then, per comment that carries a
 * command and was not applied yet (its id is not in the issue's marker, and it is not older than the
 * newest applied one), the issue read again and the comment handed to the handler the App uses, in
 * the order they were written, each with its author's rights. Bots' comments (nhi-steward's own
 * replies among them) are never commands.
 */
export async function catchUpComments(
  run: Run,
  issueRepo: RepoRef,
  owns: (alertRepo: string) => boolean = () => true,
  closed: ClosedSince | null = null,
): Promise<CommentCatchUp> {
  const { github, log } = run.deps;
  const done: CommentCatchUp = { read: 0, applied: 0, reports: [] };
  const open = await github.listIssues(issueRepo, LABELS.response.name);
  // In a sharded sweep, an issue's commands are applied by the shard that owns its alert's repository
  // (as its clock is), so two matrix jobs never apply one comment at once.
  const byNumber = new Map(open.filter((i) => i.state === "open" && owns(issueMarker(i)?.repo ?? "")).map((i) => [i.number, i]));
  // From a sweep state: no open response issue was updated since the last sweep, so nobody commented.
  const updated = (await github.updatedSinceLastSweep?.(issueRepo, LABELS.response.name)) ?? null;
  if (updated) for (const n of [...byNumber.keys()]) if (!updated.has(n)) byNumber.delete(n);
  // Closed records updated since the last sweep: their commands from then on (earlier ones, that sweep saw).
  const floor = new Map<number, string>();
  for (const issue of closed?.issues ?? []) {
    if (byNumber.has(issue.number) || !owns(issueMarker(issue)?.repo ?? "")) continue;
    byNumber.set(issue.number, issue);
    floor.set(issue.number, closed!.since.toISOString());
  }
  const times = [...byNumber.values()]
    .map((i) => {
      const t = caughtUpTo(i);
      const f = floor.get(i.number);
      return t !== null && f !== undefined && f > t ? f : t;
    })
    .filter((t): t is string => t !== null);
  if (!times.length) return done;
  // A minute early: the runner's clock wrote the marker, GitHub's clock stamps the comments.
  const since = new Date(Date.parse(times.reduce((a, b) => (a < b ? a : b))) - 60_000);
  let comments: ListedComment[];
  try {
    comments = await github.listIssueCommentsSince(issueRepo, since);
  } catch (e) {
    log.warn(
      `sweep: could not list comments in ${repoName(issueRepo)} (${(e as Error).message}); commands written there wait for the next sweep.`,
    );
    return done;
  }
  done.read = comments.length;
  for (const c of comments) {
    const issue = byNumber.get(c.issue);
    if (!issue || !c.user || c.user.type === "Bot" || !parseCommand(c.body)) continue;
    const marker = issueMarker(issue);
    if (!marker) continue;
    // Applied already, or older than the newest one applied (which the webhook that applied it came after).
    if (commentApplied(marker, { id: c.id }) || (marker.comments && c.createdAt < marker.comments.through)) continue;
    const from = floor.get(c.issue);
    if (from !== undefined && c.createdAt < from) continue;
    try {
      // Read again for each command: the one before may have changed it (acknowledged, closed, handed off).
      const raw = (await github.getIssue(issueRepo, c.issue)) as RawIssue;
      const report = await onIssueComment(runAt(run, c.createdAt), {
        issue: raw,
        comment: { id: c.id, created_at: c.createdAt, body: c.body, user: c.user },
        repository: repositoryOf(issueRepo),
      });
      done.applied++;
      if (report) done.reports.push(report);
    } catch (e) {
      log.error(
        `sweep: ${repoName(issueRepo)}#${c.issue}: comment ${c.id} by @${c.user.login} could not be applied (${(e as Error).message}); the next sweep tries again.`,
      );
    }
  }
  return done;
}
