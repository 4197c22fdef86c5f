/**
 * The fault matrix: GitHub (the sandbox) misbehaves once, during one delivery to the real Probot
 * app (retries on, as `startLocalAppServer` runs it). For each fault: the issue that results (or the
 * documented outcome), how many requests the app spent (retries are bounded), and what the log says.
 *
 * What Probot's Octokit does with each answer (@octokit/plugin-retry; throttling is off in the
 * local server, and Probot's own onSecondaryRateLimit does not retry either): 5xx, 429 and a
 * connection reset are retried, up to 3 times, after 1, 4, 9 s (it ignores `retry-after`); 400,
 * 401, 403, 404, 410, 422 and 451 are never retried.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { createOctokit } from "../../src/github/octokit.ts";
import { OctokitPort } from "../../src/github/octokit-port.ts";
import { Run } from "../../src/handlers/run.ts";
import { sweep } from "../../src/handlers/sweep.ts";
import type { Fault, RequestLogEntry } from "../../src/sandbox/index.ts";
import { deliver, PLANTED, responseIssues, seedAcme, type World, worldsStartedInTests } from "../support/world.ts";
import { SANDBOX_APP_IDENTITY } from "../../src/sandbox/index.ts";

const startWorld = worldsStartedInTests();

/** A fresh world with one active PAT alert in `infra/deploy.sh` (CODEOWNERS: `/infra/ @alice`). */
async function worldWithAlert(seed?: Parameters<typeof startWorld>[0]): Promise<{ w: World; n: number }> {
  const world = await startWorld(seed);
  const n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
  }).number;
  return { w: world, n };
}

const sig = (r: RequestLogEntry) => `${r.method} ${r.path}`;
const hits = (w: World, method: string, path: string | RegExp) =>
  w.sandbox.requests
    .filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path)))
    .map((r) => r.status);
const CORRECT_LABELS = ["nhi-response", "severity:high", "sla:on-track"];

