import { isResolution } from "../core/commands.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { repoName } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import type { Marker } from "../core/issue/marker.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { issueContextFrom } from "./on-comment.ts";
import { explainRefusals, planResolve } from "./respond-to-owner.ts";
import { authorizeAct } from "./authority.ts";
import { placeProblem } from "../core/issue/provenance.ts";
import type { RawIssue } from "./on-comment.ts";
import { withGroupIssue } from "./plan-group.ts";
import type { Run } from "./run.ts";

/**
 * `issues.closed` on a response issue. With a `resolution:*` label, the alert is resolved to
 * match. Without one, the issue is reopened with a request for a resolution: the clock keeps running.
 */
export async function onIssueClosed(
  run: Run,
  payload: { issue?: RawIssue; repository?: unknown; sender?: { login?: string; type?: string } },
): Promise<ExecutionReport | null> {
  if (!payload.issue) return null;
  const { repo } = repositoryFrom(payload.repository);
  const issueRepo = repoName(repo);
  const event = issueContextFrom(run, payload.issue, issueRepo);
  if (!event || event.marker.resolution) return null; // not ours, or closed by nhi-steward after resolving
  // A group issue is read again under its lock: rows added since the event was sent are resolved too.
  return withGroupIssue(run, issueRepo, event, (found) =>
    found.marker.resolution ? Promise.resolve(null) : closed(run, payload, found, issueRepo),
  );
}

async function closed(
  run: Run,
  payload: { sender?: { login?: string } },
  found: NonNullable<ReturnType<typeof issueContextFrom>>,
  issueRepo: string,
): Promise<ExecutionReport | null> {
  const { log, clock } = run.deps;
  const actor = payload.sender?.login ?? "someone";
  const { policy } = await loadPolicy(run, parseRepo(found.marker.repo));
  const misplaced = placeProblem(found.marker.repo, issueRepo, policy.response_repository);
  if (misplaced) {
    log.warn(`${issueRepo}#${found.issue.number} is not acted on: ${misplaced}.`);
    return null;
  }
  const now = clock.now();
  const labelled = found.issue.labels.filter((l) => l.startsWith("resolution:")).map((l) => l.slice(11));
  const known = labelled.filter(isResolution);

  let change;
  const verdict =
    known.length === 1
      ? await authorizeAct(run, found.marker, policy, actor, { kind: "resolve", resolution: known[0]!, via: "close" })
      : null;
  /** Reopens the issue, records why in the timeline, and makes `label` the change (added or taken off). */
  const reopen = (detail: string | null, label: { add?: string; remove?: string }, body: string, summary: string) => {
    const after: Marker = {
      ...found.marker,
      timeline: [...found.marker.timeline, { at: now.toISOString(), event: "closed-without-resolution", by: actor, detail }],
    };
    return planStateChange(
      issueRepo,
      found.issue,
      found.marker,
      after,
      policy,
      now,
      [
        { op: "update-issue", issue: found.issue.number, state: "open" },
        label.remove
          ? { op: "remove-label", issue: found.issue.number, label: label.remove }
          : { op: "add-labels", issue: found.issue.number, labels: [label.add!] },
        { op: "comment", issue: found.issue.number, body },
      ],
      summary,
    );
  };
  if (verdict && !verdict.ok) {
    // Not theirs to close: reopened as it was, the resolution label they added taken off, the alert untouched.
    change = reopen(
      `resolution:${known[0]!} refused: not authorised`,
      { remove: `resolution:${known[0]!}` },
      `${verdict.reply}\n\nThis issue is reopened and the alert is untouched. The SLA clock keeps running.`,
      `refuse a close of #${found.issue.number} by @${actor}`,
    );
  } else if (verdict) {
    change = await planResolve(run, { issueRepo, ...found, policy }, known[0]!, "", actor, { bySecurity: verdict.bySecurity });
  } else {
    const why =
      known.length > 1
        ? `it carries ${known.length} resolution labels (${known.map((k) => `\`resolution:${k}\``).join(", ")}); keep exactly one`
        : "it was closed without saying how";
    change = reopen(
      known.length > 1 ? `conflicting labels ${known.join(", ")}` : null,
      { add: LABELS.needsResolution.name },
      `@${actor}, this is reopened because ${why}. Close it with one label of \`resolution:revoked\`, \`resolution:rotated\`, \`resolution:false-positive\`, \`resolution:used-in-tests\`, \`resolution:wont-fix\`, or comment \`/resolve <resolution> <comment>\`. The SLA clock keeps running.`,
      `ask for a resolution on #${found.issue.number}`,
    );
    change.labels.push(LABELS.needsResolution);
  }
  log.info(`${found.marker.key}: ${change.summary}`);
  const report = await execute({ changes: [change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log });
  await explainRefusals(run, report);
  return report;
}
