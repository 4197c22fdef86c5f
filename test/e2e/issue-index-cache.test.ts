import { describe, expect, it } from "vitest";
import { Run } from "../../src/handlers/run.ts";
import { routeFor } from "../../src/handlers/router.ts";
import { ISSUE_INDEX_FULL_READ_MS } from "../../src/github/issue-index-cache.ts";
import { seedResponseIssues } from "../support/response-issues.ts";
import { actionPort, asUser, deliver, responseIssues, worldPerTest, type World } from "../support/world.ts";

/**
 * The App keeps each repository's open response issues between deliveries (issue-index-cache.ts)
 * and asks GitHub only for those updated since: one request instead of a page per hundred issues,
 * and still every change a person or another writer made in between.
 */
const world = worldPerTest();

const addAlert = (w: World, secret: string, path = "src/app/config.ts") =>
  w.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret,
    validity: "active",
    locations: [{ path, startLine: 3 }],
  }).number;

const secret = (n: number) => `ghp_INDEXcache${String(n).padStart(26, "0")}`;

/** The response-issue list requests since `mark`: `open` (a full read, by page) or `since` (what changed). */
function issueLists(w: World, mark: number, repo = "acme/api") {
  return w.sandbox.requests
    .slice(mark)
    .filter((r) => r.method === "GET" && r.path === `/repos/${repo}/issues` && r.query.labels === "nhi-response")
    .map((r) => (r.query.since ? `since ${r.query.state}` : `${r.query.state ?? "open"} page ${r.query.page ?? "1"}`));
}

/** Another replica of the App (or the Action's run of the same handler) handles a delivery: its own port, no shared cache. */
async function deliverElsewhere(
  w: World,
  event: "secret_scanning_alert" | "secret_scanning_alert_location",
  action: string,
  alert: number,
) {
  const d = w.sandbox.webhook(event, action, { owner: "acme", repo: "api", alertNumber: alert, installationId: 1 });
  const route = routeFor(d.name, action)!;
  await route.handle(new Run({ github: actionPort(w), clock: w.clock, log: w.log }), { name: d.name, id: d.id, payload: d.payload });
}

const recordsOf = (w: World, alert: number) =>
  responseIssues(w, "acme/api").filter((i) => i.body!.includes(`"key":"secret-scanning:acme/api#${alert}"`));

