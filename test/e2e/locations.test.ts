/**
 * Every location type GitHub lists, through the App against the sandbox (which sends what GitHub
 * sends, checked against GitHub's webhook schemas): each is shown with a link to its page and
 * routed sensibly; push protection bypassers and content authors are owner candidates in the
 * policy's precedence; fields a webhook lacks are read over REST, not defaulted.
 */
import { describe, expect, it } from "vitest";
import { checkWebhookPayload, type WebhookRef } from "../../src/sandbox/webhooks.ts";
import { PLANTED, pushFile, responseIssues, type World, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

type Input = Parameters<World["sandbox"]["state"]["addSecretScanningAlert"]>[2];

function alert(fields: Partial<Input> = {}): number {
  return world.sandbox.state.addSecretScanningAlert("acme", "api", {
    secretType: "github_personal_access_token",
    secret: PLANTED.pat,
    validity: "active",
    ...fields,
  }).number;
}

async function send(
  event: "secret_scanning_alert" | "secret_scanning_alert_location",
  number: number,
  ref: Partial<WebhookRef> = {},
): Promise<void> {
  const d = world.sandbox.webhook(event, "created", { owner: "acme", repo: "api", alertNumber: number, installationId: 1, ...ref });
  expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
}

function issueFor(number: number) {
  const issue = responseIssues(world, "acme/api").find((i) => i.title.includes(`alert #${number})`));
  expect(issue, `the issue of alert #${number}`).toBeDefined();
  return { ...issue!, body: issue!.body ?? "" };
}

function setPolicy(yaml: string): void {
  pushFile(world, "acme", ".github", ".github/nhi-steward.yml", `fallback_owner: "@acme/security"\n${yaml}`);
}

describe("commit locations", () => {
  it("a path written as GitHub's documentation writes it (`/infra/deploy.sh`) meets the anchored CODEOWNERS rule, and links the file at its commit", async () => {
    const n = alert({ locations: [{ path: "/infra/deploy.sh", startLine: 1, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }] });
    await send("secret_scanning_alert_location", n);
    const issue = issueFor(n);
    expect(issue.assignees).toEqual(["alice"]);
    expect(issue.body).toContain(
      "`infra/deploy.sh` line 1 in commit `9f2c1d4e8b7a` ([view](https://github.com/acme/api/blob/9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e/infra/deploy.sh#L1))",
    );
    expect(issue.body).toContain(
      "- Owner: .github/CODEOWNERS line 3: `/infra/ @alice` for `infra/deploy.sh` (precedence step: CODEOWNERS).",
    );
  });
});

describe("wiki pages", () => {
  it("never go through CODEOWNERS (not even `*`), and link the page", async () => {
    const n = alert({
      locations: [{ type: "wiki_commit", path: "/infra/Home.md", commitSha: "302c0b7e200761c9dd9b57e57db540ee0b4293a5" }],
    });
    await send("secret_scanning_alert_location", n);
    const issue = issueFor(n);
    expect(issue.assignees).toEqual(["erin"]);
    expect(issue.body).toContain(
      "wiki page `infra/Home.md` line 1 ([view page](https://github.com/acme/api/wiki/Home/302c0b7e200761c9dd9b57e57db540ee0b4293a5))",
    );
    expect(issue.body).toContain("wiki pages are not repository files, so CODEOWNERS does not apply");
    expect(issue.body).not.toContain("@acme/platform");
  });
});

describe("issues, pull requests and discussions", () => {
  it("the issue comment's page is linked and whoever posted it owns it; an unassignable poster is skipped with a note", async () => {
    const r = world.sandbox.state.requireRepo("acme", "api");
    const posted = world.sandbox.state.newIssue(r, {
      title: "deploy fails",
      body: `token ${PLANTED.pat}`,
      user: "mallory",
      labels: [],
      assignees: [],
    });
    const reply = world.sandbox.state.newComment(posted, `try ${PLANTED.pat}`, "bob");
    // Keep the planted value out of what leaks() reads: the person wrote it, not nhi-steward.
    posted.body = "token [redacted by the test]";
    reply.body = "try [redacted by the test]";
    const n = alert({
      locations: [
        { type: "issue_body", issue: posted.number },
        { type: "issue_comment", issue: posted.number, comment: reply.id },
      ],
    });
    await send("secret_scanning_alert", n);
    const issue = issueFor(n);
    expect(issue.assignees).toEqual(["bob"]);
    expect(issue.body).toContain(`[issue body](https://github.com/acme/api/issues/${posted.number}) by \`@mallory\``);
    expect(issue.body).toContain(
      `[issue comment](https://github.com/acme/api/issues/${posted.number}#issuecomment-${reply.id}) by \`@bob\``,
    );
    expect(issue.body).toContain("(precedence step: who posted the content)");
    expect(issue.body).toMatch(/@\u200bmallory cannot be assigned|mallory.*cannot be assigned/);
  });

  it("a discussion GitHub cannot find (deleted since) links its page and goes to the fallback", async () => {
    const n = alert({ locations: [{ type: "discussion_body", url: "https://github.com/acme/api/discussions/7" }] });
    await send("secret_scanning_alert", n);
    const issue = issueFor(n);
    expect(issue.assignees).toEqual(["erin"]);
    expect(issue.body).toContain("[discussion body](https://github.com/acme/api/discussions/7)");
  });
});

describe("push protection bypasses", () => {
  it("whoever pushed past push protection is named and owns it before CODEOWNERS; the policy's precedence can put CODEOWNERS first", async () => {
    const first = alert({ pushProtectionBypassedBy: "dave", locations: [{ path: "infra/deploy.sh" }] });
    await send("secret_scanning_alert", first);
    const issue = issueFor(first);
    expect(issue.assignees).toEqual(["dave"]);
    expect(issue.body).toContain("pushed past push protection by `@dave`");
    expect(issue.body).toContain("(precedence step: who pushed past push protection)");

    setPolicy("routing:\n  precedence: [system, owner-rule, codeowners, bypasser, author, property]\n");
    const second = alert({ pushProtectionBypassedBy: "dave", locations: [{ path: "infra/deploy.sh" }] });
    await send("secret_scanning_alert", second);
    expect(issueFor(second).assignees).toEqual(["alice"]);
  });
});

describe("fill, don't default", () => {
  it("a webhook without validity and publicly_leaked (an older GitHub Enterprise Server) is completed from REST, read once with hide_secret", async () => {
    const n = alert({ validity: "active", publiclyLeaked: true, locations: [{ path: "infra/deploy.sh" }] });
    const mark = world.sandbox.requests.length;
    await send("secret_scanning_alert", n, { omit: ["validity", "publicly_leaked"] });
    const reads = world.sandbox.requests
      .slice(mark)
      .filter((r) => r.method === "GET" && r.path === `/repos/acme/api/secret-scanning/alerts/${n}`);
    expect(reads.map((r) => r.query)).toEqual([{ hide_secret: "true" }]);
    const issue = issueFor(n);
    expect(issue.body).toContain("**Yes.** GitHub checked with the provider");
    expect(issue.body).toContain("**found in public sources**");
  });

  it("a `providers:` owner rule works, although GitHub's webhook alert has no provider", async () => {
    setPolicy('owners:\n  - name: GitHub tokens\n    match: { providers: [GitHub] }\n    owners: ["@carol"]\n');
    const n = alert({ locations: [{ path: "src/app.ts" }] });
    const d = world.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    expect(d.payload.alert).not.toHaveProperty("provider");
    expect(await world.app.deliver(d.name, d.payload, { id: d.id })).toBe(200);
    expect(issueFor(n).assignees).toEqual(["carol"]);
  });

  it("without a `providers:` rule, a known secret type costs no extra read", async () => {
    const n = alert({ locations: [{ path: "src/app.ts" }] });
    const mark = world.sandbox.requests.length;
    await send("secret_scanning_alert", n);
    expect(
      world.sandbox.requests.slice(mark).filter((r) => r.method === "GET" && r.path === `/repos/acme/api/secret-scanning/alerts/${n}`),
    ).toEqual([]);
  });
});

describe("bad but signed", () => {
  it("an alert event without a repository answers 2xx and says which field, once", async () => {
    const n = alert({ locations: [{ path: "src/app.ts" }] });
    const d = world.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    const { repository: _r, ...payload } = d.payload;
    // Malformed on purpose (signed, but not GitHub's shape): it fails GitHub's webhook schema, so it is sent
    // with `world.app.deliver`, not `sendWebhook` (which would record the problems as a test bug).
    const bad = { ...payload, repository: { full_name: "acme/api" } };
    const problems = checkWebhookPayload(d.name, bad);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.every((p) => p.startsWith("payload/repository must have required property"))).toBe(true);
    expect(await world.app.deliver(d.name, bad, { id: "bad-1" })).toBe(200);
    const lines = world.log.lines.filter((l) => l.message.includes("repository.name"));
    expect(lines).toHaveLength(1);
    expect(lines[0]!.message).toMatch(
      /^acme\/api: secret_scanning_alert\.created \(delivery bad-1\) ignored: The event's repository is not readable/,
    );
    expect(responseIssues(world, "acme/api")).toEqual([]);
  });
});
