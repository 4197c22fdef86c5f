import { createNodeMiddleware, createProbot, ProbotOctokit } from "probot";
import { createLock } from "../github/lock/index.ts";
import { isLoopback, nativeJson, retryOnFailure } from "../github/octokit.ts";
import { consoleLogger } from "../log.ts";
import { DEFAULT_SWEEP_INTERVAL_MINUTES, nhiStewardApp } from "./app.ts";
import { createDeliveryLog } from "./deliveries.ts";
import { systemClock } from "../system-clock.ts";
import { guardDeliveries } from "./guard.ts";
import { createAppServer } from "./http-server.ts";
import { InFlight } from "./in-flight.ts";
import { createAppMetrics, instrumentDeliveries, instrumentLock, requestMetrics } from "./metrics.ts";
import { githubCheck, redisCheck } from "./readiness.ts";

// Reads APP_ID, PRIVATE_KEY (or PRIVATE_KEY_PATH), WEBHOOK_SECRET, GHE_HOST, REDIS_URL… from the environment.
// With REDIS_URL, replicas share a per-alert lock (and Probot shares rate limits through the same Redis).
// NHI_SWEEP_INTERVAL_MINUTES (default 60; 0: never): sweep every installation that often, the first time one to
// two minutes after start, which is how the app heals deliveries that failed (GitHub does not redeliver them) — docs/app.md.
// PORT (0: any free port, logged), HOST; NHI_SHUTDOWN_GRACE_SECONDS (default 25): how long SIGTERM waits for deliveries in flight.
// Operators' endpoints: /healthz, /readyz, /metrics (src/app/http-server.ts).
const log = consoleLogger();
const metrics = createAppMetrics();
const inFlight = new InFlight();
const lock = instrumentLock(createLock({ redisUrl: process.env.REDIS_URL, log }), metrics, inFlight);
// Processed delivery ids, so a replayed delivery is refused (across replicas with REDIS_URL).
const deliveries = createDeliveryLog({ redisUrl: process.env.REDIS_URL, log, clock: systemClock });
const apiUrl = process.env.GHE_HOST ? `${process.env.GHE_PROTOCOL ?? "https"}://${process.env.GHE_HOST}/api/v3` : "https://api.github.com";
// Retries by `retryOnFailure` (src/github/octokit.ts), not Probot's @octokit/plugin-retry: the same policy
// without a Bottleneck limiter on every request. Metrics after it: one outcome per request, after retries.
// Answers parsed with the built-in JSON.parse (`nativeJson`), not Octokit's BigInt-aware reviver.
// Probot's throttling (writes spaced ≥ 1 s apart, rate limits waited out) stays on, except against a GitHub
// on loopback (a sandbox: GitHub.com and GHES never are), as for the Action's `createOctokit`.
const pace = !isLoopback(apiUrl);
const probot = createProbot({
  overrides: {
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: false },
      ...(pace ? {} : { throttle: { ...(o.throttle as object), enabled: false } }),
    })).plugin(retryOnFailure, requestMetrics(metrics), nativeJson),
  },
});
const app = nhiStewardApp({
  dryRun: process.env.NHI_DRY_RUN === "true",
  lock,
  deliveries,
  sweepEveryMinutes: Number(process.env.NHI_SWEEP_INTERVAL_MINUTES?.trim() || DEFAULT_SWEEP_INTERVAL_MINUTES),
  apiUrl,
});
const middleware = await createNodeMiddleware(app, { probot });
instrumentDeliveries(probot.webhooks, metrics, inFlight);
const readiness = [githubCheck(() => probot.auth()), ...(process.env.REDIS_URL?.trim() ? [redisCheck(process.env.REDIS_URL.trim())] : [])];
const server = createAppServer({ webhooks: guardDeliveries(middleware), registry: metrics.registry, readiness, inFlight, log });
const port = await server.listen(Number(process.env.PORT ?? 3000), process.env.HOST ?? "0.0.0.0");
log.info(`listening on :${port}, webhooks at /api/github/webhooks; /healthz, /readyz, /metrics`);

const grace = Number(process.env.NHI_SHUTDOWN_GRACE_SECONDS ?? 25);
if (!(grace >= 0)) log.warn(`NHI_SHUTDOWN_GRACE_SECONDS=${process.env.NHI_SHUTDOWN_GRACE_SECONDS} is not a number of seconds; using 25`);
const graceMs = (grace >= 0 ? grace : 25) * 1000;
const closers = [
  { name: "lock", close: () => lock.close() },
  { name: "deliveries", close: () => deliveries.close() },
  ...readiness.filter((c) => c.close).map((c) => ({ name: `${c.name} readiness`, close: () => c.close!() })),
];
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (inFlight.closing) {
      log.warn(`${signal} again: exiting now`);
      process.exit(1);
    }
    log.info(`${signal}: shutting down`);
    void server.shutdown({ drainMs: graceMs, closers }).then(({ drained }) => process.exit(drained ? 0 : 1));
  });
}
