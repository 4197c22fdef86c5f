import { alertFromFinding } from "../core/alert/from-finding.ts";
import { InputError } from "../core/alert/input-error.ts";
import { repoName, type RepoRef, type Visibility } from "../core/alert/types.ts";
import { findingScope, parseDispatchPayload } from "../core/findings/dispatch.ts";
import { dedupeFindings, parseFindingsReport } from "../core/findings/index.ts";
import type { ExternalFinding } from "../core/findings/types.ts";
import type { Change } from "../core/plan.ts";
import type { Policy } from "../core/policy/schema.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

export interface FindingsReport extends ExecutionReport {
  findings: number;
  /** Entries the parser skipped, with the reason (bad lines, suppressed results). */
  skipped: { reason: string; where: string }[];
  /** Findings that could not be routed (logged with the reason): the Action fails the step on any. */
  unroutable: number;
}

/**
 * Routes findings from outside GitHub's secret scanning (a detector's report, a dispatched alert)
 * exactly like secret scanning alerts: owner, runbook, SLA, one issue per finding.
 */
export async function onFindings(
  run: Run,
  findings: ExternalFinding[],
  defaultRepo: RepoRef,
  skipped: FindingsReport["skipped"] = [],
): Promise<FindingsReport> {
  const { github, log } = run.deps;
  const changes: Change[] = [];
  const receiver = repoName(defaultRepo);
  // The organisation's policy decides which repositories a finding may name (read once, when one names another).
  let orgPolicy: Promise<Policy> | null = null;
  let unroutable = 0;
  for (const f of dedupeFindings(findings)) {
    try {
      let repo = f.repository ? parseRepo(f.repository) : defaultRepo;
      // The repository the finding named when it may not: it opens in the receiver instead.
      let refused: string | null = null;
      if (f.repository && f.repository.toLowerCase() !== receiver.toLowerCase()) {
        orgPolicy ??= loadPolicy(run, { owner: defaultRepo.owner, name: ".github" }).then((loaded) => loaded.policy);
        const scope = findingScope(receiver, f.repository, await orgPolicy);
        if (!scope.ok) {
          log.error(
            `${f.source} finding sent to ${receiver} names ${scope.claimed}: refused, ${scope.problem}. To allow it, ${scope.fix}. It opens in ${receiver} instead, so it still reaches a person.`,
          );
          refused = scope.claimed;
          repo = defaultRepo;
        }
      }
      const info = await github.getRepository(repo);
      const alert = alertFromFinding(f, repo, info.visibility);
      if (refused) alert.details = [...(alert.details ?? []), untrustedNote(receiver, refused, info.visibility)];
      changes.push(await planAlert(run, alert));
    } catch (e) {
      // A refused token refuses every finding alike: the caller says what to fix once.
      if ((e as { status?: unknown } | null)?.status === 401) throw e;
      unroutable++;
      log.error(
        `${f.source} finding in ${f.repository ?? repoName(defaultRepo)}: could not be routed (${(e as Error).message}); it is not lost: fix the cause and send it again.`,
      );
    }
  }
  for (const s of skipped) log.warn(`findings: skipped ${s.where}: ${s.reason}`);
  const side = await run.drainSideChanges();
  // Findings first in the operations budget; config-error issues take what is left.
  const report = await execute({ changes: [...changes, ...side] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
  return { ...report, findings: findings.length, skipped, unroutable };
}

/** The note on a finding that named a repository its sender may not name. */
function untrustedNote(receiver: string, claimed: string, visibility: Visibility | null): [string, string] {
  // A public repository's issue does not name the other repository (it may be private).
  const named = visibility === "public" ? "another repository (not named here: this repository is public)" : `\`${claimed}\``;
  return [
    "Claimed repository",
    `${named}, not trusted: the finding was sent to \`${receiver}\`, and the organisation policy does not let ${receiver} open issues there (\`dispatch.trusted\`), so it opened here. Check who sent it before acting on it.`,
  ];
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
