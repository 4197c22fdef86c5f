import { describe, expect, it } from "vitest";
import { describeError, explainGitHubError } from "../../src/github/explain-error.ts";
import { resolveIdentity } from "../../src/github/identity.ts";
import type { OctokitLike } from "../../src/github/octokit-port.ts";

/** What Octokit's RequestError carries. */
function refused(status: number, message: string, method: string, url: string, headers: Record<string, string> = {}) {
  return Object.assign(new Error(message), {
    status,
    request: { method, url, headers: { authorization: "token ghs_SECRET" } },
    response: { status, url, headers, data: { message } },
  });
}

const ALERTS = "https://api.github.com/repos/acme/api/secret-scanning/alerts?state=open&hide_secret=true&per_page=100";

describe("explainGitHubError: GitHub's refusals said as what to do", () => {
  it("401: the token is wrong or expired", () => {
    const e = refused(401, "Bad credentials - https://docs.github.com/rest", "GET", ALERTS);
    expect(explainGitHubError(e, "action")).toBe(
      "GitHub answered 401 (Bad credentials) to GET /repos/acme/api/secret-scanning/alerts: the token is wrong, expired or revoked; pass a current App installation token in input `token` (actions/create-github-app-token mints one per run; installation tokens expire after an hour).",
    );
    expect(explainGitHubError(e, "cli")).toContain("set GITHUB_TOKEN to a current token");
  });

  it("403 on secret scanning alerts from an integration: the workflow's GITHUB_TOKEN, use an App token", () => {
    const e = refused(403, "Resource not accessible by integration", "GET", ALERTS);
    const said = explainGitHubError(e, "action")!;
    expect(said).toContain("GitHub answered 403 (Resource not accessible by integration) to GET /repos/acme/api/secret-scanning/alerts.");
    expect(said).toContain(
      "The workflow's GITHUB_TOKEN cannot read secret scanning alerts: pass an App installation token in input `token`",
    );
    expect(said).toContain("`secret_scanning_alerts: read`");
  });

  it("403 elsewhere: names the missing permission as app.yml does (GitHub's header first)", () => {
    expect(
      explainGitHubError(
        refused(403, "Resource not accessible by integration", "POST", "https://api.github.com/repos/acme/api/issues"),
        "action",
      ),
    ).toContain("the token lacks the permission `issues: write` (app.yml's default_permissions)");
    expect(
      explainGitHubError(
        refused(403, "Resource not accessible by integration", "GET", "https://api.github.com/orgs/acme/teams/platform/members"),
        "action",
      ),
    ).toContain("`members: read`");
    expect(
      explainGitHubError(
        refused(
          403,
          "Resource not accessible by integration",
          "GET",
          "https://ghe.example/api/v3/repos/acme/api/contents/.github/CODEOWNERS",
        ),
        "cli",
      ),
    ).toContain("to GET /repos/acme/api/contents/.github/CODEOWNERS: the token lacks the permission `contents: read`");
    expect(
      explainGitHubError(
        refused(403, "Resource not accessible by integration", "GET", "https://api.github.com/orgs/acme/installations", {
          "x-accepted-github-permissions": "organization_administration=read",
        }),
        "action",
      ),
    ).toContain("`organization_administration: read`");
  });

  it("404: the repository does not exist or the token cannot see it", () => {
    expect(explainGitHubError(refused(404, "Not Found", "GET", ALERTS), "action")).toContain(
      "the token cannot see it (is the GitHub App installed on it?), or secret scanning is not enabled there",
    );
    expect(explainGitHubError(refused(404, "Not Found", "GET", "https://api.github.com/repos/acme/nope"), "cli")).toContain(
      "it does not exist or the token cannot see it",
    );
  });

  it("leaves alone what is not GitHub's refusal (and rate limits, which the client waits out)", () => {
    expect(explainGitHubError(new Error("boom"), "action")).toBeNull();
    expect(explainGitHubError(refused(403, "API rate limit exceeded for installation", "GET", ALERTS), "action")).toBeNull();
    expect(describeError(new Error("first line\n    at stack"), "cli")).toBe("first line");
  });

  it("never says the token", () => {
    const e = refused(401, "Bad credentials", "GET", ALERTS);
    expect(explainGitHubError(e, "action")).not.toContain("SECRET");
  });
});

describe("resolveIdentity's errors", () => {
  const never: OctokitLike = { request: () => Promise.reject(new Error("not called")) } as unknown as OctokitLike;

  it("does not quote a bad app-slug (it may be a token pasted into the wrong input)", async () => {
    const err = await resolveIdentity(never, "ghs_0123456789SECRET").catch((e: Error) => e);
    expect((err as Error).message).toContain("app-slug is not a GitHub App slug");
    expect((err as Error).message).toContain("It looks like a token: the token goes in `token`");
    expect((err as Error).message).not.toContain("SECRET");
  });

  it("lets a 401 through as GitHub's error, for the caller to explain", async () => {
    const e = refused(401, "Bad credentials", "GET", "https://api.github.com/user");
    const octokit = { request: () => Promise.reject(e) } as unknown as OctokitLike;
    expect(await resolveIdentity(octokit, "").catch((x: unknown) => x)).toBe(e);
  });
});
