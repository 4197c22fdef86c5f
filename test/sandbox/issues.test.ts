import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

const clock = new VirtualClock("2026-01-05T09:00:00Z");
let sandbox: Sandbox;
let gh: GitHubClient;

beforeAll(async () => {
  sandbox = await start({ clock });
  seedSmall(sandbox);
  sandbox.state.addRepo({ owner: "acme", name: "no-issues", hasIssues: false });
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

const repo = { owner: "acme", repo: "api" };

describe("issues", () => {
  it("creates an issue with labels (created with GitHub's default colour) and assignees", async () => {
    const { data, status, headers } = await gh.rest.issues.create({
      ...repo,
      title: "Leaked token",
      body: "Rotate it.",
      labels: ["nhi-response"],
      assignees: ["alice"],
    });
    expect(status).toBe(201);
    expect(headers.location).toBe(`${sandbox.url}/repos/acme/api/issues/${data.number}`);
    expect(data).toMatchObject({
      title: "Leaked token",
      body: "Rotate it.",
      state: "open",
      labels: [{ name: "nhi-response", color: "ededed", default: false, description: null }],
      assignees: [{ login: "alice" }],
      assignee: { login: "alice" },
      comments: 0,
      created_at: "2026-01-05T09:00:00Z",
      html_url: `https://github.com/acme/api/issues/${data.number}`,
    });
    expect(sandbox.state.getIssue("acme", "api", data.number)).toMatchObject({
      labels: ["nhi-response"],
      assignees: ["alice"],
      user: "nhi-steward[bot]",
    });
    // Written with the app's installation token: GitHub names the app, as it does for every app-written issue.
    expect(data.performed_via_github_app).toMatchObject({ id: 1, slug: "nhi-steward" });
    expect(sandbox.state.labels("acme", "api")).toEqual([{ name: "nhi-response", color: "ededed", description: null }]);
  });

  it("answers 422 Validation Failed for an assignee who cannot be assigned (create and update)", async () => {
    const err = await failure(gh.rest.issues.create({ ...repo, title: "x", assignees: ["carol"] }));
    expect(err.status).toBe(422);
    expect(err.response.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ value: "carol", resource: "Issue", field: "assignees", code: "invalid" }],
      status: "422",
    });
    const { data } = await gh.rest.issues.create({ ...repo, title: "y" });
    expect((await failure(gh.rest.issues.update({ ...repo, issue_number: data.number, assignees: ["carol"] }))).status).toBe(422);
  });

  it("silently ignores unassignable logins on POST …/assignees (as documented) and removes with DELETE", async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: "assignees" });
    const added = await gh.rest.issues.addAssignees({ ...repo, issue_number: data.number, assignees: ["bob", "carol", "nobody"] });
    expect(added.status).toBe(201);
    expect(added.data.assignees?.map((a) => a.login)).toEqual(["bob"]);
    const removed = await gh.rest.issues.removeAssignees({ ...repo, issue_number: data.number, assignees: ["bob"] });
    expect(removed.data.assignees).toEqual([]);
  });

  it("updates title, body, state and state_reason, stamping times from the clock", async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: "to close" });
    clock.advance(60_000);
    const closed = await gh.rest.issues.update({
      ...repo,
      issue_number: data.number,
      title: "closed now",
      body: "done",
      state: "closed",
      state_reason: "not_planned",
    });
    expect(closed.data).toMatchObject({
      title: "closed now",
      body: "done",
      state: "closed",
      state_reason: "not_planned",
      closed_at: "2026-01-05T09:01:00Z",
      updated_at: "2026-01-05T09:01:00Z",
    });
    expect(closed.data.closed_by?.login).toBe("nhi-steward[bot]");
    const reopened = await gh.rest.issues.update({ ...repo, issue_number: data.number, state: "open" });
    expect(reopened.data).toMatchObject({ state: "open", state_reason: "reopened", closed_at: null });
    expect((await gh.rest.issues.get({ ...repo, issue_number: data.number })).data.title).toBe("closed now");
  });

  it("adds, sets and removes labels on an issue", async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: "labels" });
    const added = await gh.rest.issues.addLabels({ ...repo, issue_number: data.number, labels: ["a", "b"] });
    expect(added.data.map((l) => l.name)).toEqual(["a", "b"]);
    const set = await gh.rest.issues.setLabels({ ...repo, issue_number: data.number, labels: ["b", "c"] });
    expect(set.data.map((l) => l.name)).toEqual(["b", "c"]);
    const removed = await gh.rest.issues.removeLabel({ ...repo, issue_number: data.number, name: "b" });
    expect(removed.data.map((l) => l.name)).toEqual(["c"]);
    expect((await failure(gh.rest.issues.removeLabel({ ...repo, issue_number: data.number, name: "zzz" }))).status).toBe(404);
    expect((await gh.rest.issues.listLabelsOnIssue({ ...repo, issue_number: data.number })).data.map((l) => l.name)).toEqual(["c"]);
    await gh.rest.issues.removeAllLabels({ ...repo, issue_number: data.number });
    expect(sandbox.state.getIssue("acme", "api", data.number)?.labels).toEqual([]);
  });

  it("creates, lists and edits comments", async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: "comments" });
    const c = await gh.rest.issues.createComment({ ...repo, issue_number: data.number, body: "first" });
    expect(c.status).toBe(201);
    expect(c.data).toMatchObject({ body: "first", issue_url: `${sandbox.url}/repos/acme/api/issues/${data.number}` });
    await gh.rest.issues.updateComment({ ...repo, comment_id: c.data.id, body: "first, edited" });
    await gh.rest.issues.createComment({ ...repo, issue_number: data.number, body: "second" });
    const list = await gh.rest.issues.listComments({ ...repo, issue_number: data.number });
    expect(list.data.map((x) => x.body)).toEqual(["first, edited", "second"]);
    expect((await gh.rest.issues.get({ ...repo, issue_number: data.number })).data.comments).toBe(2);
    expect(sandbox.state.getIssue("acme", "api", data.number)?.comments.map((x) => x.body)).toEqual(["first, edited", "second"]);
  });

  it("lists a repository's comments across its issues: by id, `since` comparing updated_at, sort and direction", async () => {
    const was = clock.now().toISOString();
    const one = (await gh.rest.issues.create({ ...repo, title: "repo comments 1" })).data.number;
    const two = (await gh.rest.issues.create({ ...repo, title: "repo comments 2" })).data.number;
    clock.set("2026-01-06T09:00:00Z");
    const a = (await gh.rest.issues.createComment({ ...repo, issue_number: one, body: "a" })).data;
    clock.set("2026-01-06T10:00:00Z");
    const b = (await gh.rest.issues.createComment({ ...repo, issue_number: two, body: "b" })).data;
    clock.set("2026-01-06T11:00:00Z");
    await gh.rest.issues.updateComment({ ...repo, comment_id: a.id, body: "a, edited" });
    const since = await gh.rest.issues.listCommentsForRepo({ ...repo, since: "2026-01-06T09:30:00Z" });
    expect(since.data.map((c) => [c.id, c.body, c.issue_url.split("/").at(-1)])).toEqual([
      [a.id, "a, edited", String(one)],
      [b.id, "b", String(two)],
    ]);
    const byCreated = await gh.rest.issues.listCommentsForRepo({
      ...repo,
      since: "2026-01-06T00:00:00Z",
      sort: "created",
      direction: "desc",
    });
    expect(byCreated.data.map((c) => c.id)).toEqual([b.id, a.id]);
    expect((await gh.rest.issues.listCommentsForRepo({ ...repo, since: "2026-01-06T12:00:00Z" })).data).toEqual([]);
    clock.set(was);
  });

  it("lists only matching issues: state, labels, creator, sort and direction", async () => {
    const s = sandbox.state;
    s.addRepo({ owner: "acme", name: "listing", assignable: ["alice"] });
    const r = { owner: "acme", repo: "listing" };
    await gh.rest.issues.create({ ...r, title: "one", labels: ["x"] });
    await gh.rest.issues.create({ ...r, title: "two", labels: ["x", "y"] });
    const three = await gh.rest.issues.create({ ...r, title: "three" });
    await gh.rest.issues.update({ ...r, issue_number: three.data.number, state: "closed" });
    expect((await gh.rest.issues.listForRepo(r)).data.map((i) => i.title)).toEqual(["two", "one"]);
    expect((await gh.rest.issues.listForRepo({ ...r, state: "all", direction: "asc" })).data.map((i) => i.title)).toEqual([
      "one",
      "two",
      "three",
    ]);
    expect((await gh.rest.issues.listForRepo({ ...r, labels: "x,Y" })).data.map((i) => i.title)).toEqual(["two"]);
    expect((await gh.rest.issues.listForRepo({ ...r, state: "closed" })).data.map((i) => i.title)).toEqual(["three"]);
    expect((await gh.rest.issues.listForRepo({ ...r, creator: "someone-else" })).data).toEqual([]);
  });

  it("answers 410 Gone when issues are disabled", async () => {
    const err = await failure(gh.rest.issues.create({ owner: "acme", repo: "no-issues", title: "x" }));
    expect(err.status).toBe(410);
    expect(err.response.data).toEqual({
      message: "Issues are disabled for this repo",
      documentation_url: "https://docs.github.com/rest/issues/issues#create-an-issue",
      status: "410",
    });
    expect((await failure(gh.rest.issues.listForRepo({ owner: "acme", repo: "no-issues" }))).status).toBe(410);
  });
});

