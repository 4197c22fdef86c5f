/**
 * The App heals itself without an operator: GitHub never redelivers a failed delivery by itself,
 * so the interval sweep (on by default in the production server) converges on GitHub's state; and
 * installing the app, or giving it more repositories, turns their open alerts into issues at once.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SWEEP_INTERVAL_MINUTES, HANDLED_EVENTS } from "../../src/app/app.ts";
import { sweepInstallations } from "../../src/app/interval-sweep.ts";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { MemoryLock } from "../../src/github/lock/index.ts";
import { ALWAYS_DELIVERED, routeFor } from "../../src/handlers/router.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";
import { deliver, PLANTED, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

const addAlert = (repo: string, path: string, secret: string = PLANTED.pat) =>
  world.sandbox.state.addSecretScanningAlert("acme", repo, {
    secretType: "github_personal_access_token",
    secret,
    validity: "active",
    locations: [{ path, startLine: 1 }],
  }).number;
const titled = (repo: string, n: number) =>
  responseIssues(world, `acme/${repo}`).filter(
    (i) => i.title.endsWith(`(secret scanning alert #${n})`) || decodeMarker(i.body)?.group?.members.some((m) => m.alert === n),
  );
const interval = () =>
  sweepInstallations(world.app.probot, {
    clock: world.clock,
    log: world.log,
    lock: new MemoryLock(),
    apiUrl: world.sandbox.url,
    env: {},
    self: async () => SANDBOX_APP_IDENTITY,
  });

describe("a failed delivery is healed without an operator", () => {
  it("the interval sweep is on by default, and opens the issue a failed delivery could not", async () => {
    expect(DEFAULT_SWEEP_INTERVAL_MINUTES).toBeGreaterThan(0);
    const n = addAlert("api", "infra/deploy.sh");
    // GitHub will not let the CODEOWNERS file be read: the delivery fails (rather than route without
    // it), and GitHub will not send it again.
    world.sandbox.faults.inject({
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
    const status = await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    world.sandbox.faults.clear();
    expect(status).toBeGreaterThanOrEqual(400);
    expect(titled("api", n)).toEqual([]);
    // The next interval, with nobody redelivering anything.
    world.clock.advance(DEFAULT_SWEEP_INTERVAL_MINUTES * 60_000);
    await interval();
    const [issue] = titled("api", n);
    expect(issue?.assignees).toEqual(["alice"]);
    // And the alert on GitHub names the same owner.
    expect(world.sandbox.state.alert("acme", "api", n)!.assignedTo).toBe("alice");
    // A second interval writes nothing.
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    await interval();
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });
});

describe("installing the app sweeps the new repositories", () => {
  it("installation.created: every open alert of the listed repositories becomes an issue in that delivery", async () => {
    const a = addAlert("api", "infra/deploy.sh");
    const b = addAlert("site", "index.html", PLANTED.aws);
    const d = world.sandbox.installationWebhook("created", { installationId: 1, repos: ["api", "site"] });
    expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(titled("api", a)).toHaveLength(1);
    expect(titled("site", b)).toHaveLength(1);
    expect(titled("site", b)[0]!.assignees).toEqual(["erin"]);
  });

  it("installation_repositories.added: only the added repositories, grouped when the policy groups", async () => {
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\ngrouping:\n  enabled: true\n',
    );
    const site = [addAlert("site", "a.html"), addAlert("site", "b.html", PLANTED.aws), addAlert("site", "c.html", PLANTED.npm)];
    const api = addAlert("api", "infra/deploy.sh");
    const d = world.sandbox.installationWebhook("added", { installationId: 1, repos: ["site"] });
    expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    const issues = responseIssues(world, "acme/site");
    expect(issues).toHaveLength(1);
    expect(
      decodeMarker(issues[0]!.body)!
        .group!.members.map((m) => m.alert)
        .sort(),
    ).toEqual(site.sort());
    // acme/api was not added: untouched.
    expect(titled("api", api)).toEqual([]);
    // The same delivery again (a redelivery) changes nothing.
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    const again = world.sandbox.installationWebhook("added", { installationId: 1, repos: ["site"] });
    expect(await world.app.deliver(again.name, again.payload, { id: again.id })).toBe(200);
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("installation events are routed, though app.yml cannot subscribe to them (GitHub sends them to every app)", () => {
    expect(routeFor("installation", "created")?.claim).toBe("installation");
    expect(routeFor("installation_repositories", "added")?.claim).toBe("installation");
    expect(routeFor("installation", "deleted")).toBeNull();
    for (const e of ALWAYS_DELIVERED) expect(HANDLED_EVENTS).not.toContain(e);
  });
});
