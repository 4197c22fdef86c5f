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

/** The timers the App's sweeps run on: Node's (unref'd, so they never keep a stopping process alive), or a test's. */
export interface SweepTimers {
  /** Runs `fn` once, `ms` from now. */
  after(ms: number, fn: () => Promise<void>): void;
  /** Runs `fn` every `ms` from now on. */
  every(ms: number, fn: () => Promise<void>): void;
}

export const nodeTimers: SweepTimers = {
  after: (ms, fn) => void setTimeout(() => void fn(), ms).unref(),
  every: (ms, fn) => void setInterval(() => void fn(), ms).unref(),
};

/**
 * How long after a start the first sweep waits: at least this, at most twice this. Deliveries GitHub
 * could not make while the App was down (it never sends them again) then wait a minute or two, not a
 * whole interval; the server is ready and answers the deliveries that arrive as it starts before the
 * sweep competes with them; and replicas started together (a rolling deploy) spread their first
 * sweeps over a minute instead of queueing on each account's lock at the same instant.
 */
export const FIRST_SWEEP_DELAY_MS = 60_000;

/** The first sweep's delay for a start: FIRST_SWEEP_DELAY_MS plus up to as much again (`random` in [0, 1)), never past the first interval. */
export function firstSweepDelay(everyMs: number, random: () => number = Math.random): number {
  return Math.min(everyMs, FIRST_SWEEP_DELAY_MS + Math.floor(random() * FIRST_SWEEP_DELAY_MS));
}

/** The first sweep soon after start (firstSweepDelay), then one every `everyMs` from there. */
export function scheduleSweeps(tick: () => Promise<void>, options: { everyMs: number; timers?: SweepTimers; random?: () => number }): void {
  const timers = options.timers ?? nodeTimers;
  timers.after(firstSweepDelay(options.everyMs, options.random), () => {
    timers.every(options.everyMs, tick);
    return tick();
  });
}
