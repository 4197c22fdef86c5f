/**
 * Concurrency and crashes, end to end: real Probot servers on loopback, the sandbox GitHub over HTTP,
 * and (for the shared lock) a real redis-server, started by `bash scripts/redis.sh` (CI does it first).
 *
 * - The same alert delivered five times at once, plus a second `created` and a
 *   `secret_scanning_alert_location.created`, split across two replicas, for ten alerts at once:
 *   with a shared RedisLock, exactly one issue per alert. With one MemoryLock per replica (no shared
 *   lock) the count is only reported: races depend on timing.
 * - A replica killed after GitHub accepted its write, or between two writes: a redelivery or a
 *   sweep completes the same issue.
 */
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { createNodeMiddleware, Probot, ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { nhiStewardApp } from "../../src/app/app.ts";
import { signPayload, startLocalAppServer, type LocalAppServer } from "../../src/app/local-server.ts";
import { VirtualClock } from "../../src/core/clock.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { MemoryLock, RedisLock, type AlertLock } from "../../src/github/lock/index.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep } from "../../src/handlers/sweep.ts";
import { MemoryLogger } from "../../src/log.ts";
import { startSandbox, type Sandbox } from "../../src/sandbox/index.ts";
import { PLANTED, seedAcme } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

const ALERTS = 10;
const SAME_DELIVERY_TIMES = 5;

// ---------------------------------------------------------------------------------------------- Redis

const REDIS_HELP =
  'Start a throwaway redis-server with `export REDIS_URL="$(bash scripts/redis.sh)"` (it listens on 127.0.0.1:6390; CI runs it before the tests).';

/** The Redis URL, or a failure that says how to get one: these tests must not pass without the shared lock. */
async function redisUrl(): Promise<string> {
  const url = process.env.REDIS_URL?.trim();
  if (!url) throw new Error(`REDIS_URL is not set: the two-replica tests need a real Redis for the shared per-alert lock. ${REDIS_HELP}`);
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
  let connectionError: Error | undefined;
  client.on("error", (e: Error) => (connectionError = e));
  try {
    await client.connect();
    if ((await client.ping()) !== "PONG") throw new Error("PING was not answered with PONG");
  } catch (e) {
    throw new Error(`Redis is not reachable at ${url} (${(connectionError ?? (e as Error)).message}). ${REDIS_HELP}`, { cause: e });
  } finally {
    client.disconnect();
  }
  return url;
}

