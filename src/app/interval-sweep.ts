import type { Probot } from "probot";
import type { Clock } from "../core/clock.ts";
import type { AlertLock } from "../github/lock/index.ts";
import { OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { buildEffects } from "../handlers/effects.ts";
import { Run } from "../handlers/run.ts";
import { sweep, type SweepReport } from "../handlers/sweep.ts";
import type { Logger } from "../log.ts";

/**
 * The sweep, run by a self-hosted app for every installation (organisation or user account):
 * the same code the Action runs on `schedule`. With a shared lock, only one replica sweeps an
 * account at a time.
 */
export async function sweepInstallations(app: Probot, options: { clock: Clock; log: Logger; lock: AlertLock; apiUrl: string; env: Record<string, string | undefined>; dryRun?: boolean }): Promise<SweepReport[]> {
  const { log } = options;
  const appOctokit = (await app.auth()) as unknown as OctokitLike;
  const installations = (await appOctokit.paginate("GET /app/installations", { per_page: 100 })) as { id: number; account: { login?: string } | null }[];
  const reports: SweepReport[] = [];
  for (const inst of installations) {
    const org = inst.account?.login;
    if (!org) continue;
    try {
      const report = await options.lock.withLock(`sweep:${org}`, async () => {
        const github = new OctokitPort((await app.auth(inst.id)) as unknown as OctokitLike);
        const run = new Run({ github, clock: options.clock, log }, { dryRun: options.dryRun ?? false });
        return sweep(run, { kind: "organization", org }, { effects: buildEffects({ github, apiUrl: options.apiUrl, env: options.env, clock: options.clock, log }) });
      });
      log.info(`interval sweep of ${org}: ${report.alerts} alert(s), ${report.clocks} clock(s), ${report.opened} opened, ${report.updated} updated.`);
      reports.push(report);
    } catch (e) {
      log.error(`interval sweep of ${org} failed: ${(e as Error).message}; the next interval retries.`);
    }
  }
  return reports;
}
