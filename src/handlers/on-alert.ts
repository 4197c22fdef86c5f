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
  return typeof p.repository?.full_name === "string" && typeof p.alert?.number === "number" ? `${p.repository.full_name}#${p.alert.number}` : null;
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
  if (!wanted) throw new InputError(`nhi-steward cannot handle the ${event.name} event`, [`event: ${event.name}`], `It handles ${Object.keys(RESPOND_TO).join(" and ")}.`);
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
async function onResolved(run: Run, raw: unknown, repo: RepoRef, visibility: Visibility | null, event: AlertEvent): Promise<ExecutionReport | null> {
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
  log.info(`${alertContext(alert)}: resolved on GitHub${event.id ? ` (delivery ${event.id})` : ""}; closing ${repoName(issueRepo)}#${issue.number}.`);
  return execute({ changes: [change] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
}
