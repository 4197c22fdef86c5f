import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { LockTimeoutError, type AlertLock } from "../github/lock/index.ts";
import { observeRequests, type RequestOutcome } from "../github/octokit.ts";
import type { Octokit } from "@octokit/core";
import type { InFlight } from "./in-flight.ts";

/**
 * The app's Prometheus metrics (served at `/metrics`), all prefixed `nhi_steward_`:
 *
 * | metric | labels | what |
 * |---|---|---|
 * | `deliveries_total` | event, outcome | webhook deliveries: `ok`, `failed` (a handler threw; GitHub may redeliver), `rejected` (bad signature or JSON; event `unverified`) |
 * | `delivery_duration_seconds` | event | from Probot handing a verified delivery to the app to every handler settling |
 * | `deliveries_in_flight` | | deliveries being handled now |
 * | `github_requests_total` | method, status | requests to GitHub by HTTP status (`none` when no answer came), once per request after retries |
 * | `github_rate_limit_remaining` | resource | `x-ratelimit-remaining` of the last answer for that resource (core, search, graphql…) |
 * | `sweep_duration_seconds` | outcome | one account's interval sweep (`ok` or `failed`) |
 * | `lock_wait_seconds` | kind, outcome | time waiting for the per-alert, group or sweep lock: `acquired` or `timeout` |
 *
 * plus Node's process metrics (`nhi_steward_process_*`, `nhi_steward_nodejs_*`).
 */
export interface AppMetrics {
  registry: Registry;
  deliveries: Counter<"event" | "outcome">;
  deliveryDuration: Histogram<"event">;
  deliveriesInFlight: Gauge;
  githubRequests: Counter<"method" | "status">;
  rateLimitRemaining: Gauge<"resource">;
  sweepDuration: Histogram<"outcome">;
  lockWait: Histogram<"kind" | "outcome">;
}

export const METRIC_PREFIX = "nhi_steward_";

