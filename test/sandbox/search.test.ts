/**
 * The sandbox's issue search (`GET /search/issues`), answers checked against GitHub's response
 * schema: the qualifiers nhi-steward sends, what an installation may see, the order it asks for,
 * GitHub's 1,000-result limit, and a 422 for a qualifier the sandbox does not know.
 */
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
  const s = sandbox.state;
  s.addRepo({ owner: "acme", name: "site" });
  s.addRepo({ owner: "acme", name: "hidden" });
  s.addOrg("other", { id: 5151 });
  s.addRepo({ owner: "other", name: "x" });
  const issue = (repo: string, title: string, labels: string[], owner = "acme") => {
    clock.advance(60_000);
    return s.newIssue(s.requireRepo(owner, repo), { title, body: null, user: "alice", labels, assignees: [] });
  };
  issue("api", "old response", ["nhi-response"]);
  issue("site", "newer response", ["nhi-response"]);
  issue("site", "not ours", ["bug"]);
  issue("hidden", "in acme/hidden", ["nhi-response"]);
  issue("x", "another organisation", ["nhi-response"], "other");
  s.newIssue(s.requireRepo("acme", "api"), { title: "closed", body: null, user: "alice", labels: ["nhi-response"], assignees: [] }).state =
    "closed";
  s.addInstallation({ id: 8, account: "other" });
  gh = client(sandbox, s.mintInstallationToken(7).token);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

const titles = (items: { title: string }[]) => items.map((i) => i.title);

describe("GET /search/issues", () => {
  it("finds the open issues with a label in an organisation, least recently updated first when asked", async () => {
    const { data } = await gh.rest.search.issuesAndPullRequests({
      q: 'org:acme label:"nhi-response" is:issue is:open',
      sort: "updated",
      order: "asc",
    });
    expect(data.total_count).toBe(3);
    expect(titles(data.items)).toEqual(["old response", "newer response", "in acme/hidden"]);
    expect(data.items[0]!.repository_url).toBe(`${sandbox.url}/repos/acme/api`);
  });

  it("an installation token finds only its installation's repositories", async () => {
    sandbox.state.addInstallation({ id: 9, account: "acme", repositories: ["api", "site"] });
    const scoped = client(sandbox, sandbox.state.mintInstallationToken(9).token);
    const { data } = await scoped.rest.search.issuesAndPullRequests({ q: "org:acme label:nhi-response is:open" });
    expect(titles(data.items).sort()).toEqual(["newer response", "old response"]);
  });

  it("pages by 100 up to GitHub's 1,000 results, and refuses a page beyond", async () => {
    const { data, headers } = await gh.rest.search.issuesAndPullRequests({ q: "org:acme is:issue", per_page: 2 });
    expect(data.items).toHaveLength(2);
    expect(headers.link).toContain('rel="next"');
    expect((await failure(gh.rest.search.issuesAndPullRequests({ q: "org:acme", per_page: 100, page: 11 }))).status).toBe(422);
  });

  it("answers 422 for a qualifier it does not know, so no test passes on a query GitHub reads differently", async () => {
    const e = await failure(gh.rest.search.issuesAndPullRequests({ q: "org:acme language:python" }));
    expect(e.status).toBe(422);
    expect(JSON.stringify(e.response.data)).toContain("language:python");
  });
});
