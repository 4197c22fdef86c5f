/**
 * Grouping (`grouping.enabled` in the policy), end to end: the real Probot server and the sandbox
 * GitHub. A backfill's alerts for one owner in one repository land in one issue with a checklist;
 * every alert is in exactly one issue, redeliveries update rows, GitHub's resolutions tick rows,
 * and closing the group resolves its alerts.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker, type Marker } from "../../src/core/issue/marker.ts";
import { closeIssue, comment, deliver, PLANTED, responseIssues, sweepAsAction, worldPerTest } from "../support/world.ts";

const GROUPING = 'fallback_owner: "@acme/security"\ngrouping:\n  enabled: true\n';

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", GROUPING);
  world.sandbox.state.addRepo({
    owner: "acme",
    name: "web",
    visibility: "private",
    files: { ".github/CODEOWNERS": "* @bob\n" },
    assignable: ["bob", "erin"],
  });
});

const SECRETS = [PLANTED.pat, PLANTED.aws, PLANTED.npm];
const TYPES = [
  { secretType: "github_personal_access_token", secretTypeDisplayName: "GitHub Personal Access Token" },
  { secretType: "aws_access_key_id", secretTypeDisplayName: "AWS Access Key ID" },
  { secretType: "npm_access_token", secretTypeDisplayName: "npm Access Token" },
];

function addAlert(repo: string, path: string, i = 0, extra: Record<string, unknown> = {}): number {
  return world.sandbox.state.addSecretScanningAlert("acme", repo, {
    ...TYPES[i % 3]!,
    secret: SECRETS[i % 3]!,
    validity: "unknown",
    locations: [{ path, startLine: 3 + i, endLine: 3 + i, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
    ...extra,
  }).number;
}

const groups = (repo: string) => responseIssues(world, repo).map((i) => ({ issue: i, marker: decodeMarker(i.body)! }));
const members = (m: Marker) => m.group?.members.map((x) => x.alert) ?? [];
/** Issues opened (the org sweep also opens its app inventory issue in acme/.github: not counted). */
const issuePosts = () =>
  world.sandbox.requests.filter((r) => r.method === "POST" && /^\/repos\/acme\/(?!\.github\/)[^/]+\/issues$/.test(r.path));

const sweepNow = () => sweepAsAction(world);

