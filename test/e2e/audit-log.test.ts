import { beforeEach, describe, expect, it } from "vitest";
import { AT, appInstalled, credentialGranted, oauthApproved, patGranted } from "../fixtures/audit-log.ts";
import { PLANTED, responseIssues, sendWebhook, sweepAsAction, tokenRequestPayload, worldPerTest } from "../support/world.ts";

const POLICY = `fallback_owner: "@acme/security"
app_access:
  approved_apps: [dependabot-like]
owners:
  - name: Vendor apps
    match: { apps: ["shady*"] }
    owners: ["@acme/platform"]
`;

const world = worldPerTest();
beforeEach(() => {
  world.sandbox.state.setFile("acme", ".github", ".github/nhi-steward.yml", POLICY);
  world.sandbox.state.setAssignable("acme", ".github", ["carol", "dave", "erin"]);
  world.sandbox.state.setOrgAppInstallation("acme", { id: 501, appSlug: "ci-helper", permissions: { contents: "read", metadata: "read" } });
});

const sweepOrg = () => sweepAsAction(world);
const grants = () => responseIssues(world, "acme/.github").filter((i) => i.title.startsWith("Risky"));
const auditRequests = () => world.sandbox.requests.filter((r) => r.path === "/orgs/acme/audit-log");
const logged = (text: string) => world.log.lines.filter((l) => l.message.includes(text));

