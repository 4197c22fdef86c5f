import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { GHEC_ONLY_PATHS, OpenApi } from "../../src/sandbox/openapi.ts";
import type { Sandbox } from "../../src/sandbox/index.ts";
import { client, failure, seedSmall, start, type GitHubClient } from "./helpers.ts";

let sandbox: Sandbox;
let gh: GitHubClient;
const T0 = Date.parse("2026-01-05T08:00:00Z");

beforeAll(async () => {
  sandbox = await start();
  seedSmall(sandbox);
  sandbox.state.addOrg("free-org");
  sandbox.state.setOrgPlan("acme", "enterprise-cloud");
  for (let i = 0; i < 5; i++)
    sandbox.state.addAuditLogEntry("acme", {
      action: i % 2 ? "repo.create" : "org.oauth_app_access_approved",
      actor: "alice",
      "@timestamp": T0 + i * 60_000,
      _document_id: `doc${i}`,
    });
  gh = client(sandbox);
});
afterEach(() => {
  expect(sandbox.validationErrors).toEqual([]);
});
afterAll(() => sandbox.close());

const read = (query: Record<string, string | number>) => gh.request("GET /orgs/{org}/audit-log", { org: "acme", ...query });

describe("GET /orgs/{org}/audit-log (Enterprise Cloud only)", () => {
  it("is checked against GitHub's Enterprise Cloud description, the documented exception", () => {
    expect(GHEC_ONLY_PATHS).toEqual(["/orgs/{org}/audit-log"]);
    expect(OpenApi.shared().operationFor("GET", "/orgs/{org}/audit-log")?.docs).toBe(
      "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization",
    );
  });

  it("answers 404 for an organisation on another plan, as GitHub does", async () => {
    const err = await failure(gh.request("GET /orgs/{org}/audit-log", { org: "free-org" }));
    expect(err.status).toBe(404);
  });

  it("filters by action and created, oldest first with order=asc, and pages with after cursors in the Link header", async () => {
    const phrase = "action:org.oauth_app_access_approved created:>=2026-01-05T08:00:00Z";
    const first = await read({ phrase, order: "asc", per_page: 2 });
    expect((first.data as { _document_id: string }[]).map((e) => e._document_id)).toEqual(["doc0", "doc2"]);
    const next = /<([^>]+)>;\s*rel="next"/.exec(String(first.headers.link))![1]!;
    const after = new URL(next).searchParams.get("after")!;
    const second = await read({ phrase, order: "asc", per_page: 2, after });
    expect((second.data as { _document_id: string }[]).map((e) => e._document_id)).toEqual(["doc4"]);
    expect(String(second.headers.link)).not.toContain('rel="next"');
  });

  it("lists newest first by default and honours created:>", async () => {
    const { data } = await read({ phrase: "created:>2026-01-05T08:02:00Z" });
    expect((data as { _document_id: string; org: string }[]).map((e) => [e._document_id, e.org])).toEqual([
      ["doc4", "acme"],
      ["doc3", "acme"],
    ]);
  });

  it("refuses what the description does not have, e.g. page-based paging", async () => {
    const err = await failure(read({ page: 2 }));
    expect(err.status).toBe(422);
    expect(sandbox.validationErrors.map((e) => e.kind)).toEqual(["query"]);
    sandbox.validationErrors.length = 0;
  });
});
