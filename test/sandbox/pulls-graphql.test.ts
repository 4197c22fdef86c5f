/**
 * The sandbox's pull requests, reviews and review comments (REST, answers checked against GitHub's
 * response schemas), its GraphQL endpoint for the discussion queries nhi-steward sends, and the
 * `issues` / `issue_comment` deliveries it builds (checked against GitHub's webhook schemas).
 */
import { graphql } from "@octokit/graphql";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../src/core/clock.ts";
import { DISCUSSION_COMMENTS_QUERY, DISCUSSION_QUERY } from "../../src/github/discussions.ts";
import { startSandbox, type DiscussionRecord, type IssueRecord, type Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

const clock = new VirtualClock("2026-01-05T09:00:00Z");
let sandbox: Sandbox;
let gh: GitHubClient;
let pr: IssueRecord;
let discussion: DiscussionRecord;

beforeAll(async () => {
  sandbox = await start({ clock });
  seedSmall(sandbox);
  const s = sandbox.state;
  const r = s.requireRepo("acme", "api");
  pr = s.newPull(r, { title: "Add a client", body: "please review", user: "carol" });
  s.newComment(pr, "nice", "bob");
  s.newReview(pr, {
    body: "one nit",
    user: "alice",
    state: "CHANGES_REQUESTED",
    comments: [{ path: "src/app.ts", line: 1, body: "rename" }],
  });
  discussion = s.newDiscussion(r, { title: "Staging", body: "how?", user: "bob" });
  const top = s.newDiscussionComment(discussion, "like this", "alice");
  s.newDiscussionComment(discussion, "thanks", "carol", top.id);
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

const repo = { owner: "acme", repo: "api" };

describe("pull requests", () => {
  it("GET a pull request: GitHub's pull-request shape, its page on github.com; the issue API says it is one", async () => {
    const { data } = await gh.rest.pulls.get({ ...repo, pull_number: pr.number });
    expect(data).toMatchObject({
      number: pr.number,
      title: "Add a client",
      user: { login: "carol" },
      html_url: `https://github.com/acme/api/pull/${pr.number}`,
    });
    const issue = (await gh.rest.issues.get({ ...repo, issue_number: pr.number })).data;
    expect(issue.html_url).toBe(`https://github.com/acme/api/pull/${pr.number}`);
    expect(issue.pull_request?.url).toBe(`${sandbox.url}/repos/acme/api/pulls/${pr.number}`);
    const comment = (await gh.rest.issues.getComment({ ...repo, comment_id: pr.comments[0]!.id })).data;
    expect(comment.html_url).toBe(`https://github.com/acme/api/pull/${pr.number}#issuecomment-${pr.comments[0]!.id}`);
  });

  it("GET a review and a review comment: who wrote them and their anchors on the pull request's page", async () => {
    const review = pr.pull!.reviews[0]!;
    const { data } = await gh.rest.pulls.getReview({ ...repo, pull_number: pr.number, review_id: review.id });
    expect(data).toMatchObject({
      id: review.id,
      user: { login: "alice" },
      state: "CHANGES_REQUESTED",
      html_url: `https://github.com/acme/api/pull/${pr.number}#pullrequestreview-${review.id}`,
    });
    const rc = pr.pull!.reviewComments[0]!;
    const comment = (await gh.rest.pulls.getReviewComment({ ...repo, comment_id: rc.id })).data;
    expect(comment).toMatchObject({
      user: { login: "alice" },
      path: "src/app.ts",
      pull_request_review_id: review.id,
      html_url: `https://github.com/acme/api/pull/${pr.number}#discussion_r${rc.id}`,
    });
  });

  it("answers 404 for an issue that is not a pull request, and for unknown reviews and comments", async () => {
    const issue = sandbox.state.newIssue(sandbox.state.requireRepo("acme", "api"), {
      title: "x",
      body: null,
      user: "bob",
      labels: [],
      assignees: [],
    });
    expect((await failure(gh.rest.pulls.get({ ...repo, pull_number: issue.number }))).status).toBe(404);
    expect((await failure(gh.rest.pulls.getReview({ ...repo, pull_number: pr.number, review_id: 1 }))).status).toBe(404);
    expect((await failure(gh.rest.pulls.getReviewComment({ ...repo, comment_id: 1 }))).status).toBe(404);
  });
});

describe("GraphQL: the discussion queries", () => {
  const api = (token = "x") => graphql.defaults({ baseUrl: sandbox.url, headers: { authorization: `token ${token}` } });
  const vars = () => ({ owner: "acme", name: "api", number: discussion.number });

  it("who opened a discussion, and who wrote each comment and reply", async () => {
    sandbox.state.addToken("x", "bob");
    expect(await api()(DISCUSSION_QUERY, vars())).toEqual({
      repository: {
        discussion: { url: `https://github.com/acme/api/discussions/${discussion.number}`, author: { __typename: "User", login: "bob" } },
      },
    });
    const data = (await api()(DISCUSSION_COMMENTS_QUERY, vars())) as {
      repository: {
        discussion: {
          comments: { nodes: { author: { login: string }; replies: { nodes: { databaseId: number; author: { login: string } }[] } }[] };
        };
      };
    };
    const [top] = data.repository.discussion.comments.nodes;
    expect(top!.author.login).toBe("alice");
    expect(top!.replies.nodes.map((n) => n.author.login)).toEqual(["carol"]);
  });

  it("GitHub's errors: an unknown discussion is NOT_FOUND; an installation without `discussions` is FORBIDDEN", async () => {
    await expect(api()(DISCUSSION_QUERY, { ...vars(), number: 999 })).rejects.toMatchObject({
      errors: [{ type: "NOT_FOUND", path: ["repository", "discussion"] }],
    });
    sandbox.state.addInstallation({ id: 9, account: "acme", permissions: { issues: "write", metadata: "read" } });
    const token = sandbox.state.mintInstallationToken(9).token;
    await expect(api(token)(DISCUSSION_QUERY, vars())).rejects.toMatchObject({
      errors: [{ type: "FORBIDDEN", message: "Resource not accessible by integration" }],
      data: { repository: { discussion: null } },
    });
  });

  it("another query gets a GraphQL error and is recorded as one the sandbox does not answer", async () => {
    await expect(api()("query { viewer { login } }")).rejects.toMatchObject({
      errors: [{ message: expect.stringContaining("does not answer") }],
    });
    expect(sandbox.validationErrors.splice(0)).toEqual([expect.objectContaining({ kind: "unimplemented", route: "POST /graphql" })]);
  });
});

describe("issue deliveries", () => {
  it("issues.closed and issue_comment.created, for an issue and a pull request, match GitHub's schemas", () => {
    const issue = sandbox.state.newIssue(sandbox.state.requireRepo("acme", "api"), {
      title: "x",
      body: null,
      user: "bob",
      labels: [],
      assignees: [],
    });
    sandbox.state.newComment(issue, "hi", "alice");
    for (const n of [issue.number, pr.number]) {
      const closed = sandbox.issueWebhook("issues", "closed", { owner: "acme", repo: "api", issueNumber: n, sender: "bob" });
      expect(closed.problems).toEqual([]);
      expect(closed.payload).toMatchObject({
        installation: { id: 7 },
        organization: { login: "acme" },
        sender: { login: "bob", type: "User" },
      });
      expect(
        sandbox.issueWebhook("issue_comment", "created", { owner: "acme", repo: "api", issueNumber: n, sender: "alice" }).problems,
      ).toEqual([]);
    }
  });

  it("a payload a test writes itself is checked too, and what GitHub requires is named", () => {
    const { payload } = sandbox.issueWebhook("issues", "closed", { owner: "acme", repo: "api", issueNumber: pr.number, sender: "bob" });
    const partial = { ...payload, sender: { login: "bob", type: "User" }, installation: { id: 7 } };
    const problems = sandbox.checkWebhook("issues", partial);
    expect(problems).toContain("payload/installation must have required property 'node_id'");
    expect(problems).toContain("payload/sender must have required property 'avatar_url'");
    expect(problems.every((p) => /^payload\/(installation|sender) must have required property/.test(p))).toBe(true);
    expect(sandbox.validationErrors.splice(0)).toHaveLength(8);
  });
});

describe("REST responses", () => {
  it("are checked against GitHub's response schemas by default (a sandbox bug lands in validationErrors)", async () => {
    const plain = await startSandbox({ clock });
    try {
      seedSmall(plain);
      plain.faults.inject({ method: "GET", path: "/repos/acme/api", times: 1, body: { id: "not a number" } });
      await client(plain).rest.repos.get(repo);
      expect(plain.validationErrors).toContainEqual(
        expect.objectContaining({
          kind: "response",
          route: "GET /repos/{owner}/{repo}",
          reason: "response must have required property 'archive_url'",
        }),
      );
      expect(plain.validationErrors.every((e) => e.kind === "response")).toBe(true);
    } finally {
      await plain.close();
    }
  });
});
