/**
 * What people did on closed response issues while no server listened, caught up by the next sweep as
 * the App would have applied it: closes of every kind of response issue (a token request here, not
 * only secret scanning alerts whose alert is still open), at most once, reading only issues closed
 * since the last sweep; and commands written on a closed issue (the App applies them whatever the
 * issue's state).
 */
import { describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { WHOLE } from "../../src/core/shard.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { loadSweepState, memoryStateStore, saveSweepState, scopeId } from "../../src/github/sweep-state.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";
import { asUser, PLANTED, responseIssues, sendWebhook, sweepAsAction, tokenRequestPayload, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

/** A risky personal_access_token_request by carol as GitHub sends it (checked against its schema): its issue opens in acme/.github. */
const tokenRequest = () => sendWebhook(world, "personal_access_token_request", tokenRequestPayload(world, "created"));

const writes = () => world.sandbox.requests.filter((r) => r.method !== "GET").length;
const home = () => world.sandbox.state.getIssue("acme", ".github", responseIssues(world, "acme/.github")[0]!.number)!;
/** A person closes the issue on GitHub; no server hears of it. */
async function closeUnheard(repo: string, n: number, login: string, labels: string[] = []) {
  if (labels.length) await asUser(world, login, "POST", `/repos/${repo}/issues/${n}/labels`, { labels });
  await asUser(world, login, "PATCH", `/repos/${repo}/issues/${n}`, { state: "closed", state_reason: "completed" });
}

async function openTokenRequest() {
  expect(await tokenRequest()).toBe(200);
  // The policy's fallback owner reviews token requests: @acme/security (erin).
  expect(home().assignees).toEqual(["erin"]);
  // The server then stops listening: only scheduled sweeps run from here on.
  world.clock.advance(30 * 60_000);
  await sweepAsAction(world);
  return home().number;
}

describe("a sweep applies closes of every kind of response issue", () => {
  it("a token request closed without a resolution is reopened with the request, once", async () => {
    const n = await openTokenRequest();
    await closeUnheard("acme/.github", n, "erin");
    world.clock.advance(60 * 60_000);
    await sweepAsAction(world);
    expect(home().state).toBe("open");
    expect(home().labels).toContain("nhi:needs-resolution");
    expect(home().comments.at(-1)!.body).toContain("@erin, this is reopened because it was closed without saying how");
    expect(decodeMarker(home().body)!.timeline.at(-1)).toMatchObject({ event: "closed-without-resolution", by: "erin" });
    // The next sweep finds the close applied: nothing is said or written twice.
    const comments = home().comments.length;
    const before = writes();
    await sweepAsAction(world);
    expect(home().comments).toHaveLength(comments);
    expect(writes()).toBe(before);
  });

  it("a token request closed by its owner with a resolution is recorded as resolved and stays closed, once", async () => {
    const n = await openTokenRequest();
    world.clock.advance(15 * 60_000);
    await closeUnheard("acme/.github", n, "erin", ["resolution:revoked"]);
    world.clock.advance(45 * 60_000);
    await sweepAsAction(world);
    expect(home().state).toBe("closed");
    const marker = decodeMarker(home().body)!;
    // Recorded when erin closed it, not when the sweep noticed.
    expect(marker.resolution).toMatchObject({ resolution: "revoked", by: "erin", at: "2026-11-23T09:40:00.000Z" });
    expect(home().comments.at(-1)!.body).toContain("Resolved as **revoked** by @erin");
    const before = writes();
    await sweepAsAction(world);
    expect(writes()).toBe(before);
  });

  it("a close in the same second as another comment of nhi-steward's is still applied (only its answer to a close counts)", async () => {
    const n = await openTokenRequest();
    // nhi-steward comments on the issue (an escalation, say), and in that same second (GitHub's times
    // are whole seconds) erin closes it as revoked, unheard.
    await asUser(world, SANDBOX_APP_IDENTITY.login, "POST", `/repos/acme/.github/issues/${n}/comments`, { body: "Escalated to @erin." });
    await closeUnheard("acme/.github", n, "erin", ["resolution:revoked"]);
    expect(home().comments.at(-1)!.createdAt).toBe(home().closedAt);
    world.clock.advance(60 * 60_000);
    await sweepAsAction(world);
    expect(home().state).toBe("closed");
    expect(decodeMarker(home().body)!.resolution).toMatchObject({ resolution: "revoked", by: "erin" });
  });

  it("from a sweep state, the closes come from the list the sweep reads anyway: no list of closed issues", async () => {
    expect(await tokenRequest()).toBe(200);
    const n = home().number;
    const store = memoryStateStore();
    const id = scopeId({ kind: "organization", org: "acme" }, WHOLE);
    const sweepWithState = async () => {
      const sweepState = await loadSweepState(store, id, world.clock.now(), world.log);
      const github = new OctokitPort(createOctokit({ token: "ghs_sweep", baseUrl: world.sandbox.url, log: world.log, pace: false }), {
        self: SANDBOX_APP_IDENTITY,
        sweepState,
      });
      await sweepAsAction(world, { org: "acme" }, { github });
      await saveSweepState(store, github, id, world.log);
    };
    world.clock.advance(30 * 60_000);
    await sweepWithState();
    await closeUnheard("acme/.github", n, "erin");
    world.clock.advance(60 * 60_000);
    const from = world.sandbox.requests.length;
    await sweepWithState();
    expect(home().state).toBe("open");
    expect(home().comments.at(-1)!.body).toContain("@erin, this is reopened because it was closed without saying how");
    const lists = world.sandbox.requests.slice(from).filter((r) => r.method === "GET" && r.path === "/repos/acme/.github/issues");
    expect(lists.map((r) => r.query.state)).not.toContain("closed");
  });
});

/** An inactive token's alert in acme/api, and the issue the first (Action) sweep opens for it. */
async function alertWithIssue() {
  const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "inactive",
    locations: [{ path: "infra/deploy.sh", startLine: 12 }],
  }).number;
  const api = { repo: { owner: "acme", name: "api" } };
  await sweepAsAction(world, api);
  return { n, api, issue: () => responseIssues(world, "acme/api")[0]! };
}

