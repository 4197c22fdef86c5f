/**
 * One owner in both places, for grouped alerts too: an alert that opens or joins a group issue gets
 * the group's owner as its assignee on GitHub (the Security tab and campaigns name the person the
 * issue does), once; redeliveries and sweeps write nothing more, and GitHub's `assigned` webhook for
 * our own write is ignored.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { deliver, PLANTED, responseIssues, sweepAsAction, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.setFile(
    "acme",
    ".github",
    ".github/nhi-steward.yml",
    'fallback_owner: "@acme/security"\ngrouping:\n  enabled: true\n',
  );
  world.sandbox.state.addRepo({
    owner: "acme",
    name: "web",
    visibility: "private",
    files: { ".github/CODEOWNERS": "* @bob\n" },
    assignable: ["bob", "erin"],
  });
});

const SECRETS = [PLANTED.pat, PLANTED.aws, PLANTED.npm];
const TYPES = ["github_personal_access_token", "aws_access_key_id", "npm_access_token"];
const addAlerts = (count: number, from = 0) =>
  Array.from(
    { length: count },
    (_, k, i = from + k) =>
      world.sandbox.state.addSecretScanningAlert("acme", "web", {
        secretType: TYPES[i % 3]!,
        secret: SECRETS[i % 3]!,
        validity: "unknown",
        locations: [{ path: `app/a${i}.js`, startLine: 3 + i }],
      }).number,
  );
const assignees = (ns: number[]) => ns.map((n) => world.sandbox.state.alert("acme", "web", n)!.assignedTo);
const assigns = () => world.sandbox.requests.filter((r) => r.method === "PATCH" && /\/secret-scanning\/alerts\/\d+$/.test(r.path));
const writes = () => world.sandbox.requests.filter((r) => r.method !== "GET").length;
const group = () => {
  const issues = responseIssues(world, "acme/web");
  expect(issues).toHaveLength(1);
  return { issue: issues[0]!, marker: decodeMarker(issues[0]!.body)! };
};

describe("grouped alerts name the group's owner on GitHub", () => {
  it("through the App: each alert that opens or joins the group is assigned once; redeliveries and our own `assigned` webhooks write nothing", async () => {
    const alerts = addAlerts(3);
    for (const n of alerts) expect(await deliver(world, "secret_scanning_alert", "created", "acme/web", n)).toBe(200);
    expect(group().marker.group!.members).toHaveLength(3);
    expect(group().issue.assignees).toEqual(["bob"]);
    expect(assignees(alerts)).toEqual(["bob", "bob", "bob"]);
    expect(assigns().map((r) => r.body)).toEqual([{ assignee: "bob" }, { assignee: "bob" }, { assignee: "bob" }]);

    const before = writes();
    for (const n of alerts) {
      const d = world.sandbox.webhook("secret_scanning_alert", "assigned", {
        owner: "acme",
        repo: "web",
        alertNumber: n,
        assignee: "bob",
        sender: "nhi-steward[bot]",
      });
      expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
      expect(await deliver(world, "secret_scanning_alert", "created", "acme/web", n)).toBe(200);
    }
    await sweepAsAction(world, { repo: { owner: "acme", name: "web" } });
    expect(writes()).toBe(before);
  });

  it("through a sweep (the Action alone): one group issue, every alert assigned in the same run; the next sweep writes nothing", async () => {
    const alerts = addAlerts(4);
    await sweepAsAction(world);
    expect(group().marker.group!.members).toHaveLength(4);
    expect(assignees(alerts)).toEqual(["bob", "bob", "bob", "bob"]);
    expect(assigns()).toHaveLength(4);
    // An alert someone already assigned to the owner is not written again.
    const [late] = addAlerts(1, 4);
    world.sandbox.state.updateAlert("acme", "web", late!, { assignedTo: "bob" });
    await sweepAsAction(world);
    expect(group().marker.group!.members).toHaveLength(5);
    expect(assigns()).toHaveLength(4);
    const before = writes();
    await sweepAsAction(world);
    expect(writes()).toBe(before);
  });
});
