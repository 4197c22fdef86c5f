/**
 * The operators' side of the app, in process: the HTTP server's /healthz, /readyz, /metrics and
 * shutdown (src/app/http-server.ts), readiness checks, work in flight, and the measured lock.
 * test/app/production-server.test.ts runs the same through `node src/app/server.ts`.
 */
import { IncomingMessage, ServerResponse } from "node:http";
import { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createAppServer, type AppServer } from "../../src/app/http-server.ts";
import { InFlight } from "../../src/app/in-flight.ts";
import { createAppMetrics, instrumentLock, lockKind, recordRequest } from "../../src/app/metrics.ts";
import { githubCheck, type ReadinessCheck } from "../../src/app/readiness.ts";
import { LockTimeoutError, MemoryLock } from "../../src/github/lock/index.ts";
import { MemoryLogger } from "../../src/log.ts";

const servers: AppServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.server.closeAllConnections();
    s.server.close();
  }
});

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

async function serve(
  options: { readiness?: ReadinessCheck[]; webhooks?: (req: IncomingMessage, res: ServerResponse) => void; checkTimeoutMs?: number } = {},
) {
  const metrics = createAppMetrics({ processMetrics: false });
  const inFlight = new InFlight();
  const log = new MemoryLogger();
  const app = createAppServer({
    webhooks: options.webhooks ?? ((_req, res) => void res.writeHead(404).end()),
    registry: metrics.registry,
    readiness: options.readiness ?? [],
    inFlight,
    log,
    ...(options.checkTimeoutMs ? { checkTimeoutMs: options.checkTimeoutMs } : {}),
  });
  servers.push(app);
  const port = await app.listen(0, "127.0.0.1");
  return { app, url: `http://127.0.0.1:${port}`, metrics, inFlight, log };
}

const ok = (name: string): ReadinessCheck => ({ name, check: async () => undefined });

describe("the operators' endpoints", () => {
  it("/healthz answers while the process serves; /readyz runs every check and says which failed", async () => {
    const { url, log } = await serve({
      readiness: [
        ok("github"),
        {
          name: "redis",
          check: async () =>
            Promise.reject(new Error("Redis at redis://127.0.0.1:1/ is not connected (reconnecting: connect ECONNREFUSED 127.0.0.1:1).")),
        },
      ],
    });
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(503);
    expect(ready.headers.get("cache-control")).toBe("no-store");
    expect(await ready.json()).toEqual({
      ready: false,
      checks: {
        github: { ok: true, ms: expect.any(Number) },
        redis: {
          ok: false,
          ms: expect.any(Number),
          error: "Redis at redis://127.0.0.1:1/ is not connected (reconnecting: connect ECONNREFUSED 127.0.0.1:1).",
        },
      },
    });
    expect(log.text()).toContain("warn: not ready: redis: Redis at redis://127.0.0.1:1/ is not connected");
  });

  it("/readyz gives a check that does not answer its bound, and names what may hang", async () => {
    const hanging: ReadinessCheck = {
      name: "github",
      timeoutHint: "GitHub did not answer GET /app",
      check: () => new Promise<void>(() => undefined),
    };
    const { url } = await serve({ readiness: [hanging], checkTimeoutMs: 30 });
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { checks: { github: { error: string } } }).checks.github.error).toBe(
      "no answer within 30 ms: GitHub did not answer GET /app.",
    );
  });

  it("/metrics is Prometheus text with the GitHub requests by status and the rate limit left", async () => {
    const { url, metrics } = await serve();
    recordRequest(metrics, {
      method: "post",
      url: "/repos/{owner}/{repo}/issues",
      status: 201,
      headers: { "x-ratelimit-remaining": "4990", "x-ratelimit-resource": "core" },
    });
    recordRequest(metrics, {
      method: "GET",
      url: "/repos/{owner}/{repo}/contents/{path}",
      status: 304,
      headers: { "x-ratelimit-remaining": "4990" },
    });
    recordRequest(metrics, {
      method: "GET",
      url: "/search/issues",
      status: 200,
      headers: { "x-ratelimit-remaining": "29", "x-ratelimit-resource": "search" },
    });
    recordRequest(metrics, { method: "GET", url: "/app", status: null, headers: {} });
    const res = await fetch(`${url}/metrics`);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const text = await res.text();
    expect(text).toContain('nhi_steward_github_requests_total{method="POST",status="201"} 1');
    expect(text).toContain('nhi_steward_github_requests_total{method="GET",status="304"} 1');
    expect(text).toContain('nhi_steward_github_requests_total{method="GET",status="none"} 1');
    expect(text).toContain('nhi_steward_github_rate_limit_remaining{resource="core"} 4990');
    expect(text).toContain('nhi_steward_github_rate_limit_remaining{resource="search"} 29');
  });
});

