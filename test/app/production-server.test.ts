/**
 * The production entry point, as the container runs it: src/app/server.ts bundled by
 * scripts/build-app.mjs (built once here, alone in a temporary folder: no node_modules beside it, as in
 * the image), run by `node` with src/app/runtime.ts's flags and environment as a child process
 * (scripts/smoke-app.ts's `startProductionApp`, on a port the OS picks), configured only through its
 * environment, against the sandbox GitHub in this process and the test Redis.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { basename } from "node:path";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { productionCommand } from "../../src/app/runtime.ts";
import { LOCK_KEY_PREFIX } from "../../src/github/lock/index.ts";
import { startSandbox, type RequestLogEntry, type Sandbox } from "../../src/sandbox/index.ts";
import { systemClock } from "../../src/system-clock.ts";
import { buildProductionApp, startProductionApp, type ProductionApp } from "../../scripts/smoke-app.ts";

let built: Awaited<ReturnType<typeof buildProductionApp>>;
beforeAll(async () => {
  built = await buildProductionApp();
});
afterAll(() => built?.remove());

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function redisUrl(): string {
  const url = process.env.REDIS_URL?.trim();
  if (!url) throw new Error('REDIS_URL is not set: start one with `export REDIS_URL="$(bash scripts/redis.sh)"`.');
  return url;
}

/**
 * An organisation of its own per test (lock keys and Probot's Redis state never meet another
 * test's): alice owns repository `api` through CODEOWNERS, and one alert is open there.
 */
