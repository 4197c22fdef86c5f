import { COMMAND_HELP, isResolution, parseCommand, type Command } from "../core/commands.ts";
import type { Act } from "../core/authority.ts";
import { authorOf, markerProblem, placeProblem, writtenBy } from "../core/issue/provenance.ts";
import { authorizeAct } from "./authority.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { isGitHubAlert, repoName } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import { owner, text } from "../core/issue/markdown.ts";
import { decodeMarker, MAX_COMMENT_IDS, replaceMarker, type Marker } from "../core/issue/marker.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import type { Change, ExistingIssue, Op } from "../core/plan.ts";
import { formatDuration } from "../core/sla/duration.ts";
import { formatDeadline } from "../core/sla/format.ts";
import { parseOwner } from "../core/routing/types.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { explainRefusals, planResolve, type IssueContext } from "./respond-to-owner.ts";
import { withGroupIssue } from "./plan-group.ts";
import type { Run } from "./run.ts";

export interface RawIssue {
  number: number;
  html_url: string;
  title: string;
  state: string;
  body: string | null;
  labels: (string | { name?: string })[];
  assignees?: { login: string }[] | null;
  user?: { login?: string } | null;
  performed_via_github_app?: { id?: number; slug?: string } | null;
}

/**
 * The response issue an event is about, with its marker; null when it is not one. Only an issue
 * nhi-steward's own identity wrote is one, and only when its marker agrees with where it lives:
 * a look-alike (a person's issue with a copied marker and the label) is reported and ignored.
 */
export function issueContextFrom(
  run: Run,
  raw: RawIssue,
  issueRepo: string,
): { issue: ExistingIssue & { url: string }; marker: Marker } | null {
  const labels = raw.labels.map((l) => (typeof l === "string" ? l : (l.name ?? "")));
  if (!labels.includes(LABELS.response.name)) return null;
  const marker = decodeMarker(raw.body);
  if (!marker) return null;
  const self = run.deps.github.self;
  const author = authorOf(raw);
  const why = !self
    ? "this run does not know nhi-steward's own identity"
    : !writtenBy(author, self)
      ? `it was written by @${author.login ?? "unknown"}${author.app?.slug ? ` (app ${author.app.slug})` : ""}, not by ${self.login}`
      : markerProblem(raw.body, issueRepo);
  if (why) {
    // Once per issue and process (the index path shares the same memory): a look-alike commented on
    // again and again is not a new warning each time.
    if (run.deps.github.firstNotice?.(`${issueRepo}#${raw.number}`) ?? true)
      run.deps.log.warn(
        `${issueRepo}#${raw.number} carries an nhi-steward marker but is not an nhi-steward record: ${why}. It is ignored.`,
      );
    return null;
  }
  return {
    issue: {
      number: raw.number,
      url: raw.html_url,
      title: raw.title,
      state: raw.state === "closed" ? "closed" : "open",
      body: raw.body ?? "",
      labels,
      assignees: (raw.assignees ?? []).map((a) => a.login),
    },
    marker,
  };
}

/** The comment of an `issue_comment` event (or of a sweep's catch-up, in the same shape). */
export interface RawComment {
  id?: number;
  created_at?: string;
  body?: string;
  user?: { login?: string; type?: string } | null;
}

/** Whether a comment's command was applied already (by a webhook or a sweep): its id is in the marker. */
export function commentApplied(marker: Marker, comment: RawComment): boolean {
  return comment.id !== undefined && (marker.comments?.ids.includes(comment.id) ?? false);
}

/** The marker's record of applied comments, with this one added (the newest ids are kept). */
function withAppliedComment(marker: Marker, comment: RawComment): Marker {
  if (comment.id === undefined) return marker;
  const prior = marker.comments;
  const at = comment.created_at ?? prior?.through ?? "";
  const through = prior && prior.through > at ? prior.through : at;
  const ids = [...(prior?.ids ?? []).filter((id) => id !== comment.id), comment.id].slice(-MAX_COMMENT_IDS);
  return { ...marker, comments: { through, ids } };
}

/**
 * `issue_comment.created` on a response issue: `/ack`, `/snooze`, `/handoff`, `/revoke`, `/resolve`,
 * `/approve`. A sweep's catch-up calls it too, with the issue as GitHub returns it now and the
 * comment from the repository's comment list, so a command has one meaning whichever way it came in.
 */
export async function onIssueComment(
  run: Run,
  payload: { issue?: RawIssue; comment?: RawComment; repository?: unknown },
): Promise<ExecutionReport | null> {
  // Bots (nhi-steward's own replies among them) never run commands.
  const comment = payload.comment;
  if (!payload.issue || !comment?.body || comment.user?.type === "Bot" || !comment.user?.login) return null;
  const parsed = parseCommand(comment.body);
  if (!parsed) return null;
  const { repo } = repositoryFrom(payload.repository);
  const issueRepo = repoName(repo);
  const event = issueContextFrom(run, payload.issue, issueRepo);
  if (!event) return null;
  const actor = comment.user.login;
  const applied = (found: { marker: Marker }) => {
    if (!commentApplied(found.marker, comment)) return false;
    run.deps.log.info(`${found.marker.key}: comment ${comment.id} by @${actor} was applied already; nothing to do.`);
    return true;
  };
  if (applied(event)) return null;
  // A group issue is read again under its lock, so a command never writes away a row added meanwhile.
  return withGroupIssue(run, issueRepo, event, (found) =>
    applied(found) ? Promise.resolve(null) : command(run, found, parsed, actor, issueRepo, comment),
  );
}

