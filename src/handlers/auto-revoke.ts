import { isGitHubAlert } from "../core/alert/types.ts";
import type { Marker } from "../core/issue/marker.ts";
import { text } from "../core/issue/markdown.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import type { Change, ExistingIssue } from "../core/plan.ts";
import { autoRevokeRule } from "../core/policy/auto-revoke-rule.ts";
import type { Policy } from "../core/policy/schema.ts";
import { workingLength } from "../core/sla/calendar.ts";
import type { ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import type { Run } from "./run.ts";

export interface RevocationCandidate {
  issueRepo: string;
  issue: ExistingIssue;
  marker: Marker;
  policy: Policy;
  /** A level or `/revoke` asked for it. */
  requested: boolean;
}

const DAY = 86_400_000;

function allowedByPolicy(c: RevocationCandidate): { after: number } | null {
  const rule = autoRevokeRule(c.policy, c.marker);
  return rule ? { after: rule.after.kind === "elapsed" ? rule.after.ms : workingLength({ kind: "24x7" }, rule.after) } : null;
}

function lastEvent(m: Marker, event: Marker["timeline"][number]["event"]): string | null {
  return [...m.timeline].reverse().find((e) => e.event === event)?.at ?? null;
}

/**
 * Plans automatic revocations, behind every gate: the policy opts the credential in; its SLA
 * lapsed long enough ago (or someone asked); the alert is still open and the secret active or
 * unknown (re-read now); the issue is not snoozed; per-run and per-day limits; dry-run plans only.
 */
export async function planRevocations(
  run: Run,
  candidates: RevocationCandidate[],
  supports: (c: RevocationCandidate) => boolean,
): Promise<Change[]> {
  const { clock, github, log } = run.deps;
  const now = clock.now();
  const changes: Change[] = [];
  const recent = candidates.filter((c) => c.marker.autoRevoked && now.getTime() - new Date(c.marker.autoRevoked.at).getTime() < DAY).length;
  let planned = 0;
  for (const c of [...candidates].sort((a, b) => String(a.marker.sla?.remediateBy).localeCompare(String(b.marker.sla?.remediateBy)))) {
    const m = c.marker;
    const where = `${m.repo} alert#${m.alert}`;
    if (m.autoRevoked || m.resolution || !m.sla || !isGitHubAlert(m.key)) continue;
    const allowed = allowedByPolicy(c);
    const requestedAt = lastEvent(m, "revocation-requested");
    const failedAt = lastEvent(m, "revocation-failed");
    const requested = c.requested || (requestedAt !== null && (failedAt === null || failedAt < requestedAt));
    const due = allowed !== null && now.getTime() >= new Date(m.sla.remediateBy).getTime() + allowed.after;
    if (!due && !(requested && allowed)) {
      if (requested && !allowed)
        log.info(
          `${where}: revocation was requested, but the policy does not allow automatic revocation for ${m.identityClass}; nothing done.`,
        );
      continue;
    }
    if (m.snooze && new Date(m.snooze.until) > now) {
      log.info(`${where}: not revoked: snoozed until ${m.snooze.until}.`);
      continue;
    }
    if (!supports(c)) {
      log.info(`${where}: not revoked: no configured method supports ${m.secretType || m.identityClass}.`);
      continue;
    }
    const limits = c.policy.auto_revoke;
    if (planned >= limits.per_run || recent + planned >= limits.per_day) {
      log.warn(`${where}: revocation deferred: the limit of ${limits.per_run} per run / ${limits.per_day} per day is reached.`);
      continue;
    }
    let alert: { state?: string; validity?: string };
    try {
      alert = (await github.getSecretScanningAlert(parseRepo(m.repo), m.alert)) as typeof alert;
    } catch (e) {
      log.warn(`${where}: not revoked: could not re-read the alert (${(e as Error).message}).`);
      continue;
    }
    if (alert.state !== "open" || !(alert.validity === "active" || alert.validity === "unknown" || alert.validity === undefined)) {
      log.info(`${where}: not revoked: the alert is ${alert.state}, validity ${alert.validity}.`);
      continue;
    }
    if (limits.dry_run) {
      log.info(`${where}: dry run: would revoke ${m.secretType || m.identityClass} now (SLA lapsed at ${m.sla.remediateBy}).`);
      continue;
    }
    planned++;
    changes.push({
      key: m.key,
      repo: c.issueRepo,
      action: "update",
      issue: c.issue.number,
      summary: `revoke the credential of ${m.key}`,
      assignees: [],
      why: m.routing.why,
      labels: [],
      ops: [
        {
          op: "revoke",
          alertKey: m.key,
          repo: m.repo,
          alert: m.alert,
          secretType: m.secretType,
          identityClass: m.identityClass,
          issueUrl: c.issue.url ?? null,
        },
      ],
    });
  }
  return changes;
}

/** After revoking: resolve the alert, say what was done, label it; or report the failure and escalate. */
export function planAfterRevocation(run: Run, c: RevocationCandidate, report: ExecutionReport): Change | null {
  const result = report.results.find((r) => r.change.key === c.marker.key && r.change.ops.some((o) => o.op === "revoke"));
  if (!result || result.status === "planned" || result.status === "deferred") return null;
  const now = run.deps.clock.now();
  const at = now.toISOString();
  const m = c.marker;
  if (result.status === "applied") {
    const method = "credentials revocation";
    const after: Marker = {
      ...m,
      autoRevoked: { at, method },
      timeline: [...m.timeline, { at, event: "auto-revoked", by: "nhi-steward", detail: method }],
    };
    return planStateChange(
      c.issueRepo,
      c.issue,
      m,
      after,
      c.policy,
      now,
      [
        {
          op: "resolve-alert",
          repo: m.repo,
          alert: m.alert,
          resolution: "revoked",
          comment: `Revoked automatically by nhi-steward after the SLA lapsed (${c.issue.url ?? `#${c.issue.number}`})`,
        },
        {
          op: "comment",
          issue: c.issue.number,
          body: `**Revoked automatically** at ${at} (the remediate deadline was ${m.sla?.remediateBy}). The alert is resolved as revoked. Check what depended on this credential (see “What usually breaks” above), then close this issue with \`/resolve revoked\`.`,
        },
      ],
      `record the revocation of ${m.key}`,
    );
  }
  const error = result.error ?? "unknown error";
  const after: Marker = {
    ...m,
    escalation: { level: m.escalation.level + 1, at },
    timeline: [...m.timeline, { at, event: "revocation-failed", by: "nhi-steward", detail: error }],
  };
  const who = [...m.routing.assignees.map((a) => `@${a}`), ...m.routing.mentions, c.policy.escalation.incident_commander ?? ""]
    .filter(Boolean)
    .join(" ");
  return planStateChange(
    c.issueRepo,
    c.issue,
    m,
    after,
    c.policy,
    now,
    [
      {
        op: "comment",
        issue: c.issue.number,
        body: `**Automatic revocation failed**: ${text(error)}. ${who}, revoke it by hand now (see the runbook); this is escalated to level ${after.escalation.level}.`,
      },
    ],
    `report the failed revocation of ${m.key}`,
  );
}
