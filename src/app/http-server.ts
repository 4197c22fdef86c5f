import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";
import type { Logger } from "../log.ts";
import type { InFlight } from "./in-flight.ts";
import type { ReadinessCheck } from "./readiness.ts";

export interface AppServerOptions {
  /** Everything that is not an operator's endpoint: Probot's webhook middleware (behind `guardDeliveries`). */
  webhooks: (req: IncomingMessage, res: ServerResponse) => void;
  /** Served at `/metrics`. */
  registry: Registry;
  /** Asked by `/readyz`, all at once. */
  readiness: ReadinessCheck[];
  /** Work a shutdown waits for; webhook requests being answered are registered here too. */
  inFlight: InFlight;
  log: Logger;
  /** How long one readiness check may take before it counts as failed. Default 3 s. */
  checkTimeoutMs?: number;
}

export interface ShutdownOptions {
  /** How long to wait for work in flight before giving up on it. */
  drainMs: number;
  /** Run after the drain, in order, each bounded by `closeTimeoutMs` (the lock, Redis connections…). */
  closers?: { name: string; close(): Promise<void> }[];
  /** Default 5 s. */
  closeTimeoutMs?: number;
}

export interface ShutdownReport {
  /** Nothing was left running. */
  drained: boolean;
  /** What was still running when the bound passed. */
  abandoned: string[];
}

export interface AppServer {
  server: Server;
  /** Listens (port 0: one the OS picks) and resolves with the port. */
  listen(port: number, host: string): Promise<number>;
  /**
   * Stops accepting (new connections are refused; a request on a kept-alive connection gets 503),
   * waits up to `drainMs` for deliveries and sweeps in flight, closes every connection, then runs
   * the closers. Resolves once done; calling it again returns the same shutdown.
   */
  shutdown(options: ShutdownOptions): Promise<ShutdownReport>;
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; ms: number; error?: string }>;
}

/**
 * The app's HTTP server: GitHub's webhooks plus what an operator or an orchestrator asks.
 *
 * - `GET /healthz`: 200 while the process serves requests (liveness).
 * - `GET /readyz`: 200 when every readiness check passes (GitHub accepts the app's credentials,
 *   Redis answers), else 503 with what failed; 503 once shutting down, so a load balancer stops
 *   sending deliveries. JSON: {@link ReadinessReport}.
 * - `GET /metrics`: Prometheus text format.
 */
export function createAppServer(options: AppServerOptions): AppServer {
  const { log, inFlight } = options;
  const checkTimeoutMs = options.checkTimeoutMs ?? 3_000;
  const open = new Set<ServerResponse>();
  let shuttingDown: Promise<ShutdownReport> | null = null;
  let wasReady: boolean | null = null;

  const readiness = async (): Promise<ReadinessReport> => {
    const results = await Promise.all(
      options.readiness.map(async (c) => {
        const started = performance.now();
        try {
          await withTimeout(
            c.check(),
            checkTimeoutMs,
            `no answer within ${checkTimeoutMs} ms${c.timeoutHint ? `: ${c.timeoutHint}` : ""}.`,
          );
          return [c.name, { ok: true, ms: Math.round(performance.now() - started) }] as const;
        } catch (e) {
          return [c.name, { ok: false, ms: Math.round(performance.now() - started), error: (e as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, r]) => r.ok);
    if (ready !== wasReady) {
      if (ready) log.info("ready: " + results.map(([n]) => n).join(", ") + " answer");
      else
        log.warn(
          "not ready: " +
            results
              .filter(([, r]) => !r.ok)
              .map(([n, r]) => `${n}: ${"error" in r ? r.error : ""}`)
              .join("; "),
        );
      wasReady = ready;
    }
    return { ready, checks };
  };

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res
      .writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" })
      .end(JSON.stringify(body) + "\n");
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    const isGet = req.method === "GET" || req.method === "HEAD";
    if (isGet && path === "/healthz") return json(res, 200, { status: "ok" });
    if (isGet && path === "/readyz") {
      if (shuttingDown) return json(res, 503, { ready: false, checks: {}, shutting_down: true });
      const report = await readiness();
      return json(res, report.ready ? 200 : 503, report);
    }
    if (isGet && path === "/metrics") {
      const text = await options.registry.metrics();
      res.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" }).end(text);
      return;
    }
    if (shuttingDown) {
      // A request on a connection kept alive from before: GitHub marks the delivery failed and it can be redelivered.
      req.resume();
      json(res, 503, { error: "Shutting down: deliver again (another replica, or this one once restarted, takes it)." });
      return;
    }
    // Answered by Probot; registered so a shutdown waits until GitHub has its answer.
    inFlight.track(`${req.method} ${path}`, new Promise<void>((resolve) => res.once("close", resolve)));
    options.webhooks(req, res);
  };

  const server = createServer((req, res) => {
    open.add(res);
    res.once("close", () => open.delete(res));
    if (shuttingDown) res.setHeader("connection", "close");
    handle(req, res).catch((e: unknown) => {
      log.error(`${req.method} ${req.url}: ${(e as Error).message}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  const shutdown = async ({ drainMs, closers = [], closeTimeoutMs = 5_000 }: ShutdownOptions): Promise<ShutdownReport> => {
    // Answers still to come go out with `connection: close`, so no connection stays open after them.
    for (const res of open) if (!res.headersSent) res.setHeader("connection", "close");
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const running = inFlight.labels();
    if (running.length)
      log.info(`shutting down: waiting up to ${Math.round(drainMs / 1000)} s for ${running.length} in flight: ${running.join(", ")}`);
    else log.info("shutting down: nothing in flight");
    const drained = await inFlight.drain(drainMs);
    const abandoned = drained ? [] : inFlight.labels();
    if (drained) log.info("shutting down: everything in flight finished");
    else
      log.error(
        `shutting down: gave up after ${Math.round(drainMs / 1000)} s on ${abandoned.join(", ")}; GitHub can redeliver them and the sweep heals what is left (their locks expire with their lease).`,
      );
    server.closeAllConnections();
    await closed;
    for (const c of closers) {
      try {
        await withTimeout(c.close(), closeTimeoutMs, `did not close within ${closeTimeoutMs} ms`);
      } catch (e) {
        log.warn(`shutting down: ${c.name}: ${(e as Error).message}`);
      }
    }
    return { drained, abandoned };
  };

  return {
    server,
    listen: (port, host) =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve((server.address() as AddressInfo).port);
        });
      }),
    shutdown: (shutdownOptions) => (shuttingDown ??= shutdown(shutdownOptions)),
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