/**
 * The change with the comment recorded in the issue's marker, so no later sweep applies it again:
 * in the body the change writes anyway, else in a body write after its reply (a run that dies
 * between the two repeats the reply rather than losing it).
 */
function recordComment(change: Change, found: NonNullable<ReturnType<typeof issueContextFrom>>, comment: RawComment): Change {
  if (comment.id === undefined) return change;
  const n = found.issue.number;
  const i = change.ops.findIndex((o) => o.op === "update-issue" && o.issue === n && o.body !== undefined);
  if (i >= 0) {
    const op = change.ops[i] as Extract<Op, { op: "update-issue" }>;
    const written = decodeMarker(op.body!);
    if (written) {
      const ops = [...change.ops];
      ops[i] = { ...op, body: replaceMarker(op.body!, withAppliedComment(written, comment)) };
      return { ...change, ops };
    }
  }
  // A change that closes or reopens writes its state in the same request.
  const j = change.ops.findIndex((o) => o.op === "update-issue" && o.issue === n && o.body === undefined);
  const body = replaceMarker(found.issue.body, withAppliedComment(found.marker, comment));
  if (j >= 0) {
    const ops = [...change.ops];
    ops[j] = { ...(ops[j] as Extract<Op, { op: "update-issue" }>), body };
    return { ...change, ops };
  }
  return { ...change, action: "update", ops: [...change.ops, { op: "update-issue", issue: n, body }] };
}

