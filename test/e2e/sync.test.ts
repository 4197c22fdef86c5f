import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { asUser, deliver, PLANTED, responseIssues, sweepAsAction, worldPerTest } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

const world = worldPerTest();
let n: number;
beforeEach(async () => {
  n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 1 }],
  }).number;
  await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
});

const sweepRepo = () => sweepAsAction(world, { repo: { owner: "acme", name: "api" } });

describe("issue and alert stay in step", () => {
  it("an alert resolved on GitHub closes its issue with a comment, and the timeline records it", async () => {
    world.sandbox.state.updateAlert("acme", "api", n, { state: "resolved", resolution: "false_positive" });
    await sweepRepo();
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.state).toBe("closed");
    expect(issue!.comments.at(-1)!.body).toContain("resolved on GitHub as **false_positive**");
    expect(decodeMarker(issue!.body)!.resolution).toMatchObject({ resolution: "false_positive" });
    // A second sweep changes nothing.
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    await sweepRepo();
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("an alert reopened on GitHub reopens its issue", async () => {
    world.sandbox.state.updateAlert("acme", "api", n, { state: "resolved", resolution: "revoked" });
    await sweepRepo();
    world.sandbox.state.updateAlert("acme", "api", n, { state: "open", resolution: null });
    await deliver(world, "secret_scanning_alert", "reopened", "acme/api", n);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.state).toBe("open");
    expect(issue!.comments.at(-1)!.body).toContain("**Reopened**: the secret scanning alert is still open on GitHub");
    expect(decodeMarker(issue!.body)!.resolution).toBeNull();
  });
});

describe("self-hosted interval sweep", () => {
  it("sweeps every installation with the app's own credentials and heals a missed webhook", async () => {
    const { sweepInstallations } = await import("../../src/app/interval-sweep.ts");
    const { MemoryLock } = await import("../../src/github/lock/index.ts");
    const missed = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      locations: [{ path: "src/x.ts", startLine: 2 }],
    }).number;
    const reports = await sweepInstallations(world.app.probot, {
      clock: world.clock,
      log: world.log,
      lock: new MemoryLock(),
      apiUrl: world.sandbox.url,
      env: {},
      self: async () => SANDBOX_APP_IDENTITY,
    });
    expect(reports).toHaveLength(1);
    expect(
      responseIssues(world, "acme/api").filter((i) => i.title.endsWith(`in acme/api (secret scanning alert #${missed})`)),
    ).toHaveLength(1);
  });
});

describe("a `created` delivered again after its issue was closed", () => {
  it("finds the closed issue instead of opening a second one", async () => {
    const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      locations: [{ path: "src/x.ts", startLine: 2 }],
    }).number;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    const issue = responseIssues(world, "acme/api").find((i) => i.title.endsWith(`(secret scanning alert #${n})`));
    // Closed while the app was down (its `issues.closed` never arrived).
    await asUser(world, "carol", "PATCH", `/repos/acme/api/issues/${issue!.number}`, { state: "closed" });
    world.clock.advance(24 * 3600_000);
    // A redelivery from the webhook settings page, a day later: the alert is still open on GitHub.
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    expect(responseIssues(world, "acme/api").filter((i) => i.title.endsWith(`(secret scanning alert #${n})`))).toHaveLength(1);
  });
});

