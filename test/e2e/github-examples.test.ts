/**
 * GitHub's own example payloads (@octokit/openapi-webhooks for secret scanning, the documentation's
 * examples in @octokit/webhooks-examples for the rest) delivered to the App: each is answered
 * without a 5xx, and nothing is written for what is not nhi-steward's (no issue, no comment).
 */
import { createRequire } from "node:module";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OpenApi } from "../../src/sandbox/openapi.ts";
import { checkWebhookPayload } from "../../src/sandbox/webhooks.ts";
import { startWorld, type World } from "../support/world.ts";

const require = createRequire(import.meta.url);
const documented = require("@octokit/webhooks-examples/api.github.com/index.json") as {
  name: string;
  examples: Record<string, unknown>[];
}[];
const examplesOf = (name: string) => documented.find((e) => e.name === name)?.examples ?? [];

const locationCreated = OpenApi.webhooks().examples()["secret-scanning-alert-location-created"] as Record<string, unknown>;
const { location: _location, ...alertCreatedBody } = locationCreated;

/** A token request as GitHub's schema describes it (neither package has an example of this event). */
const tokenRequest = (overrides: Record<string, unknown> = {}) => ({
  action: "created",
  personal_access_token_request: {
    id: 25381,
    owner: locationCreated.sender,
    permissions_added: { repository: { contents: "write" } },
    permissions_upgraded: {},
    permissions_result: { repository: { contents: "write", metadata: "read" } },
    repository_selection: "all",
    repository_count: null,
    repositories: null,
    created_at: "2023-11-16T08:47:09.000-07:00",
    token_id: 4242,
    token_name: "release-bot",
    token_expired: false,
    token_expires_at: null,
    token_last_used_at: null,
    ...overrides,
  },
  organization: {
    login: "acme",
    id: 9919,
    node_id: "O_kgDOAAAAAQ",
    url: "https://api.github.com/orgs/acme",
    repos_url: "https://api.github.com/orgs/acme/repos",
    events_url: "https://api.github.com/orgs/acme/events",
    hooks_url: "https://api.github.com/orgs/acme/hooks",
    issues_url: "https://api.github.com/orgs/acme/issues",
    members_url: "https://api.github.com/orgs/acme/members{/member}",
    public_members_url: "https://api.github.com/orgs/acme/public_members{/member}",
    avatar_url: "https://avatars.githubusercontent.com/u/9919?v=4",
    description: null,
  },
  sender: locationCreated.sender,
  installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
});

const CASES: [string, Record<string, unknown>][] = [
  ["secret_scanning_alert_location", locationCreated],
  ["secret_scanning_alert", { ...alertCreatedBody, action: "created" }],
  ...(["issues", "issue_comment", "repository_dispatch", "installation"] as const).flatMap((name) =>
    examplesOf(name).map((p): [string, Record<string, unknown>] => [name, p]),
  ),
];

let world: World;
beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  await world.close();
});

