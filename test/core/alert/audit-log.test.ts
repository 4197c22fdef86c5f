import { describe, expect, it } from "vitest";
import {
  alertFromAuditEntry,
  auditAliases,
  auditEntryRisks,
  auditKey,
  auditLogStateSchema,
  auditPhrase,
  parseAuditEntry,
} from "../../../src/core/alert/audit-log.ts";
import { policyFrom } from "../../../src/core/policy/load.ts";
import { appInstalled, credentialGranted, oauthApproved, patGranted } from "../../fixtures/audit-log.ts";

const home = { owner: "acme", name: ".github" };
const policy = policyFrom({ app_access: { approved_apps: ["Trusted CI"] } });
const entry = (raw: unknown) => parseAuditEntry(raw)!;

describe("audit log entries, as GitHub documents them", () => {
  it("reads the four grant actions with their documented fields", () => {
    expect(entry(oauthApproved())).toMatchObject({
      action: "org.oauth_app_access_approved",
      id: "oauthAPPROVED0001",
      at: "2026-11-23T10:00:00.000Z",
      actor: "erin",
      app: "Shady CRM",
    });
    expect(entry(credentialGranted())).toMatchObject({
      actor: "dave",
      scopes: ["repo", "admin:org", "read:user"],
      accessType: "personal access token (classic)",
    });
    expect(entry(patGranted())).toMatchObject({ user: "carol", tokenName: "deploy-everything", repositorySelection: "all", tokenId: null });
    expect(entry(appInstalled())).toMatchObject({ app: "ghost-deployer", actor: "bob", permissions: null });
  });

  it.each([
    ["another action", { ...oauthApproved(), action: "repo.create" }],
    ["no document id", { ...oauthApproved(), _document_id: undefined }],
    ["no time at all", { ...oauthApproved(), "@timestamp": undefined, created_at: undefined }],
    ["not an object", "org.oauth_app_access_approved"],
  ])("skips an entry with %s", (_name, raw) => {
    expect(parseAuditEntry(raw)).toBeNull();
  });

  it("takes created_at when @timestamp is missing, in ms or ISO", () => {
    expect(entry({ ...oauthApproved(), "@timestamp": undefined }).at).toBe("2026-11-23T10:00:00.000Z");
    expect(entry({ ...oauthApproved(), "@timestamp": undefined, created_at: "2026-11-23T10:00:00Z" }).at).toBe("2026-11-23T10:00:00.000Z");
  });

  it("redacts anything token-shaped an entry carries", () => {
    const planted = "ghp_NHIPLANTEDpatVALUE0000000000000000001";
    const e = entry(patGranted({ user_programmatic_access_name: `copy ${planted}` }));
    expect(e.tokenName).toBe("copy [redacted]");
    const alert = alertFromAuditEntry("acme", e, auditEntryRisks(e, policy), home);
    expect(JSON.stringify(alert)).not.toContain(planted);
  });
});

describe("which audit entries the policy calls risky", () => {
  it.each<[string, unknown, string[]]>([
    [
      "an OAuth app not approved",
      oauthApproved(),
      ["OAuth app “Shady CRM” was approved for the organisation's data by `erin` and is not in `app_access.approved_apps`"],
    ],
    ["an approved OAuth app (any case)", oauthApproved({ oauth_application_name: "trusted ci" }), []],
    [
      "an SSO authorization with risky scopes",
      credentialGranted(),
      ["a personal access token (classic) was authorised for single sign-on with `repo`, `admin:org`"],
    ],
    ["an SSO authorization with harmless scopes", credentialGranted({ token_scopes: "read:org,read:user" }), []],
    ["an SSH key authorised for SSO (no scopes)", credentialGranted({ token_scopes: undefined, programmatic_access_type: "SSH key" }), []],
    ["a token granted all repositories", patGranted(), ["access to all repositories"]],
    ["a token granted a subset", patGranted({ repository_selection: "subset" }), []],
    [
      "a token granted a risky permission",
      patGranted({ repository_selection: "subset", permissions: { workflows: "write", contents: "read" } }),
      ["permission `workflows: write`"],
    ],
    [
      "an app installed, permissions unknown",
      appInstalled(),
      ["GitHub App “ghost-deployer” was installed by `bob` and was gone before the sweep could read its permissions"],
    ],
    ["an app installed with harmless permissions", appInstalled({ permissions: { metadata: "read", issues: "write" } }), []],
    ["an approved app installed", appInstalled({ integration: "Trusted CI" }), []],
  ])("%s", (_name, raw, risks) => {
    expect(auditEntryRisks(entry(raw), policy)).toEqual(risks);
  });
});