/** A registry of its own (never prom-client's global one), so two apps in one process do not collide. */
export function createAppMetrics(options: { processMetrics?: boolean } = {}): AppMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return {
    registry,
    deliveries: new Counter({
      name: `${METRIC_PREFIX}deliveries_total`,
      help: "Webhook deliveries by event and outcome (ok, failed, rejected).",
      labelNames: ["event", "outcome"],
      registers,
    }),
    deliveryDuration: new Histogram({
      name: `${METRIC_PREFIX}delivery_duration_seconds`,
      help: "Time from Probot handing a verified delivery to the app until every handler settled.",
      labelNames: ["event"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    deliveriesInFlight: new Gauge({ name: `${METRIC_PREFIX}deliveries_in_flight`, help: "Deliveries being handled now.", registers }),
    githubRequests: new Counter({
      name: `${METRIC_PREFIX}github_requests_total`,
      help: "Requests to GitHub by method and HTTP status (none: no answer), once per request after retries.",
      labelNames: ["method", "status"],
      registers,
    }),
    rateLimitRemaining: new Gauge({
      name: `${METRIC_PREFIX}github_rate_limit_remaining`,
      help: "x-ratelimit-remaining of GitHub's last answer, per rate-limit resource.",
      labelNames: ["resource"],
      registers,
    }),
    sweepDuration: new Histogram({
      name: `${METRIC_PREFIX}sweep_duration_seconds`,
      help: "Duration of one account's interval sweep.",
      labelNames: ["outcome"],
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    lockWait: new Histogram({
      name: `${METRIC_PREFIX}lock_wait_seconds`,
      help: "Time waiting for a lock (alert, group, sweep) until it was acquired or the wait timed out.",
      labelNames: ["kind", "outcome"],
      buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30],
      registers,
    }),
  };
}

/** Counts one GitHub request and keeps the rate limit it reported. */
export function recordRequest(metrics: AppMetrics, outcome: RequestOutcome): void {
  metrics.githubRequests.inc({ method: outcome.method.toUpperCase(), status: outcome.status === null ? "none" : String(outcome.status) });
  const remaining = Number(outcome.headers["x-ratelimit-remaining"]);
  if (outcome.headers["x-ratelimit-remaining"] !== undefined && Number.isFinite(remaining)) {
    metrics.rateLimitRemaining.set({ resource: String(outcome.headers["x-ratelimit-resource"] ?? "core") }, remaining);
  }
}

/** An Octokit plugin (`ProbotOctokit.plugin(requestMetrics(metrics))`) that feeds {@link recordRequest}. */
export function requestMetrics(metrics: AppMetrics): (octokit: Octokit) => void {
  return (octokit) => observeRequests(octokit, (outcome) => recordRequest(metrics, outcome));
}

/** The part of `@octokit/webhooks`' Webhooks that Probot's middleware hands each delivery to. */
export interface DeliveryReceiver {
  verify(payload: string, signature: string): Promise<boolean>;
  verifyAndReceive(event: { id: string; name: string; payload: string; signature: string }): Promise<void>;
}

/**
 * Wraps where Probot hands deliveries to the app (`probot.webhooks.verifyAndReceive`, which its
 * middleware calls for every POST to the webhook path): counts each delivery by event and outcome,
 * times its handlers, and registers it in `inFlight` so a shutdown waits for it (also past the 9 s
 * after which the middleware answers GitHub `202 still processing`).
 */
export function instrumentDeliveries(webhooks: DeliveryReceiver, metrics: AppMetrics, inFlight: InFlight): void {
  const receive = webhooks.verifyAndReceive.bind(webhooks);
  webhooks.verifyAndReceive = async (event) => {
    // Checked here too (one HMAC) so that a rejected delivery, whose event name anyone can write, gets no label of its own.
    const verified = await webhooks.verify(event.payload, event.signature).catch(() => false);
    if (!verified) {
      metrics.deliveries.inc({ event: "unverified", outcome: "rejected" });
      return receive(event);
    }
    const stop = metrics.deliveryDuration.startTimer({ event: event.name });
    metrics.deliveriesInFlight.inc();
    const handled = (async () => {
      try {
        await receive(event);
        metrics.deliveries.inc({ event: event.name, outcome: "ok" });
      } catch (e) {
        metrics.deliveries.inc({ event: event.name, outcome: isMalformed(e) ? "rejected" : "failed" });
        throw e;
      } finally {
        stop();
        metrics.deliveriesInFlight.dec();
      }
    })();
    return inFlight.track(`${event.name} delivery ${event.id}`, handled);
  };
}

/** `@octokit/webhooks` throws an AggregateError of one 400 "Invalid JSON" for a body that does not parse. */
function isMalformed(e: unknown): boolean {
  const first = (e as { errors?: unknown[] }).errors?.[0] as { status?: unknown; message?: unknown } | undefined;
  return first?.status === 400 && first.message === "Invalid JSON";
}

/** What a lock key locks: `sweep:org`, `group:owner/repo`, else an alert (`owner/repo#12`). */
export function lockKind(key: string): "sweep" | "group" | "alert" {
  if (key.startsWith("sweep:")) return "sweep";
  if (key.startsWith("group:")) return "group";
  return "alert";
}

/**
 * The lock the app is given, measured: how long each `withLock` waited (and whether it timed out),
 * and, for `sweep:` keys (the interval sweep of one account runs inside one), how long the sweep
 * took. Sweeps are registered in `inFlight` so a shutdown waits for them too; once `inFlight` is
 * closing, a new sweep is refused (the next interval, on another replica, does it).
 */
export function instrumentLock(lock: AlertLock, metrics: AppMetrics, inFlight: InFlight): AlertLock {
  return {
    async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
      const kind = lockKind(key);
      if (kind === "sweep" && inFlight.closing) throw new Error(`not starting the sweep "${key}": the app is shutting down`);
      const waitStarted = performance.now();
      let acquired = false;
      const work = async (): Promise<T> => {
        acquired = true;
        metrics.lockWait.observe({ kind, outcome: "acquired" }, (performance.now() - waitStarted) / 1000);
        if (kind !== "sweep") return fn();
        const stop = metrics.sweepDuration.startTimer();
        try {
          const result = await fn();
          stop({ outcome: "ok" });
          return result;
        } catch (e) {
          stop({ outcome: "failed" });
          throw e;
        }
      };
      const locked = lock.withLock(key, work).catch((e: unknown) => {
        if (!acquired && e instanceof LockTimeoutError)
          metrics.lockWait.observe({ kind, outcome: "timeout" }, (performance.now() - waitStarted) / 1000);
        throw e;
      });
      return kind === "sweep" ? inFlight.track(key, locked) : locked;
    },
    close: () => lock.close(),
  };
}