describe("GitHub's own example payloads", () => {
  it("the secret scanning examples match GitHub's schemas (the documentation's older examples of other events need not)", () => {
    expect(CASES.length).toBeGreaterThan(40);
    // GitHub's example carries `state` and a placeholder `secret` in the alert, which the schema does not name.
    for (const [name, payload] of CASES.slice(0, 2))
      expect(
        checkWebhookPayload(name, payload).filter((p) => !p.includes("does not name")),
        name,
      ).toEqual([]);
  });

  it("answer 2xx through the App and write nothing that is not ours", async () => {
    const before = world.sandbox.state.everythingWritten();
    for (const [name, payload] of CASES) {
      const status = await world.app.deliver(name, payload);
      expect(status, `${name}.${String(payload.action)}`).toBeLessThan(500);
    }
    // The examples name repositories and installations nhi-steward does not serve: nothing written.
    expect(world.sandbox.state.everythingWritten()).toBe(before);
    expect(world.sandbox.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/access_tokens"))).toEqual([]);
    expect(world.sandbox.validationErrors).toEqual([]);
  });

  it("GitHub's location example, in a repository it serves: `/example/secrets.txt` meets `/example/ @alice`, and what the example lacks is read over REST", async () => {
    const s = world.sandbox.state;
    s.setFile("acme", "api", ".github/CODEOWNERS", "* @acme/platform\n/example/ @alice\n");
    for (let i = 1; i <= 42; i++)
      s.addSecretScanningAlert("acme", "api", {
        secretType: "mailchimp_api_key",
        secret: `XXXXXXXXXXXXXXXXXXXXXXXXXXXXXX${String(i).padStart(2, "0")}-us2`,
        validity: "active",
        locations: [{ path: "/example/secrets.txt" }],
      });
    const json = JSON.stringify(locationCreated)
      .replaceAll("octocat-repo/hello-world", "acme/api")
      .replaceAll("hello-world", "api")
      .replaceAll('"login":"octocat"', '"login":"acme"');
    const payload = {
      ...(JSON.parse(json) as Record<string, unknown>),
      installation: { id: 1, node_id: "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ==" },
    };
    // GitHub's example as GitHub wrote it, so it departs from GitHub's schema only where the example does:
    // its alert's `state` and placeholder `secret` (sent with `world.app.deliver`, not `sendWebhook`).
    expect(checkWebhookPayload("secret_scanning_alert_location", payload)).toEqual([
      "payload/alert has 'state', which GitHub's webhook schema does not name",
      "payload/alert has 'secret', which GitHub's webhook schema does not name",
    ]);
    expect(await world.app.deliver("secret_scanning_alert_location", payload)).toBe(200);
    const [issue] = world.sandbox.state.listIssues("acme", "api");
    expect(issue?.title).toBe("Leaked Mailchimp Api Key in acme/api (secret scanning alert #42)");
    expect(issue?.assignees).toEqual(["alice"]);
    // The example has no validity: REST's (active) decides the severity. (A public repository: the
    // details are kept out of the issue, which says so.)
    expect(issue?.body).toContain("**critical** (default rule (validity active, visibility public))");
    expect(world.sandbox.validationErrors).toEqual([]);
  });

  it("a token request in an organisation it serves is ours: one issue; without token_id, a 2xx and one log line naming the field", async () => {
    expect(checkWebhookPayload("personal_access_token_request", tokenRequest())).toEqual([]);
    expect(await world.app.deliver("personal_access_token_request", tokenRequest())).toBe(200);
    expect(world.sandbox.state.listIssues("acme", ".github").map((i) => i.title)).toEqual([
      "Risky fine-grained token “release-bot” requested by @octocat (token request #25381)",
    ]);

    const { token_id: _dropped, ...withoutTokenId } = tokenRequest({ id: 25382 }).personal_access_token_request;
    const bad = { ...tokenRequest(), personal_access_token_request: withoutTokenId };
    expect(checkWebhookPayload("personal_access_token_request", bad)).toEqual([
      "payload/personal_access_token_request must have required property 'token_id'",
    ]);
    const written = world.sandbox.state.everythingWritten();
    const logged = world.log.lines.length;
    expect(await world.app.deliver("personal_access_token_request", bad)).toBe(200);
    expect(world.sandbox.state.everythingWritten()).toBe(written);
    const lines = world.log.lines
      .slice(logged)
      .filter((l) => l.message.includes("token_id"))
      .map((l) => `${l.level}: ${l.message}`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^warn: acme: personal_access_token_request\.created \(request #25382 by @octocat token “release-bot”\) ignored, as GitHub cannot fix it by redelivering: .*personal_access_token_request\.token_id/,
    );
    // Denied without token_id: the same.
    expect(await world.app.deliver("personal_access_token_request", { ...bad, action: "denied" })).toBe(200);
    expect(world.sandbox.state.everythingWritten()).toBe(written);
  });
});
