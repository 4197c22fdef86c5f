import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

let sandbox: Sandbox;
let gh: GitHubClient;

beforeAll(async () => {
  sandbox = await start();
  seedSmall(sandbox);
  gh = client(sandbox);
});
afterEach(() => {
  sandbox.faults.clear();
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

const repo = { owner: "acme", repo: "api" };
/** A request Octokit's types would refuse: what a buggy client might send. */
const untyped = (route: string, params: Record<string, unknown>) => gh.request(route, params);

describe("conditional requests", () => {
  it("sends an ETag and answers a matching If-None-Match with 304, which does not count", async () => {
    const token = "etag-token";
    const first = await fetch(`${sandbox.url}/repos/acme/api/contents/.github%2FCODEOWNERS`, {
      headers: { authorization: `token ${token}` },
    });
    const etag = first.headers.get("etag");
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^W\/"[0-9a-f]{64}"$/);
    await first.text();
    const second = await fetch(`${sandbox.url}/repos/acme/api/contents/.github%2FCODEOWNERS`, {
      headers: { authorization: `token ${token}`, "if-none-match": etag! },
    });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe("");
    expect(second.headers.get("etag")).toBe(etag);
    expect(second.headers.get("x-ratelimit-used")).toBe("1");
    expect(sandbox.countedRequests(token)).toBe(1);
    expect(sandbox.requests.slice(-2).map((r) => [r.status, r.counted])).toEqual([
      [200, true],
      [304, false],
    ]);
    // A change to the file changes the ETag.
    sandbox.state.setFile("acme", "api", ".github/CODEOWNERS", "* @alice\n");
    const third = await fetch(`${sandbox.url}/repos/acme/api/contents/.github%2FCODEOWNERS`, {
      headers: { authorization: `token ${token}`, "if-none-match": etag! },
    });
    expect(third.status).toBe(200);
    await third.text();
    sandbox.state.setFile("acme", "api", ".github/CODEOWNERS", "* @acme/platform\n");
  });

  it("makes Octokit reject a 304 with status 304", async () => {
    const { headers } = await gh.rest.repos.get(repo);
    const err = await failure(gh.rest.repos.get({ ...repo, headers: { "if-none-match": headers.etag! } }));
    expect(err.status).toBe(304);
  });
});

describe("fault injection", () => {
  it("answers the next `times` matching requests with the status, headers and body, then expires", async () => {
    sandbox.faults.inject({
      method: "GET",
      path: "/repos/acme/api",
      times: 2,
      status: 403,
      headers: { "retry-after": "7", "x-ratelimit-remaining": "0" },
      body: { message: "You have exceeded a secondary rate limit." },
    });
    const a = await failure(gh.rest.repos.get(repo));
    expect(a.status).toBe(403);
    expect(a.response.headers["retry-after"]).toBe("7");
    expect(a.response.headers["x-ratelimit-remaining"]).toBe("0");
    expect(a.response.data).toEqual({ message: "You have exceeded a secondary rate limit." });
    expect((await failure(gh.rest.repos.get(repo))).status).toBe(403);
    expect((await gh.rest.repos.get(repo)).status).toBe(200);
    expect(sandbox.requests.slice(-3).map((r) => [r.status, r.fault])).toEqual([
      [403, true],
      [403, true],
      [200, false],
    ]);
  });

  it("matches a RegExp against the decoded path, and a method", async () => {
    sandbox.faults.inject({ path: /\/contents\/\.github\/CODEOWNERS$/, times: 1, status: 502 });
    sandbox.faults.inject({ method: "POST", path: /\/issues$/, times: 1, status: 500 });
    expect((await failure(gh.rest.repos.getContent({ ...repo, path: ".github/CODEOWNERS" }))).status).toBe(502);
    expect((await gh.rest.repos.getContent({ ...repo, path: ".github/CODEOWNERS" })).status).toBe(200);
    expect((await gh.rest.issues.listForRepo(repo)).status).toBe(200);
    const err = await failure(gh.rest.issues.create({ ...repo, title: "x" }));
    expect(err.status).toBe(500);
    expect(err.response.data).toMatchObject({ message: "Server Error", status: "500" });
    expect(sandbox.state.listIssues("acme", "api")).toEqual([]);
  });

  it("delays an answer by delayMs (real time)", async () => {
    sandbox.faults.inject({ path: "/repos/acme/api", times: 1, delayMs: 150 });
    const t0 = performance.now();
    expect((await gh.rest.repos.get(repo)).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
  });

  it("holds an answer until the test releases it (until)", async () => {
    let release!: () => void;
    sandbox.faults.inject({ path: "/repos/acme/api", times: 1, until: new Promise<void>((r) => (release = r)) });
    let answered = false;
    const pending = gh.rest.repos.get(repo).then((r) => ((answered = true), r));
    // Another request goes through meanwhile: only the held one waits.
    expect((await gh.rest.issues.listForRepo(repo)).status).toBe(200);
    expect(answered).toBe(false);
    release();
    expect((await pending).status).toBe(200);
  });

  it("resets the connection", async () => {
    sandbox.faults.inject({ path: "/repos/acme/api", times: 1, reset: true });
    await expect(fetch(`${sandbox.url}/repos/acme/api`)).rejects.toThrow();
    expect(sandbox.requests.at(-1)).toMatchObject({ status: 0, fault: true });
    expect((await fetch(`${sandbox.url}/repos/acme/api`)).status).toBe(200);
  });

  it("hangs until the client gives up", async () => {
    sandbox.faults.inject({ path: "/repos/acme/api", times: 1, hang: true });
    await expect(fetch(`${sandbox.url}/repos/acme/api`, { signal: AbortSignal.timeout(100) })).rejects.toThrow();
    expect((await fetch(`${sandbox.url}/repos/acme/api`)).status).toBe(200);
  });
});

describe("validation against GitHub's REST description", () => {
  afterEach(() => {
    sandbox.validationErrors.length = 0;
  });

  it("records an unknown route and answers 404", async () => {
    const res = await fetch(`${sandbox.url}/repos/acme/api/secret-scaning/alerts`, { headers: { authorization: "token x" } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ message: "Not Found", documentation_url: "https://docs.github.com/rest", status: "404" });
    expect(sandbox.validationErrors).toEqual([
      {
        method: "GET",
        path: "/repos/acme/api/secret-scaning/alerts",
        route: null,
        kind: "unknown-route",
        reason: expect.stringContaining("no path"),
      },
    ]);
  });

  it("records a path that exists only with other methods", async () => {
    const res = await fetch(`${sandbox.url}/repos/acme/api/issues`, { method: "DELETE" });
    expect(res.status).toBe(404);
    expect(sandbox.validationErrors).toEqual([expect.objectContaining({ kind: "method", route: "DELETE /repos/{owner}/{repo}/issues" })]);
  });

  it("records a missing required body field with 422", async () => {
    const err = await failure(untyped("POST /repos/{owner}/{repo}/issues", { ...repo, body: "no title" }));
    expect(err.status).toBe(422);
    expect(err.response.data).toMatchObject({
      message: expect.stringContaining("must have required property 'title'"),
      documentation_url: "https://docs.github.com/rest/issues/issues#create-an-issue",
      status: "422",
    });
    expect(sandbox.validationErrors).toEqual([
      {
        method: "POST",
        path: "/repos/acme/api/issues",
        route: "POST /repos/{owner}/{repo}/issues",
        kind: "body",
        reason: "body must have required property 'title'",
      },
    ]);
    expect(sandbox.state.listIssues("acme", "api")).toEqual([]);
  });

  it("records a bad enum in the body and in the query", async () => {
    const { data } = await gh.rest.issues.create({ ...repo, title: "enum" });
    await failure(untyped("PATCH /repos/{owner}/{repo}/issues/{issue_number}", { ...repo, issue_number: data.number, state: "shut" }));
    await failure(untyped("GET /repos/{owner}/{repo}/issues", { ...repo, state: "everything" }));
    expect(sandbox.validationErrors.map((e) => [e.kind, e.reason])).toEqual([
      ["body", 'body/state must be one of ["open","closed"]'],
      ["query", 'query/state must be one of ["open","closed","all"]'],
    ]);
  });

  it("records unknown query parameters, wrong types, non-JSON bodies, bad path parameters and routes the sandbox lacks", async () => {
    await failure(untyped("GET /repos/{owner}/{repo}/secret-scanning/alerts", { ...repo, "hide-secret": "true" }));
    await failure(untyped("GET /repos/{owner}/{repo}/issues", { ...repo, per_page: "many" }));
    const junk = await fetch(`${sandbox.url}/repos/acme/api/issues`, {
      method: "POST",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(junk.status).toBe(400);
    expect((await fetch(`${sandbox.url}/repos/acme/api/issues/abc`)).status).toBe(404);
    expect((await failure(gh.request("GET /repos/{owner}/{repo}/pulls", repo))).status).toBe(404);
    expect(sandbox.validationErrors.map((e) => e.kind)).toEqual(["query", "query", "body", "path", "unimplemented"]);
    expect(sandbox.validationErrors[0]!.reason).toBe(
      "unknown query parameter 'hide-secret' for GET /repos/{owner}/{repo}/secret-scanning/alerts",
    );
    expect(sandbox.validationErrors[4]!.reason).toBe("the sandbox does not implement GET /repos/{owner}/{repo}/pulls");
  });
});

describe("options", () => {
  it("skips spec validation when validate is false, still 404ing routes it does not serve", async () => {
    const fast = await start({ validate: false });
    try {
      seedSmall(fast);
      const res = await fetch(`${fast.url}/repos/acme/api/issues`, {
        method: "POST",
        body: JSON.stringify({ title: "ok", extra: { not: "in spec" } }),
      });
      expect(res.status).toBe(201);
      expect((await fetch(`${fast.url}/nowhere`)).status).toBe(404);
      expect(fast.validationErrors).toEqual([expect.objectContaining({ kind: "unknown-route", path: "/nowhere" })]);
    } finally {
      await fast.close();
    }
  });

  it("enforces a small primary rate limit with GitHub's 403 and headers", async () => {
    const tight = await start({ rateLimit: { limit: 2 } });
    try {
      seedSmall(tight);
      const c = client(tight, "limited");
      await c.rest.repos.get(repo);
      await c.rest.repos.get(repo);
      const err = await failure(c.rest.repos.get(repo));
      expect(err.status).toBe(403);
      expect(err.response.headers["x-ratelimit-remaining"]).toBe("0");
      expect(err.response.data).toMatchObject({ message: expect.stringContaining("API rate limit exceeded") });
      expect(tight.countedRequests("limited")).toBe(2);
      expect((await client(tight, "other").rest.repos.get(repo)).status).toBe(200);
    } finally {
      await tight.close();
    }
  });
});
