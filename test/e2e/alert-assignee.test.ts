/**
 * One owner in both places: the secret scanning alert's assignee on GitHub (the Security tab) names
 * the person the response issue is assigned to. nhi-steward sets it when it routes an alert and on
 * `/handoff` (an `assign-alert` op, applied by the executor); a person assigning or unassigning the
 * alert on GitHub moves the issue, recorded as a handoff by that person; our own assignment's
 * webhook is ignored, so nothing loops.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { comment, deliver, PLANTED, responseIssues, worldPerTest } from "../support/world.ts";

const world = worldPerTest();
let n: number;
beforeEach(() => {
  n = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path: "infra/deploy.sh", startLine: 1 }],
  }).number;
});

const issue = () => responseIssues(world, "acme/api")[0]!;
const alertAssignee = () => world.sandbox.state.alert("acme", "api", n)!.assignedTo;
const assigns = () =>
  world.sandbox.requests.filter((r) => r.method === "PATCH" && r.path === `/repos/acme/api/secret-scanning/alerts/${n}`);
const writes = () => world.sandbox.requests.filter((r) => r.method !== "GET").length;
/** What GitHub delivers when `sender` (un)assigns `assignee` on the alert. */
const assignment = (action: "assigned" | "unassigned", assignee: string, sender: string) => {
  world.sandbox.state.updateAlert("acme", "api", n, { assignedTo: action === "assigned" ? assignee : null });
  const d = world.sandbox.webhook("secret_scanning_alert", action, { owner: "acme", repo: "api", alertNumber: n, assignee, sender });
  return world.app.deliver(d.name, d.payload, { id: d.id });
};

describe("routing sets the alert's assignee", () => {
  it("a new alert: the issue and the alert name the same owner, with one more request; a redelivery writes nothing", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    expect(issue().assignees).toEqual(["alice"]);
    expect(alertAssignee()).toBe("alice");
    expect(assigns()).toHaveLength(1);
    expect(assigns()[0]!.body).toEqual({ assignee: "alice" });
    // GitHub then tells us about our own assignment: ignored.
    const before = writes();
    expect(await assignment("assigned", "alice", "nhi-steward[bot]")).toBe(200);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    expect(writes()).toBe(before);
    expect(assigns()).toHaveLength(1);
  });
});

describe("an alert that names nobody on GitHub", () => {
  it("an issue opened before alerts were assigned (or whose assignment failed) assigns it at its next event, once", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    world.sandbox.state.updateAlert("acme", "api", n, { assignedTo: null });
    await deliver(world, "secret_scanning_alert", "validated", "acme/api", n);
    expect(alertAssignee()).toBe("alice");
    expect(assigns()).toHaveLength(2);
    await deliver(world, "secret_scanning_alert", "validated", "acme/api", n);
    expect(assigns()).toHaveLength(2);
  });
});

describe("a person assigns the alert on GitHub", () => {
  beforeEach(async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
  });

  it("assigned by a security manager: the issue follows, recorded as a handoff by them; nothing is written back to the alert", async () => {
    const patches = assigns().length;
    expect(await assignment("assigned", "bob", "erin")).toBe(200);
    expect(issue().assignees).toEqual(["bob"]);
    const m = decodeMarker(issue().body)!;
    expect(m.routing.assignees).toEqual(["bob"]);
    expect(m.timeline.at(-1)).toMatchObject({ event: "handoff", by: "erin", detail: "@bob (alert assigned on GitHub)" });
    expect(issue().comments.at(-1)!.body).toContain("@erin assigned the secret scanning alert to @bob on GitHub");
    expect(assigns()).toHaveLength(patches);
    // The same assignment delivered again changes nothing.
    const before = writes();
    expect(await assignment("assigned", "bob", "erin")).toBe(200);
    expect(writes()).toBe(before);
  });

  it("unassigned on GitHub: the issue drops that person", async () => {
    expect(await assignment("unassigned", "alice", "erin")).toBe(200);
    expect(issue().assignees).toEqual([]);
    expect(decodeMarker(issue().body)!.timeline.at(-1)).toMatchObject({
      event: "handoff",
      by: "erin",
      detail: "@alice unassigned from the alert on GitHub",
    });
    // Nobody is routed now, so the next event does not assign the alert back.
    const patches = assigns().length;
    await deliver(world, "secret_scanning_alert", "validated", "acme/api", n);
    expect(assigns()).toHaveLength(patches);
    expect(alertAssignee()).toBeNull();
  });

  it("/handoff in the issue sets the alert's assignee; the webhook our write causes is ignored", async () => {
    await comment(world, "acme/api", issue().number, "alice", "/handoff @carol she owns deploys now");
    expect(issue().assignees).toEqual(["carol"]);
    expect(alertAssignee()).toBe("carol");
    const before = writes();
    expect(await assignment("assigned", "carol", "nhi-steward[bot]")).toBe(200);
    expect(writes()).toBe(before);
  });
});
