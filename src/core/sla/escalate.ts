import type { Policy } from "../policy/schema.ts";
import type { EscalationLevel } from "../policy/schema-response.ts";
import { emptyState, stateLabels } from "../decide.ts";
import { isManagedStateLabel, labelSpec } from "../issue/labels.ts";
import { fragment, text } from "../issue/markdown.ts";
import { replaceMarker, type Marker, type TimelineEntry } from "../issue/marker.ts";
import type { Change, ExistingIssue, Op } from "../plan.ts";
import { parseOwner } from "../routing/types.ts";
import { isWorkingTime, workingLength, workingTimeBetween, addWorkingTime } from "./calendar.ts";
import type { Severity } from "./deadlines.ts";
import { formatDeadline } from "./format.ts";
import { calendarFor, stateOf, type SlaClock } from "./targets.ts";

export interface ClockContext {
  policy: Policy;
  now: Date;
  /** Whether a pager (PagerDuty or webhook) is configured, so `page` actions can act. */
  pagerConfigured: boolean;
}

export interface ClockPlan {
  change: Change;
  /** A level asked for revocation (the handler applies the gates and the method). */
  revokeRequested: boolean;
  marker: Marker;
}

const SEVERITY_UP: Record<Severity, Severity> = { low: "medium", medium: "high", high: "critical", critical: "critical" };

/** When a level fires: a share of the window, or a duration past its deadline. */
export function levelDueAt(level: EscalationLevel, sla: SlaClock, policy: Policy): Date {
  const cal = calendarFor(sla.calendar, policy);
  const start = new Date(sla.startedAt);
  const deadline = new Date(level.from === "acknowledge" ? sla.acknowledgeBy : sla.remediateBy);
  if (level.after.kind === "share") {
    const window = workingTimeBetween(cal, start, deadline);
    return addWorkingTime(cal, start, { kind: "elapsed", ms: Math.max(60_000, Math.round(window * level.after.share)) });
  }
  return level.after.duration
    ? new Date(
        deadline.getTime() +
          (level.after.duration.kind === "elapsed"
            ? level.after.duration.ms
            : workingLength(calendarFor("24x7", policy), level.after.duration)),
      )
    : deadline;
}

interface Target {
  mentions: string[];
  assign: string[];
  describe: string;
}

/** Who a level's target means for this issue. */
function resolveTarget(level: EscalationLevel, marker: Marker, policy: Policy): Target {
  const owners = (list: string[]) => {
    const assign = list.map(parseOwner).flatMap((o) => (o?.kind === "user" ? [o.login] : []));
    return { mentions: list, assign };
  };
  const system = policy.systems.find((s) => s.name === marker.system);
  switch (level.target) {
    case "owner": {
      const people = [...marker.routing.assignees.map((a) => `@${a}`), ...marker.routing.mentions];
      return { mentions: people, assign: [], describe: "the owner" };
    }
    case "steward":
      return system
        ? { ...owners([system.steward]), describe: `the steward of ${system.name}` }
        : {
            ...owners(policy.fallback_owner ? [policy.fallback_owner] : []),
            describe: "the fallback owner (no system steward is declared)",
          };
    case "manager":
      if (system?.manager) return { ...owners([system.manager]), describe: `the manager of ${system.name}` };
      if (policy.escalation.incident_commander)
        return { ...owners([policy.escalation.incident_commander]), describe: "the incident commander (no manager is declared)" };
      return { ...owners(policy.fallback_owner ? [policy.fallback_owner] : []), describe: "the fallback owner (no manager is declared)" };
    case "incident-commander":
      return {
        ...owners(
          policy.escalation.incident_commander
            ? [policy.escalation.incident_commander]
            : policy.fallback_owner
              ? [policy.fallback_owner]
              : [],
        ),
        describe: "the incident commander",
      };
    case "on-call":
      return { ...owners(policy.escalation.on_call ? [policy.escalation.on_call] : []), describe: "on-call" };
    default:
      return { ...owners([level.target]), describe: level.target };
  }
}

