import { describe, expect, it } from "vitest";
import { decodeMarker } from "../../src/core/issue/marker.ts";
import { FILE_FRESH_MS } from "../../src/github/octokit-port.ts";
import { deliver, PLANTED, responseIssues, sendWebhook, worldPerTest } from "../support/world.ts";

const world = worldPerTest();

function addPat(path = "infra/deploy.sh", extra: Record<string, unknown> = {}, repo = "api") {
  return world.sandbox.state.addSecretScanningAlert("acme", repo, {
    secretType: "github_personal_access_token",
    secretTypeDisplayName: "GitHub Personal Access Token",
    secret: PLANTED.pat,
    validity: "active",
    locations: [{ path, startLine: 12, endLine: 12, commitSha: "9f2c1d4e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e" }],
    ...extra,
  }).number;
}

describe("the app, through a real Probot server and the sandbox GitHub", () => {
  it("turns a created webhook into one assigned, labelled issue that says what to do", async () => {
    const n = addPat();
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    const issues = responseIssues(world, "acme/api");
    expect(issues).toHaveLength(1);
    const issue = issues[0]!;
    expect(issue.title).toBe(`Leaked GitHub Personal Access Token in acme/api (secret scanning alert #${n})`);
    expect(issue.assignees).toEqual(["alice"]);
    expect(issue.labels).toContain("nhi-response");
    expect(issue.body).toContain("`infra/deploy.sh` line 12 in commit `9f2c1d4e8b7a`");
    expect(issue.body).toContain("@alice (.github/CODEOWNERS line 3: `/infra/ @alice`)");
    expect(issue.body).toContain("the secret still works");
    expect(issue.body).toMatch(/^- \[ \] \*\*Revoke\*\*/m);
    expect(world.sandbox.state.labels("acme", "api")).toContainEqual(expect.objectContaining({ name: "nhi-response", color: "b60205" }));
  });

  it("never opens a second issue: redelivery, reopened, validated and a new location update the first", async () => {
    const n = addPat();
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    await deliver(world, "secret_scanning_alert", "reopened", "acme/api", n);
    world.sandbox.state.updateAlert("acme", "api", n, { validity: "inactive" });
    await deliver(world, "secret_scanning_alert", "validated", "acme/api", n);
    world.sandbox.state.addAlertLocation("acme", "api", n, {
      path: "scripts/release.sh",
      startLine: 4,
      endLine: 4,
      commitSha: "1111111111111111111111111111111111111111",
    });
    await deliver(world, "secret_scanning_alert_location", "created", "acme/api", n);

    const issues = responseIssues(world, "acme/api");
    expect(issues).toHaveLength(1);
    const body = issues[0]!.body!;
    expect(body).toContain("`scripts/release.sh` line 4");
    expect(body).toContain("The provider reports it inactive");
    expect(decodeMarker(body)).toMatchObject({
      validity: "inactive",
      locations: expect.arrayContaining([expect.stringContaining("scripts/release.sh")]),
    });
    const comments = issues[0]!.comments.map((c) => c.body);
    expect(comments).toEqual([
      expect.stringContaining("Validity changed from active to **inactive**"),
      expect.stringContaining("found in 1 more location"),
    ]);
  });

  it("expands a team owner to its assignable members and mentions the team", async () => {
    const n = addPat("src/server.ts");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees).toEqual(["carol", "dave"]);
    expect(issue!.body).toContain("@carol, @dave, @acme/platform (.github/CODEOWNERS line 2: `* @acme/platform`)");
  });

  it("skips an owner who cannot be assigned and says so", async () => {
    const n = addPat("legacy/old.sh");
    await deliver(world, "secret_scanning_alert", "created", "acme/api", n);
    const [issue] = responseIssues(world, "acme/api");
    expect(issue!.assignees).toEqual(["erin"]);
    expect(issue!.labels).toContain("nhi:unowned");
    expect(issue!.body).toContain("@mallory cannot be assigned in this repository");
  });

  it("sends an alert in a repository without CODEOWNERS to the fallback owner, labelled nhi:unowned", async () => {
    const n = addPat("index.html", {}, "site");
    await deliver(world, "secret_scanning_alert", "created", "acme/site", n);
    const [issue] = responseIssues(world, "acme/site");
    expect(issue!.assignees).toEqual(["erin"]);
    expect(issue!.labels).toEqual(expect.arrayContaining(["nhi-response", "nhi:unowned"]));
    expect(issue!.body).toContain("fallback owner `@acme/security` from the policy");
    expect(issue!.body).toContain("The repository has no CODEOWNERS file");
    expect(world.sandbox.state.labels("acme", "site")).toContainEqual(
      expect.objectContaining({ name: "nhi:unowned", description: expect.stringContaining("fallback owner") }),
    );
  });

  it("reads a malformed webhook alert again from the REST API instead of dropping it", async () => {
    const n = addPat();
    const d = world.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    const payload = d.payload as { alert: Record<string, unknown> };
    // GitHub's webhook schema does not require `secret_type`: a payload without it is one GitHub may send (checked).
    delete payload.alert.secret_type;
    expect(await sendWebhook(world, d.name, payload)).toBe(200);
    expect(responseIssues(world, "acme/api")).toHaveLength(1);
    expect(world.log.text()).toMatch(/acme\/api alert#\d+: .*alert\.secret_type.*Reading it from the REST API instead/);
  });

  it("retries a GitHub 5xx and still opens the issue", async () => {
    const n = addPat();
    world.sandbox.faults.inject({ method: "GET", path: /\/contents\/\.github\/CODEOWNERS$/, status: 502, times: 1 });
    expect(await deliver(world, "secret_scanning_alert", "created", "acme/api", n)).toBe(200);
    expect(responseIssues(world, "acme/api")[0]?.assignees).toEqual(["alice"]);
  });

  it("uses CODEOWNERS it read within the minute, then asks with If-None-Match and takes GitHub's 304", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat());
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat("infra/other.sh"));
    const reads = () => world.sandbox.requests.filter((r) => r.method === "GET" && r.path.endsWith("/contents/.github/CODEOWNERS"));
    expect(reads().map((r) => r.status)).toEqual([200]);
    world.clock.advance(FILE_FRESH_MS);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat("infra/third.sh"));
    expect(reads().map((r) => r.status)).toEqual([200, 304]);
    expect(responseIssues(world, "acme/api").map((i) => i.assignees)).toEqual([["alice"], ["alice"], ["alice"]]);
  });

  it("a CODEOWNERS change applies to alerts a minute after the push, not before", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat());
    world.sandbox.state.setFile("acme", "api", ".github/CODEOWNERS", "* @bob\n");
    world.clock.advance(FILE_FRESH_MS - 1);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat("infra/other.sh"));
    world.clock.advance(1);
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat("infra/third.sh"));
    expect(responseIssues(world, "acme/api").map((i) => i.assignees)).toEqual([["alice"], ["alice"], ["bob"]]);
  });

  it("checks each label once per process, not once per alert", async () => {
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat());
    await deliver(world, "secret_scanning_alert", "created", "acme/api", addPat("infra/two.sh"));
    const labelReads = world.sandbox.requests.filter((r) => r.path.startsWith("/repos/acme/api/labels"));
    // One list of the repository's labels (they fit on a page), then the missing ones created.
    expect(labelReads.filter((r) => r.method === "GET").map((r) => r.path)).toEqual(["/repos/acme/api/labels"]);
    expect(
      labelReads
        .filter((r) => r.method === "POST")
        .map((r) => (r.body as { name: string }).name)
        .sort(),
    ).toEqual(["nhi-response", "severity:high", "sla:on-track"]);
    expect(responseIssues(world, "acme/api")).toHaveLength(2);
  });

  it("rejects unsigned and wrongly signed deliveries and opens nothing", async () => {
    const n = addPat();
    const d = world.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    expect(await world.app.deliver(d.name, d.payload, { signature: null })).toBe(400);
    expect(await world.app.deliver(d.name, d.payload, { signature: "sha256=" + "0".repeat(64) })).toBe(400);
    expect(responseIssues(world, "acme/api")).toEqual([]);
  });

  it("rejects a non-JSON body (signed or not) and opens nothing", async () => {
    const body = "this is not json";
    const { signPayload } = await import("../../src/app/local-server.ts");
    const res = await fetch(world.app.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-github-event": "secret_scanning_alert",
        "x-github-delivery": "d-1",
        "x-hub-signature-256": signPayload(world.app.secret, body),
      },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(responseIssues(world, "acme/api")).toEqual([]);
  });

  it("rejects an oversized delivery (GitHub caps payloads at 25 MB) without processing it", async () => {
    const n = addPat();
    const d = world.sandbox.webhook("secret_scanning_alert", "created", { owner: "acme", repo: "api", alertNumber: n, installationId: 1 });
    // On purpose not GitHub's shape (`padding` is a field GitHub never sends): only its size matters here.
    const huge = { ...(d.payload as object), padding: "x".repeat(26 * 1024 * 1024) };
    const status = await world.app.deliver(d.name, huge).catch(() => 413); // correctly signed, still refused
    expect(status).toBe(413);
    expect(responseIssues(world, "acme/api")).toEqual([]);
  });

  it("ignores actions it has nothing to do for", async () => {
    const n = addPat();
    expect(await deliver(world, "secret_scanning_alert", "assigned", "acme/api", n)).toBe(200);
    expect(responseIssues(world, "acme/api")).toEqual([]);
  });
});
