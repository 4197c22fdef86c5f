import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_ALERTS, DEMO_SECRETS, OpenApi, seedDemo, type Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

const SECRET = "ghp_SANDBOXtestSECRETvalue00000000000001";

let sandbox: Sandbox;
let gh: GitHubClient;
let first: number;

beforeAll(async () => {
  sandbox = await start();
  seedSmall(sandbox);
  const s = sandbox.state;
  s.addRepo({ owner: "acme", name: "web", files: { "config/.env": `A=1\nTOKEN=${SECRET}\n` } });
  first = s.addSecretScanningAlert("acme", "web", {
    secretType: "github_personal_access_token",
    secret: SECRET,
    validity: "active",
    publiclyLeaked: true,
    locations: [{ path: "config/.env" }],
  }).number;
  // 34 more alerts in acme/api, for pagination.
  for (let i = 0; i < 34; i++)
    s.addSecretScanningAlert("acme", "api", {
      secretType: i % 2 ? "aws_access_key_id" : "npm_access_token",
      secret: `fake-secret-${i}`,
      validity: i % 3 ? "unknown" : "active",
    });
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

describe("secret scanning alerts", () => {
  it("includes the secret unless hide_secret=true, as GitHub does", async () => {
    const shown = await gh.rest.secretScanning.getAlert({ owner: "acme", repo: "web", alert_number: first });
    expect(shown.data).toMatchObject({
      number: first,
      state: "open",
      secret: SECRET,
      secret_type: "github_personal_access_token",
      secret_type_display_name: "GitHub Personal Access Token",
      provider: "GitHub",
      validity: "active",
      publicly_leaked: true,
      resolution: null,
      html_url: `https://github.com/acme/web/security/secret-scanning/${first}`,
      locations_url: `${sandbox.url}/repos/acme/web/secret-scanning/alerts/${first}/locations`,
    });
    const hidden = await gh.rest.secretScanning.getAlert({ owner: "acme", repo: "web", alert_number: first, hide_secret: true });
    expect(hidden.data).not.toHaveProperty("secret");
    const listHidden = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "web", hide_secret: true });
    expect(JSON.stringify(listHidden.data)).not.toContain(SECRET);
    const listShown = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "web" });
    expect(listShown.data[0]?.secret).toBe(SECRET);
  });

  it("lists the commit location where the secret is, with git shas", async () => {
    const { data } = await gh.rest.secretScanning.listLocationsForAlert({ owner: "acme", repo: "web", alert_number: first });
    expect(data).toHaveLength(1);
    const details = data[0]!.details as Record<string, unknown>;
    expect(data[0]!.type).toBe("commit");
    expect(details).toMatchObject({ path: "config/.env", start_line: 2, end_line: 2, start_column: 7, end_column: 7 + SECRET.length });
    expect(details.blob_sha).toMatch(/^[0-9a-f]{40}$/);
    expect(details.commit_url).toBe(`${sandbox.url}/repos/acme/web/git/commits/${String(details.commit_sha)}`);
  });

  it("paginates with Link headers (per_page default 30, max 100) and octokit.paginate follows them", async () => {
    const page1 = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "api", hide_secret: true });
    expect(page1.data).toHaveLength(30);
    expect(page1.headers.link).toBe(
      `<${sandbox.url}/repos/acme/api/secret-scanning/alerts?hide_secret=true&page=2>; rel="next", <${sandbox.url}/repos/acme/api/secret-scanning/alerts?hide_secret=true&page=2>; rel="last"`,
    );
    // Newest first.
    expect(page1.data[0]!.number).toBe(34);
    const page2 = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "api", hide_secret: true, page: 2, per_page: 30 });
    expect(page2.data.map((a) => a.number)).toEqual([4, 3, 2, 1]);
    expect(page2.headers.link).toContain('rel="prev"');
    expect(page2.headers.link).toContain('rel="first"');
    const all = await gh.paginate(gh.rest.secretScanning.listAlertsForRepo, { owner: "acme", repo: "api", per_page: 7, hide_secret: true });
    expect(all.map((a) => a.number)).toEqual(Array.from({ length: 34 }, (_, i) => 34 - i));
    const big = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "api", per_page: 100 });
    expect(big.data).toHaveLength(34);
    expect(big.headers.link).toBeUndefined();
  });

  it("filters by state, secret_type and validity, and sorts ascending on request", async () => {
    const aws = await gh.paginate(gh.rest.secretScanning.listAlertsForRepo, {
      owner: "acme",
      repo: "api",
      secret_type: "aws_access_key_id",
      hide_secret: true,
    });
    expect(aws).toHaveLength(17);
    expect(aws.every((a) => a.secret_type === "aws_access_key_id")).toBe(true);
    const active = await gh.paginate(gh.rest.secretScanning.listAlertsForRepo, {
      owner: "acme",
      repo: "api",
      validity: "active",
      direction: "asc",
      hide_secret: true,
    });
    expect(active.map((a) => a.number).slice(0, 3)).toEqual([1, 4, 7]);
    const resolved = await gh.rest.secretScanning.listAlertsForRepo({ owner: "acme", repo: "api", state: "resolved" });
    expect(resolved.data).toEqual([]);
  });

  it("lists organisation alerts with their repository", async () => {
    const all = await gh.paginate(gh.rest.secretScanning.listAlertsForOrg, { org: "acme", hide_secret: true, per_page: 100 });
    expect(all).toHaveLength(35);
    const web = all.find((a) => a.repository?.name === "web");
    expect(web).toMatchObject({ number: first, repository: { full_name: "acme/web", owner: { login: "acme" } } });
    expect(web).not.toHaveProperty("secret");
    const leaked = await gh.rest.secretScanning.listAlertsForOrg({ org: "acme", is_publicly_leaked: true });
    expect(leaked.data.map((a) => a.repository?.name)).toEqual(["web"]);
  });

  it("resolves and reopens an alert with PATCH, recording who and the comment", async () => {
    const n = sandbox.state.addSecretScanningAlert("acme", "web", { secretType: "stripe_api_key", secret: "sk_test_sandbox" }).number;
    const { data } = await gh.rest.secretScanning.updateAlert({
      owner: "acme",
      repo: "web",
      alert_number: n,
      state: "resolved",
      resolution: "revoked",
      resolution_comment: "rotated in vault",
    });
    expect(data).toMatchObject({
      state: "resolved",
      resolution: "revoked",
      resolution_comment: "rotated in vault",
      resolved_at: "2026-01-05T09:00:00Z",
      resolved_by: { login: "nhi-steward[bot]" },
    });
    expect(sandbox.state.alert("acme", "web", n)).toMatchObject({
      state: "resolved",
      resolution: "revoked",
      resolutionComment: "rotated in vault",
    });
    expect(sandbox.state.everythingWritten()).toContain("rotated in vault");
    const again = await failure(
      gh.rest.secretScanning.updateAlert({ owner: "acme", repo: "web", alert_number: n, state: "resolved", resolution: "revoked" }),
    );
    expect(again.status).toBe(400);
    const reopened = await gh.rest.secretScanning.updateAlert({ owner: "acme", repo: "web", alert_number: n, state: "open" });
    expect(reopened.data).toMatchObject({ state: "open", resolution: null, resolved_by: null });
  });

  it("refuses a resolution without resolved state (422) and unknown alerts (404)", async () => {
    const bad = await failure(
      gh.request("PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}" as string, {
        owner: "acme",
        repo: "web",
        alert_number: first,
        state: "open",
        resolution: "revoked",
      }),
    );
    expect(bad.status).toBe(422);
    expect((await failure(gh.rest.secretScanning.getAlert({ owner: "acme", repo: "web", alert_number: 999 }))).status).toBe(404);
  });

  it("keeps state changes made by seeding (updateAlert) visible through the API", async () => {
    sandbox.state.updateAlert("acme", "web", first, { validity: "inactive" });
    const { data } = await gh.rest.secretScanning.getAlert({ owner: "acme", repo: "web", alert_number: first, hide_secret: true });
    expect(data.validity).toBe("inactive");
  });
});

