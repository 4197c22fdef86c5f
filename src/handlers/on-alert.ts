import { InputError } from "../core/alert/input-error.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { alertContext, repoName, type RepoRef, type Visibility } from "../core/alert/types.ts";
import { issueMarker } from "./issue-marker.ts";
import { planResolvedOnGitHub } from "./sync-alert.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { gatherAlert, readAlert } from "./gather-alert.ts";
import { openIssueOf, planAlert } from "./plan-alert.ts";
import { loadPolicy } from "./load-policy.ts";
import { groupLockKey } from "../core/issue/group.ts";
import type { Run } from "./run.ts";
import type { Marker } from "../core/issue/marker.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import type { Op } from "../core/plan.ts";

/** `secret_scanning_alert` actions that say who is assigned to the alert on GitHub. */
export const ASSIGNMENT_ACTIONS = ["assigned", "unassigned"] as const;

type Login = { login?: unknown; type?: unknown } | null | undefined;
const loginOf = (u: Login): string | null => (typeof u?.login === "string" && u.login ? u.login : null);
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * `secret_scanning_alert.assigned` / `.unassigned`: someone (a security manager, usually) assigned
 * the alert on GitHub. The alert's own issue follows: its assignees, and its routed owner, recorded
 * as a handoff by that person. GitHub lets only people who may manage the repository's security
 * alerts assign them, and the delivery is signed, so GitHub's permission is the authorisation here
 * (docs/threat-model.md). Our own assignment (the sender is nhi-steward) is ignored, and one that
 * changes nothing writes nothing, so the two directions never loop. Group issues are left alone:
 * one alert's assignee does not speak for the group.
 */
