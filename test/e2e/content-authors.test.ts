/**
 * Pull request and discussion locations through the App against the sandbox: whoever posted the
 * pull request, conversation comment, review, review comment, discussion or discussion comment
 * where the secret was found owns the alert (the `author` precedence step), and the issue links the
 * page on github.com, never api.github.com. Discussions are read with GraphQL (no REST API exists);
 * an installation without `discussions: read` falls back to the fallback owner with one log line.
 */
import { describe, expect, it } from "vitest";
import { PLANTED, responseIssues, type World, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

type Input = Parameters<World["sandbox"]["state"]["addSecretScanningAlert"]>[2];
type LocationInput = NonNullable<Input["locations"]>[number];

async function alertAt(...locations: LocationInput[]) {
  const { number } = world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "active",
    locations,
  });
  const d = world.sandbox.webhook("secret_scanning_alert_location", "created", {
    owner: "acme",
    repo: "api",
    alertNumber: number,
    installationId: 1,
  });
  expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
  const issue = responseIssues(world, "acme/api").find((i) => i.title.includes(`alert #${number})`));
  expect(issue, `the issue of alert #${number}`).toBeDefined();
  return { ...issue!, body: issue!.body ?? "" };
}

const repo = () => world.sandbox.state.requireRepo("acme", "api");

describe("pull request locations", () => {
  it("a review comment routes to whoever wrote it, links the comment on github.com, and “Why you?” names the step", async () => {
    const s = world.sandbox.state;
    const pr = s.newPull(repo(), { title: "Add deploy script", body: "ready for review", user: "carol" });
    const { comments } = s.newReview(pr, {
      body: "one thing",
      user: "bob",
      comments: [{ path: "infra/deploy.sh", line: 2, body: "use this token" }],
    });
    const issue = await alertAt({ type: "pull_request_review_comment", comment: comments[0]!.id });
    expect(issue.assignees).toEqual(["bob"]);
    expect(issue.body).toContain(
      `[pull request review comment](https://github.com/acme/api/pull/${pr.number}#discussion_r${comments[0]!.id}) by \`@bob\``,
    );
    const where = issue.body.split("\n").find((l) => l.startsWith("| **Where** |"));
    expect(where).not.toMatch(/api\.github\.com|\/repos\//);
    expect(issue.body).toContain(
      "`@bob` posted the pull request review comment where the secret was found (precedence step: who posted the content)",
    );
    expect(world.sandbox.requests.map((r) => `${r.method} ${r.path}`)).toContain(`GET /repos/acme/api/pulls/comments/${comments[0]!.id}`);
  });

  it.each([
    ["pull_request_title", "pull request title", "carol", (n: number) => `pull/${n}`],
    ["pull_request_body", "pull request body", "carol", (n: number) => `pull/${n}`],
    ["pull_request_comment", "pull request comment", "dave", (n: number, id: number) => `pull/${n}#issuecomment-${id}`],
    ["pull_request_review", "pull request review", "alice", (n: number, id: number) => `pull/${n}#pullrequestreview-${id}`],
  ] as const)("a %s routes to whoever posted it and links its page", async (type, what, author, page) => {
    const s = world.sandbox.state;
    const pr = s.newPull(repo(), { title: "Rotate keys", body: "see diff", user: "carol" });
    const reply = s.newComment(pr, "looks good", "dave");
    const { review } = s.newReview(pr, { body: "approved", user: "alice", state: "APPROVED" });
    const id = type === "pull_request_comment" ? reply.id : type === "pull_request_review" ? review.id : undefined;
    const issue = await alertAt({ type, issue: pr.number, ...(id === undefined ? {} : { comment: id }) });
    expect(issue.assignees).toEqual([author]);
    expect(issue.body).toContain(`[${what}](https://github.com/acme/api/${page(pr.number, id ?? 0)}) by \`@${author}\``);
    expect(issue.body).toContain("(precedence step: who posted the content)");
  });
  it("without the pull requests permission the alert still gets its issue, linked to the page, with the fallback owner and one log line saying why", async () => {
    delete world.sandbox.state.installation(1)!.permissions.pull_requests;
    const pr = world.sandbox.state.newPull(repo(), { title: "Add deploy script", body: "token inside", user: "carol" });
    const issue = await alertAt({ type: "pull_request_body", issue: pr.number });
    expect(issue.assignees).toEqual(["erin"]);
    expect(issue.body).toContain(`[pull request body](https://github.com/acme/api/pull/${pr.number})`);
    expect(issue.body).not.toContain("@carol");
    const lines = world.log.lines.filter((l) => l.message.includes("pull_requests: read"));
    expect(lines.map((l) => `${l.level}: ${l.message}`)).toEqual([
      expect.stringMatching(
        /^warn: acme\/api alert#\d+: could not read the pull request body where the secret was found \(the App's installation lacks the `pull_requests: read` permission/,
      ),
    ]);
  });
});

describe("discussion locations", () => {
  it("the discussion's body routes to whoever opened it, read with one GraphQL query; the page GitHub gave is linked", async () => {
    const d = world.sandbox.state.newDiscussion(repo(), { title: "Staging access", body: "here is the key", user: "dave" });
    const mark = world.sandbox.requests.length;
    const issue = await alertAt({ type: "discussion_body", discussion: d.number });
    expect(issue.assignees).toEqual(["dave"]);
    expect(issue.body).toContain(`[discussion body](https://github.com/acme/api/discussions/${d.number}#discussion-${d.id}) by \`@dave\``);
    expect(issue.body).toContain("`@dave` posted the discussion body where the secret was found (precedence step: who posted the content)");
    const graphql = world.sandbox.requests.slice(mark).filter((r) => r.path === "/graphql");
    expect(graphql).toHaveLength(1);
    expect(graphql[0]!.body).toMatchObject({ variables: { owner: "acme", name: "api", number: d.number } });
  });

  it("a reply in a discussion routes to whoever wrote the reply, not to the discussion's author", async () => {
    const s = world.sandbox.state;
    const d = s.newDiscussion(repo(), { title: "Staging access", body: "how do I log in?", user: "dave" });
    const top = s.newDiscussionComment(d, "ask carol", "erin");
    const reply = s.newDiscussionComment(d, "use this token", "alice", top.id);
    const issue = await alertAt({ type: "discussion_comment", discussion: d.number, comment: reply.id });
    expect(issue.assignees).toEqual(["alice"]);
    expect(issue.body).toContain(
      `[discussion comment](https://github.com/acme/api/discussions/${d.number}#discussioncomment-${reply.id}) by \`@alice\``,
    );
  });

  it("without the discussions permission the alert still gets its issue, with the fallback owner and one log line saying why", async () => {
    const inst = world.sandbox.state.installation(1)!;
    delete inst.permissions.discussions;
    const d = world.sandbox.state.newDiscussion(repo(), { title: "Staging access", body: "here is the key", user: "dave" });
    const issue = await alertAt({ type: "discussion_title", discussion: d.number });
    expect(issue.assignees).toEqual(["erin"]);
    expect(issue.body).toContain(`[discussion title](https://github.com/acme/api/discussions/${d.number})`);
    expect(issue.body).not.toContain("@dave");
    const lines = world.log.lines.filter((l) => l.message.includes("discussions: read"));
    expect(lines.map((l) => `${l.level}: ${l.message}`)).toEqual([
      expect.stringMatching(
        /^warn: acme\/api alert#\d+: could not read the discussion title where the secret was found \(the App may not read discussions: its installation lacks the `discussions: read` permission/,
      ),
    ]);
  });
});