describe("the audit log on GitHub Enterprise Cloud", () => {
  beforeEach(() => world.sandbox.state.setOrgPlan("acme", "enterprise-cloud"));

  it("raises exactly one issue per risky entry, routed by the owner rules; none for what the inventory or a token request already raised; none when re-run", async () => {
    await sweepOrg(); // the baseline: inventory and audit log cursor
    expect(grants()).toEqual([]);

    world.clock.set(new Date(AT + 3_600_000));
    // A token request the app already raised from its webhook.
    const approved = tokenRequestPayload(world, "approved", {
      sender: "erin",
      request: { permissions_added: {}, permissions_result: { repository: { contents: "write" } }, created_at: "2026-11-23T10:30:00Z" },
    });
    expect(await sendWebhook(world, "personal_access_token_request", approved)).toBe(200);
    expect(grants()).toHaveLength(1);

    const s = world.sandbox.state;
    s.addAuditLogEntry("acme", oauthApproved());
    s.addAuditLogEntry("acme", oauthApproved({ _document_id: "oauthOK", oauth_application_name: "dependabot-like" }));
    s.addAuditLogEntry("acme", credentialGranted());
    s.addAuditLogEntry("acme", credentialGranted({ _document_id: "credOK", token_scopes: "read:org" }));
    s.addAuditLogEntry("acme", patGranted());
    s.addAuditLogEntry("acme", patGranted({ _document_id: "patOK", repository_selection: "subset" }));
    s.addAuditLogEntry("acme", patGranted({ _document_id: "patKNOWN", user: "carol", token_id: 4242 }));
    s.addAuditLogEntry("acme", appInstalled());
    // Installed, and listed by the inventory, which raises it.
    s.setOrgAppInstallation("acme", { id: 502, appSlug: "shady-deployer", owner: "shady-corp", permissions: { administration: "write" } });
    s.addAuditLogEntry("acme", appInstalled({ _document_id: "appINVENTORY", integration: "shady-deployer", name: "Shady Deployer" }));

    await sweepOrg();
    const titles = grants()
      .map((i) => i.title)
      .sort();
    expect(titles).toEqual([
      "Risky GitHub App “ghost-deployer” installation in acme (audit log event appINSTALLED0001)",
      "Risky GitHub App “shady-deployer” installation in acme (app installation #502)",
      "Risky OAuth app “Shady CRM” approved for acme (audit log event oauthAPPROVED0001)",
      "Risky fine-grained token “deploy-everything” granted to @carol (audit log event patGRANTED0001)",
      "Risky fine-grained token “release-bot” granted by @carol (token request #77)",
      "Risky personal access token (classic) authorised for SSO by @dave (audit log event credGRANT0001)",
    ]);

    // Routed by the owner rule on the app, with the provenance shown, whichever source raised it.
    const crm = grants().find((i) => i.title.includes("Shady CRM"))!;
    expect(crm.assignees).toEqual(["carol", "dave"]);
    expect(crm.body).toContain("owner rule “Vendor apps” (@acme/platform)");
    expect(crm.body).toContain("### Risky app access or token grant");
    const deployer = grants().find((i) => i.title.includes("shady-deployer"))!;
    expect(deployer.body).toContain("owner rule “Vendor apps” (@acme/platform)");
    expect(deployer.body).toContain("| **Publisher** | `shady-corp` |");
    // No rule: the fallback owner, with the requester mentioned for a token.
    const pat = grants().find((i) => i.title.includes("deploy-everything"))!;
    expect(pat.assignees).toEqual(["erin"]);
    expect(pat.body).toContain("@carol");
    expect(pat.body).toContain("| **Why it is risky** | access to all repositories |");

    await sweepOrg();
    expect(grants()).toHaveLength(6);
    const inventory = s.listIssues("acme", ".github").filter((i) => i.labels.includes("nhi-steward:inventory"));
    expect(inventory).toHaveLength(1);
    expect(inventory[0]!.body).toContain("Audit log (Enterprise Cloud): read up to 2026-11-23T10:00:03.000Z.");
  });

  it("stops at the audit log's rate limit mid-pagination and resumes from the cursor next sweep, losing and doubling nothing", async () => {
    await sweepOrg();
    world.clock.set(new Date(AT + 3 * 3_600_000));
    const risky = new Map([
      [20, "Shady One"],
      [120, "Shady Two"],
      [220, "Shady Three"],
    ]);
    for (let i = 0; i < 250; i++) {
      const over = { _document_id: `bulk${String(i).padStart(3, "0")}`, "@timestamp": AT + i * 10_000, created_at: AT + i * 10_000 };
      world.sandbox.state.addAuditLogEntry(
        "acme",
        risky.has(i)
          ? oauthApproved({ ...over, oauth_application_name: risky.get(i) })
          : credentialGranted({ ...over, token_scopes: "read:org" }),
      );
    }
    // Page 1 answers; page 2 hits the audit log's own rate limit.
    world.sandbox.faults.inject({ method: "GET", path: "/orgs/acme/audit-log", times: 1 });
    world.sandbox.faults.inject({
      method: "GET",
      path: "/orgs/acme/audit-log",
      times: 1,
      status: 403,
      headers: { "x-ratelimit-limit": "1750", "x-ratelimit-remaining": "0" },
      body: {
        message: "API rate limit exceeded for user ID 1.",
        documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api",
        status: "403",
      },
    });
    const before = auditRequests().length;
    await sweepOrg();
    expect(auditRequests().length - before).toBe(2);
    expect(grants().map((i) => i.title)).toEqual(["Risky OAuth app “Shady One” approved for acme (audit log event bulk020)"]);
    expect(logged("reading the audit log stopped after 1 page(s): its rate limit was reached")).toHaveLength(1);
    const cursor = new URL(`http://x/?${new URLSearchParams(auditRequests().at(-1)!.query).toString()}`).searchParams.get("after");
    expect(cursor).toBeTruthy();

    const resumedAt = auditRequests().length;
    await sweepOrg();
    const resumed = auditRequests().slice(resumedAt);
    expect(resumed).toHaveLength(2); // pages 2 and 3
    expect(resumed[0]!.query.after).toBe(cursor);
    expect(resumed[0]!.status).toBe(200);
    expect(
      grants()
        .map((i) => i.title)
        .sort(),
    ).toEqual([
      "Risky OAuth app “Shady One” approved for acme (audit log event bulk020)",
      "Risky OAuth app “Shady Three” approved for acme (audit log event bulk220)",
      "Risky OAuth app “Shady Two” approved for acme (audit log event bulk120)",
    ]);

    const again = auditRequests().length;
    await sweepOrg();
    expect(grants()).toHaveLength(3);
    // A fresh query from the newest entry read (less a few minutes for late entries).
    expect(auditRequests()[again]!.query.after).toBeUndefined();
    expect(auditRequests()[again]!.query.phrase).toContain("created:>=2026-11-23T10:36:30Z");
  });

  it("never writes a token-shaped value from an entry", async () => {
    await sweepOrg();
    world.clock.set(new Date(AT + 3_600_000));
    world.sandbox.state.addAuditLogEntry("acme", patGranted({ user_programmatic_access_name: `leaked ${PLANTED.pat}` }));
    await sweepOrg();
    expect(grants()).toHaveLength(1);
    expect(grants()[0]!.title).toContain("[redacted]");
  });
});

describe("the audit log on other plans", () => {
  it("says once that the source is unavailable, across sweeps; asks again a day later; says when it becomes available", async () => {
    await sweepOrg();
    await sweepOrg();
    expect(logged("the audit log source is unavailable on this plan")).toHaveLength(1);
    expect(auditRequests().map((r) => r.status)).toEqual([404]);

    world.clock.advance(25 * 3_600_000);
    await sweepOrg();
    expect(auditRequests().map((r) => r.status)).toEqual([404, 404]);
    expect(logged("the audit log source is unavailable on this plan")).toHaveLength(1);

    world.sandbox.state.setOrgPlan("acme", "enterprise-cloud");
    world.clock.advance(25 * 3_600_000);
    await sweepOrg();
    expect(auditRequests().map((r) => r.status)).toEqual([404, 404, 200]);
    expect(logged("the audit log is readable now")).toHaveLength(1);
    expect(grants()).toEqual([]);
  });
});