export async function onAlertAssignment(run: Run, raw: unknown): Promise<ExecutionReport | null> {
  const { log, github, clock } = run.deps;
  const payload = (raw ?? {}) as { action?: unknown; alert?: unknown; assignee?: Login; sender?: Login; repository?: unknown };
  const action = payload.action;
  const assignee = loginOf(payload.assignee);
  const sender = loginOf(payload.sender);
  if ((action !== "assigned" && action !== "unassigned") || !assignee) return null;
  if (sender && github.self && same(sender, github.self.login)) {
    log.debug(`secret_scanning_alert.${action} by nhi-steward itself: nothing to do.`);
    return null;
  }
  const { repo, visibility } = repositoryFrom(payload.repository);
  const alert = await readAlert(run, payload.alert, repo, visibility);
  const found = await openIssueOf(run, alert);
  const marker = found ? issueMarker(found.issue) : null;
  if (!found || !marker || marker.group) {
    log.debug(`${alertContext(alert)}: ${action} on GitHub: ${!found || !marker ? "no open issue" : "a group issue keeps its owners"}.`);
    return null;
  }
  const { issue, issueRepo } = found;
  const by = sender ?? "someone";
  const current = issue.assignees ?? marker.routing.assignees;
  const at = clock.now().toISOString();
  let after: Marker;
  let ops: Op[];
  if (action === "assigned") {
    if (
      marker.routing.assignees.length === 1 &&
      same(marker.routing.assignees[0]!, assignee) &&
      current.length === 1 &&
      same(current[0]!, assignee)
    )
      return null;
    if (!(await github.isAssignable(issueRepo, assignee))) {
      log.info(
        `${alertContext(alert)}: assigned to @${assignee} on GitHub, who cannot be assigned in ${repoName(issueRepo)}; the issue keeps its owners.`,
      );
      return null;
    }
    after = {
      ...marker,
      routing: { ...marker.routing, assignees: [assignee], mentions: [], why: `assigned on GitHub by @${by}` },
      timeline: [...marker.timeline, { at, event: "handoff", by, detail: `@${assignee} (alert assigned on GitHub)` }],
    };
    ops = [
      { op: "update-issue", issue: issue.number, assignees: [assignee] },
      {
        op: "comment",
        issue: issue.number,
        body: `@${by} assigned the secret scanning alert to @${assignee} on GitHub; this issue is now theirs.`,
      },
    ];
  } else {
    if (!current.some((a) => same(a, assignee)) && !marker.routing.assignees.some((a) => same(a, assignee))) return null;
    const rest = current.filter((a) => !same(a, assignee));
    after = {
      ...marker,
      routing: {
        ...marker.routing,
        assignees: marker.routing.assignees.filter((a) => !same(a, assignee)),
        why: `@${assignee} unassigned on GitHub by @${by}`,
      },
      timeline: [...marker.timeline, { at, event: "handoff", by, detail: `@${assignee} unassigned from the alert on GitHub` }],
    };
    ops = [
      { op: "update-issue", issue: issue.number, assignees: rest },
      {
        op: "comment",
        issue: issue.number,
        body: `@${by} unassigned @${assignee} from the secret scanning alert on GitHub; this issue follows.`,
      },
    ];
  }
  const { policy } = await loadPolicy(run, alert.repo);
  const change = planStateChange(
    repoName(issueRepo),
    issue,
    marker,
    after,
    policy,
    clock.now(),
    ops,
    `follow the alert's assignment on GitHub (${action} @${assignee} by @${by})`,
  );
  log.info(`${alertContext(alert)}: ${change.summary}`);
  return execute({ changes: [change] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
}

/** Webhook events and actions that open or refresh a response issue. */
export const RESPOND_TO = {
  secret_scanning_alert: ["created", "reopened", "validated", "publicly_leaked", "resolved"],
  secret_scanning_alert_location: ["created"],
} as const;

export type AlertEventName = keyof typeof RESPOND_TO;

export interface AlertEvent {
  name: string;
  id?: string;
  payload: unknown;
}

/** The lock key for a delivery (`org/repo#12`), so concurrent deliveries of one alert run one at a time. */
export function alertLockKey(event: AlertEvent): string | null {
  const p = (event.payload ?? {}) as { alert?: { number?: unknown }; repository?: { full_name?: unknown } };
  return typeof p.repository?.full_name === "string" && typeof p.alert?.number === "number"
    ? `${p.repository.full_name}#${p.alert.number}`
    : null;
}

/** How long after its creation an alert's `created` delivery is taken to be its first. */
const NEW_ALERT_MS = 10 * 60_000;

/**
 * Handles one `secret_scanning_alert` or `secret_scanning_alert_location` delivery. A payload that
 * is not GitHub's documented shape, and that no REST read can repair (no repository, no alert
 * number), is logged in one line naming the field and dropped: redelivering it cannot help.
 */
export async function onAlertEvent(run: Run, event: AlertEvent): Promise<ExecutionReport | null> {
  try {
    return await handleAlertEvent(run, event);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const p = (event.payload ?? {}) as { action?: unknown; repository?: { full_name?: unknown } };
    const where = typeof p.repository?.full_name === "string" ? `${p.repository.full_name}: ` : "";
    run.deps.log.warn(`${where}${event.name}.${String(p.action ?? "?")}${event.id ? ` (delivery ${event.id})` : ""} ignored: ${e.message}`);
    return null;
  }
}

async function handleAlertEvent(run: Run, event: AlertEvent): Promise<ExecutionReport | null> {
  const { log } = run.deps;
  const payload = (event.payload ?? {}) as { action?: unknown; alert?: unknown; location?: unknown; repository?: unknown };
  const action = typeof payload.action === "string" ? payload.action : "";
  const wanted = (RESPOND_TO as Record<string, readonly string[]>)[event.name];
  if (!wanted)
    throw new InputError(
      `nhi-steward cannot handle the ${event.name} event`,
      [`event: ${event.name}`],
      `It handles ${Object.keys(RESPOND_TO).join(" and ")}.`,
    );
  if (!wanted.includes(action)) {
    log.debug(`${event.name}.${action}: nothing to do.`);
    return null;
  }

  const { repo, visibility } = repositoryFrom(payload.repository);
  if (action === "resolved") return onResolved(run, payload.alert, repo, visibility, event);
  // The policy first: it says whether a provider the webhook lacks must be read (gatherAlert).
  const { policy } = await loadPolicy(run, repo);
  const alert = await gatherAlert(run, payload.alert, repo, visibility, payload.location ? [payload.location] : [], policy);
  log.info(`${alertContext(alert)}: ${event.name}.${action}${event.id ? ` (delivery ${event.id})` : ""}`);
  const work = async () => {
    // A just-created alert cannot have a closed issue: the closed ones need not be read. A `created`
    // delivered late (redelivered after its issue was closed) reads them, and finds that issue.
    const created = alert.createdAt === null ? Number.NaN : Date.parse(alert.createdAt);
    const fresh = event.name === "secret_scanning_alert" && action === "created" && run.deps.clock.now().getTime() - created < NEW_ALERT_MS;
    const change = await planAlert(run, alert, { newAlert: fresh });
    const side = await run.drainSideChanges();
    return execute({ changes: [...side, change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log });
  };
  // With grouping, alerts of one repository may write the same group issue: one at a time, each
  // planning from what the previous one wrote (the issue index is first read inside the lock).
  const lock = run.deps.lock;
  return policy.grouping.enabled && lock ? lock.withLock(groupLockKey(alert), work) : work();
}

/**
 * `secret_scanning_alert.resolved`: someone resolved the alert on GitHub (or nhi-steward did, after
 * its issue closed). An open issue of its own is closed with a comment, as the sweep would; a
 * group's row is ticked by the next sweep.
 */
async function onResolved(
  run: Run,
  raw: unknown,
  repo: RepoRef,
  visibility: Visibility | null,
  event: AlertEvent,
): Promise<ExecutionReport | null> {
  const { log, github } = run.deps;
  const alert = await readAlert(run, raw, repo, visibility);
  const found = await openIssueOf(run, alert);
  const marker = found ? issueMarker(found.issue) : null;
  if (!found || !marker || marker.group) {
    log.debug(`${alertContext(alert)}: ${event.name}.resolved: ${!found ? "no open issue" : "its group is ticked by the sweep"}.`);
    return null;
  }
  const { issue, issueRepo } = found;
  const change = await planResolvedOnGitHub(run, issue, marker, issueRepo);
  if (!change) return null;
  log.info(
    `${alertContext(alert)}: resolved on GitHub${event.id ? ` (delivery ${event.id})` : ""}; closing ${repoName(issueRepo)}#${issue.number}.`,
  );
  return execute({ changes: [change] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
}
