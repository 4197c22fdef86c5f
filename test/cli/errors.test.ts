import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.ts";
import { captureIo } from "../support/capture-io.ts";

/** A GitHub that answers every request with `status` and GitHub's `message`. */
async function refusingGitHub(status: number, message: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(JSON.stringify({ message, documentation_url: "https://docs.github.com/rest", status: String(status) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const TOKEN = "ghp_cliTOKENvalue0123456789";
let github: Awaited<ReturnType<typeof refusingGitHub>> | null = null;
afterEach(async () => {
  await github?.close();
  github = null;
});

describe("the CLI's errors: one line that says what to do (--verbose: the details)", () => {
  it("sweep with a refused token: one line, exit 1", async () => {
    github = await refusingGitHub(401, "Bad credentials");
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, NHI_APP_SLUG: "nhi-steward" } });
    expect(await main(["sweep", "--repo", "acme/api"], io)).toBe(1);
    const lines = io.err().trim().split("\n");
    expect(lines.at(-1)).toBe(
      "nhi-steward sweep: GitHub answered 401 (Bad credentials) to GET /repos/acme/api: the token is wrong, expired or revoked; set GITHUB_TOKEN to a current token (an App installation token expires after an hour). (--verbose shows the details)",
    );
    expect(io.err()).not.toMatch(/^\s+at /m);
    expect(io.err()).not.toContain("TOKENvalue");
  });

  it("--verbose adds the stack", async () => {
    github = await refusingGitHub(401, "Bad credentials");
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, NHI_APP_SLUG: "nhi-steward" } });
    expect(await main(["sweep", "--verbose", "--repo", "acme/api"], io)).toBe(1);
    expect(io.err()).toContain("nhi-steward sweep: GitHub answered 401 (Bad credentials)");
    expect(io.err()).toMatch(/^\s+at /m);
    expect(io.err()).not.toContain("TOKENvalue");
  });

  it("a refused token when asking who it is (no --app-slug): the same explanation, exit 2", async () => {
    github = await refusingGitHub(401, "Bad credentials");
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url } });
    expect(await main(["report", "--repo", "acme/api"], io)).toBe(2);
    expect(io.err().trim()).toBe(
      "GitHub answered 401 (Bad credentials) to GET /user: the token is wrong, expired or revoked; set GITHUB_TOKEN to a current token (an App installation token expires after an hour).",
    );
  });

  it("a token that cannot read secret scanning alerts: says which token can", async () => {
    github = await refusingGitHub(403, "Resource not accessible by integration");
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: github.url, NHI_APP_SLUG: "nhi-steward" } });
    expect(await main(["sweep", "--org", "acme"], io)).toBe(1);
    expect(io.err()).toContain(
      "nhi-steward sweep: GitHub answered 403 (Resource not accessible by integration) to GET /orgs/acme/secret-scanning/alerts. GITHUB_TOKEN must be a token that can read secret scanning alerts",
    );
  });

  it("a GITHUB_TOKEN with a line break: refused without echoing it", async () => {
    const io = captureIo({ env: { GITHUB_TOKEN: `${TOKEN}\nsecond`, GITHUB_API_URL: "http://127.0.0.1:9" } });
    expect(await main(["sweep", "--repo", "acme/api"], io)).toBe(2);
    expect(io.err()).toBe("GITHUB_TOKEN contains a line break or a space (not shown here): set it to the token alone.");
  });

  it("report --publish-to that is not OWNER/NAME: said before anything is read", async () => {
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: "http://127.0.0.1:9" } });
    expect(await main(["report", "--repo", "acme/api", "--publish-to", "acme"], io)).toBe(2);
    expect(io.err()).toBe('--publish-to: "acme" is not a repository name; write it as owner/name.');
  });

  it("a bad --app-slug is not quoted", async () => {
    const io = captureIo({ env: { GITHUB_TOKEN: TOKEN, GITHUB_API_URL: "http://127.0.0.1:9" } });
    expect(await main(["sweep", "--repo", "acme/api", "--app-slug", TOKEN], io)).toBe(2);
    expect(io.err()).toContain("app-slug is not a GitHub App slug");
    expect(io.err()).not.toContain("TOKENvalue");
  });
});
