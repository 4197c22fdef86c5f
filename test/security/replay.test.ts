/**
 * Control: a replayed webhook delivery (the same signed request, the same `X-GitHub-Delivery` id) is
 * processed once. End to end through the real Probot app on loopback and the sandbox GitHub:
 *
 * - the same alert delivery, or the same `/ack` comment delivery, sent twice: the second is refused
 *   before it reads or writes anything, whatever `X-GitHub-Delivery` id it carries (the header is not
 *   signed, the body is);
 * - a delivery that failed is processed when GitHub redelivers it (same id);
 * - unsigned or badly signed requests cannot claim an id in advance;
 * - two replicas sharing Redis: a replay sent to the other replica is refused too.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { RedisDeliveryLog } from "../../src/app/deliveries.ts";
import { startLocalAppServer, type LocalAppServer } from "../../src/app/local-server.ts";
import { asUser, PLANTED, responseIssues, type World, worldsStartedInTests } from "../support/world.ts";

const startWorld = worldsStartedInTests();
const cleanups: (() => Promise<void>)[] = [];
// Before the world's checks: what a test started around it.
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const writes = (w: World) => w.sandbox.requests.filter((r) => r.method !== "GET");

/** A world with one active PAT alert in `infra/deploy.sh` (CODEOWNERS: `/infra/ @alice`). */
async function worldWithAlert(): Promise<{ w: World; n: number }> {
  const world = await startWorld();
  const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  }).number;
  return { w: world, n };
}

const alertDelivery = (w: World, n: number) =>
  w.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });

describe("one app: the same delivery twice", () => {
  it("an alert delivery replayed with its id: processed once, the replay reads and writes nothing", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
    const before = w.sandbox.requests.length;

    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(w.sandbox.requests.length).toBe(before);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
    expect(w.log.text()).toContain(`alert delivery ${d.id} was processed already: a replay is ignored.`);
  });

  it("the same signed delivery replayed under a new X-GitHub-Delivery id (the id is not signed): refused too", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    const before = w.sandbox.requests.length;
    const forged = randomUUID();
    expect(await w.app.deliver(d.name, d.payload, { id: forged })).toBe(200);
    expect(w.sandbox.requests.length).toBe(before);
    expect(w.log.text()).toContain(`alert delivery ${forged} was processed already: a replay is ignored.`);
  });

  it("a `/ack` comment delivery replayed: one acknowledgement comment, one set of writes", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    await w.app.deliver(d.name, d.payload, { id: d.id });
    const [issue] = responseIssues(w, "acme/api");
    // alice comments `/ack`; GitHub delivers issue_comment.created (built by the sandbox as test/support/world.ts `comment` does,
    // checked against GitHub's webhook schema), sent here by hand to replay it with one id.
    const created = (await asUser(w, "alice", "POST", `/repos/acme/api/issues/${issue!.number}/comments`, {
      body: "On it.\n/ack",
    })) as { id: number };
    const { payload } = w.sandbox.issueWebhook("issue_comment", "created", {
      owner: "acme",
      repo: "api",
      issueNumber: issue!.number,
      commentId: created.id,
      sender: "alice",
      installationId: 1,
    });
    const id = randomUUID();
    const writesBefore = writes(w).length;
    expect(await w.app.deliver("issue_comment", payload, { id })).toBe(200);
    const writesOnce = writes(w).length - writesBefore;
    const comments = responseIssues(w, "acme/api")[0]!.comments.length;
    expect(writesOnce).toBeGreaterThan(0);

    expect(await w.app.deliver("issue_comment", payload, { id })).toBe(200);
    expect(writes(w).length - writesBefore).toBe(writesOnce);
    expect(responseIssues(w, "acme/api")[0]!.comments).toHaveLength(comments);
    expect(w.log.text()).toContain(`issue_comment delivery ${id} was processed already`);
  });

  it("a delivery that failed is processed when GitHub redelivers it with the same id", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    // GitHub's secondary rate limit on the CODEOWNERS read: the delivery fails rather than route without CODEOWNERS.
    w.sandbox.faults.inject({
      method: "GET",
      path: "/repos/acme/api/contents/.github/CODEOWNERS",
      status: 403,
      headers: { "retry-after": "1" },
      body: {
        message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
      },
      times: 1,
    });
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBeGreaterThanOrEqual(400);
    expect(responseIssues(w, "acme/api")).toEqual([]);

    // "Redeliver" in the app's settings: the same id.
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    const issues = responseIssues(w, "acme/api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["alice"]);

    // Now it completed: a further copy is a replay.
    const before = w.sandbox.requests.length;
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(w.sandbox.requests.length).toBe(before);
  });

  it("a different event that reuses an id (GitHub never does; a test GitHub's counters may) is not taken for a replay", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    const before = w.sandbox.requests.length;
    const other = w.sandbox.webhook("secret_scanning_alert_location", "created", {
      owner: "acme",
      repo: "api",
      alertNumber: n,
      installationId: 1,
    });
    expect(await w.app.deliver(other.name, other.payload, { id: d.id })).toBe(200);
    expect(w.sandbox.requests.length).toBeGreaterThan(before);
    expect(w.log.text()).not.toContain("a replay is ignored");
  });

  it("unsigned or badly signed requests cannot claim a delivery id before GitHub's signed delivery arrives", async () => {
    const { w, n } = await worldWithAlert();
    const d = alertDelivery(w, n);
    expect(await w.app.deliver(d.name, d.payload, { id: d.id, signature: null })).toBeGreaterThanOrEqual(400);
    expect(await w.app.deliver(d.name, d.payload, { id: d.id, signature: `sha256=${"0".repeat(64)}` })).toBeGreaterThanOrEqual(400);
    expect(w.sandbox.requests.filter((r) => r.path.startsWith("/repos/"))).toEqual([]);

    expect(await w.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
  });
});

