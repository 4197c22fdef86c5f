import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { repoName, type RepoRef } from "../core/alert/types.ts";
import { issueRepository } from "../core/decide.ts";
import { LABELS } from "../core/issue/labels.ts";
import { decodeMarker, markerKey } from "../core/issue/marker.ts";
import { afterOps, type Change } from "../core/plan.ts";
import { planClock } from "../core/sla/escalate.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { planAfterRevocation, planRevocations, type RevocationCandidate } from "./auto-revoke.ts";
import type { RunEffects } from "./effects.ts";
import { parseRepo, type AlertScope } from "../github/port.ts";
import { gatherAlert } from "./gather-alert.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
import { planAppAccess } from "./app-inventory.ts";
import { planResolvedOnGitHub } from "./sync-alert.ts";
import type { Run } from "./run.ts";

export interface SweepReport extends ExecutionReport {
  /** Open alerts seen in scope. */
  alerts: number;
  /** Open response issues whose clocks were evaluated. */
  clocks: number;
  /** Alerts that could not be planned (logged with the reason); the next sweep retries them. */
  unreadable: number;
}

export interface SweepOptions {
  /** Pagers and revocation methods, from the environment (see effects.ts). Without them, nothing pages or revokes. */
  effects?: RunEffects;
}

/**
 * One pass over a scope: (1) every open secret scanning alert gets its issue, exactly as a
 * webhook would (a missed webhook is healed); (2) every open response issue's SLA clock is
 * advanced: labels, escalations, after-hours routing, handback; (3) issues whose alert was
 * resolved on GitHub are closed. One plan, one executor; running it twice at the same instant
 * changes nothing the second time.
 */
export async function sweep(run: Run, scope: AlertScope, options: SweepOptions = {}): Promise<SweepReport> {
  const { github, log, clock } = run.deps;
  const now = clock.now();
  const changes: Change[] = [];
  const openKeys = new Set<string>();
  const issueRepos = new Map<string, RepoRef>();
  let alerts = 0;
  let unreadable = 0;

  for await (const listed of github.listOpenSecretScanningAlerts(scope)) {
    alerts++;
    try {
      const { repo, visibility } = repositoryFrom(listed.repository);
      const alert = await gatherAlert(run, listed.alert, repo, visibility);
      openKeys.add(alert.key);
      const { policy } = await loadPolicy(run, alert.repo);
      const where = issueRepository(alert, policy);
      issueRepos.set(repoName(where), where);
      changes.push(await planAlert(run, alert));
    } catch (e) {
      unreadable++;
      log.error(`sweep: an alert could not be planned: ${(e as Error).message}`);
    }
  }
  if (scope.kind === "repository") issueRepos.set(repoName(scope.repo), scope.repo);
  else {
    changes.push(...(await planAppAccess(run, scope.org)));
    // Issues with no alert repository of their own (token requests) live here.
    const home = { owner: scope.org, name: ".github" };
    const { policy } = await loadPolicy(run, home);
    const where = policy.response_repository ? parseRepo(policy.response_repository) : home;
    issueRepos.set(repoName(where), where);
  }

  // Clocks. When the alert itself changed this run, the clock is planned on top of that change, in
  // the same change, so the two never race on one body.
  const byKey = new Map(changes.filter((c) => c.ops.length && c.issue !== null).map((c) => [c.key, c]));
  let clocks = 0;
  const candidates: RevocationCandidate[] = [];
  for (const issueRepo of issueRepos.values()) {
    let issues;
    try {
      issues = await github.listIssues(issueRepo, LABELS.response.name);
    } catch (e) {
      log.error(`sweep: could not list response issues in ${repoName(issueRepo)}: ${(e as Error).message}`);
      continue;
    }
    for (const listed of issues) {
      const pending = byKey.get(keyOf(listed.body));
      const issue = pending ? afterOps(listed, pending.ops) : listed;
      if (issue.state !== "open") continue;
      const marker = decodeMarker(issue.body);
      if (!marker) continue;
      try {
        if (!openKeys.has(marker.key) && marker.key.startsWith("secret-scanning:")) {
          const closing = await planResolvedOnGitHub(run, issue, marker, issueRepo);
          if (closing) {
            changes.push(closing);
            continue;
          }
        }
        const { policy } = await loadPolicy(run, parseRepo(marker.repo));
        clocks++;
        const via = options.effects?.pagerFor(policy) ?? null;
        const planned = planClock(issue, marker, { policy, now, pagerConfigured: via !== null });
        // Pages go through the pager this issue's policy names.
        if (via) planned.change.ops = planned.change.ops.map((o) => (o.op === "page" ? { ...o, via } : o));
        if (planned.change.ops.length && pending) {
          pending.ops.push(...planned.change.ops);
          pending.labels.push(...planned.change.labels.filter((l) => !pending.labels.some((p) => p.name === l.name)));
        } else if (planned.change.ops.length) changes.push({ ...planned.change, repo: repoName(issueRepo) });
        const ops = planned.change.ops;
        const added = ops.flatMap((o) => (o.op === "add-labels" ? o.labels : []));
        const removed = ops.flatMap((o) => (o.op === "remove-label" ? [o.label] : []));
        const body = ops.find((o) => o.op === "update-issue" && o.body !== undefined) as { body: string } | undefined;
        candidates.push({
          issueRepo: repoName(issueRepo),
          issue: { ...issue, body: body?.body ?? issue.body, labels: [...issue.labels.filter((l) => !removed.includes(l)), ...added] },
          marker: planned.marker,
          policy,
          requested: planned.revokeRequested,
        });
      } catch (e) {
        log.error(`sweep: ${marker.key}: could not advance the clock of ${repoName(issueRepo)}#${issue.number}: ${(e as Error).message}`);
      }
    }
  }

  const where = scope.kind === "organization" ? `organization ${scope.org}` : repoName(scope.repo);
  log.info(`sweep of ${where}: ${alerts} open alert(s), ${clocks} clock(s), ${changes.filter((c) => c.ops.length).length} change(s) to make.`);
  const side = await run.drainSideChanges();
  const exec = (list: Change[]) => execute({ changes: list }, github, { dryRun: run.options.dryRun, budget: run.budget, log, ...(options.effects ? { effects: options.effects.effects } : {}) });
  let report = await exec([...side, ...changes]);

  // Revocations go last, after the clocks they depend on are written; then what they did is recorded.
  if (options.effects && candidates.length) {
    const revokes = await planRevocations(run, candidates, options.effects.supports);
    if (revokes.length) {
      const revoked = await exec(revokes);
      const followUps = candidates.map((c) => planAfterRevocation(run, c, revoked)).filter((c): c is Change => c !== null);
      const recorded = await exec(followUps);
      report = merge(merge(report, revoked), recorded);
    }
  }
  return { ...report, alerts, clocks, unreadable };
}

function merge(a: ExecutionReport, b: ExecutionReport): ExecutionReport {
  return { results: [...a.results, ...b.results], opened: a.opened + b.opened, updated: a.updated + b.updated, deferred: a.deferred + b.deferred, failed: a.failed + b.failed, writes: a.writes + b.writes, dryRun: a.dryRun };
}

function keyOf(body: string): string {
  return markerKey(body) ?? "";
}
