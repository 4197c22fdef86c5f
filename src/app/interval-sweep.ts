import type { Probot } from "probot";
import type { Clock } from "../core/clock.ts";
import type { AlertLock } from "../github/lock/index.ts";
import { OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { loadSweepState, memoryStateStore, saveSweepState, scopeId, type SweepStateStore } from "../github/sweep-state.ts";
import { WHOLE } from "../core/shard.ts";
import { buildEffects } from "../handlers/effects.ts";
import { Run } from "../handlers/run.ts";
import { sweep, type SweepReport } from "../handlers/sweep.ts";
import type { Logger } from "../log.ts";
import type { Identity } from "../core/issue/provenance.ts";

/**
 * The sweep, run by a self-hosted app for every installation (organisation or user account):
 * the same code the Action runs on `schedule`. With a shared lock, only one replica sweeps an
 * account at a time. `states` keeps each account's sweep state in this process between intervals,
 * so a sweep reads only what changed since the last one (a replica that did not sweep an account
 * last time reads it in full).
 */
export async function sweepInstallations(
  app: Probot,
  options: {
    clock: Clock;
    log: Logger;
    lock: AlertLock;
    apiUrl: string;
    env: Record<string, string | undefined>;
    dryRun?: boolean;
    states?: Map<string, SweepStateStore>;
    self: () => Promise<Identity>;
  },
): Promise<SweepReport[]> {
  const { log } = options;
  const appOctokit = (await app.auth()) as unknown as OctokitLike;
  const installations = (await appOctokit.paginate("GET /app/installations", { per_page: 100 })) as {
    id: number;
    account: { login?: string } | null;
  }[];
  const reports: SweepReport[] = [];
  for (const inst of installations) {
    const org = inst.account?.login;
    if (!org) continue;
    try {
      const report = await options.lock.withLock(`sweep:${org}`, async () => {
        const scope = { kind: "organization" as const, org };
        const id = scopeId(scope, WHOLE);
        const store = options.states ? (options.states.get(org) ?? options.states.set(org, memoryStateStore()).get(org)!) : null;
        const sweepState = store ? await loadSweepState(store, id, options.clock.now(), log) : null;
        const github = new OctokitPort((await app.auth(inst.id)) as unknown as OctokitLike, {
          self: await options.self(),
          log,
          sweepState,
        });
        const run = new Run({ github, clock: options.clock, log }, { dryRun: options.dryRun ?? false });
        const report = await sweep(run, scope, {
          effects: buildEffects({ github, apiUrl: options.apiUrl, env: options.env, clock: options.clock, log }),
        });
        if (store) await saveSweepState(store, github, id, log);
        return report;
      });
      log.info(
        `interval sweep of ${org}: ${report.alerts} alert(s), ${report.clocks} clock(s), ${report.opened} opened, ${report.updated} updated.`,
      );
      reports.push(report);
    } catch (e) {
      log.error(`interval sweep of ${org} failed: ${(e as Error).message}; the next interval retries.`);
    }
  }
  return reports;
}