// A real redis-server, started by scripts/redis.sh (CI runs it first), shared by two replicas.
describe("two replicas sharing Redis", () => {
  async function replicas(w: World): Promise<[LocalAppServer, LocalAppServer]> {
    const url = process.env.REDIS_URL?.trim() || "redis://127.0.0.1:6390";
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2_000 });
    probe.on("error", () => {});
    try {
      await probe.connect();
    } catch (e) {
      throw new Error(
        `Redis is not reachable at ${url}: start one with \`export REDIS_URL="$(bash scripts/redis.sh)"\` (${(e as Error).message})`,
        { cause: e },
      );
    } finally {
      probe.disconnect();
    }
    // A key prefix of its own, so parallel runs sharing the Redis never see each other's deliveries.
    const keyPrefix = `nhi-steward:test:${randomUUID()}:delivery:`;
    const servers: LocalAppServer[] = [];
    for (let i = 0; i < 2; i++) {
      const deliveries = new RedisDeliveryLog({ redis: url, log: w.log, keyPrefix });
      const server = await startLocalAppServer({ baseUrl: w.sandbox.url, clock: w.clock, log: w.log, deliveries });
      cleanups.push(async () => {
        await server.close();
        await deliveries.close();
      });
      servers.push(server);
    }
    return servers as [LocalAppServer, LocalAppServer];
  }

  it("a delivery processed by one replica is refused when replayed to the other", async () => {
    const { w, n } = await worldWithAlert();
    const [a, b] = await replicas(w);
    const d = alertDelivery(w, n);
    expect(await a.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
    const before = w.sandbox.requests.length;

    expect(await b.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(w.sandbox.requests.length).toBe(before);
    expect(w.log.text()).toContain(`alert delivery ${d.id} was processed already: a replay is ignored.`);

    // A new delivery (another id) to the other replica is processed as usual.
    const again = alertDelivery(w, n);
    expect(await b.deliver(again.name, again.payload, { id: again.id })).toBe(200);
    expect(w.sandbox.requests.length).toBeGreaterThan(before);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
  });

  it("the same delivery to both replicas at once: processed by one", async () => {
    const { w, n } = await worldWithAlert();
    const [a, b] = await replicas(w);
    const d = alertDelivery(w, n);
    const statuses = await Promise.all([a, b, a, b].map((r) => r.deliver(d.name, d.payload, { id: d.id })));
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(responseIssues(w, "acme/api")).toHaveLength(1);
    expect(w.sandbox.requests.filter((r) => r.method === "POST" && r.path === "/repos/acme/api/issues")).toHaveLength(1);
    expect(
      w.log.lines.filter((l) => /delivery .* (was processed already|is being processed by another attempt)/.test(l.message)),
    ).toHaveLength(3);
  });
});