async function command(
  run: Run,
  found: NonNullable<ReturnType<typeof issueContextFrom>>,
  parsed: NonNullable<ReturnType<typeof parseCommand>>,
  actor: string,
  issueRepo: string,
  comment: RawComment,
): Promise<ExecutionReport> {
  const { log, clock } = run.deps;
  const { policy } = await loadPolicy(run, parseRepo(found.marker.repo));
  const misplaced = placeProblem(found.marker.repo, issueRepo, policy.response_repository);
  if (misplaced) {
    log.warn(`${issueRepo}#${found.issue.number} is not acted on: ${misplaced}.`);
    return { results: [], opened: 0, updated: 0, deferred: 0, failed: 0, writes: 0, dryRun: run.options.dryRun };
  }
  const ctx: IssueContext = { issueRepo, ...found, policy };
  const now = clock.now();
  const reply = (body: string, summary: string): Change => ({
    key: found.marker.key,
    repo: issueRepo,
    action: "update",
    issue: found.issue.number,
    summary,
    assignees: [],
    why: "",
    labels: [],
    ops: [{ op: "comment", issue: found.issue.number, body }],
  });

  let change: Change;
  if (!parsed.ok) {
    change = reply(`@${actor}, ${parsed.error}\n\nCommands:\n- ${COMMAND_HELP}`, "explain a malformed command");
  } else {
    const allowed = await authorizeAct(run, found.marker, policy, actor, actOf(parsed.command, found.marker));
    if (!allowed.ok) change = reply(allowed.reply, `refuse /${parsed.command.name} from @${actor}`);
    else change = await apply(run, ctx, parsed.command, actor, now, allowed.bySecurity);
  }
  change = recordComment(change, found, comment);
  log.info(`${found.marker.key}: ${change.summary}`);
  const report = await execute({ changes: [change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log });
  await explainRefusals(run, report);
  return report;
}

/** What a command asks for, for the authorisation rule. */
function actOf(command: Command, marker: Marker): Act {
  if (command.name === "resolve") return { kind: "resolve", resolution: command.resolution, via: "command" };
  if (command.name === "approve")
    return { kind: "approve", resolution: marker.pending && isResolution(marker.pending.resolution) ? marker.pending.resolution : null };
  return { kind: command.name };
}

async function apply(run: Run, ctx: IssueContext, command: Command, actor: string, now: Date, bySecurity: boolean): Promise<Change> {
  const { marker, issue, policy, issueRepo } = ctx;
  const at = now.toISOString();
  const zone = (marker.sla?.timeZone as string | undefined) ?? "UTC";
  const change = (after: Marker, ops: Op[], summary: string) => planStateChange(issueRepo, issue, marker, after, policy, now, ops, summary);
  switch (command.name) {
    case "ack": {
      if (marker.acknowledged)
        return change(
          marker,
          [{ op: "comment", issue: issue.number, body: `Already acknowledged by @${marker.acknowledged.by}.` }],
          "already acknowledged",
        );
      const after: Marker = {
        ...marker,
        acknowledged: { at, by: actor },
        timeline: [...marker.timeline, { at, event: "acknowledged", by: actor, detail: null }],
      };
      const by = marker.sla ? ` Remediate by ${formatDeadline(new Date(marker.sla.remediateBy), zone, now)}.` : "";
      return change(after, [{ op: "comment", issue: issue.number, body: `Acknowledged by @${actor}.${by}` }], `acknowledge ${marker.key}`);
    }
    case "snooze": {
      const max = policy.commands.snooze_max;
      const ms = command.duration.kind === "elapsed" ? command.duration.ms : command.duration.days * 86_400_000;
      const maxMs = max.kind === "elapsed" ? max.ms : max.days * 86_400_000;
      if (ms > maxMs)
        return change(
          marker,
          [
            {
              op: "comment",
              issue: issue.number,
              body: `@${actor}, a snooze may last at most ${formatDuration(max)} (the policy's \`commands.snooze_max\`).`,
            },
          ],
          "refuse a long snooze",
        );
      const until = new Date(now.getTime() + ms).toISOString();
      const after: Marker = {
        ...marker,
        snooze: { until, by: actor, reason: command.reason },
        timeline: [...marker.timeline, { at, event: "snoozed", by: actor, detail: until }],
      };
      return change(
        after,
        [
          {
            op: "comment",
            issue: issue.number,
            body: `Snoozed by @${actor} until ${formatDeadline(new Date(until), zone, now)}: ${text(command.reason)}. Escalation pauses until then; the deadlines do not move, and the snooze is reported.`,
          },
        ],
        `snooze ${marker.key}`,
      );
    }
    case "handoff": {
      const to = parseOwner(command.to);
      let assignees: string[] = [];
      if (to?.kind === "user") assignees = (await run.deps.github.isAssignable(parseRepo(issueRepo), to.login)) ? [to.login] : [];
      if (to?.kind === "team") {
        const members = (await run.deps.github.listTeamMembers(to.org, to.slug)) ?? [];
        for (const m of members)
          if (assignees.length < 10 && (await run.deps.github.isAssignable(parseRepo(issueRepo), m))) assignees.push(m);
      }
      if (!assignees.length && to?.kind === "user")
        return change(
          marker,
          [
            {
              op: "comment",
              issue: issue.number,
              body: `@${actor}, ${owner(command.to)} cannot be assigned in this repository; nothing changed.`,
            },
          ],
          "refuse a handoff",
        );
      const after: Marker = {
        ...marker,
        routing: {
          ...marker.routing,
          assignees,
          mentions: to?.kind === "team" ? [command.to] : [],
          why: `handed off by @${actor}${command.reason ? `: ${command.reason}` : ""}`,
        },
        timeline: [
          ...marker.timeline,
          { at, event: "handoff", by: actor, detail: `${command.to}${command.reason ? `: ${command.reason}` : ""}` },
        ],
      };
      // The alert on GitHub names the same person (its `assigned` webhook, sent by us, is ignored).
      const alertOps: Op[] =
        !marker.group && isGitHubAlert(marker.key) && assignees[0]
          ? [{ op: "assign-alert", repo: marker.repo, alert: marker.alert, assignee: assignees[0] }]
          : [];
      return change(
        after,
        [
          { op: "update-issue", issue: issue.number, assignees },
          {
            op: "comment",
            issue: issue.number,
            body: `Handed off to ${owner(command.to)} by @${actor}${command.reason ? `: ${text(command.reason)}` : ""}.`,
          },
          ...alertOps,
        ],
        `hand ${marker.key} to ${command.to}`,
      );
    }
    case "revoke": {
      // Alerts the policy may revoke automatically are never grouped, so nothing here can be.
      if (marker.group)
        return change(
          marker,
          [
            {
              op: "comment",
              issue: issue.number,
              body: `@${actor}, automatic revocation does not apply to grouped alerts (alerts the policy may revoke automatically always get their own issue). Revoke each credential at its provider (see the runbook), then tick its row or resolve its alert.`,
            },
          ],
          `refuse /revoke on group ${marker.key}`,
        );
      const after: Marker = { ...marker, timeline: [...marker.timeline, { at, event: "revocation-requested", by: actor, detail: null }] };
      return change(
        after,
        [
          {
            op: "comment",
            issue: issue.number,
            body: `Revocation requested by @${actor}. The next sweep revokes it if the policy allows automatic revocation for this credential and its safety gates pass (alert still open, secret active or unknown, not snoozed, a method that supports it, within the limits).`,
          },
        ],
        `request revocation of ${marker.key}`,
      );
    }
    case "resolve":
      return planResolve(run, ctx, command.resolution, command.comment, actor, { bySecurity });
    case "approve": {
      const p = marker.pending;
      if (!p || !isResolution(p.resolution))
        return change(
          marker,
          [{ op: "comment", issue: issue.number, body: `@${actor}, there is nothing waiting for approval here.` }],
          "nothing to approve",
        );
      return planResolve(run, ctx, p.resolution, p.comment ?? "", p.by, { bySecurity, approvedBy: actor });
    }
  }
}