describe("the demo organisation and its webhooks", () => {
  let demo: Sandbox;
  let demoGh: GitHubClient;
  beforeAll(async () => {
    demo = await start();
    seedDemo(demo.state);
    demoGh = client(demo);
  });
  afterEach(() => {
    expect(demo.validationErrors).toEqual([]);
  });
  afterAll(() => demo.close());

  describe("webhook payloads", () => {
    it("builds a secret_scanning_alert delivery that matches GitHub's webhook schema and never carries the secret", () => {
      demo.state.updateAlert("acme", "payments-api", 1, { state: "resolved", resolution: "revoked", resolvedBy: "carol" });
      const d = demo.webhook("secret_scanning_alert", "resolved", {
        owner: "acme",
        repo: "payments-api",
        alertNumber: 1,
        installationId: 1,
      });
      expect(d.name).toBe("secret_scanning_alert");
      expect(d.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(d.payload).toMatchObject({
        action: "resolved",
        alert: {
          number: 1,
          secret_type: "stripe_api_key",
          resolution: "revoked",
          resolved_by: { login: "carol" },
          validity: "active",
          url: `${demo.url}/repos/acme/payments-api/secret-scanning/alerts/1`,
        },
        repository: { full_name: "acme/payments-api", private: true, owner: { login: "acme", type: "Organization" } },
        organization: { login: "acme" },
        installation: { id: 1 },
        sender: { login: "carol" },
      });
      expect(d.payload).not.toHaveProperty("alert.secret");
      for (const s of DEMO_SECRETS) expect(JSON.stringify(d.payload)).not.toContain(s);
      expect(OpenApi.shared().checkWebhook("secret_scanning_alert", "resolved", d.payload)).toEqual([]);
      demo.state.updateAlert("acme", "payments-api", 1, { state: "open" });
    });

    it("validates created, reopened and validated payloads against the description", () => {
      for (const action of ["created", "reopened", "validated", "publicly_leaked"]) {
        const d = demo.webhook("secret_scanning_alert", action, { owner: "acme", repo: "platform-infra", alertNumber: 2 });
        expect(d.payload).toMatchObject({ action, installation: { id: 1 } });
        expect(OpenApi.shared().checkWebhook("secret_scanning_alert", action, d.payload)).toEqual([]);
      }
    });

    it("builds a secret_scanning_alert_location delivery with the newest location and the alert", () => {
      demo.state.addAlertLocation("acme", "web-frontend", 1, { path: "ci/publish.sh", startLine: 3, commitSha: "1".repeat(40) });
      const d = demo.webhook("secret_scanning_alert_location", "created", { owner: "acme", repo: "web-frontend", alertNumber: 1 });
      expect(d.payload).toMatchObject({
        action: "created",
        location: { type: "commit", details: { path: "ci/publish.sh", start_line: 3, commit_sha: "1".repeat(40) } },
        alert: { number: 1, secret_type: "npm_access_token" },
      });
      expect(OpenApi.shared().checkWebhook("secret_scanning_alert_location", "created", d.payload)).toEqual([]);
    });
  });

  describe("the demo organisation", () => {
    it("serves CODEOWNERS in .github/, at the root, and none; the org policy in acme/.github", async () => {
      const raw = (repo: string, path: string) =>
        demoGh
          .request("GET /repos/{owner}/{repo}/contents/{path}", { owner: "acme", repo, path, mediaType: { format: "raw" } })
          .then((r) => String(r.data));
      expect(await raw("payments-api", ".github/CODEOWNERS")).toContain("/config/stripe.ts   @carol");
      expect(await raw("platform-infra", "CODEOWNERS")).toContain("/scripts/     @bob");
      expect(await raw(".github", ".github/nhi-steward.yml")).toContain('fallback_owner: "@acme/security"');
      const members = await demoGh.rest.teams.listMembersInOrg({ org: "acme", team_slug: "security" });
      expect(members.data.map((m) => m.login)).toEqual(["dave"]);
    });

    it("has open alerts of five types whose secrets sit at their locations", async () => {
      const alerts = await demoGh.paginate(demoGh.rest.secretScanning.listAlertsForOrg, { org: "acme", state: "open" });
      expect(alerts.map((a) => a.secret_type).sort()).toEqual([
        "aws_access_key_id",
        "github_personal_access_token",
        "npm_access_token",
        "slack_incoming_webhook_url",
        "stripe_api_key",
      ]);
      expect(alerts.filter((a) => a.publicly_leaked).map((a) => a.secret_type)).toEqual(["aws_access_key_id"]);
      expect(alerts.filter((a) => a.validity === "active")).toHaveLength(3);
      for (const planted of DEMO_ALERTS) {
        const file = demo.state.file(planted.owner, planted.repo, planted.path);
        expect(file).toContain(planted.secret);
        const [loc] = (
          await demoGh.rest.secretScanning.listLocationsForAlert({ owner: planted.owner, repo: planted.repo, alert_number: planted.number })
        ).data;
        const line = file!.split("\n")[(loc!.details as { start_line: number }).start_line - 1];
        expect(line).toContain(planted.secret);
      }
      expect(DEMO_SECRETS).toHaveLength(5);
      expect(new Set(DEMO_SECRETS).size).toBe(5);
      expect(demo.validationErrors).toEqual([]);
    });
  });
});
