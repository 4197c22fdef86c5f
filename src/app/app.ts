import { createHash } from "node:crypto";
import type { ApplicationFunction, Context, Probot } from "probot";
import type { Clock } from "../core/clock.ts";
import type { Codeowners } from "../core/codeowners/index.ts";
import { Lru } from "../core/lru.ts";
import { MemoryLock, type AlertLock } from "../github/lock/index.ts";
import { MemoryDeliveryLog, type DeliveryClaim, type DeliveryLog } from "./deliveries.ts";
import { DirectoryCache } from "../github/directory-cache.ts";
import { IssueIndexCache } from "../github/issue-index-cache.ts";
import { newFileCache, OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { Run } from "../handlers/run.ts";
import { ALWAYS_DELIVERED, ROUTED_EVENTS, ROUTES } from "../handlers/router.ts";
import { scheduleSweeps, sweepInstallations, type SweepTimers } from "./interval-sweep.ts";
import type { SweepStateStore } from "../github/sweep-state.ts";
import type { Logger } from "../log.ts";
import { systemClock } from "../system-clock.ts";
import type { Identity } from "../core/issue/provenance.ts";
import { appIdentityFromJwt } from "../github/identity.ts";

/**
 * Every webhook event the app subscribes to; app.yml names exactly these (a test checks). The app
 * also handles `installation` and `installation_repositories`, which GitHub sends every app unasked.
 */
export const HANDLED_EVENTS = ROUTED_EVENTS.filter((e) => !ALWAYS_DELIVERED.includes(e));

/**
 * How often the production server (server.ts) sweeps every installation unless
 * NHI_SWEEP_INTERVAL_MINUTES says otherwise. GitHub never redelivers a failed delivery by itself;
 * the sweep converges issues, alerts and clocks on GitHub's state whatever was missed.
 */
export const DEFAULT_SWEEP_INTERVAL_MINUTES = 60;

export interface AppOptions {
  clock?: Clock;
  /** Plan and log, write nothing (NHI_DRY_RUN=true). */
  dryRun?: boolean;
  /** Where the handlers log; Probot's per-delivery logger when absent. */
  log?: Logger;
  /** Serialises work per alert across deliveries and replicas (server.ts uses Redis when REDIS_URL is set). */
  lock?: AlertLock;
  /**
   * Sweep every installation this often (minutes), for self-hosted apps without the Action; 0: never.
   * The first sweep runs a minute or two after start (interval-sweep.ts, `firstSweepDelay`).
   */
  sweepEveryMinutes?: number;
  /** The timers the sweeps run on (Node's when absent; tests pass their own) and the first sweep's jitter source. */
  sweepTimers?: SweepTimers;
  sweepRandom?: () => number;
  /**
   * Deliveries already processed, by `X-GitHub-Delivery` id, so a replayed delivery is not processed
   * twice (server.ts uses Redis when REDIS_URL is set); this process's memory when absent.
   */
  deliveries?: DeliveryLog;
  /** Who the app is on GitHub; read with its JWT (`GET /app`) when absent. */
  identity?: Identity;
  /** GitHub's REST base URL, for the credential revocation API during interval sweeps. */
  apiUrl?: string;
}

function probotLogger(context: Context): Logger {
  return {
    debug: (m) => context.log.debug(m),
    info: (m) => context.log.info(m),
    warn: (m) => context.log.warn(m),
    error: (m) => context.log.error(m),
  };
}

/** The Probot app: alert deliveries open or update response issues; owners answer in the issue. */
export function nhiStewardApp(options: AppOptions = {}): ApplicationFunction {
  const clock = options.clock ?? systemClock;
  // Kept for the life of the process: CODEOWNERS and the policy are used for FILE_FRESH_MS after
  // GitHub last confirmed them, then asked again (a 304 while unchanged); parsed once per version.
  const files = newFileCache({ now: () => clock.now().getTime() });
  const parsedCodeowners = new Lru<Codeowners>(1000);
  const labels = new Lru<true>(5000);
  const directory = new DirectoryCache(() => clock.now().getTime());
  // Look-alike issues are reported once per process, not once per delivery.
  const noticed = new Lru<true>(5000);
  // Each repository's open response issues: a delivery reads only those updated since the last one.
  const issueIndex = new IssueIndexCache({ now: () => clock.now().getTime() });
  return (app: Probot) => {
    const lock = options.lock ?? new MemoryLock();
    // Who the app is on GitHub (`GET /app` with its JWT, once): it acts only on issues it wrote.
    let self: Promise<Identity> | null = null;
    const identity = (): Promise<Identity> => {
      if (!self) {
        self = options.identity
          ? Promise.resolve(options.identity)
          : app.auth().then((octokit) => appIdentityFromJwt(octokit as unknown as OctokitLike));
        self.catch(() => (self = null));
      }
      return self;
    };
    const runFor = async (context: Context) => {
      const log = options.log ?? probotLogger(context);
      const me = await identity();
      return new Run(
        {
          github: new OctokitPort(context.octokit as unknown as OctokitLike, {
            self: me,
            log,
            noticed,
            files,
            labels,
            directory,
            issueIndex,
          }),
          clock,
          log,
          parsedCodeowners,
          lock,
        },
        { dryRun: options.dryRun ?? false },
      );
    };
    const deliveries = options.deliveries ?? new MemoryDeliveryLog({ clock, ...(options.log ? { log: options.log } : {}) });
    // Runs after Probot verified the delivery's signature, so only signed deliveries are recorded.
    // Claimed per handler (`what`), in case two handlers ever take the same event (none do today),
    // and per signed body, not per `X-GitHub-Delivery` id: the id is a header outside the signature,
    // so a captured delivery replayed under a new id is still the same body and is refused; GitHub
    // never sends two different events with one body (each carries its own object state and sender).
    const guarded = (what: string, handler: (context: Context) => Promise<unknown>) => async (context: Context) => {
      let claim: DeliveryClaim | null = null;
      try {
        if (context.id) {
          const body = createHash("sha256").update(JSON.stringify(context.payload)).digest("hex").slice(0, 32);
          // A repository_dispatch is the exception: a detector sending the same finding again is a new
          // report (its body is the sender's to repeat), so it counts by delivery id as well.
          claim = await deliveries.claim(context.name === "repository_dispatch" ? `${what}:${context.id}:${body}` : `${what}:${body}`);
          if (!claim.fresh) {
            const why =
              claim.state === "done"
                ? "was processed already: a replay is ignored"
                : "is being processed by another attempt right now: this copy is ignored";
            (options.log ?? probotLogger(context)).warn(`${what} delivery ${context.id} ${why}.`);
            return;
          }
        }
        await handler(context);
        if (claim?.fresh) await claim.completed();
      } catch (e) {
        // Released, so GitHub's redelivery (the same id) is processed.
        if (claim?.fresh) await claim.failed();
        (options.log ?? probotLogger(context)).error(
          `${what} delivery ${context.id} failed: ${(e as Error).message}. GitHub may redeliver it; the sweep heals it otherwise.`,
        );
        throw e;
      }
    };

    // One table for the App and the Action (src/handlers/router.ts): every route, claimed and guarded.
    for (const route of ROUTES) {
      app.on(
        [...route.on],
        guarded(route.claim, async (context) => {
          try {
            await route.handle(await runFor(context), { name: context.name, id: context.id, payload: context.payload });
          } catch (e) {
            if (!route.final?.(e)) throw e;
          }
        }),
      );
    }
    if (options.sweepEveryMinutes && options.sweepEveryMinutes > 0) {
      const log: Logger = options.log ?? {
        debug: (m) => app.log.debug(m),
        info: (m) => app.log.info(m),
        warn: (m) => app.log.warn(m),
        error: (m) => app.log.error(m),
      };
      // Each account's sweep state, kept in this process from one interval to the next.
      const states = new Map<string, SweepStateStore>();
      // Listing the installations may fail (GitHub down, a key rotated): logged, and the next interval tries again.
      const tick = () =>
        sweepInstallations(app, {
          clock,
          log,
          lock,
          apiUrl: options.apiUrl ?? "https://api.github.com",
          env: process.env,
          dryRun: options.dryRun ?? false,
          states,
          self: identity,
        }).then(
          () => undefined,
          (e: unknown) => log.error(`interval sweep could not start: ${(e as Error).message}; the next interval tries again.`),
        );
      // The first soon after start, so deliveries missed while the App was down wait minutes, not an interval.
      scheduleSweeps(tick, {
        everyMs: options.sweepEveryMinutes * 60_000,
        ...(options.sweepTimers ? { timers: options.sweepTimers } : {}),
        ...(options.sweepRandom ? { random: options.sweepRandom } : {}),
      });
    }
  };
}