describe("shutdown", () => {
  it("stops accepting, answers the delivery in flight (then closes its connection), runs the closers, reports drained", async () => {
    const release = deferred();
    const arrived = deferred();
    const { app, url, log } = await serve({
      webhooks: (req, res) => {
        req.resume();
        arrived.resolve();
        void release.promise.then(() => res.writeHead(200).end("ok\n"));
      },
    });
    const answered = fetch(`${url}/api/github/webhooks`, { method: "POST", body: "{}" });
    await arrived.promise;
    const closed: string[] = [];
    const shutdown = app.shutdown({ drainMs: 10_000, closers: [{ name: "lock", close: async () => void closed.push("lock") }] });
    expect(log.text()).toContain("info: shutting down: waiting up to 10 s for 1 in flight: POST /api/github/webhooks");
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(closed).toEqual([]);
    release.resolve();
    const res = await answered;
    expect([res.status, res.headers.get("connection"), await res.text()]).toEqual([200, "close", "ok\n"]);
    expect(await shutdown).toEqual({ drained: true, abandoned: [] });
    expect(closed).toEqual(["lock"]);
    expect(app.shutdown({ drainMs: 0 })).toBe(shutdown);
  });

  it("gives up after the bound on what is still running, says what, and still closes", async () => {
    const { app, inFlight, log } = await serve();
    void inFlight.track("secret_scanning_alert delivery 42", new Promise(() => undefined));
    const closed: string[] = [];
    expect(
      await app.shutdown({
        drainMs: 20,
        closers: [
          { name: "lock", close: async () => void closed.push("lock") },
          { name: "redis", close: () => Promise.reject(new Error("already closed")) },
        ],
      }),
    ).toEqual({ drained: false, abandoned: ["secret_scanning_alert delivery 42"] });
    expect(closed).toEqual(["lock"]);
    expect(log.text()).toContain("error: shutting down: gave up after 0 s on secret_scanning_alert delivery 42;");
    expect(log.text()).toContain("warn: shutting down: redis: already closed");
  });

  it("once shutting down, /readyz is 503 (a load balancer stops sending) and a request on a connection from before gets 503", async () => {
    const release = deferred();
    const arrived = deferred();
    const { app, url } = await serve({
      readiness: [ok("github")],
      webhooks: (req, res) => {
        req.resume();
        arrived.resolve();
        void release.promise.then(() => res.writeHead(200).end());
      },
    });
    const answered = fetch(`${url}/api/github/webhooks`, { method: "POST", body: "{}" });
    await arrived.promise;
    const shutdown = app.shutdown({ drainMs: 10_000 });
    // The listening socket is closed: what still arrives comes on a connection that was open before.
    const onOldConnection = async (method: string, path: string) => {
      const req = new IncomingMessage(new Socket());
      Object.assign(req, { method, url: path, headers: {} });
      req.push(null);
      const res = new ServerResponse(req);
      const ended = new Promise<[number, string, string]>((resolve) => {
        const end = res.end.bind(res) as (chunk?: unknown) => ServerResponse;
        res.end = ((chunk?: unknown) => {
          resolve([res.statusCode, String(res.getHeader("connection")), String(chunk)]);
          return end(chunk);
        }) as typeof res.end;
      });
      app.server.emit("request", req, res);
      return ended;
    };
    expect(await onOldConnection("GET", "/readyz")).toEqual([503, "close", '{"ready":false,"checks":{},"shutting_down":true}\n']);
    const [status, connection, body] = await onOldConnection("POST", "/api/github/webhooks");
    expect([status, connection]).toEqual([503, "close"]);
    expect(JSON.parse(body)).toEqual({ error: "Shutting down: deliver again (another replica, or this one once restarted, takes it)." });
    expect((await onOldConnection("GET", "/healthz"))[0]).toBe(200);
    release.resolve();
    await answered;
    expect(await shutdown).toEqual({ drained: true, abandoned: [] });
  });
});

