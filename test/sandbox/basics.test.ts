import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { OpenApi, ROUTES, type Sandbox } from "../../src/sandbox/index.ts";
import { Router } from "../../src/sandbox/router.ts";
import { blobSha } from "../../src/sandbox/util.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

let sandbox: Sandbox;
let gh: GitHubClient;

beforeAll(async () => {
  sandbox = await start();
  seedSmall(sandbox);
  sandbox.state.addRepo({ owner: "acme", name: "site", visibility: "public", defaultBranch: "trunk" });
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

describe("repositories, organisations and users", () => {
  it("serves a seeded repository in GitHub's full-repository shape", async () => {
    const { data, status } = await gh.rest.repos.get({ owner: "acme", repo: "api" });
    expect(status).toBe(200);
    expect(data).toMatchObject({
      name: "api",
      full_name: "acme/api",
      private: true,
      visibility: "private",
      default_branch: "main",
      has_issues: true,
      owner: { login: "acme", type: "Organization", id: 4242 },
      html_url: "https://github.com/acme/api",
      url: `${sandbox.url}/repos/acme/api`,
      created_at: "2026-01-05T09:00:00Z",
    });
  });

  it("is case-insensitive about owner and repository names, like GitHub", async () => {
    const { data } = await gh.rest.repos.get({ owner: "ACME", repo: "Api" });
    expect(data.full_name).toBe("acme/api");
  });

  it("lists organisation repositories and 404s unknown ones with GitHub's error body", async () => {
    const { data } = await gh.rest.repos.listForOrg({ org: "acme", type: "public" });
    expect(data.map((r) => [r.name, r.default_branch])).toEqual([["site", "trunk"]]);
    const err = await failure(gh.rest.repos.get({ owner: "acme", repo: "nope" }));
    expect(err.status).toBe(404);
    expect(err.response.data).toEqual({
      message: "Not Found",
      documentation_url: "https://docs.github.com/rest/repos/repos#get-a-repository",
      status: "404",
    });
  });

  it("serves users, organisations and teams with members", async () => {
    expect((await gh.rest.users.getByUsername({ username: "alice" })).data).toMatchObject({
      login: "alice",
      type: "User",
      email: "alice@acme.example",
    });
    expect((await gh.rest.orgs.get({ org: "acme" })).data).toMatchObject({ login: "acme", type: "Organization" });
    const team = await gh.rest.teams.getByName({ org: "acme", team_slug: "platform" });
    expect(team.data).toMatchObject({ slug: "platform", name: "Platform", members_count: 2, organization: { login: "acme" } });
    const members = await gh.rest.teams.listMembersInOrg({ org: "acme", team_slug: "platform" });
    expect(members.data.map((m) => m.login)).toEqual(["alice", "bob"]);
    expect((await failure(gh.rest.teams.getByName({ org: "acme", team_slug: "ghost" }))).status).toBe(404);
  });

  it("answers the assignee check with 204 or 404", async () => {
    expect((await gh.rest.issues.checkUserCanBeAssigned({ owner: "acme", repo: "api", assignee: "alice" })).status).toBe(204);
    expect((await failure(gh.rest.issues.checkUserCanBeAssigned({ owner: "acme", repo: "api", assignee: "carol" }))).status).toBe(404);
    sandbox.state.setAssignable("acme", "api", ["alice", "bob", "carol"]);
    expect((await gh.rest.issues.checkUserCanBeAssigned({ owner: "acme", repo: "api", assignee: "carol" })).status).toBe(204);
    // Without an explicit set, every organisation member can be assigned.
    expect((await gh.rest.issues.checkUserCanBeAssigned({ owner: "acme", repo: "site", assignee: "bob" })).status).toBe(204);
    expect((await failure(gh.rest.issues.checkUserCanBeAssigned({ owner: "acme", repo: "site", assignee: "outsider" }))).status).toBe(404);
  });
});

describe("contents", () => {
  it("returns a file with base64 content, its git blob sha and size", async () => {
    const { data } = await gh.rest.repos.getContent({ owner: "acme", repo: "api", path: ".github/CODEOWNERS", ref: "main" });
    if (Array.isArray(data) || data.type !== "file") throw new Error("expected a file");
    expect(Buffer.from(data.content, "base64").toString("utf8")).toBe("* @acme/platform\n");
    expect(data).toMatchObject({
      encoding: "base64",
      path: ".github/CODEOWNERS",
      name: "CODEOWNERS",
      size: 17,
      sha: blobSha("* @acme/platform\n"),
    });
    // The sha is git's: `printf 'hello\n' | git hash-object --stdin`.
    expect(blobSha("hello\n")).toBe("ce013625030ba8dba906f756967f9e9ca394464a");
  });

  it("returns the raw file for Accept: application/vnd.github.raw", async () => {
    const res = await gh.request("GET /repos/{owner}/{repo}/contents/{path}", {
      owner: "acme",
      repo: "api",
      path: "src/app.ts",
      mediaType: { format: "raw" },
    });
    expect(res.data).toBe("export {};\n");
    expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
  });

  it("lists a directory and 404s a missing file", async () => {
    const { data } = await gh.rest.repos.getContent({ owner: "acme", repo: "api", path: "src" });
    expect(Array.isArray(data) && data.map((e) => [e.type, e.path])).toEqual([["file", "src/app.ts"]]);
    const err = await failure(gh.rest.repos.getContent({ owner: "acme", repo: "api", path: "CODEOWNERS" }));
    expect(err.status).toBe(404);
    expect(err.response.data).toMatchObject({ message: "Not Found", status: "404" });
  });

  it("sees setFile changes, including deletion", async () => {
    sandbox.state.setFile("acme", "api", "CODEOWNERS", "* @alice\n");
    expect((await gh.rest.repos.getContent({ owner: "acme", repo: "api", path: "CODEOWNERS" })).status).toBe(200);
    sandbox.state.setFile("acme", "api", "CODEOWNERS", null);
    expect((await failure(gh.rest.repos.getContent({ owner: "acme", repo: "api", path: "CODEOWNERS" }))).status).toBe(404);
  });
});

describe("GitHub App endpoints", () => {
  it("mints installation tokens from the clock and maps them to the installation", async () => {
    const app = client(sandbox, "eyJhbGciOiJSUzI1NiJ9.fake.jwt");
    const { data, status } = await app.rest.apps.createInstallationAccessToken({ installation_id: 7 });
    expect(status).toBe(201);
    expect(data).toMatchObject({ expires_at: "2026-01-05T10:00:00Z", repository_selection: "all", permissions: { issues: "write" } });
    expect(data.token).toMatch(/^ghs_[0-9a-f]{30}\d{6}$/);
    expect(sandbox.requests.at(-1)).toMatchObject({
      method: "POST",
      path: "/app/installations/7/access_tokens",
      token: "eyJhbGciOiJSUzI1NiJ9.fake.jwt",
      status: 201,
    });

    const asInstallation = client(sandbox, data.token);
    const repos = await asInstallation.rest.apps.listReposAccessibleToInstallation();
    expect(repos.data.total_count).toBe(2);
    expect((await app.rest.apps.getRepoInstallation({ owner: "acme", repo: "api" })).data).toMatchObject({
      id: 7,
      account: { login: "acme" },
    });
    expect((await app.rest.apps.getOrgInstallation({ org: "acme" })).data.id).toBe(7);
    expect((await app.rest.apps.listInstallations()).data.map((i) => i.id)).toEqual([7]);
    expect((await failure(app.rest.apps.createInstallationAccessToken({ installation_id: 8 }))).status).toBe(404);
  });

  it("acts as the app's bot with a minted token", async () => {
    const { data } = await client(sandbox, "jwt").rest.apps.createInstallationAccessToken({ installation_id: 7 });
    const issue = await client(sandbox, data.token).rest.issues.create({ owner: "acme", repo: "api", title: "by the app" });
    expect(issue.data.user).toMatchObject({ login: "nhi-steward[bot]", type: "Bot", url: `${sandbox.url}/users/nhi-steward%5Bbot%5D` });
  });
});

describe("GitHub Enterprise Server style prefix, auth schemes and the request log", () => {
  it("accepts /api/v3 on every route and answers with URLs under it", async () => {
    const ghes = client(sandbox, "ghes-token", "/api/v3");
    const { data } = await ghes.rest.repos.get({ owner: "acme", repo: "api" });
    expect(data.url).toBe(`${sandbox.url}/api/v3/repos/acme/api`);
    expect(sandbox.requests.at(-1)).toMatchObject({ path: "/repos/acme/api", token: "ghes-token" });
  });

  it("records the token of `token x`, `Bearer x` and none, with clock timestamps and decoded paths", async () => {
    await fetch(`${sandbox.url}/repos/acme/api`, { headers: { authorization: "Bearer b-token" } });
    await fetch(`${sandbox.url}/repos/acme/api/contents/.github%2FCODEOWNERS?ref=main`, { headers: { authorization: "token t-token" } });
    await fetch(`${sandbox.url}/repos/acme/api`);
    expect(sandbox.requests.slice(-3)).toEqual([
      {
        method: "GET",
        path: "/repos/acme/api",
        query: {},
        status: 200,
        token: "b-token",
        at: "2026-01-05T09:00:00Z",
        body: null,
        counted: true,
        fault: false,
      },
      {
        method: "GET",
        path: "/repos/acme/api/contents/.github/CODEOWNERS",
        query: { ref: "main" },
        status: 200,
        token: "t-token",
        at: "2026-01-05T09:00:00Z",
        body: null,
        counted: true,
        fault: false,
      },
      {
        method: "GET",
        path: "/repos/acme/api",
        query: {},
        status: 200,
        token: null,
        at: "2026-01-05T09:00:00Z",
        body: null,
        counted: true,
        fault: false,
      },
    ]);
  });

  it("sends x-ratelimit-* headers per token and GET /rate_limit (which does not count)", async () => {
    const fresh = client(sandbox, "rate-token");
    const first = await fresh.rest.repos.get({ owner: "acme", repo: "api" });
    expect(first.headers["x-ratelimit-limit"]).toBe("5000");
    expect(first.headers["x-ratelimit-used"]).toBe("1");
    expect(first.headers["x-ratelimit-remaining"]).toBe("4999");
    expect(first.headers["x-ratelimit-reset"]).toBe(String(Date.parse("2026-01-05T10:00:00Z") / 1000));
    const rate = await fresh.rest.rateLimit.get();
    expect(rate.data.resources.core).toEqual({ limit: 5000, remaining: 4999, reset: Date.parse("2026-01-05T10:00:00Z") / 1000, used: 1 });
    expect(sandbox.countedRequests("rate-token")).toBe(1);
  });
});

describe("credential revocation", () => {
  it("records credentials posted without authentication (202) and refuses authenticated calls (403), as GitHub documents", async () => {
    const anonymous = client(sandbox, null);
    expect((await anonymous.rest.credentials.revoke({ credentials: ["ghp_one", "ghp_two"] })).status).toBe(202);
    expect(sandbox.state.revocations()).toEqual(["ghp_one", "ghp_two"]);
    expect((await failure(gh.rest.credentials.revoke({ credentials: ["ghp_three"] }))).status).toBe(403);
    expect(sandbox.state.revocations()).toEqual(["ghp_one", "ghp_two"]);
  });
});

describe("the route table", () => {
  it("serves only operations of GitHub's REST description, with their documentation URLs", () => {
    const spec = OpenApi.shared();
    for (const r of ROUTES) {
      const op = spec.operationFor(r.method, r.path);
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(r.docs, `${r.method} ${r.path}`).toBe(op!.docs);
    }
  });

  it("covers the routes nhi-steward needs", () => {
    const served = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    for (const needed of [
      "POST /app/installations/{installation_id}/access_tokens",
      "GET /repos/{owner}/{repo}/contents/{path}",
      "GET /orgs/{org}/secret-scanning/alerts",
      "PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}",
      "GET /repos/{owner}/{repo}/assignees/{assignee}",
      "PUT /repos/{owner}/{repo}/issues/{issue_number}/labels",
      "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}",
      "GET /repos/{owner}/{repo}/issues/comments",
      "POST /credentials/revoke",
      "POST /repos/{owner}/{repo}/dispatches",
      "GET /rate_limit",
    ]) {
      expect(served.has(needed), needed).toBe(true);
    }
  });
});

describe("Router", () => {
  const router = new Router<string>();
  router.add("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "issue");
  router.add("GET", "/repos/{owner}/{repo}/issues/comments", "comments");
  router.add("GET", "/repos/{owner}/{repo}/contents/{path}", "contents");
  router.add("GET", "/repos/{owner}/{repo}/compare/{basehead}", "compare");

  it("prefers literal segments over parameters", () => {
    expect(router.match("GET", "/repos/a/b/issues/comments")?.value).toBe("comments");
    expect(router.match("GET", "/repos/a/b/issues/12")).toMatchObject({
      value: "issue",
      params: { owner: "a", repo: "b", issue_number: "12" },
    });
  });

  it("lets {path} span segments and decodes parameters", () => {
    expect(router.match("GET", "/repos/a/b/contents/.github/CODEOWNERS")?.params.path).toBe(".github/CODEOWNERS");
    expect(router.match("GET", "/repos/a/b/contents/.github%2FCODEOWNERS")?.params.path).toBe(".github/CODEOWNERS");
  });

  it("reports a path known only with other methods, and no match", () => {
    expect(router.match("POST", "/repos/a/b/issues/1")).toMatchObject({ value: undefined, methods: ["GET"] });
    expect(router.match("GET", "/nowhere")).toBeUndefined();
    expect(router.match("GET", "/repos/a//issues/1")).toBeUndefined();
  });
});