describe("the App's response-issue index, kept between deliveries", () => {
  it("a second delivery in a repository with 250 open response issues reads one list request instead of three pages", async () => {
    seedResponseIssues(world.sandbox, "acme", "api", 250);
    let mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(world, secret(1)));
    expect(issueLists(world, mark)).toEqual(["open page 1", "open page 2", "open page 3"]);

    world.clock.advance(60_000);
    mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(world, secret(2)));
    expect(issueLists(world, mark)).toEqual(["since all"]);
    const since = world.sandbox.requests.slice(mark).find((r) => r.query.since)!;
    // From GitHub's Date of the first read, less the margin (one-second timestamps, skew).
    expect(Date.parse(since.query.since!)).toBe(world.clock.now().getTime() - 60_000 - 2 * 60_000);
    expect(responseIssues(world, "acme/api")).toHaveLength(252);

    // Past the TTL the list is read in full again (deletions, transfers, removed labels are invisible to `since`).
    world.clock.advance(ISSUE_INDEX_FULL_READ_MS);
    mark = world.sandbox.requests.length;
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(world, secret(3)));
    expect(issueLists(world, mark)).toEqual(["open page 1", "open page 2", "open page 3"]);
  });

  it("sees what changed between deliveries: a close by a person, another writer's issue, an edited marker; no duplicate, no closed issue updated as if open", async () => {
    seedResponseIssues(world.sandbox, "acme", "api", 250);
    const a1 = addAlert(world, secret(1), "src/a.ts");
    const a3 = addAlert(world, secret(3), "src/c.ts");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", a1);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", a3);
    const [i1] = recordsOf(world, a1);
    const [i3] = recordsOf(world, a3);

    // A person closes #i1 (no webhook reaches this App); another replica opens the issue of a new alert;
    // a person rewrites #i3's marker so that it is no longer nhi-steward's record.
    world.clock.advance(5 * 60_000);
    await asUser(world, "carol", "PATCH", `/repos/acme/api/issues/${i1!.number}`, { state: "closed" });
    const a2 = addAlert(world, secret(2), "src/b.ts");
    await deliverElsewhere(world, "secret_scanning_alert", "created", a2);
    expect(recordsOf(world, a2)).toHaveLength(1);
    const edited = i3!.body!.replace(/<!-- nhi-steward:v1 .* -->/s, "<!-- nhi-steward:v1 {not a marker} -->");
    await asUser(world, "carol", "PATCH", `/repos/acme/api/issues/${i3!.number}`, { body: edited });
    world.clock.advance(60_000);

    // A new location of #a1: its closed issue is reopened (as a full read would find it), not updated as open.
    let mark = world.sandbox.requests.length;
    world.sandbox.state.addAlertLocation("acme", "api", a1, { path: "scripts/release.sh", startLine: 9 });
    await deliver(world, "secret_scanning_alert_location", "created", "acme/api", a1);
    expect(issueLists(world, mark)).toEqual(["since all", "closed page 1"]);
    const reopened = recordsOf(world, a1);
    expect(reopened.map((i) => [i.number, i.state])).toEqual([[i1!.number, "open"]]);

    // #a2's delivery reaches this App too: it finds the other writer's issue, and opens none.
    mark = world.sandbox.requests.length;
    world.sandbox.state.addAlertLocation("acme", "api", a2, { path: "scripts/other.sh", startLine: 2 });
    await deliver(world, "secret_scanning_alert_location", "created", "acme/api", a2);
    expect(issueLists(world, mark)).toEqual(["since all"]);
    const a2issues = recordsOf(world, a2);
    expect(a2issues).toHaveLength(1);
    expect(a2issues[0]!.body).toContain("scripts/other.sh");

    // #a3's issue is no longer a record: the App does as it would after a full read (a new issue),
    // and leaves the edited one alone.
    mark = world.sandbox.requests.length;
    world.sandbox.state.addAlertLocation("acme", "api", a3, { path: "scripts/third.sh", startLine: 4 });
    await deliver(world, "secret_scanning_alert_location", "created", "acme/api", a3);
    expect(issueLists(world, mark)).toEqual(["since all", "closed page 1"]);
    expect(world.sandbox.state.listIssues("acme", "api").find((i) => i.number === i3!.number)!.body).toBe(edited);
    const a3issues = recordsOf(world, a3).filter((i) => i.number !== i3!.number);
    expect(a3issues).toHaveLength(1);
    expect(a3issues[0]!.state).toBe("open");

    // Nothing was opened twice.
    const keys = responseIssues(world, "acme/api")
      .filter((i) => i.state === "open")
      .map((i) => /"key":"([^"]+)"/.exec(i.body!)?.[1]);
    expect(new Set(keys).size).toBe(keys.length);
  });
  it("two deliveries in one repository at once: both issues are found by the next deliveries, and none is opened twice", async () => {
    seedResponseIssues(world.sandbox, "acme", "api", 250);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert(world, secret(1)));
    world.clock.advance(60_000);
    const [a2, a3] = [addAlert(world, secret(2), "src/b.ts"), addAlert(world, secret(3), "src/c.ts")];
    await Promise.all([a2, a3].map((n) => deliver(world, "secret_scanning_alert", "created", "acme/api", n)));
    world.clock.advance(60_000);
    const mark = world.sandbox.requests.length;
    for (const n of [a2, a3]) {
      world.sandbox.state.addAlertLocation("acme", "api", n, { path: `scripts/${n}.sh`, startLine: 1 });
      await deliver(world, "secret_scanning_alert_location", "created", "acme/api", n);
    }
    expect(issueLists(world, mark)).toEqual(["since all", "since all"]);
    for (const n of [a2, a3]) {
      const found = recordsOf(world, n);
      expect(found).toHaveLength(1);
      expect(found[0]!.body).toContain(`scripts/${n}.sh`);
    }
  });

  it("a repository with a group issue is read in full each time (a group's body is its checklist), and its alerts join the one group", async () => {
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\ngrouping:\n  enabled: true\n',
    );
    seedResponseIssues(world.sandbox, "acme", "api", 250);
    const alerts = [1, 2, 3, 4].map((n) => addAlert(world, secret(n), `src/g${n}.ts`));
    const lists: string[][] = [];
    for (const n of alerts) {
      const mark = world.sandbox.requests.length;
      await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
      lists.push(issueLists(world, mark));
      world.clock.advance(60_000);
    }
    const full = ["open page 1", "open page 2", "open page 3"];
    // The first opens the group; the second finds it among what changed since, and joins it; from then on, full reads.
    expect(lists).toEqual([full, ["since all"], full, full]);
    const grouped = responseIssues(world, "acme/api").filter((i) => i.body!.includes('"group":{'));
    expect(grouped).toHaveLength(1);
    for (const n of alerts) expect(grouped[0]!.body).toContain(`"key":"secret-scanning:acme/api#${n}"`);
  });
});
