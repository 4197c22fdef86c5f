import { isGrant, repoName, type Alert, type RepoRef } from "./alert/types.ts";
import { classify, type Classification } from "./policy/classify.ts";
import { GRANT_RUNBOOK, RUNBOOKS } from "./policy/default-pack.generated.ts";
import type { Policy, System } from "./policy/schema.ts";
import { selectorMatches } from "./policy/select.ts";
import { severityOf, type SeverityDecision } from "./policy/severity.ts";
import { alertFacts } from "./routing/candidates.ts";
import { LABELS } from "./issue/labels.ts";
import type { Routing } from "./routing/types.ts";
import type { Marker, TimelineEntry } from "./issue/marker.ts";
import { startClock, stateOf, tightenClock, type SlaClock } from "./sla/targets.ts";
import type { Severity } from "./sla/deadlines.ts";

/** Everything that decides the response issue's content; `render` and `plan` take it from here. */
export interface Decision {
  alert: Alert;
  issueRepo: RepoRef;
  classification: Classification;
  severity: SeverityDecision;
  /** The system the credential belongs to, when the policy declares one. */
  system: System | null;
  routing: Routing;
  /** The runbook's Markdown: the system's, the policy's for the class, or the shipped one. */
  runbook: string;
  runbookSource: string;
  standards: string[];
  labels: string[];
  /** The issue sits in a public repository: it must not describe the secret. */
  publicSafe: boolean;
  /** When the response began: kept from the existing issue, else now. */
  openedAt: string;
  /** The SLA clock (deadlines), kept from the existing issue unless severity rose. */
  sla: SlaClock;
  /** Response state carried in the marker: acknowledgement, escalation, snooze, resolution, timeline. */
  state: Pick<Marker, "acknowledged" | "escalation" | "snooze" | "resolution" | "pending" | "autoRevoked" | "timeline" | "comments">;
  /** The inputs' digest, for the marker (see `inputsDigest`); null when not computed. */
  inputs: string | null;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function emptyState(): Decision["state"] {
  return {
    acknowledged: null,
    escalation: { level: 0, at: null },
    snooze: null,
    resolution: null,
    pending: null,
    autoRevoked: null,
    timeline: [],
    comments: null,
  };
}

/** The labels that show an issue's state: severity, SLA clock, escalation level, acknowledgement, snooze. */
export function stateLabels(
  policy: Policy,
  severity: Severity,
  sla: SlaClock,
  state: Decision["state"],
  unowned: boolean,
  now: Date,
): string[] {
  const labels: string[] = [LABELS.response.name];
  if (policy.severity_labels) labels.push(`severity:${severity}`);
  if (unowned) labels.push(LABELS.unowned.name);
  labels.push(`sla:${stateOf(sla, policy, state.acknowledged !== null, now)}`);
  if (state.escalation.level > 0) labels.push(`escalation:L${state.escalation.level}`);
  if (state.acknowledged) labels.push(LABELS.acknowledged.name);
  if (state.snooze && new Date(state.snooze.until) > now) labels.push(LABELS.snoozed.name);
  if (state.autoRevoked) labels.push(LABELS.autoRevoked.name);
  return labels;
}

export interface DecideInputs {
  policy: Policy;
  /** Repository custom properties, when read. */
  properties?: Record<string, string> | null;
  now: Date;
  /** The existing issue's marker: its start, clock and state carry over. */
  previous?: Marker | null;
  /** Where the issue lives when it cannot be where the policy says (issues disabled there). */
  issueRepo?: RepoRef;
  /** The inputs' digest (`inputsDigest`), kept in the marker. */
  inputs?: string | null;
}

/** Where the response issue lives. Public repositories use the private response repository when there is one. */
export function issueRepository(alert: Alert, policy: Policy): RepoRef {
  const response = policy.response_repository;
  if (response && (policy.issues_in === "response-repository" || alert.visibility === "public")) {
    const [owner, name] = response.split("/") as [string, string];
    return { owner, name };
  }
  return alert.repo;
}

export function decide(alert: Alert, routing: Routing, inputs: DecideInputs): Decision {
  const { policy, now } = inputs;
  const properties = inputs.properties ?? null;
  const classification = classify(alert, policy);
  const facts = alertFacts(alert, { classification, properties });
  const system = policy.systems.find((s) => s.credentials.some((c) => selectorMatches(c, facts))) ?? null;
  const severity = severityOf(alert, facts, policy);
  const issueRepo = inputs.issueRepo ?? issueRepository(alert, policy);
  const publicSafe = alert.visibility === "public" && repoName(issueRepo) === repoName(alert.repo);

  const previous = inputs.previous ?? null;
  const openedAt = previous?.openedAt ?? now.toISOString();
  const cls = classification.identityClass;
  const state = previous
    ? {
        acknowledged: previous.acknowledged,
        escalation: previous.escalation,
        snooze: previous.snooze,
        resolution: previous.resolution,
        pending: previous.pending,
        autoRevoked: previous.autoRevoked,
        timeline: [...previous.timeline],
        comments: previous.comments,
      }
    : emptyState();
  let sla: SlaClock;
  if (!previous?.sla) {
    sla = startClock(policy, severity.severity, cls, new Date(openedAt), system?.name ?? null);
    if (!previous) state.timeline.push({ at: now.toISOString(), event: "opened", by: null, detail: routing.why } satisfies TimelineEntry);
  } else if (SEVERITY_RANK[severity.severity] > SEVERITY_RANK[previous.severity as Severity]) {
    sla = tightenClock(previous.sla as SlaClock, policy, severity.severity, cls, now, system?.name ?? null);
    state.timeline.push({
      at: now.toISOString(),
      event: "severity-changed",
      by: null,
      detail: `${previous.severity} → ${severity.severity}`,
    });
  } else {
    sla = previous.sla as SlaClock;
    if (previous.severity !== severity.severity)
      state.timeline.push({
        at: now.toISOString(),
        event: "severity-changed",
        by: null,
        detail: `${previous.severity} → ${severity.severity}`,
      });
  }

  const notes = publicSafe
    ? [
        "This repository is public, so this issue is public too: it leaves out where the secret is and whether it works. Set `response_repository` in the policy to open such issues in a private repository.",
      ]
    : [];
  const labels = stateLabels(policy, severity.severity, sla, state, routing.unowned, now);

  const grant = isGrant(alert);
  const [runbook, runbookSource] =
    grant && !system?.runbook && !policy.runbooks[cls]
      ? [GRANT_RUNBOOK, "the default runbook for risky grants"]
      : system?.runbook
        ? [system.runbook, `the runbook of system ${system.name}`]
        : policy.runbooks[cls]
          ? [policy.runbooks[cls]!, `the policy's runbook for ${cls}`]
          : [RUNBOOKS[cls], `the default runbook for ${cls}`];

  return {
    alert,
    issueRepo,
    classification,
    severity,
    system,
    routing: notes.length ? { ...routing, notes: [...routing.notes, ...notes] } : routing,
    runbook,
    runbookSource,
    standards: policy.standards,
    labels,
    publicSafe,
    openedAt,
    sla,
    state,
    inputs: inputs.inputs ?? null,
  };
}