async function world(): Promise<{ sandbox: Sandbox; org: string; alert: number }> {
  const sandbox = await startSandbox({ clock: systemClock });
  cleanups.push(() => sandbox.close());
  const org = `prod-${randomUUID().slice(0, 8)}`;
  const s = sandbox.state;
  s.addOrg(org);
  s.addUser("alice");
  s.addInstallation({ id: 1, account: org, repositories: "all" });
  s.addRepo({ owner: org, name: "api", visibility: "private", files: { ".github/CODEOWNERS": "* @alice\n" }, assignable: ["alice"] });
  const alert = s.addSecretScanningAlert(org, "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: "ghp_" + "PRODSERVERtestNotReal".padEnd(36, "0"),
    validity: "active",
    locations: [{ path: "deploy.sh", startLine: 3, endLine: 3, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  }).number;
  return { sandbox, org, alert };
}

async function start(sandbox: Sandbox, options: { redisUrl?: string } = {}): Promise<ProductionApp> {
  const app = await startProductionApp({ bundle: built.bundle, githubUrl: sandbox.url, ...options });
  cleanups.push(() => app.stop());
  return app;
}

/** Resolves when the sandbox receives a request matching method and path (before it answers it). */
function whenRequested(sandbox: Sandbox, method: string, path: RegExp): Promise<RequestLogEntry> {
  return new Promise((resolve) => {
    const push = sandbox.requests.push.bind(sandbox.requests);
    sandbox.requests.push = (...entries: RequestLogEntry[]) => {
      const hit = entries.find((e) => e.method === method && path.test(e.path));
      if (hit) resolve(hit);
      return push(...entries);
    };
  });
}

/** A loopback port nothing listens on (taken from the OS, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function get(app: ProductionApp, path: string): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(app.url + path);
  return { status: res.status, type: res.headers.get("content-type"), text: await res.text() };
}

function delivery(sandbox: Sandbox, org: string, alert: number) {
  return sandbox.webhook("secret_scanning_alert", "created", { owner: org, repo: "api", alertNumber: alert, installationId: 1 });
}

describe("the App bundle run as the container runs it (node <runtime.ts flags> server.mjs)", { timeout: 60_000 }, () => {
  it("answers /healthz, /readyz (not ready while GitHub refuses the app) and /metrics with the delivery counted", async () => {
    const { sandbox, org, alert } = await world();
    const app = await start(sandbox, { redisUrl: redisUrl() });

    const health = await get(app, "/healthz");
    expect(health.status).toBe(200);
    expect(JSON.parse(health.text)).toEqual({ status: "ok" });
    // It is the image's command line: node, runtime.ts's flags, the bundle (Linux shows it in /proc).
    if (process.platform === "linux")
      expect(readFileSync(`/proc/${app.child.pid}/cmdline`, "utf8").split("\0").filter(Boolean).slice(1)).toEqual(
        productionCommand(basename(built.bundle)),
      );

    // GitHub refuses the app's JWT once: not ready, and /readyz says which check failed.
    sandbox.faults.inject({ method: "GET", path: "/app", status: 401, times: 1 });
    const refused = await get(app, "/readyz");
    expect(refused.status).toBe(503);
    const refusedReport = JSON.parse(refused.text) as { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> };
    expect(refusedReport.ready).toBe(false);
    expect(refusedReport.checks.github).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^GET \/app with the app's JWT failed \(401\): .*Check APP_ID, PRIVATE_KEY and GHE_HOST\.$/),
    });
    expect(refusedReport.checks.redis).toMatchObject({ ok: true });

    const ready = await get(app, "/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ ready: true, checks: { github: { ok: true }, redis: { ok: true } } });
    // The JWT reached GitHub as a bearer token on GET /app.
    expect(sandbox.requests.filter((r) => r.method === "GET" && r.path === "/app" && r.status === 200)).toHaveLength(1);

    const d = delivery(sandbox, org, alert);
    const res = await app.deliver(d.name, d.payload, { id: d.id });
    expect(res.status).toBe(200);
    expect(sandbox.state.listIssues(org, "api")).toHaveLength(1);
    // Signed with another secret: rejected, and counted without the event name its sender chose.
    const forged = await fetch(`${app.url}/api/github/webhooks`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "made_up_event",
        "x-github-delivery": randomUUID(),
        "x-hub-signature-256": "sha256=" + "0".repeat(64),
      },
      body: JSON.stringify(d.payload),
    });
    expect(forged.status).toBe(400);

    const metrics = await get(app, "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.text;
    expect(text).toContain('nhi_steward_deliveries_total{event="secret_scanning_alert",outcome="ok"} 1');
    expect(text).toContain('nhi_steward_deliveries_total{event="unverified",outcome="rejected"} 1');
    expect(text).not.toContain("made_up_event");
    expect(text).toContain('nhi_steward_delivery_duration_seconds_count{event="secret_scanning_alert"} 1');
    expect(text).toContain("nhi_steward_deliveries_in_flight 0");
    expect(text).toMatch(/^nhi_steward_github_requests_total\{method="POST",status="201"\} [1-9]\d*$/m);
    expect(text).toMatch(/^nhi_steward_github_requests_total\{method="GET",status="200"\} [1-9]\d*$/m);
    expect(text).toMatch(/^nhi_steward_github_requests_total\{method="GET",status="401"\} 1$/m);
    expect(text).toMatch(/^nhi_steward_github_rate_limit_remaining\{resource="core"\} \d+$/m);
    expect(text).toContain('nhi_steward_lock_wait_seconds_count{kind="alert",outcome="acquired"} 1');
    expect(text).toContain("# TYPE nhi_steward_sweep_duration_seconds histogram");
    expect(text).toContain("# TYPE nhi_steward_process_resident_memory_bytes gauge");

    app.child.kill("SIGTERM");
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain("shutting down: nothing in flight");
  });

  it("is not ready while Redis does not answer, and says so", async () => {
    const { sandbox } = await world();
    const app = await start(sandbox, { redisUrl: `redis://127.0.0.1:${await closedPort()}` });

    expect((await get(app, "/healthz")).status).toBe(200);
    const readyz = await get(app, "/readyz");
    expect(readyz.status).toBe(503);
    const report = JSON.parse(readyz.text) as { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> };
    expect(report.ready).toBe(false);
    expect(report.checks.redis).toMatchObject({
      ok: false,
      error: expect.stringMatching(
        /^Redis at redis:\/\/127\.0\.0\.1:\d+ is not connected \(\w+: connect ECONNREFUSED 127\.0\.0\.1:\d+\)\.$/,
      ),
    });
    await app.waitForOutput(/nhi-steward warning: not ready: .*redis: Redis at /);

    app.child.kill("SIGTERM");
    expect((await app.exited).code).toBe(0);
  });

  it("on SIGTERM, stops taking deliveries, finishes the one in flight (its write reaches GitHub), then exits 0", async () => {
    const { sandbox, org, alert } = await world();
    const app = await start(sandbox, { redisUrl: redisUrl() });
    // GitHub holds the issue create until the test lets it go: the delivery is in flight when SIGTERM comes,
    // and stays so until the app has said it is waiting for it, however slow the machine.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    sandbox.faults.inject({ method: "POST", path: `/repos/${org}/api/issues`, until: held, times: 1 });
    const creating = whenRequested(sandbox, "POST", new RegExp(`^/repos/${org}/api/issues$`));

    const d = delivery(sandbox, org, alert);
    const answered = app.deliver(d.name, d.payload, { id: d.id });
    await creating;
    expect(sandbox.state.listIssues(org, "api")).toHaveLength(0);
    app.child.kill("SIGTERM");

    await app.waitForOutput(/SIGTERM: shutting down/);
    await app.waitForOutput(new RegExp(`shutting down: waiting up to 25 s for \\d+ in flight: .*secret_scanning_alert delivery ${d.id}`));
    // A new connection is refused meanwhile (the listening socket is closed).
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
    release();

    const res = await answered;
    expect(res.status).toBe(200);
    expect(res.headers.get("connection")).toBe("close");
    expect(await app.exited).toEqual({ code: 0, signal: null });
    expect(app.output()).toContain("shutting down: everything in flight finished");

    // The delivery completed: its issue is in GitHub, assigned as CODEOWNERS says.
    const issues = sandbox.state.listIssues(org, "api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["alice"]);
    expect(issues[0]!.labels).toContain("nhi-response");
    // …and its per-alert lock was given back, not left to expire.
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    try {
      expect(await redis.exists(`${LOCK_KEY_PREFIX}${org}/api#${alert}`)).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