describe("audit entries as alerts", () => {
  it("an OAuth approval: an app grant, keyed by the document id, with the grant runbook's identity", () => {
    const e = entry(oauthApproved({ client_id: "0af1c3" }));
    const alert = alertFromAuditEntry("acme", e, auditEntryRisks(e, policy), home);
    expect(alert).toMatchObject({
      source: "audit-log",
      key: "audit-log:acme#oauthAPPROVED0001",
      repo: home,
      secretType: "github_oauth_app_approval",
      secretTypeDisplayName: "OAuth app “Shady CRM” approved for acme",
      identityClassHint: "oauth-token",
      createdAt: "2026-11-23T10:00:00.000Z",
      identity: { kind: "app", app: "Shady CRM", clientId: "0af1c3", publisher: null, permissions: {}, requester: null },
    });
    expect(alert.mention).toBeUndefined();
    expect(alert.details?.[1]).toEqual([
      "Audit log event",
      "`org.oauth_app_access_approved` by `erin` at 2026-11-23T10:00:00.000Z (`oauthAPPROVED0001`)",
    ]);
  });

  it("a token grant: a token grant to its owner, who is mentioned", () => {
    const e = entry(patGranted());
    const alert = alertFromAuditEntry("acme", e, auditEntryRisks(e, policy), home);
    expect(alert).toMatchObject({
      secretTypeDisplayName: "fine-grained token “deploy-everything” granted to @carol",
      multiRepo: true,
      mention: ["@carol"],
      identity: { kind: "token", requester: "carol", app: null },
    });
    expect(alert.details).toContainEqual(["Repositories", "all"]);
  });

  it("an SSO credential authorization: a token of the member who authorised it, scopes listed", () => {
    const e = entry(credentialGranted());
    const alert = alertFromAuditEntry("acme", e, auditEntryRisks(e, policy), home);
    expect(alert).toMatchObject({
      identityClassHint: "personal-access-token",
      identity: { kind: "token", requester: "dave" },
      htmlUrl: "https://github.com/orgs/acme/people/dave/sso",
    });
    expect(alert.details).toContainEqual(["Scopes", "`repo`, `admin:org`, `read:user`"]);
  });

  it("an installation: the same secret type as the inventory's, requester the installer", () => {
    const e = entry(appInstalled());
    expect(alertFromAuditEntry("acme", e, ["x"], home)).toMatchObject({
      secretType: "github_app_installation",
      identity: { kind: "app", app: "ghost-deployer", requester: "bob" },
    });
  });

  it("a token grant naming its token coincides with the token request's issue", () => {
    expect(auditAliases("acme", entry(patGranted({ token_id: 4242 })))).toEqual(["token-request:acme#4242"]);
    expect(auditAliases("acme", entry(patGranted()))).toEqual([]);
    expect(auditKey("acme", entry(oauthApproved()))).toBe("audit-log:acme#oauthAPPROVED0001");
  });
});

describe("the audit log query and the reader's state", () => {
  it("asks for the four actions (repeated qualifiers are OR-ed) since an instant, to the second", () => {
    expect(auditPhrase("2026-11-23T09:55:00.123Z")).toBe(
      "action:org.oauth_app_access_approved action:org_credential_authorization.grant action:personal_access_token.access_granted action:integration_installation.create created:>=2026-11-23T09:55:00Z",
    );
  });

  it("fills the state's defaults and refuses a damaged one", () => {
    expect(auditLogStateSchema.parse({ since: "2026-11-23T10:00:00.000Z" })).toEqual({
      since: "2026-11-23T10:00:00.000Z",
      seen: {},
      resume: null,
      unavailable: null,
      pending: [],
    });
    expect(auditLogStateSchema.safeParse({ seen: {} }).success).toBe(false);
  });
});