describe("a command on a closed issue", () => {
  it("/resolve after GitHub refused to resolve a close is applied by the next sweep, as the App applies it", async () => {
    const { n, api, issue } = await alertWithIssue();
    await closeUnheard("acme/api", issue().number, "alice", ["resolution:rotated"]);
    world.sandbox.faults.inject({ method: "PATCH", path: /\/secret-scanning\/alerts\/\d+$/, status: 403, times: 1 });
    world.clock.advance(30 * 60_000);
    await sweepAsAction(world, api);
    expect(issue().state).toBe("closed");
    expect(issue().comments.at(-1)!.body).toContain("The secret scanning alert could not be resolved");
    // Sorted out with the security team; alice says so in the closed issue.
    world.clock.advance(10 * 60_000);
    await asUser(world, "alice", "POST", `/repos/acme/api/issues/${issue().number}/comments`, {
      body: "/resolve rotated new key in vault",
    });
    world.clock.advance(20 * 60_000);
    await sweepAsAction(world, api);
    expect(world.sandbox.state.alert("acme", "api", n)).toMatchObject({ state: "resolved", resolution: "revoked" });
    expect(decodeMarker(issue().body)!.resolution).toMatchObject({ resolution: "rotated", by: "alice" });
    expect(issue().state).toBe("closed");
    expect(issue().comments.at(-1)!.body).toContain("Resolved as **rotated** by @alice: new key in vault.");
    const before = writes();
    await sweepAsAction(world, api);
    expect(writes()).toBe(before);
  });

  it("a /resolve caught up by a sweep is not undone by the same sweep (the alert was listed open before it)", async () => {
    const { n, api, issue } = await alertWithIssue();
    world.clock.advance(10 * 60_000);
    await asUser(world, "alice", "POST", `/repos/acme/api/issues/${issue().number}/comments`, {
      body: "/resolve rotated new key in vault",
    });
    world.clock.advance(20 * 60_000);
    await sweepAsAction(world, api);
    expect(world.sandbox.state.alert("acme", "api", n)).toMatchObject({ state: "resolved" });
    expect(issue().state).toBe("closed");
    expect(
      issue()
        .comments.map((c) => c.body)
        .join("\n"),
    ).not.toContain("Reopened");
  });
});