describe("grouping a backfill", () => {
  it("puts a 60-alert burst across 3 repositories into one issue per repository and owner, every alert exactly once", async () => {
    const sent: [string, number][] = [];
    for (let i = 0; i < 10; i++) sent.push(["acme/api", addAlert("api", `infra/deploy-${i}.sh`, i)]); // @alice
    for (let i = 0; i < 10; i++) sent.push(["acme/api", addAlert("api", `src/server-${i}.ts`, i)]); // @acme/platform
    for (let i = 0; i < 20; i++) sent.push(["acme/site", addAlert("site", `pages/p${i}.html`, i)]); // fallback @acme/security
    for (let i = 0; i < 20; i++) sent.push(["acme/web", addAlert("web", `app/a${i}.js`, i)]); // @bob
    // All at once, with a location event racing each created: different alerts race for the same group.
    const statuses = await Promise.all(
      sent.flatMap(([repo, n]) => [
        deliver(world, "secret_scanning_alert", "created", repo, n),
        deliver(world, "secret_scanning_alert_location", "created", repo, n),
      ]),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);

    const all = [...groups("acme/api"), ...groups("acme/site"), ...groups("acme/web")];
    expect(all).toHaveLength(4);
    const keys = all.flatMap((g) => g.marker.group!.members.map((m) => m.key));
    expect(keys).toHaveLength(60);
    expect(new Set(keys)).toEqual(new Set(sent.map(([repo, n]) => `secret-scanning:${repo}#${n}`)));
    expect(issuePosts()).toHaveLength(4);

    const byOwner = Object.fromEntries(
      all.map((g) => [g.issue.title, { assignees: g.issue.assignees, n: members(g.marker).length, comments: g.issue.comments.length }]),
    );
    expect(byOwner).toEqual({
      "10 leaked credentials for @alice in acme/api": { assignees: ["alice"], n: 10, comments: 0 },
      "10 leaked credentials for @acme/platform in acme/api": { assignees: ["carol", "dave"], n: 10, comments: 0 },
      "20 leaked credentials for @acme/security in acme/site": { assignees: ["erin"], n: 20, comments: 0 },
      "20 leaked credentials for @bob in acme/web": { assignees: ["bob"], n: 20, comments: 0 },
    });
    // Each alert has one row; one runbook per kind of credential; nobody was assigned twice.
    for (const g of all) {
      for (const n of members(g.marker)) expect(g.issue.body!.match(new RegExp(`^- \\[ \\] \\*\\*#${n}\\*\\* `, "gm"))).toHaveLength(1);
      expect(g.issue.body!.match(/^### Personal access token/gm)).toHaveLength(1);
      expect(g.issue.body!.match(/^### Cloud access key/gm)).toHaveLength(1);
    }
    expect(world.sandbox.requests.filter((r) => r.method === "POST" && r.path.endsWith("/assignees"))).toEqual([]);

    // A sweep afterwards finds nothing to do: every alert has its issue.
    const report = await sweepNow();
    expect(report.failed).toBe(0);
    expect(issuePosts()).toHaveLength(4);
    expect([...groups("acme/api"), ...groups("acme/site"), ...groups("acme/web")].flatMap((g) => members(g.marker))).toHaveLength(60);
  }, 60_000);

  it("is off by default: one issue per alert", async () => {
    world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", 'fallback_owner: "@acme/security"\n');
    const ns = [0, 1, 2].map((i) => addAlert("api", `infra/d${i}.sh`, i));
    for (const n of ns) await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    const issues = groups("acme/api");
    expect(issues).toHaveLength(3);
    expect(issues.every((g) => g.marker.group === null)).toBe(true);
  });

  it("renders a group of one as an ordinary issue, and turns it into a checklist when a second alert joins", async () => {
    const a = addAlert("api", "infra/one.sh");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", a);
    let [g] = groups("acme/api");
    expect(g!.issue.title).toBe(`Leaked GitHub Personal Access Token in acme/api (secret scanning alert #${a})`);
    expect(g!.issue.body).toContain("| **Still active?** |");
    const b = addAlert("api", "infra/two.sh", 1);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", b);
    [g] = groups("acme/api");
    expect(groups("acme/api")).toHaveLength(1);
    expect(g!.issue.title).toBe("2 leaked credentials for @alice in acme/api");
    expect(members(g!.marker)).toEqual([a, b]);
    expect(g!.issue.comments).toEqual([]);
  });

  it("starts a new group when one is full or older than the window", async () => {
    world.sandbox.state.setFile(
      "acme",
      ".github",
      ".github/nhi-steward.yml",
      'fallback_owner: "@acme/security"\ngrouping: { enabled: true, max_alerts: 3, window: 30m }\n',
    );
    for (let i = 0; i < 7; i++) await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("api", `infra/f${i}.sh`, i));
    expect(groups("acme/api").map((g) => members(g.marker).length)).toEqual([3, 3, 1]);
    world.clock.advance(31 * 60_000);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("api", "infra/late.sh"));
    expect(groups("acme/api").map((g) => members(g.marker).length)).toEqual([3, 3, 1, 1]);
  });

  it("groups alerts a sweep finds (missed webhooks) in one run, and a second sweep changes nothing", async () => {
    for (let i = 0; i < 6; i++) addAlert("api", `infra/s${i}.sh`, i);
    for (let i = 0; i < 6; i++) addAlert("web", `app/s${i}.js`, i);
    const first = await sweepNow();
    expect(first.failed).toBe(0);
    expect(groups("acme/api").map((g) => members(g.marker).length)).toEqual([6]);
    expect(groups("acme/web").map((g) => members(g.marker).length)).toEqual([6]);
    expect(issuePosts()).toHaveLength(2);
    const writes = world.sandbox.requests.filter((r) => r.method !== "GET").length;
    const second = await sweepNow();
    expect(second.opened + second.updated).toBe(0);
    expect(world.sandbox.requests.filter((r) => r.method !== "GET").length).toBe(writes);
  });
});

describe("a member of a group", () => {
  async function threeInAGroup(): Promise<number[]> {
    const ns = [0, 1, 2].map((i) => addAlert("api", `infra/m${i}.sh`, i));
    for (const n of ns) await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    expect(groups("acme/api")).toHaveLength(1);
    return ns;
  }

  it("is updated in its row on redelivery, validation, a public leak or a new location; never gets an issue of its own", async () => {
    const [a, b, c] = await threeInAGroup();
    await deliver(world, "secret_scanning_alert", "created", "acme/api", a!);
    expect(groups("acme/api")[0]!.issue.comments).toEqual([]);

    world.sandbox.state.updateAlert("acme", "api", b!, { validity: "active" });
    await deliver(world, "secret_scanning_alert", "validated", "acme/api", b!);
    world.sandbox.state.updateAlert("acme", "api", c!, { publiclyLeaked: true });
    await deliver(world, "secret_scanning_alert", "publicly_leaked", "acme/api", c!);
    world.sandbox.state.addAlertLocation("acme", "api", a!, {
      path: "scripts/release.sh",
      startLine: 4,
      endLine: 4,
      commitSha: "1111111111111111111111111111111111111111",
    });
    await deliver(world, "secret_scanning_alert_location", "created", "acme/api", a!);

    const [g, ...rest] = groups("acme/api");
    expect(rest).toEqual([]);
    expect(members(g!.marker)).toEqual([a, b, c]);
    const row = (n: number) => g!.issue.body!.split("\n").find((l) => l.includes(`**#${n}**`))!;
    expect(row(b!)).toContain("· **active** ·");
    expect(row(c!)).toContain("**found in public sources**");
    expect(row(a!)).toContain("and 1 more");
    expect(g!.marker.severity).toBe("high");
    expect(g!.issue.labels).toContain("severity:high");
    expect(g!.issue.labels).not.toContain("severity:medium");
    const comments = g!.issue.comments.map((x) => x.body);
    expect(comments).toEqual([
      expect.stringMatching(
        new RegExp(
          `\\*\\*#${b} \\(AWS Access Key ID\\) is active\\*\\*.*\\n#${b} \\(AWS Access Key ID\\): severity is now \\*\\*high\\*\\* \\(was medium\\)\\.$`,
        ),
      ),
      expect.stringContaining(`**#${c} (npm Access Token) was found in a public source.**`),
      expect.stringContaining(`#${a} (GitHub Personal Access Token) was found in 1 more location`),
    ]);
    expect(issuePosts()).toHaveLength(1);
  });

  it("is ticked when resolved on GitHub; the group closes when all are", async () => {
    const [a, b, c] = await threeInAGroup();
    // The org sweep visits repositories with an open alert: keep one (another owner's) open in acme/api.
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("api", "src/other.ts"));
    world.sandbox.state.updateAlert("acme", "api", a!, { state: "resolved", resolution: "revoked", resolvedBy: "alice" });
    await sweepNow();
    let [g] = groups("acme/api");
    expect(groups("acme/api")).toHaveLength(2);
    expect(g!.issue.state).toBe("open");
    expect(g!.issue.body).toMatch(new RegExp(`^- \\[x\\] \\*\\*#${a}\\*\\* .*resolved as revoked by @alice$`, "m"));
    expect(g!.issue.body).toMatch(new RegExp(`^- \\[ \\] \\*\\*#${b}\\*\\*`, "m"));
    expect(g!.issue.comments).toEqual([]);

    for (const n of [b!, c!])
      world.sandbox.state.updateAlert("acme", "api", n, { state: "resolved", resolution: "false_positive", resolvedBy: "bob" });
    await sweepNow();
    [g] = groups("acme/api");
    expect(g!.issue.state).toBe("closed");
    expect(g!.marker.group!.members.every((m) => m.resolution)).toBe(true);
    expect(g!.issue.comments.at(-1)!.body).toContain("Every alert in this issue is now resolved");
  });

  it("is resolved on GitHub when the owner closes the group with a resolution; an active one keeps it open", async () => {
    const ns = await threeInAGroup();
    const [g0] = groups("acme/api");
    world.sandbox.state.updateAlert("acme", "api", ns[1]!, { validity: "active" });
    await closeIssue(world, "acme/api", g0!.issue.number, "alice", ["resolution:revoked"]);
    let [g] = groups("acme/api");
    expect(g!.issue.state).toBe("open");
    expect(g!.issue.comments.at(-1)!.body).toContain(`GitHub still reports #${ns[1]} as **active**`);
    expect(ns.map((n) => world.sandbox.state.alert("acme", "api", n)!.state)).toEqual(["open", "open", "open"]);

    world.sandbox.state.updateAlert("acme", "api", ns[1]!, { validity: "inactive" });
    await comment(world, "acme/api", g0!.issue.number, "alice", "/resolve revoked rotated in vault");
    [g] = groups("acme/api");
    expect(g!.issue.state).toBe("closed");
    expect(ns.map((n) => world.sandbox.state.alert("acme", "api", n)!.resolution)).toEqual(["revoked", "revoked", "revoked"]);
    expect(g!.marker.resolution).toMatchObject({ resolution: "revoked", by: "alice" });
    expect(g!.marker.group!.members.map((m) => m.resolution?.resolution)).toEqual(["revoked", "revoked", "revoked"]);
    expect(g!.issue.body!.match(/^- \[x\] \*\*#\d+\*\*/gm)).toHaveLength(3);
    expect(g!.issue.comments.at(-1)!.body).toContain(`(#${ns.join(", #")}) are resolved to match`);

    // A member reopened on GitHub reopens the group and unticks its row.
    world.sandbox.state.updateAlert("acme", "api", ns[0]!, { state: "open" });
    await deliver(world, "secret_scanning_alert", "reopened", "acme/api", ns[0]!);
    [g] = groups("acme/api");
    expect(groups("acme/api")).toHaveLength(1);
    expect(g!.issue.state).toBe("open");
    expect(g!.issue.body).toMatch(new RegExp(`^- \\[ \\] \\*\\*#${ns[0]}\\*\\*`, "m"));
    expect(g!.issue.comments.at(-1)!.body).toContain(`**Reopened**: #${ns[0]} is still open on GitHub`);
  });

  it("takes no new alert once acknowledged: the next one opens a new group", async () => {
    await threeInAGroup();
    const [g0] = groups("acme/api");
    await comment(world, "acme/api", g0!.issue.number, "alice", "/ack");
    expect(groups("acme/api")[0]!.marker.acknowledged).toMatchObject({ by: "alice" });
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addAlert("api", "infra/later.sh"));
    expect(groups("acme/api").map((g) => members(g.marker).length)).toEqual([3, 1]);
    expect(groups("acme/api")[0]!.marker.group!.members).toHaveLength(3);
  });
});