/**
 * Plans what time alone changes on an open response issue: the clock's label, escalation levels
 * (with after-hours routing to on-call and the morning handback), snooze expiry, repeats. Pure:
 * the same issue at the same instant always gives the same plan, and applying it twice changes
 * nothing the second time.
 */
export function planClock(issue: ExistingIssue, marker: Marker, ctx: ClockContext): ClockPlan {
  const { policy, now } = ctx;
  const at = now.toISOString();
  const next: Marker = { ...marker, escalation: { ...marker.escalation }, timeline: [...marker.timeline] };
  const sla = (marker.sla ?? null) as SlaClock | null;
  const ops: Op[] = [];
  const comments: string[] = [];
  const assign = new Set<string>();
  let revokeRequested = false;
  const event = (e: TimelineEntry["event"], detail: string | null = null, by: string | null = null) =>
    next.timeline.push({ at, event: e, by, detail });

  if (!sla || marker.resolution) return { change: emptyChange(issue, marker), revokeRequested: false, marker };

  if (next.snooze && new Date(next.snooze.until) <= now) {
    comments.push(`The snooze by @${next.snooze.by} ended (${text(next.snooze.reason)}). Escalation resumes.`);
    event("snooze-expired", next.snooze.until);
    next.snooze = null;
  }
  const snoozed = next.snooze !== null;

  const state = stateOf(sla, policy, next.acknowledged !== null, now);
  const before = issue.labels.find((l) => l.startsWith("sla:"))?.slice(4);
  if (state !== before && (state === "at-risk" || state === "breached")) event(state, `remediate by ${sla.remediateBy}`);

  const business = policy.sla.business_hours;
  const afterHours = !isWorkingTime(business, now);
  const owner = [...marker.routing.assignees.map((a) => `@${a}`), ...marker.routing.mentions].join(" ") || "owner";

  const fire = (index: number, level: EscalationLevel, repeat: boolean) => {
    const target = resolveTarget(level, next, policy);
    const toOnCall = afterHours && policy.escalation.on_call && level.target !== "on-call" && level.target !== "incident-commander";
    const who = toOnCall ? [policy.escalation.on_call!] : target.mentions;
    const name = `L${index + 1}${level.name ? ` (${level.name})` : ""}`;
    const shown = `L${index + 1}${level.name ? ` (${text(level.name)})` : ""}`;
    const deadline = new Date(level.from === "acknowledge" ? sla.acknowledgeBy : sla.remediateBy);
    const when = `${level.from === "acknowledge" ? "acknowledge" : "remediate"} deadline ${formatDeadline(deadline, sla.timeZone, now)}`;
    const lines = [
      `**Escalation ${shown}${repeat ? ", repeated" : ""}**: ${who.join(" ") || "(nobody configured)"}, this ${next.severity} alert is not ${level.from === "acknowledge" ? "acknowledged" : "remediated"} (${when}).`,
    ];
    if (toOnCall) {
      lines.push(
        `It is outside business hours, so this goes to on-call instead of ${target.describe}; the owner gets it back at the next business opening.`,
      );
      event("after-hours", `${name} → ${policy.escalation.on_call}`);
    }
    if (level.actions.includes("assign") && !toOnCall) target.assign.forEach((a) => assign.add(a));
    if (level.actions.includes("raise-severity") && next.severity !== "critical") {
      const raised = SEVERITY_UP[next.severity as Severity];
      lines.push(`Severity raised from ${next.severity} to **${raised}**.`);
      event("severity-changed", `${next.severity} → ${raised} (escalation ${name})`);
      next.severity = raised;
    }
    if ((level.actions.includes("page") || toOnCall) && ctx.pagerConfigured) {
      ops.push({
        op: "page",
        alertKey: marker.key,
        severity: next.severity as Severity,
        summary: `nhi-steward ${name}: ${marker.key} (${next.severity}) not remediated`,
        url: issue.url ?? null,
        identityClass: marker.identityClass,
        secretType: marker.secretType,
      });
      lines.push("On-call has been paged.");
    }
    if (level.actions.includes("revoke")) {
      revokeRequested = true;
      lines.push("Automatic revocation was requested; its safety gates decide.");
    }
    if (level.actions.includes("comment") || toOnCall || lines.length > 1) comments.push(lines.join("\n"));
    event("escalated", `${name}${repeat ? " (repeat)" : ""} → ${who.join(" ")}`);
  };

  if (!snoozed) {
    const levels = policy.escalation.levels;
    let level = next.escalation.level;
    for (let i = level; i < levels.length; i++) {
      const l = levels[i]!;
      if (levelDueAt(l, sla, policy) > now) break;
      level = i + 1;
      if (l.from === "acknowledge" && next.acknowledged) continue;
      fire(i, l, false);
      next.escalation = { level, at };
    }
    next.escalation.level = level;
    const repeat = policy.escalation.repeat;
    if (repeat && level === levels.length && levels.length && next.escalation.at) {
      const every = repeat.kind === "elapsed" ? repeat.ms : workingLength({ kind: "24x7" }, repeat);
      if (now.getTime() - new Date(next.escalation.at).getTime() >= every) {
        fire(levels.length - 1, levels[levels.length - 1]!, true);
        next.escalation = { level, at };
      }
    }
  }

  // Morning handback: the first sweep in business hours after an after-hours escalation.
  const lastAfterHours = [...next.timeline].reverse().find((e) => e.event === "after-hours");
  const lastHandback = [...next.timeline].reverse().find((e) => e.event === "handed-back");
  if (lastAfterHours && !afterHours && (!lastHandback || lastHandback.at < lastAfterHours.at)) {
    const overnight = next.timeline.filter((e) => e.at >= lastAfterHours.at && e.event !== "handed-back");
    comments.push(
      [
        `Good morning ${owner}: this is back with you. What happened outside business hours:`,
        ...overnight.map((e) => `- ${e.at.slice(0, 16).replace("T", " ")} UTC: ${e.event}${e.detail ? ` (${fragment(e.detail)})` : ""}`),
      ].join("\n"),
    );
    event("handed-back", owner);
  }

  const labels = stateLabels(policy, next.severity as Severity, sla, { ...emptyState(), ...pickState(next) }, marker.routing.unowned, now);
  const add = labels.filter((l) => !issue.labels.includes(l));
  const remove = issue.labels.filter((l) => isManagedStateLabel(l) && !labels.includes(l));
  const changedMarker = JSON.stringify(next) !== JSON.stringify(marker);
  if (changedMarker) ops.unshift({ op: "update-issue", issue: issue.number, body: replaceMarker(issue.body, next) });
  if (add.length) ops.push({ op: "add-labels", issue: issue.number, labels: add });
  for (const l of remove) ops.push({ op: "remove-label", issue: issue.number, label: l });
  const newAssignees = [...assign].filter((a) => !(issue.assignees ?? []).includes(a));
  if (newAssignees.length) ops.push({ op: "add-assignees", issue: issue.number, assignees: newAssignees });
  for (const c of comments) ops.push({ op: "comment", issue: issue.number, body: c });

  return {
    change: {
      key: marker.key,
      repo: "",
      action: ops.length ? "update" : "none",
      issue: issue.number,
      summary: ops.length
        ? `advance the clock of #${issue.number} (${state}${next.escalation.level ? `, escalation L${next.escalation.level}` : ""})`
        : `#${issue.number} clock unchanged (${state})`,
      assignees: marker.routing.assignees,
      why: marker.routing.why,
      labels: add.map(labelSpec),
      ops,
    },
    revokeRequested,
    marker: next,
  };
}

function pickState(m: Marker) {
  return {
    acknowledged: m.acknowledged,
    escalation: m.escalation,
    snooze: m.snooze,
    resolution: m.resolution,
    pending: m.pending,
    autoRevoked: m.autoRevoked,
    timeline: m.timeline,
  };
}

function emptyChange(issue: ExistingIssue, marker: Marker): Change {
  return {
    key: marker.key,
    repo: "",
    action: "none",
    issue: issue.number,
    summary: `#${issue.number} has no clock`,
    assignees: [],
    why: marker.routing.why,
    labels: [],
    ops: [],
  };
}
