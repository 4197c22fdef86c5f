import type { ApplicationFunction, Context, Probot } from "probot";
import type { Clock } from "../core/clock.ts";
import type { Codeowners } from "../core/codeowners/index.ts";
import { Lru } from "../core/lru.ts";
import { MemoryLock, type AlertLock } from "../github/lock/index.ts";
import { DirectoryCache } from "../github/directory-cache.ts";
import { newFileCache, OctokitPort, type OctokitLike } from "../github/octokit-port.ts";
import { alertLockKey, onAlertEvent, RESPOND_TO } from "../handlers/on-alert.ts";
import { onIssueComment } from "../handlers/on-comment.ts";
import { onDispatch } from "../handlers/on-findings.ts";
import { onTokenRequest } from "../handlers/on-token-request.ts";
import { DISPATCH_EVENT_TYPE } from "../core/findings/dispatch.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { InputError } from "../core/alert/input-error.ts";
import { onIssueClosed } from "../handlers/on-issue-closed.ts";
import { Run } from "../handlers/run.ts";
import { sweepInstallations } from "./interval-sweep.ts";
import type { SweepStateStore } from "../github/sweep-state.ts";
import type { Logger } from "../log.ts";
import { systemClock } from "../system-clock.ts";

/** Every webhook event the app registers for; app.yml subscribes to exactly these (a test checks). */
export const HANDLED_EVENTS = [...(Object.keys(RESPOND_TO) as (keyof typeof RESPOND_TO)[]), "issue_comment", "issues", "repository_dispatch", "personal_access_token_request"] as const;

export interface AppOptions {
  clock?: Clock;
  /** Plan and log, write nothing (NHI_DRY_RUN=true). */
  dryRun?: boolean;
  /** Where the handlers log; Probot's per-delivery logger when absent. */
  log?: Logger;
  /** Serialises work per alert across deliveries and replicas (server.ts uses Redis when REDIS_URL is set). */
  lock?: AlertLock;
  /** Sweep every installation this often (minutes), for self-hosted apps without the Action; 0: never. */
  sweepEveryMinutes?: number;
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
  // Kept for the life of the process: repeat alerts in a repository cost 304s, and no re-parse.
  const files = newFileCache();
  const parsedCodeowners = new Lru<Codeowners>(1000);
  const labels = new Lru<true>(5000);
  const directory = new DirectoryCache(() => clock.now().getTime());
  return (app: Probot) => {
    const lock = options.lock ?? new MemoryLock();
    const runFor = (context: Context) => {
      const log = options.log ?? probotLogger(context);
      return new Run({ github: new OctokitPort(context.octokit as unknown as OctokitLike, { files, labels, directory }), clock, log, parsedCodeowners, lock }, { dryRun: options.dryRun ?? false });
    };
    const guarded = (what: string, handler: (context: Context) => Promise<unknown>) => async (context: Context) => {
      try {
        await handler(context);
      } catch (e) {
        (options.log ?? probotLogger(context)).error(`${what} delivery ${context.id} failed: ${(e as Error).message}. GitHub may redeliver it; the sweep heals it otherwise.`);
        throw e;
      }
    };

    const events = Object.keys(RESPOND_TO) as (keyof typeof RESPOND_TO)[];
    app.on(
      events,
      guarded("alert", async (context) => {
        const event = { name: context.name, id: context.id, payload: context.payload };
        const key = alertLockKey(event);
        const work = () => onAlertEvent(runFor(context), event);
        await (key ? lock.withLock(key, work) : work());
      }),
    );
    app.on("issue_comment.created", guarded("issue_comment", (context) => onIssueComment(runFor(context), context.payload as never)));
    app.on(
      "repository_dispatch",
      guarded("repository_dispatch", async (context) => {
        const payload = context.payload as { action?: string; repository?: unknown };
        if (payload.action !== DISPATCH_EVENT_TYPE) return;
        const { repo } = repositoryFrom(payload.repository);
        try {
          await onDispatch(runFor(context), payload, repo);
        } catch (e) {
          // Already logged with the failing fields; redelivering the same payload cannot help.
          if (!(e instanceof InputError)) throw e;
        }
      }),
    );
    app.on(["personal_access_token_request.created", "personal_access_token_request.approved", "personal_access_token_request.denied", "personal_access_token_request.cancelled"], guarded("personal_access_token_request", (context) => onTokenRequest(runFor(context), context.payload as never)));
    if (options.sweepEveryMinutes && options.sweepEveryMinutes > 0) {
      const log: Logger = options.log ?? { debug: (m) => app.log.debug(m), info: (m) => app.log.info(m), warn: (m) => app.log.warn(m), error: (m) => app.log.error(m) };
      // Each account's sweep state, kept in this process from one interval to the next.
      const states = new Map<string, SweepStateStore>();
      const tick = () => void sweepInstallations(app, { clock, log, lock, apiUrl: options.apiUrl ?? "https://api.github.com", env: process.env, dryRun: options.dryRun ?? false, states });
      setInterval(tick, options.sweepEveryMinutes * 60_000).unref();
    }
    app.on("issues.closed", guarded("issues.closed", (context) => onIssueClosed(runFor(context), context.payload as never)));
  };
}