/** The requests of one clean delivery of the same alert in the same world: what every case is compared with. */
let baseline: string[] = [];
beforeAll(async () => {
  const { w, n } = await worldWithAlert();
  expect(await deliver(w, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
  baseline = w.sandbox.requests.map(sig);
  expect(responseIssues(w, "acme/api").map((i) => i.assignees)).toEqual([["alice"]]);
  await w.close();
});

/** Delivers the alert's `created` once with the faults armed; returns the HTTP status and the time it took. */
async function deliverWith(w: World, n: number, ...faults: Fault[]): Promise<{ status: number }> {
  for (const f of faults) w.sandbox.faults.inject(f);
  return { status: await deliver(w, "secret_scanning_alert", "created", "acme/api", n) };
}

/** The one issue a clean delivery opens: assigned to alice, labelled as it should be. */
function expectTheCorrectIssue(w: World): void {
  const issues = responseIssues(w, "acme/api");
  expect(issues).toHaveLength(1);
  expect(issues[0]!.assignees).toEqual(["alice"]);
  expect([...issues[0]!.labels].sort()).toEqual(CORRECT_LABELS);
  expect(issues[0]!.body).toContain("@alice (.github/CODEOWNERS line 3: `/infra/ @alice`)");
}

/** The log of a delivery that went well (whatever happened on the wire). */
function expectOpenedLog(w: World, n: number): void {
  const text = w.log.text();
  expect(text).toMatch(new RegExp(`acme/api alert#${n}: secret_scanning_alert\\.created \\(delivery `));
  expect(text).toContain(`secret-scanning:acme/api#${n}: open an issue for secret-scanning:acme/api#${n}, assigned to @alice (acme/api#1)`);
  expect(w.log.lines.filter((l) => l.level === "error")).toEqual([]);
}

/**
 * A sweep of acme/api in process, as the Action runs it in that repository: what heals an alert a
 * delivery dropped. Returns what it did for secret scanning alerts.
 */
async function sweepApi(w: World) {
  const octokit = createOctokit({ token: "ghs_sweep", baseUrl: w.sandbox.url, log: w.log });
  const report = await sweep(
    new Run(
      { github: new OctokitPort(octokit, { self: SANDBOX_APP_IDENTITY }), clock: w.clock, log: w.log },
      { dryRun: false, maxOperations: null },
    ),
    { kind: "repository", repo: { owner: "acme", name: "api" } },
  );
  const alerts = report.results.filter((r) => r.change.key.startsWith("secret-scanning:"));
  return {
    opened: alerts.filter((r) => r.status === "applied" && r.change.action === "open").length,
    failed: alerts.filter((r) => r.status === "failed").length,
  };
}

const SECONDARY_RATE_LIMIT = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 5A4D:0001.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

describe("transient errors on a read are retried once and leave no trace but the extra request", () => {
  // The retried read happens inside Octokit: nhi-steward's log only shows the outcome. The sandbox's
  // request log is the evidence: exactly one extra request, on the faulted route.
  const cases: { name: string; fault: Fault; method: string; path: string | RegExp; statuses: number[] }[] = [
    {
      name: "500 on CODEOWNERS",
      fault: { method: "GET", path: "/repos/acme/api/contents/.github/CODEOWNERS", status: 500, times: 1 },
      method: "GET",
      path: "/repos/acme/api/contents/.github/CODEOWNERS",
      statuses: [500, 200],
    },
    {
      name: "502 on the response-issue list",
      fault: { method: "GET", path: "/repos/acme/api/issues", status: 502, times: 1 },
      method: "GET",
      path: "/repos/acme/api/issues",
      statuses: [502, 200],
    },
    {
      name: "503 on the alert's locations",
      fault: { method: "GET", path: /\/secret-scanning\/alerts\/\d+\/locations$/, status: 503, times: 1 },
      method: "GET",
      path: /\/locations$/,
      statuses: [503, 200],
    },
    {
      name: "connection reset on the organisation policy",
      fault: { method: "GET", path: "/repos/acme/.github/contents/.github/nhi-steward.yml", reset: true, times: 1 },
      method: "GET",
      path: "/repos/acme/.github/contents/.github/nhi-steward.yml",
      statuses: [0, 200],
    },
  ];
  for (const c of cases) {
    it(`${c.name}: one correct issue, one extra request`, async () => {
      const { w, n } = await worldWithAlert();
      const { status } = await deliverWith(w, n, c.fault);
      expect(status).toBe(200);
      expectTheCorrectIssue(w);
      expect(hits(w, c.method, c.path)).toEqual(c.statuses);
      expect(w.sandbox.requests).toHaveLength(baseline.length + 1);
      expect(w.sandbox.requests.filter((r) => !r.fault).map(sig)).toEqual(baseline);
      expectOpenedLog(w, n);
    });
  }
});

describe("rate limits", () => {
  it("429 with retry-after on the issue create: not retried in place (a lost answer could open a duplicate), deferred; the next sweep opens the one issue", async () => {
    const { w, n } = await worldWithAlert();
    const { status } = await deliverWith(w, n, {
      method: "POST",
      path: "/repos/acme/api/issues",
      status: 429,
      headers: { "retry-after": "1" },
      times: 1,
    });
    expect(status).toBe(200);
    expect(responseIssues(w, "acme/api")).toEqual([]);
    expect(hits(w, "POST", "/repos/acme/api/issues")).toEqual([429]);
    expect(w.log.text()).toMatch(new RegExp(`secret-scanning:acme/api#${n}: GitHub asked to slow down \\(429`));
    expect(await sweepApi(w)).toEqual({ opened: 1, failed: 0 });
    expectTheCorrectIssue(w);
  });

  it("403 secondary rate limit (retry-after: 1) on the issue create: not retried, deferred and logged, delivery answered 200; the next sweep opens the issue", async () => {
    const { w, n } = await worldWithAlert();
    const { status } = await deliverWith(w, n, {
      method: "POST",
      path: "/repos/acme/api/issues",
      status: 403,
      headers: { "retry-after": "1" },
      body: SECONDARY_RATE_LIMIT,
      times: 1,
    });
    // Documented outcome: Octokit never retries a 403 (nor does Probot's throttling, for a secondary
    // limit), and the executor defers the change, so the delivery succeeds and GitHub does not
    // redeliver it. Nothing is open until the sweep.
    expect(status).toBe(200);
    expect(responseIssues(w, "acme/api")).toEqual([]);
    expect(hits(w, "POST", "/repos/acme/api/issues")).toEqual([403]);
    // One fewer than a good delivery: the alert's assignee is set only once its issue is open.
    expect(w.sandbox.requests).toHaveLength(baseline.length - 1);
    expect(w.log.text()).toMatch(
      new RegExp(`secret-scanning:acme/api#${n}: .*You have exceeded a secondary rate limit\\..*(next run|next delivery or sweep)`),
    );

    expect(await sweepApi(w)).toEqual({ opened: 1, failed: 0 });
    expectTheCorrectIssue(w);
  });

  it("403 secondary rate limit on the CODEOWNERS read: the delivery fails (GitHub may redeliver) rather than route without CODEOWNERS; the sweep opens it for the right owner", async () => {
    const { w, n } = await worldWithAlert();
    const { status } = await deliverWith(w, n, {
      method: "GET",
      path: "/repos/acme/api/contents/.github/CODEOWNERS",
      status: 403,
      headers: { "retry-after": "1" },
      body: SECONDARY_RATE_LIMIT,
      times: 1,
    });
    expect(status).toBeGreaterThanOrEqual(400); // the delivery fails with GitHub's status
    expect(responseIssues(w, "acme/api")).toEqual([]);
    expect(w.log.text()).toMatch(
      /acme\/api: \.github\/CODEOWNERS could not be read \(You have exceeded a secondary rate limit\..*retried rather than routed without CODEOWNERS/,
    );
    expect(await sweepApi(w)).toEqual({ opened: 1, failed: 0 });
    expectTheCorrectIssue(w);
  });
});

describe("owners GitHub will not take", () => {
  it("CODEOWNERS names a login that cannot be assigned: checked first (the repository's assignees), skipped and noted; GitHub never answers 422", async () => {
    const { w, n } = await worldWithAlert();
    w.sandbox.state.setFile("acme", "api", ".github/CODEOWNERS", "* @acme/platform\n/infra/ @mallory @alice\n");
    const { status } = await deliverWith(w, n);
    expect(status).toBe(200);
    const issues = responseIssues(w, "acme/api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["alice"]);
    expect(issues[0]!.body).toContain("@mallory cannot be assigned in this repository");
    // The repository's assignable people fit on one page: one list answers for every login.
    expect(hits(w, "GET", "/repos/acme/api/assignees")).toEqual([200]);
    expect(hits(w, "GET", "/repos/acme/api/assignees/mallory")).toEqual([]);
    expect(w.sandbox.requests.filter((r) => r.status === 422)).toEqual([]);
    expect(w.log.text()).toContain(`secret-scanning:acme/api#${n}: open an issue for secret-scanning:acme/api#${n}, assigned to @alice`);
  });

  // A 422 "assignees invalid" (access removed between the check and the create): the port opens the
  // issue again at once without the refused login.
  it("422 on the issue create: the issue still opens in the same delivery, without the refused login", async () => {
    const { w, n } = await worldWithAlert();
    w.sandbox.state.setFile("acme", "api", ".github/CODEOWNERS", "* @acme/platform\n/infra/ @mallory @alice\n");
    // The assignee list still names mallory (access removed a moment later).
    await deliverWith(w, n, {
      method: "GET",
      path: "/repos/acme/api/assignees",
      status: 200,
      times: 1,
      body: ["mallory", "alice", "bob", "carol", "dave", "erin"].map((login, id) => ({ login, id: id + 1, type: "User" })),
    });
    expect(hits(w, "POST", "/repos/acme/api/issues")).toEqual([422, 201]);
    const issues = responseIssues(w, "acme/api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["alice"]);
  });
});

describe("missing things", () => {
  it("404 on every CODEOWNERS location (no file): the fallback owner, labelled nhi:unowned, no retries", async () => {
    const { w, n } = await worldWithAlert();
    const codeowners = /^\/repos\/acme\/api\/contents\/(\.github\/|docs\/)?CODEOWNERS$/;
    const { status } = await deliverWith(w, n, { method: "GET", path: codeowners, status: 404, times: 3 });
    expect(status).toBe(200);
    const issues = responseIssues(w, "acme/api");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.assignees).toEqual(["erin"]);
    expect(issues[0]!.labels).toEqual(expect.arrayContaining(["nhi-response", "nhi:unowned"]));
    expect(issues[0]!.body).toContain("The repository has no CODEOWNERS file");
    expect(issues[0]!.body).toContain("fallback owner `@acme/security` from the policy");
    expect(hits(w, "GET", codeowners)).toEqual([404, 404, 404]);
    expect(w.log.text()).toContain(
      `secret-scanning:acme/api#${n}: open an issue for secret-scanning:acme/api#${n}, assigned to @erin, @acme/security`,
    );
  });

  it("410 Issues are disabled on the issue create: documented outcome, not retried, no issue anywhere, the log says why", async () => {
    const { w, n } = await worldWithAlert();
    const { status } = await deliverWith(w, n, {
      method: "POST",
      path: "/repos/acme/api/issues",
      status: 410,
      body: { message: "Issues are disabled for this repo", documentation_url: "https://docs.github.com/v3/issues/" },
      times: 1,
    });
    // The alert is not recorded anywhere but the log (the delivery succeeds, so GitHub does not
    // redeliver; a sweep meets the same 410). It stays open on GitHub's alert list.
    expect(status).toBe(200);
    expect(responseIssues(w, "acme/api")).toEqual([]);
    expect(hits(w, "POST", "/repos/acme/api/issues")).toEqual([410]);
    // One fewer than a good delivery: no issue, so the alert's assignee is not set either.
    expect(w.sandbox.requests).toHaveLength(baseline.length - 1);
    expect(w.sandbox.state.alert("acme", "api", n)?.state).toBe("open");
    expect(w.log.text()).toMatch(
      new RegExp(
        `error: secret-scanning:acme/api#${n}: could not open an issue for secret-scanning:acme/api#${n}, assigned to @alice: Issues are disabled for this repo.*The next delivery or sweep retries it\\.`,
      ),
    );
  });

  // Issues disabled: the response-issue list answers 410, and plan-alert.ts moves the issue to the
  // policy's `response_repository` (without one it fails and says to set it).
  it("issues disabled on the alert's repository and a response repository in the policy: the issue opens there", async () => {
    const { w, n } = await worldWithAlert({
      seed: (sandbox) => {
        seedAcmeWithResponseRepository(sandbox);
      },
    });
    await deliverWith(w, n);
    expect(w.log.text()).not.toMatch(/error:/);
    const issues = responseIssues(w, "acme/security-response");
    expect(issues).toHaveLength(1);
    expect(issues[0]!.body).toContain("acme/api");
  });
});

/** `seedAcme`, but acme/api has issues disabled and the policy names acme/security-response. */
function seedAcmeWithResponseRepository(sandbox: World["sandbox"]): void {
  seedAcme(sandbox);
  const s = sandbox.state;
  s.setFile(
    "acme",
    ".github",
    ".github/nhi-steward.yml",
    'fallback_owner: "@acme/security"\nresponse_repository: acme/security-response\n',
  );
  s.addRepo({ owner: "acme", name: "security-response", visibility: "private", assignable: ["alice", "erin"] });
  s.repo("acme", "api")!.hasIssues = false;
}
