import { describe, expect, it } from "vitest";
import { FILE_FRESH_MS } from "../../src/github/octokit-port.ts";
import { deliver, PLANTED, responseIssues, sweepAsAction, worldPerTest } from "../support/world.ts";

/**
 * What nhi-steward costs in GitHub's rate limit: the requests that count (a 304 does not), by route.
 * The benchmarks (bench/) measure the same at scale; these pin the per-alert and per-sweep shape.
 */
const world = worldPerTest();

function countedSince(mark: number): string[] {
  return world.sandbox.requests
    .slice(mark)
    .filter((r) => r.counted)
    .map((r) => `${r.method} ${r.path.replace(/\/(alerts|issues)\/\d+/, "/$1/N")}`)
    .sort();
}

const addAlert = (secret: string, path = "src/app/config.ts") =>
  world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret,
    validity: "active",
    locations: [{ path, startLine: 3 }],
  }).number;

const sweepApi = () => sweepAsAction(world, { repo: { owner: "acme", name: "api" } });

describe("requests per alert, once the app has seen the repository", () => {
  it("a new alert costs four counted requests: its locations, the issue index, the issue itself and the alert's assignee", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(PLANTED.pat));
    const mark = world.sandbox.requests.length;
    const second = addAlert("ghp_SECONDsecondSECONDsecond0000000000002");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", second);

    // The fourth sets the alert's assignee on GitHub to the issue's first assignee (once: never again in steady state).
    expect(countedSince(mark)).toEqual([
      "GET /repos/acme/api/issues",
      "GET /repos/acme/api/secret-scanning/alerts/N/locations",
      "PATCH /repos/acme/api/secret-scanning/alerts/N",
      "POST /repos/acme/api/issues",
    ]);
    // CODEOWNERS and the organisation policy read a moment ago were used as they were: not even a 304.
    expect(world.sandbox.requests.slice(mark).filter((r) => r.path.includes("/contents/"))).toEqual([]);
    // Team members and assignability came from the app's cache, and the issue is still assigned.
    const [, issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees.sort()).toEqual(["carol", "dave"]);
  });

  it("asks GitHub about files again after a minute, and an unchanged file is a 304 (free)", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(PLANTED.pat));
    world.clock.advance(FILE_FRESH_MS);
    const mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("ghp_SECONDsecondSECONDsecond0000000000002"));
    expect(countedSince(mark)).toHaveLength(4);
    const free = world.sandbox.requests
      .slice(mark)
      .filter((r) => r.status === 304)
      .map((r) => r.path);
    expect(free.sort()).toEqual(["/repos/acme/.github/contents/.github/nhi-steward.yml", "/repos/acme/api/contents/.github/CODEOWNERS"]);
  });

  it("asks again about people once the cache's five minutes have passed", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(PLANTED.pat));
    world.clock.advance(5 * 60_000 + 1);
    const mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("ghp_THIRDthirdTHIRDthird00000000000000003"));
    const asked = countedSince(mark);
    expect(asked).toContain("GET /orgs/acme/teams/platform/members");
    expect(asked).toContain("GET /repos/acme/api/assignees");
  });
});

describe("requests per sweep", () => {
  it("a sweep with nothing new reads the policy, the repository and four lists (alerts, open issues, issues closed lately, comments since): no alert locations, no writes", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(PLANTED.pat));
    await sweepApi(); // the first sweep may settle what the webhook could not know
    const mark = world.sandbox.requests.length;
    const report = await sweepApi();
    expect(report.clocks).toBe(1);
    expect(countedSince(mark)).toEqual([
      "GET /repos/acme/.github/contents/.github/nhi-steward.yml",
      "GET /repos/acme/api",
      "GET /repos/acme/api/issues",
      // Closed since the last sweep, for the closes people made while no server listened: without a
      // sweep state, those of the last week (`state=closed&since=`); with one, none (it is in its list).
      "GET /repos/acme/api/issues",
      "GET /repos/acme/api/issues/comments",
      "GET /repos/acme/api/secret-scanning/alerts",
    ]);
  });

  it("still notices what changed: validity, and a new location (read only because GitHub says there are more)", async () => {
    const n = addAlert(PLANTED.pat);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    await sweepApi();

    world.sandbox.state.updateAlert("acme", "api", n, { validity: "inactive" });
    let mark = world.sandbox.requests.length;
    await sweepApi();
    let [issue] = responseIssues(world, "acme/api");
    expect(issue!.comments.at(-1)!.body).toContain("Validity changed from active to **inactive**");
    expect(countedSince(mark)).not.toContain("GET /repos/acme/api/secret-scanning/alerts/N/locations");

    world.sandbox.state.addAlertLocation("acme", "api", n, { path: "scripts/release.sh", startLine: 9 });
    mark = world.sandbox.requests.length;
    await sweepApi();
    [issue] = responseIssues(world, "acme/api");
    expect(issue!.body).toContain("scripts/release.sh");
    expect(issue!.comments.at(-1)!.body).toContain("found in 1 more location");
    expect(countedSince(mark)).toContain("GET /repos/acme/api/secret-scanning/alerts/N/locations");
  });
});

describe("closed issues, which pile up over the years", () => {
  /** Reads of the whole closed list (a sweep reads only the issues closed lately: `since=` a week ago). */
  const closedReads = (mark: number) =>
    world.sandbox.requests.slice(mark).filter((r) => r.path === "/repos/acme/api/issues" && r.query.state === "closed" && !r.query.since)
      .length;

  it("are not read for a new alert, nor by a sweep with nothing new (only those closed lately); an alert reopened on GitHub finds its closed issue", async () => {
    const first = addAlert(PLANTED.pat);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", first);
    world.sandbox.state.updateAlert("acme", "api", first, { state: "resolved", resolution: "revoked" });
    await deliver(world, "secret_scanning_alert", "resolved", "acme/api", first);
    expect(responseIssues(world, "acme/api")[0]!.state).toBe("closed");

    let mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("ghp_FOURTHfourthFOURTH000000000000000004"));
    await sweepApi();
    expect(closedReads(mark)).toBe(0);
    const lately = world.sandbox.requests.slice(mark).filter((r) => r.path === "/repos/acme/api/issues" && r.query.state === "closed");
    expect(lately.map((r) => r.query.since)).toEqual([new Date(world.clock.now().getTime() - 7 * 86_400_000).toISOString()]);
    expect(responseIssues(world, "acme/api")).toHaveLength(2);

    world.sandbox.state.updateAlert("acme", "api", first, { state: "open" });
    mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "reopened", "acme/api", first);
    expect(closedReads(mark)).toBe(1);
    const issues = responseIssues(world, "acme/api");
    expect(issues).toHaveLength(2);
    expect(issues.every((i) => i.state === "open")).toBe(true);
  });
});

describe("a sweep skips unchanged issues, but not a changed policy", () => {
  it("re-renders every issue when the policy changes (here: the runbook), and skips them again after", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(PLANTED.pat));
    await sweepApi();
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\nrunbooks:\n  personal-access-token: "1. Revoke the token at https://github.com/settings/tokens.\\n2. Tell #sec-team."\n',
    );
    await sweepApi();
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.body).toContain("Tell #sec-team.");

    const mark = world.sandbox.requests.length;
    await sweepApi();
    expect(world.sandbox.requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);
  });
});
