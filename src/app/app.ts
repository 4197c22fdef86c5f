import type { ApplicationFunction, Context, Probot } from "probot";
import type { Clock } from "../core/clock.ts";
import type { Codeowners } from "../core/codeowners/index.ts";
import { Lru } from "../core/lru.ts";
import { newFileCache, OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { onAlertEvent, RESPOND_TO } from "../handlers/on-alert.ts";
import { Run } from "../handlers/run.ts";
import type { Logger } from "../log.ts";
import { systemClock } from "../system-clock.ts";

export interface AppOptions {
  clock?: Clock;
  /** Plan and log, write nothing (NHI_DRY_RUN=true). */
  dryRun?: boolean;
  /** Where the handlers log; Probot's per-delivery logger when absent. */
  log?: Logger;
}

function probotLogger(context: Context): Logger {
  return {
    debug: (m) => context.log.debug(m),
    info: (m) => context.log.info(m),
    warn: (m) => context.log.warn(m),
    error: (m) => context.log.error(m),
  };
}

/** The Probot app: each alert delivery becomes one response issue, opened or updated. */
export function nhiStewardApp(options: AppOptions = {}): ApplicationFunction {
  const clock = options.clock ?? systemClock;
  // Kept for the life of the process: repeat alerts in a repository cost 304s, and no re-parse.
  const files = newFileCache();
  const parsedCodeowners = new Lru<Codeowners>(1000);
  return (app: Probot) => {
    const events = Object.keys(RESPOND_TO) as (keyof typeof RESPOND_TO)[];
    app.on(events, async (context) => {
      const log = options.log ?? probotLogger(context);
      const run = new Run({ github: new OctokitPort(context.octokit as unknown as OctokitLike, { files }), clock, log, parsedCodeowners }, { dryRun: options.dryRun ?? false });
      try {
        await onAlertEvent(run, { name: context.name, id: context.id, payload: context.payload });
      } catch (e) {
        log.error(`${context.name} delivery ${context.id} failed: ${(e as Error).message}. GitHub may redeliver it; the Action's sweep heals it otherwise.`);
        throw e;
      }
    });
  };
}
