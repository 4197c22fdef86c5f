import { stateLabels } from "../decide.ts";
import type { Policy } from "../policy/schema.ts";
import type { Change, ExistingIssue, Op } from "../plan.ts";
import type { Severity } from "../sla/deadlines.ts";
import type { SlaClock } from "../sla/targets.ts";
import { isManagedStateLabel, labelSpec } from "./labels.ts";
import { replaceMarker, type Marker } from "./marker.ts";

/**
 * The writes that bring an issue from one marker to the next: the marker in the body, the state
 * labels, then any other ops (replies, closing). Used by commands and closing.
 */
export function planStateChange(
  issueRepo: string,
  issue: ExistingIssue,
  before: Marker,
  after: Marker,
  policy: Policy,
  now: Date,
  extra: Op[],
  summary: string,
): Change {
  const ops: Op[] = [];
  const first = extra.filter((o) => o.op === "resolve-alert");
  const rest = extra.filter((o) => o.op !== "resolve-alert");
  ops.push(...first);
  const closing = rest.find((o): o is Extract<Op, { op: "update-issue" }> => o.op === "update-issue");
  const others = rest.filter((o) => o !== closing);
  const body = JSON.stringify(after) !== JSON.stringify(before) ? replaceMarker(issue.body, after) : undefined;
  if (body !== undefined || closing)
    ops.push({
      op: "update-issue",
      issue: issue.number,
      ...(body !== undefined ? { body } : {}),
      ...(closing?.state ? { state: closing.state } : {}),
      ...(closing?.assignees ? { assignees: closing.assignees } : {}),
    });
  const labels = after.sla ? stateLabels(policy, after.severity as Severity, after.sla as SlaClock, after, after.routing.unowned, now) : [];
  const add = labels.filter((l) => !issue.labels.includes(l));
  if (add.length) ops.push({ op: "add-labels", issue: issue.number, labels: add });
  for (const l of issue.labels.filter((l) => isManagedStateLabel(l) && labels.length && !labels.includes(l)))
    ops.push({ op: "remove-label", issue: issue.number, label: l });
  ops.push(...others);
  return {
    key: after.key,
    repo: issueRepo,
    action: ops.length ? "update" : "none",
    issue: issue.number,
    summary,
    assignees: after.routing.assignees,
    why: after.routing.why,
    labels: add.map(labelSpec),
    ops,
  };
}