describe("self-hosted interval sweeps keep their state between intervals", () => {
  it("the next interval reads only what changed, and sees what webhooks and people did in between", async () => {
    const { sweepInstallations } = await import("../../src/app/interval-sweep.ts");
    const { MemoryLock } = await import("../../src/github/lock/index.ts");
    const states = new Map();
    const interval = () =>
      sweepInstallations(world.app.probot, {
        clock: world.clock,
        log: world.log,
        lock: new MemoryLock(),
        apiUrl: world.sandbox.url,
        env: {},
        states,
        self: async () => SANDBOX_APP_IDENTITY,
      });
    const first = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      validity: "active",
      locations: [{ path: "src/x.ts", startLine: 2 }],
    }).number;
    await interval();
    expect(states.has("acme")).toBe(true);

    // Between intervals: a webhook opens an issue for a new alert, and the first alert turns inactive.
    world.clock.advance(15 * 60_000);
    const second = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "github_personal_access_token",
      secret: PLANTED.pat,
      locations: [{ path: "src/y.ts", startLine: 5 }],
    }).number;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", second);
    world.sandbox.state.updateAlert("acme", "api", first, { validity: "inactive" });
    const mark = world.sandbox.requests.length;
    const [report] = await interval();

    expect(report!.opened).toBe(0);
    const issues = responseIssues(world, "acme/api");
    expect(issues.filter((i) => i.title.endsWith(`(secret scanning alert #${second})`))).toHaveLength(1);
    expect(issues.find((i) => i.title.endsWith(`(secret scanning alert #${first})`))!.comments.at(-1)!.body).toContain(
      "Validity changed from active to **inactive**",
    );
    const reads = world.sandbox.requests.slice(mark).filter((r) => r.method === "GET");
    expect(
      reads.filter((r) => r.path === "/repos/acme/api/issues" && r.query.labels === "nhi-response").map((r) => r.query.since !== undefined),
    ).toEqual([true]);
    expect(
      reads.filter((r) => r.path === "/orgs/acme/secret-scanning/alerts" && r.query.state !== "resolved").map((r) => r.query.sort),
    ).toEqual(["updated"]);
  });
});

describe("a sweep racing a webhook", () => {
  it("does not open a second issue when the webhook opened one after the sweep made its plan", async () => {
    const late = world.sandbox.state.addSecretScanningAlert("acme", "api", {
      secretType: "aws_access_key_id",
      secret: PLANTED.aws,
      locations: [{ path: "src/late.ts", startLine: 1 }],
    }).number;
    // The webhook for the new alert lands while the sweep is between planning and opening issues.
    class RacingPort extends OctokitPort {
      raced = false;
      // The executor makes sure labels exist just before it opens the issue: the plan is made by then.
      override async ensureLabel(...args: Parameters<OctokitPort["ensureLabel"]>) {
        if (!this.raced) {
          this.raced = true;
          await deliver(world, "secret_scanning_alert", "created", "acme/api", late);
        }
        return super.ensureLabel(...args);
      }
    }
    const github = new RacingPort(createOctokit({ token: "ghs_sweep", baseUrl: world.sandbox.url, log: world.log, pace: false }), {
      self: SANDBOX_APP_IDENTITY,
    });
    const report = await sweepAsAction(world, { repo: { owner: "acme", name: "api" } }, { github });
    expect(github.raced).toBe(true);
    expect(report.opened).toBe(0);
    expect(responseIssues(world, "acme/api").filter((i) => i.title.endsWith(`(secret scanning alert #${late})`))).toHaveLength(1);
    expect(world.log.text()).toContain("already has acme/api#");
  });
});

describe("resolutions made on GitHub, without waiting for a repository sweep", () => {
  it("the resolved webhook closes the issue at once, and a redelivery changes nothing", async () => {
    world.sandbox.state.updateAlert("acme", "api", n, { state: "resolved", resolution: "revoked", resolvedBy: "bob" });
    await deliver(world, "secret_scanning_alert", "resolved", "acme/api", n);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.state).toBe("closed");
    expect(issue!.comments.at(-1)!.body).toContain("resolved on GitHub as **revoked** by @bob");
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    await deliver(world, "secret_scanning_alert", "resolved", "acme/api", n);
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });

  it("an organisation sweep closes the issue of a repository whose last open alert was resolved", async () => {
    world.sandbox.state.updateAlert("acme", "api", n, { state: "resolved", resolution: "false_positive" });
    await sweepAsAction(world, { org: "acme" });
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.state).toBe("closed");
    expect(decodeMarker(issue!.body)!.resolution).toMatchObject({ resolution: "false_positive" });
  });
});
