import { alertFromFinding } from "../core/alert/from-finding.ts";
import { InputError } from "../core/alert/input-error.ts";
import { repoName, type RepoRef } from "../core/alert/types.ts";
import { parseDispatchPayload } from "../core/findings/dispatch.ts";
import { dedupeFindings, parseFindingsReport } from "../core/findings/index.ts";
import type { ExternalFinding } from "../core/findings/types.ts";
import type { Change } from "../core/plan.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

export interface FindingsReport extends ExecutionReport {
  findings: number;
  /** Entries the parser skipped, with the reason (bad lines, suppressed results). */
  skipped: { reason: string; where: string }[];
}

/**
 * Routes findings from outside GitHub's secret scanning (a detector's report, a dispatched alert)
 * exactly like secret scanning alerts: owner, runbook, SLA, one issue per finding.
 */
export async function onFindings(run: Run, findings: ExternalFinding[], defaultRepo: RepoRef, skipped: FindingsReport["skipped"] = []): Promise<FindingsReport> {
  const { github, log } = run.deps;
  const changes: Change[] = [];
  for (const f of dedupeFindings(findings)) {
    try {
      const repo = f.repository ? parseRepo(f.repository) : defaultRepo;
      const info = await github.getRepository(repo);
      const alert = alertFromFinding(f, repo, info.visibility);
      changes.push(await planAlert(run, alert));
    } catch (e) {
      log.error(`${f.source} finding in ${f.repository ?? repoName(defaultRepo)}: could not be routed (${(e as Error).message}); it is not lost: fix the cause and send it again.`);
    }
  }
  for (const s of skipped) log.warn(`findings: skipped ${s.where}: ${s.reason}`);
  const side = await run.drainSideChanges();
  const report = await execute({ changes: [...side, ...changes] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
  return { ...report, findings: findings.length, skipped };
}

/** A detector report's text (gitleaks JSON, TruffleHog JSON lines, SARIF); raw secrets are dropped while parsing. */
export async function onFindingsReport(run: Run, text: string, defaultRepo: RepoRef): Promise<FindingsReport> {
  const parsed = parseFindingsReport(text, "auto");
  return onFindings(run, parsed.findings, defaultRepo, parsed.skipped);
}

/**
 * A `repository_dispatch` with `event_type: nhi-alert` (or the Action's `alert` input). An invalid
 * payload is answered with an error that quotes the failing fields and names the schema.
 */
export async function onDispatch(run: Run, payload: unknown, defaultRepo: RepoRef): Promise<FindingsReport> {
  try {
    const parsed = parseDispatchPayload(payload);
    return await onFindings(run, parsed.findings, defaultRepo);
  } catch (e) {
    if (e instanceof InputError) run.deps.log.error(`repository_dispatch nhi-alert to ${repoName(defaultRepo)} rejected: ${e.message}`);
    throw e;
  }
}
