import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import type { Change } from "../core/plan.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import type { AlertScope } from "../github/port.ts";
import { gatherAlert } from "./gather-alert.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

export interface SweepReport extends ExecutionReport {
  /** Open alerts seen in scope. */
  alerts: number;
  /** Alerts that could not be planned (logged with the reason); the next sweep retries them. */
  unreadable: number;
}

/**
 * Lists the open secret scanning alerts in scope and plans the response to each, exactly as a
 * webhook would; then applies the one plan. Heals missed webhooks; safe to run again at any time.
 */
export async function sweep(run: Run, scope: AlertScope): Promise<SweepReport> {
  const { github, log } = run.deps;
  const changes: Change[] = [];
  let alerts = 0;
  let unreadable = 0;
  for await (const listed of github.listOpenSecretScanningAlerts(scope)) {
    alerts++;
    try {
      const { repo, visibility } = repositoryFrom(listed.repository);
      const alert = await gatherAlert(run, listed.alert, repo, visibility);
      changes.push(await planAlert(run, alert));
    } catch (e) {
      unreadable++;
      log.error(`sweep: an alert could not be planned: ${(e as Error).message}`);
    }
  }
  const where = scope.kind === "organization" ? `organization ${scope.org}` : `${scope.repo.owner}/${scope.repo.name}`;
  log.info(`sweep of ${where}: ${alerts} open alert(s), ${changes.filter((c) => c.ops.length).length} to act on.`);
  const side = await run.drainSideChanges();
  const report = await execute({ changes: [...side, ...changes] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
  return { ...report, alerts, unreadable };
}
