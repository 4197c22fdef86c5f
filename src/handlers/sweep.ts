import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { repoName, type RepoRef } from "../core/alert/types.ts";
import { issueRepository } from "../core/decide.ts";
import { LABELS } from "../core/issue/labels.ts";
import { decodeMarker } from "../core/issue/marker.ts";
import type { Change } from "../core/plan.ts";
import { planClock } from "../core/sla/escalate.ts";
import { execute, type Effects, type ExecutionReport } from "../github/execute.ts";
import { parseRepo, type AlertScope } from "../github/port.ts";
import { gatherAlert } from "./gather-alert.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
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
  effects?: Effects;
  /** Whether a pager is configured (the app or Action read its secrets from the environment). */
  pagerConfigured?: boolean;
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

  // Clocks. An issue whose alert change writes this run gets its clock advanced next run, so the
  // two never race on one body.
  const touched = new Set(changes.filter((c) => c.ops.length).map((c) => c.key));
  let clocks = 0;
  for (const issueRepo of issueRepos.values()) {
    let issues;
    try {
      issues = await github.listIssues(issueRepo, LABELS.response.name);
    } catch (e) {
      log.error(`sweep: could not list response issues in ${repoName(issueRepo)}: ${(e as Error).message}`);
      continue;
    }
    for (const issue of issues) {
      if (issue.state !== "open" || touched.has(keyOf(issue.body))) continue;
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
        const planned = planClock(issue, marker, { policy, now, pagerConfigured: options.pagerConfigured ?? false });
        if (planned.change.ops.length) changes.push({ ...planned.change, repo: repoName(issueRepo) });
      } catch (e) {
        log.error(`sweep: ${marker.key}: could not advance the clock of ${repoName(issueRepo)}#${issue.number}: ${(e as Error).message}`);
      }
    }
  }

  const where = scope.kind === "organization" ? `organization ${scope.org}` : repoName(scope.repo);
  log.info(`sweep of ${where}: ${alerts} open alert(s), ${clocks} clock(s), ${changes.filter((c) => c.ops.length).length} change(s) to make.`);
  const side = await run.drainSideChanges();
  const report = await execute({ changes: [...side, ...changes] }, github, { dryRun: run.options.dryRun, budget: run.budget, log, ...(options.effects ? { effects: options.effects } : {}) });
  return { ...report, alerts, clocks, unreadable };
}

function keyOf(body: string): string {
  return decodeMarker(body)?.key ?? "";
}