describe("readiness: GitHub", () => {
  it("asks GET /app with the app's JWT, remembers a success for a while, never a failure", async () => {
    let now = 0;
    const calls: string[] = [];
    let fail: { status: number; message: string } | null = { status: 401, message: "A JSON web token could not be decoded" };
    const request = async (route: string): Promise<void> => {
      calls.push(route);
      if (fail) throw Object.assign(new Error(fail.message), { status: fail.status });
    };
    const check = githubCheck(async () => ({ request }), { cacheMs: 30_000, now: () => now });
    await expect(check.check()).rejects.toThrow(
      "GET /app with the app's JWT failed (401): A JSON web token could not be decoded. Check APP_ID, PRIVATE_KEY and GHE_HOST.",
    );
    fail = null;
    await check.check();
    now = 29_999;
    await check.check();
    expect(calls).toEqual(["GET /app", "GET /app"]);
    now = 30_001;
    await check.check();
    expect(calls).toHaveLength(3);
  });
});

describe("the measured lock", () => {
  it("times lock waits by kind and outcome, and sweeps by outcome", async () => {
    const metrics = createAppMetrics({ processMetrics: false });
    const inFlight = new InFlight();
    const lock = instrumentLock(new MemoryLock({ waitMs: 20 }), metrics, inFlight);
    const held = deferred();
    const holding = lock.withLock("acme/api#1", () => held.promise);
    await expect(lock.withLock("acme/api#1", async () => "never")).rejects.toBeInstanceOf(LockTimeoutError);
    held.resolve();
    await holding;
    await lock.withLock("sweep:acme", async () => "swept");
    await expect(lock.withLock("sweep:globex", async () => Promise.reject(new Error("GitHub said 502")))).rejects.toThrow("502");
    const text = await metrics.registry.metrics();
    expect(text).toContain('nhi_steward_lock_wait_seconds_count{kind="alert",outcome="acquired"} 1');
    expect(text).toContain('nhi_steward_lock_wait_seconds_count{kind="alert",outcome="timeout"} 1');
    expect(text).toContain('nhi_steward_lock_wait_seconds_count{kind="sweep",outcome="acquired"} 2');
    expect(text).toContain('nhi_steward_sweep_duration_seconds_count{outcome="ok"} 1');
    expect(text).toContain('nhi_steward_sweep_duration_seconds_count{outcome="failed"} 1');
  });

  it("keeps a running sweep in flight for the shutdown, and starts none once shutting down", async () => {
    const inFlight = new InFlight();
    const lock = instrumentLock(new MemoryLock(), createAppMetrics({ processMetrics: false }), inFlight);
    const done = deferred();
    const sweeping = lock.withLock("sweep:acme", () => done.promise);
    expect(inFlight.labels()).toEqual(["sweep:acme"]);
    const drained = inFlight.drain(10_000);
    await expect(lock.withLock("sweep:globex", async () => undefined)).rejects.toThrow(
      'not starting the sweep "sweep:globex": the app is shutting down',
    );
    // Deliveries still take their alert's lock while the process drains.
    expect(await lock.withLock("acme/api#2", async () => "handled")).toBe("handled");
    done.resolve();
    await sweeping;
    expect(await drained).toBe(true);
  });

  it("names the kind of a lock key", () => {
    expect([lockKind("sweep:acme"), lockKind("group:acme/api"), lockKind("acme/api#12")]).toEqual(["sweep", "group", "alert"]);
  });
});