// ------------------------------------------------------------------------------------- the world

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Replica {
  deliver(name: string, payload: object, id: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * One replica of the app: what `startLocalAppServer` runs (the real Probot app on loopback, retries
 * on, throttling off), but with the lock given, as `server.ts` passes `createLock(REDIS_URL)`.
 * (`startLocalAppServer` takes no `lock` option, so this is its twin with one.)
 */
async function startReplica(options: { baseUrl: string; clock: VirtualClock; log: MemoryLogger; lock: AlertLock }): Promise<Replica> {
  const secret = "nhi-steward-replica-secret";
  const probot = new Probot({
    appId: 1,
    privateKey: testPrivateKey,
    secret,
    baseUrl: options.baseUrl,
    logLevel: "fatal",
    Octokit: ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { enabled: true },
      throttle: { ...(o.throttle as object), enabled: false },
    })),
  });
  const middleware = await createNodeMiddleware(nhiStewardApp({ clock: options.clock, log: options.log, lock: options.lock }), { probot });
  const server = createServer((req, res) => {
    void middleware(req, res, () => {
      res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/github/webhooks`;
  const replica: Replica = {
    async deliver(name, payload, id) {
      const body = JSON.stringify(payload);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-github-event": name,
          "x-github-delivery": id,
          "x-hub-signature-256": signPayload(secret, body),
          "user-agent": "GitHub-Hookshot/test",
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: () => closeServer(server),
  };
  cleanups.push(() => replica.close());
  return replica;
}

/** One throwaway key for every replica (they are one GitHub App). */
const { privateKey: testPrivateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}

async function newSandbox(): Promise<{ sandbox: Sandbox; clock: VirtualClock }> {
  const clock = new VirtualClock("2026-11-23T08:55:00Z");
  const sandbox = await startSandbox({ clock });
  seedAcme(sandbox);
  cleanups.push(() => sandbox.close());
  return { sandbox, clock };
}

function addAlert(sandbox: Sandbox, path: string, extra: { validity?: "active" | "inactive" | "unknown" } = {}): number {
  return sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: extra.validity ?? "active",
    locations: [{ path, startLine: 3, endLine: 3, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  }).number;
}

/** Response issues by alert number (from the marker), for acme/api. */
function issuesByAlert(sandbox: Sandbox): Map<number, ReturnType<Sandbox["state"]["listIssues"]>> {
  const byAlert = new Map<number, ReturnType<Sandbox["state"]["listIssues"]>>();
  for (const issue of sandbox.state.listIssues("acme", "api")) {
    const marker = decodeMarker(issue.body ?? "");
    if (!marker || !issue.labels.includes("nhi-response")) continue;
    byAlert.set(marker.alert, [...(byAlert.get(marker.alert) ?? []), issue]);
  }
  return byAlert;
}

/**
 * Ten alerts, each with two locations. For each, at once: the same `created` delivery five times
 * (the same delivery id, as a redelivery has), another `created`, and the `location.created` for the
 * second location, spread over the two replicas. Returns the HTTP statuses the replicas answered.
 */
async function race(sandbox: Sandbox, replicas: [Replica, Replica]): Promise<{ alerts: number[]; statuses: number[]; ms: number }> {
  const alerts: number[] = [];
  for (let i = 0; i < ALERTS; i++) {
    const n = addAlert(sandbox, `src/service-${i}.ts`);
    sandbox.state.addAlertLocation("acme", "api", n, {
      path: `config/service-${i}.env`,
      startLine: 1,
      endLine: 1,
      commitSha: "1111111111111111111111111111111111111111",
    });
    alerts.push(n);
  }
  const sends: Promise<number>[] = [];
  for (const n of alerts) {
    const ref = { owner: "acme", repo: "api", alertNumber: n, installationId: 1 };
    const created = sandbox.webhook("secret_scanning_alert", "created", ref);
    const createdAgain = sandbox.webhook("secret_scanning_alert", "created", ref);
    const location = sandbox.webhook("secret_scanning_alert_location", "created", ref);
    for (let k = 0; k < SAME_DELIVERY_TIMES; k++) sends.push(replicas[k % 2]!.deliver(created.name, created.payload, created.id));
    sends.push(replicas[1].deliver(createdAgain.name, createdAgain.payload, createdAgain.id));
    sends.push(replicas[0].deliver(location.name, location.payload, location.id));
  }
  const started = performance.now();
  const statuses = await Promise.all(sends);
  return { alerts, statuses, ms: performance.now() - started };
}

// ------------------------------------------------------------------------------------------- tests

describe("two replicas, the same alert delivered at once", () => {
  it(`with a shared RedisLock: exactly one issue per alert (${ALERTS} alerts × ${SAME_DELIVERY_TIMES + 2} racing deliveries)`, async () => {
    const url = await redisUrl();
    const { sandbox, clock } = await newSandbox();
    const log = new MemoryLogger();
    // A key prefix of its own: parallel runs sharing the Redis never wait on each other's keys.
    const keyPrefix = `nhi-steward:test:${randomUUID()}:`;
    const locks = [0, 1].map(() => new RedisLock({ redis: url, log, keyPrefix }));
    for (const lock of locks) cleanups.push(() => lock.close());
    const replicas = (await Promise.all(locks.map((lock) => startReplica({ baseUrl: sandbox.url, clock, log, lock })))) as [
      Replica,
      Replica,
    ];

    const { alerts, statuses, ms } = await race(sandbox, replicas);
    console.log(
      `shared RedisLock: ${statuses.length} deliveries in ${Math.round(ms)} ms → ${sandbox.state.listIssues("acme", "api").length} issues for ${alerts.length} alerts`,
    );

    expect(statuses.every((s) => s === 200)).toBe(true);
    const byAlert = issuesByAlert(sandbox);
    expect(sandbox.state.listIssues("acme", "api")).toHaveLength(ALERTS);
    for (const [i, n] of alerts.entries()) {
      const issues = byAlert.get(n) ?? [];
      expect(issues, `alert #${n}`).toHaveLength(1);
      const issue = issues[0]!;
      expect(issue.state).toBe("open");
      expect([...issue.labels].sort()).toEqual(["nhi-response", "severity:high", "sla:on-track"]);
      expect(issue.assignees).toEqual(["carol", "dave"]);
      // Both locations, whichever delivery got there first.
      expect(issue.body).toContain(`src/service-${i}.ts`);
      expect(issue.body).toContain(`config/service-${i}.env`);
    }
    expect(sandbox.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/api/issues")).toHaveLength(ALERTS);
    expect(log.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(sandbox.validationErrors).toEqual([]);
  });

  it("without a shared lock (one MemoryLock per replica): reports how many issues the race makes", async () => {
    const { sandbox, clock } = await newSandbox();
    const log = new MemoryLogger();
    const replicas = (await Promise.all(
      [new MemoryLock(), new MemoryLock()].map((lock) => startReplica({ baseUrl: sandbox.url, clock, log, lock })),
    )) as [Replica, Replica];

    const { alerts, statuses, ms } = await race(sandbox, replicas);
    const byAlert = issuesByAlert(sandbox);
    const counts = alerts.map((n) => byAlert.get(n)?.length ?? 0);
    const total = counts.reduce((a, b) => a + b, 0);
    console.log(
      `one MemoryLock per replica: ${statuses.length} deliveries in ${Math.round(ms)} ms → ${total} issues for ${alerts.length} alerts ` +
        `(${counts.filter((c) => c > 1).length} alerts duplicated; per alert: ${counts.join(" ")})`,
    );
    // Timing decides the duplicates, so only the floor is asserted: no alert is lost.
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(counts.every((c) => c >= 1)).toBe(true);
  });
});

// ----------------------------------------------------------------------------------- crashes

/**
 * A proxy between one replica and the sandbox that can "kill" the replica: once a request matching
 * `killAfter` has reached GitHub and been answered, the answer is thrown away (the socket is
 * destroyed) and every later request of that replica is reset. GitHub did the write; the replica
 * never learns it.
 */
async function startKillingProxy(
  target: string,
  killAfter: (method: string, path: string) => boolean,
  options: { onlyOnce?: boolean } = {},
) {
  const upstream = new URL(target);
  let dead = false;
  let killed = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (dead) {
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? "/", "http://proxy.invalid").pathname;
    const fatal = killAfter(req.method ?? "GET", path) && !(options.onlyOnce && killed > 0);
    const up = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (upRes) => {
        if (fatal) {
          killed++;
          upRes.resume();
          upRes.on("end", () => {
            if (!options.onlyOnce) dead = true;
            req.socket.destroy();
          });
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on("error", () => req.socket.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => closeServer(server));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, killed: () => killed };
}

async function appServer(baseUrl: string, clock: VirtualClock, log: MemoryLogger, retries: boolean): Promise<LocalAppServer> {
  const app = await startLocalAppServer({ baseUrl, clock, log, retries });
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= app.close());
  cleanups.push(close);
  return { ...app, close };
}

/**
 * A sweep of acme/api, in process, as the Action runs it in that repository (its Octokit: retries and
 * throttling). Returns what it did for secret scanning alerts.
 */
async function sweepApi(sandbox: Sandbox, clock: VirtualClock, log: MemoryLogger) {
  const octokit = createOctokit({ token: "ghs_sweep", baseUrl: sandbox.url, log });
  const report = await sweep(
    new Run({ github: new OctokitPort(octokit, { self: SANDBOX_APP_IDENTITY }), clock, log }, { dryRun: false, maxOperations: null }),
    { kind: "repository", repo: { owner: "acme", name: "api" } },
  );
  const alerts = report.results.filter((r) => r.change.key.startsWith("secret-scanning:"));
  const count = (action: string) => alerts.filter((r) => r.status === "applied" && r.change.action === action).length;
  return { opened: count("open"), updated: count("update"), failed: alerts.filter((r) => r.status === "failed").length };
}

const issuePosts = (sandbox: Sandbox) => sandbox.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/api/issues");

describe("a replica killed in the middle of its work", () => {
  it("killed after GitHub accepted the issue POST (its answer lost): the redelivery completes that issue, and opens no second one", async () => {
    const { sandbox, clock } = await newSandbox();
    const n = addAlert(sandbox, "infra/deploy.sh");
    const proxy = await startKillingProxy(sandbox.url, (method, path) => method === "POST" && path === "/repos/acme/api/issues");
    const dyingLog = new MemoryLogger();
    // A dead process retries nothing: retries off, and the proxy resets whatever it would still send.
    const dying = await appServer(proxy.url, clock, dyingLog, false);
    const delivery = sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    await dying.deliver(delivery.name, delivery.payload, { id: delivery.id });
    await dying.close();

    expect(proxy.killed()).toBe(1);
    const [opened] = sandbox.state.listIssues("acme", "api");
    expect(opened).toBeDefined();
    expect(dyingLog.text()).toMatch(/could not open an issue for secret-scanning:acme\/api#1.*The next delivery or sweep retries it/);

    // GitHub redelivers the failed delivery (same id) to another replica.
    const log = new MemoryLogger();
    const survivor = await appServer(sandbox.url, clock, log, true);
    expect(await survivor.deliver(delivery.name, delivery.payload, { id: delivery.id })).toBe(200);
    const issues = sandbox.state.listIssues("acme", "api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.number).toBe(opened!.number);
    expect([...issues[0]!.labels].sort()).toEqual(["nhi-response", "severity:high", "sla:on-track"]);
    expect(issues[0]!.assignees).toEqual(["alice"]);
    expect(issuePosts(sandbox)).toHaveLength(1);

    // And a sweep afterwards finds nothing to do.
    expect(await sweepApi(sandbox, clock, log)).toEqual({ opened: 0, updated: 0, failed: 0 });
    expect(sandbox.state.listIssues("acme", "api")).toHaveLength(1);
    expect(sandbox.validationErrors).toEqual([]);
  });

  it("killed between the body update and the label writes of an update: a sweep puts the labels right on the same issue", async () => {
    const { sandbox, clock } = await newSandbox();
    const n = addAlert(sandbox, "infra/deploy.sh");
    const log = new MemoryLogger();
    const healthy = await appServer(sandbox.url, clock, log, true);
    const ref = { owner: "acme", repo: "api", alertNumber: n, installationId: 1 };
    const created = sandbox.webhook("secret_scanning_alert", "created", ref);
    expect(await healthy.deliver(created.name, created.payload, { id: created.id })).toBe(200);
    const [before] = sandbox.state.listIssues("acme", "api");
    expect(before!.labels).toContain("severity:high");

    // The secret turns up in public: severity rises, so the update is PATCH body, add label, remove label, comment.
    sandbox.state.updateAlert("acme", "api", n, { publiclyLeaked: true });
    const leaked = sandbox.webhook("secret_scanning_alert", "publicly_leaked", ref);
    const proxy = await startKillingProxy(
      sandbox.url,
      (method, path) => method === "PATCH" && path === `/repos/acme/api/issues/${before!.number}`,
    );
    const dyingLog = new MemoryLogger();
    const dying = await appServer(proxy.url, clock, dyingLog, false);
    await dying.deliver(leaked.name, leaked.payload, { id: leaked.id });
    await dying.close();

    const half = sandbox.state.getIssue("acme", "api", before!.number)!;
    expect(decodeMarker(half.body!)?.severity).toBe("critical");
    expect(half.labels).toContain("severity:high"); // the body moved on, the labels did not
    expect(dyingLog.text()).toMatch(/could not update #1 for secret-scanning:acme\/api#1.*The next delivery or sweep retries it/);

    expect(await sweepApi(sandbox, clock, log)).toEqual({ opened: 0, updated: 1, failed: 0 });
    const issues = sandbox.state.listIssues("acme", "api");
    expect(issues).toHaveLength(1);
    expect([...issues[0]!.labels].sort()).toEqual(["nhi-response", "severity:critical", "sla:on-track"]);
    expect(issues[0]!.assignees).toEqual(["alice"]);
    expect(issuePosts(sandbox)).toHaveLength(1);
    expect(sandbox.validationErrors).toEqual([]);
  });

  // The "found in a public source, revoke it now" comment comes from the difference between the old
  // marker and the new one, so plan.ts posts it before writing the body: a crash in between repeats
  // it rather than losing it.
  it("killed between the body update and the comment: the owner is still told (the comment is posted later)", async () => {
    const { sandbox, clock } = await newSandbox();
    const n = addAlert(sandbox, "infra/deploy.sh");
    const log = new MemoryLogger();
    const healthy = await appServer(sandbox.url, clock, log, true);
    const ref = { owner: "acme", repo: "api", alertNumber: n, installationId: 1 };
    const created = sandbox.webhook("secret_scanning_alert", "created", ref);
    await healthy.deliver(created.name, created.payload, { id: created.id });
    sandbox.state.updateAlert("acme", "api", n, { publiclyLeaked: true });
    const leaked = sandbox.webhook("secret_scanning_alert", "publicly_leaked", ref);
    const proxy = await startKillingProxy(
      sandbox.url,
      (method, path) => method === "PATCH" && /^\/repos\/acme\/api\/issues\/\d+$/.test(path),
    );
    const dying = await appServer(proxy.url, clock, new MemoryLogger(), false);
    await dying.deliver(leaked.name, leaked.payload, { id: leaked.id });
    await dying.close();

    expect(await healthy.deliver(leaked.name, leaked.payload, { id: leaked.id })).toBe(200);
    await sweepApi(sandbox, clock, log);
    const [issue] = sandbox.state.listIssues("acme", "api");
    expect(issue!.comments.map((c) => c.body)).toEqual([expect.stringContaining("found in a public source")]);
  });

  // Octokit retries a request that failed without an answer whatever its method; OctokitPort sends the
  // issue and comment POSTs with retries off, so a lost answer cannot open a second issue: the next
  // delivery or sweep finds the first.
  it("the answer to the issue POST lost once, retries on (as in production): still one issue", async () => {
    const { sandbox, clock } = await newSandbox();
    const n = addAlert(sandbox, "infra/deploy.sh");
    const proxy = await startKillingProxy(sandbox.url, (method, path) => method === "POST" && path === "/repos/acme/api/issues", {
      onlyOnce: true,
    });
    const log = new MemoryLogger();
    const app = await appServer(proxy.url, clock, log, true);
    const delivery = sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    expect(await app.deliver(delivery.name, delivery.payload, { id: delivery.id })).toBe(200);
    expect(proxy.killed()).toBe(1);
    expect(issuePosts(sandbox).length).toBeGreaterThanOrEqual(1);
    expect(sandbox.state.listIssues("acme", "api")).toHaveLength(1);
  });
});

describe("two replicas with grouping on", () => {
  // Different alerts race for the same group issue: the replicas hold the shared lock per repository
  // while they plan and write the group, so no row is written away and no second group opens.
  it(`with a shared RedisLock: one group issue holds each of ${ALERTS} racing alerts exactly once, with both locations`, async () => {
    const url = await redisUrl();
    const { sandbox, clock } = await newSandbox();
    sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", 'fallback_owner: "@acme/security"\ngrouping:\n  enabled: true\n');
    const log = new MemoryLogger();
    const keyPrefix = `nhi-steward:test:${randomUUID()}:`;
    const locks = [0, 1].map(() => new RedisLock({ redis: url, log, keyPrefix }));
    for (const lock of locks) cleanups.push(() => lock.close());
    const replicas = (await Promise.all(locks.map((lock) => startReplica({ baseUrl: sandbox.url, clock, log, lock })))) as [
      Replica,
      Replica,
    ];

    const { alerts, statuses } = await race(sandbox, replicas);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const issues = sandbox.state.listIssues("acme", "api");
    expect(issues).toHaveLength(1);
    const members = decodeMarker(issues[0]!.body)!.group!.members;
    expect(members.map((m) => m.alert).sort((a, b) => a - b)).toEqual(alerts);
    expect(members.every((m) => m.locs === 2)).toBe(true);
    expect(issues[0]!.title).toBe(`${ALERTS} leaked credentials for @acme/platform in acme/api`);
    expect(sandbox.state.everythingWritten()).not.toContain(PLANTED.pat);
  });
});