describe("repository labels", () => {
  it("creates a label and refuses a duplicate name (any case) with 422 already_exists", async () => {
    const created = await gh.rest.issues.createLabel({
      ...repo,
      name: "nhi:unowned",
      color: "FBCA04",
      description: "No owner: sent to the fallback owner",
    });
    expect(created.status).toBe(201);
    expect(created.data).toMatchObject({
      name: "nhi:unowned",
      color: "fbca04",
      description: "No owner: sent to the fallback owner",
      default: false,
    });
    const err = await failure(gh.rest.issues.createLabel({ ...repo, name: "NHI:Unowned", color: "000000" }));
    expect(err.status).toBe(422);
    expect(err.response.data).toMatchObject({
      message: "Validation Failed",
      errors: [{ resource: "Label", code: "already_exists", field: "name" }],
    });
  });

  it("gets, updates (renaming on issues too) and deletes labels", async () => {
    await gh.rest.issues.createLabel({ ...repo, name: "old", color: "ffffff" });
    const { data } = await gh.rest.issues.create({ ...repo, title: "labelled", labels: ["old"] });
    expect((await gh.rest.issues.getLabel({ ...repo, name: "OLD" })).data.name).toBe("old");
    const updated = await gh.rest.issues.updateLabel({ ...repo, name: "old", new_name: "new", color: "123456", description: "renamed" });
    expect(updated.data).toMatchObject({ name: "new", color: "123456", description: "renamed" });
    expect(sandbox.state.getIssue("acme", "api", data.number)?.labels).toEqual(["new"]);
    expect((await failure(gh.rest.issues.getLabel({ ...repo, name: "old" }))).status).toBe(404);
    await gh.rest.issues.deleteLabel({ ...repo, name: "new" });
    expect(sandbox.state.getIssue("acme", "api", data.number)?.labels).toEqual([]);
    const names = (await gh.paginate(gh.rest.issues.listLabelsForRepo, repo)).map((l) => l.name);
    expect(names).not.toContain("new");
  });

  it("collects everything written through the API for leak hunts", async () => {
    await gh.rest.repos.createDispatchEvent({ ...repo, event_type: "nhi-sweep", client_payload: { reason: "payload-marker" } });
    const written = sandbox.state.everythingWritten();
    for (const text of ["Leaked token", "Rotate it.", "first, edited", "No owner: sent to the fallback owner", "payload-marker"])
      expect(written).toContain(text);
    expect(sandbox.state.dispatches("acme", "api")).toEqual([
      { eventType: "nhi-sweep", clientPayload: { reason: "payload-marker" }, at: "2026-01-05T09:01:00Z" },
    ]);
  });
});
