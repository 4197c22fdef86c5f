import { z } from "zod";
import { clip } from "../findings/common.ts";
import { redact } from "../findings/redact.ts";
import { fragment, inlineCode, text as mdText } from "../issue/markdown.ts";
import type { Policy } from "../policy/schema.ts";
import { tokenRequestKey } from "./token-request.ts";
import type { Alert, GrantIdentity, RepoRef } from "./types.ts";

/**
 * GitHub Enterprise Cloud's organisation audit log (`GET /orgs/{org}/audit-log`), read by the
 * organisation sweep. Four actions grant a non-human identity access to the organisation:
 *
 * - `org.oauth_app_access_approved`: an owner approved an OAuth app for the organisation's data;
 * - `org_credential_authorization.grant`: a member authorised a credential (classic token, OAuth
 *   token, SSH key) for SAML/OIDC single sign-on;
 * - `personal_access_token.access_granted`: a fine-grained token was granted access;
 * - `integration_installation.create`: a GitHub App was installed.
 *
 * Field names are those of GitHub's audit log event reference (`actor`, `user`, `org`,
 * `_document_id`, `@timestamp`/`created_at` in epoch milliseconds, `oauth_application_name`,
 * `integration`, `user_programmatic_access_name`, `repository_selection`, `token_scopes`,
 * `programmatic_access_type`). Entries carry no secret; every string is still passed through the
 * token-shape redaction the detector parsers use.
 */
export const AUDIT_ACTIONS = [
  "org.oauth_app_access_approved",
  "org_credential_authorization.grant",
  "personal_access_token.access_granted",
  "integration_installation.create",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

const text = z.string().nullish();
const entrySchema = z.object({
  action: z.enum(AUDIT_ACTIONS),
  _document_id: z.string().min(1),
  "@timestamp": z.number().nullish(),
  created_at: z.union([z.number(), z.string()]).nullish(),
  actor: text,
  user: text,
  org: text,
  oauth_application: text,
  oauth_application_name: text,
  oauth_application_id: z.number().nullish(),
  client_id: text,
  integration: text,
  name: text,
  repository_selection: text,
  permissions: z.record(z.string(), z.string()).nullish(),
  user_programmatic_access_name: text,
  token_id: z.number().nullish(),
  token_scopes: text,
  programmatic_access_type: text,
});

/** One audit log entry nhi-steward reads, with only the fields it uses (redacted, clipped). */
export interface AuditEntry {
  action: AuditAction;
  id: string;
  /** ISO instant of the event. */
  at: string;
  actor: string | null;
  user: string | null;
  /** OAuth app name or GitHub App slug. */
  app: string | null;
  clientId: string | null;
  oauthAppId: number | null;
  repositorySelection: string | null;
  permissions: Record<string, string> | null;
  tokenName: string | null;
  tokenId: number | null;
  scopes: string[];
  accessType: string | null;
}

const clean = (s: string | null | undefined, max = 200): string | null => (s ? clip(redact(s), max) : null);

function instant(raw: z.infer<typeof entrySchema>): string | null {
  const v = raw["@timestamp"] ?? raw.created_at;
  if (v === null || v === undefined) return null;
  const d = new Date(typeof v === "number" ? v : /^\d+$/.test(v) ? Number(v) : v);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An entry of one of the four actions, or null for anything else (other actions, or no id or time). */
export function parseAuditEntry(raw: unknown): AuditEntry | null {
  const parsed = entrySchema.safeParse(raw);
  if (!parsed.success) return null;
  const e = parsed.data;
  const at = instant(e);
  if (!at) return null;
  const permissions = e.permissions
    ? Object.fromEntries(Object.entries(e.permissions).map(([k, v]) => [clean(k, 100)!, clean(v, 20)!]))
    : null;
  return {
    action: e.action,
    id: clip(redact(e._document_id), 200),
    at,
    actor: clean(e.actor, 100),
    user: clean(e.user, 100),
    app: clean(
      e.action === "integration_installation.create"
        ? (e.integration ?? e.name)
        : (e.oauth_application_name ?? e.oauth_application ?? e.name),
    ),
    clientId: clean(e.client_id, 100),
    oauthAppId: e.oauth_application_id ?? null,
    repositorySelection: clean(e.repository_selection, 20),
    permissions,
    tokenName: clean(e.user_programmatic_access_name),
    tokenId: e.token_id ?? null,
    scopes: (e.token_scopes ?? "")
      .split(",")
      .map((s) => clean(s.trim(), 60))
      .filter((s): s is string => !!s),
    accessType: clean(e.programmatic_access_type, 60),
  };
}

/** The audit log search phrase for the four actions since an instant (`created:>=`, to the second). */
export function auditPhrase(since: string): string {
  return [...AUDIT_ACTIONS.map((a) => `action:${a}`), `created:>=${since.slice(0, 19)}Z`].join(" ");
}

const STRONG = new Set(["write", "admin"]);
const approved = (app: string | null, policy: Policy) =>
  app !== null && policy.app_access.approved_apps.some((a) => a.toLowerCase() === app.toLowerCase());

/** Why an entry is risky under the policy (`app_access`, `token_requests`); empty when it is not. */
export function auditEntryRisks(e: AuditEntry, policy: Policy): string[] {
  switch (e.action) {
    case "org.oauth_app_access_approved":
      return approved(e.app, policy)
        ? []
        : [
            `OAuth app “${e.app ?? "unknown"}” was approved for the organisation's data${e.actor ? ` by \`${e.actor}\`` : ""} and is not in \`app_access.approved_apps\``,
          ];
    case "integration_installation.create": {
      if (approved(e.app, policy)) return [];
      if (!e.permissions)
        return [
          `GitHub App “${e.app ?? "unknown"}” was installed${e.actor ? ` by \`${e.actor}\`` : ""} and was gone before the sweep could read its permissions`,
        ];
      const risky = Object.entries(e.permissions).filter(
        ([name, level]) => STRONG.has(level) && policy.app_access.risky_permissions.includes(name),
      );
      return risky.length
        ? [`GitHub App “${e.app ?? "unknown"}” was installed with ${risky.map(([n, l]) => `${n}: ${l}`).join(", ")}`]
        : [];
    }
    case "personal_access_token.access_granted": {
      const risks: string[] = [];
      for (const [name, level] of Object.entries(e.permissions ?? {}))
        if (STRONG.has(level) && policy.token_requests.risky_permissions.includes(name)) risks.push(`permission \`${name}: ${level}\``);
      if (e.repositorySelection === "all") risks.push("access to all repositories");
      return risks;
    }
    case "org_credential_authorization.grant": {
      const risky = e.scopes.filter((s) => policy.token_requests.risky_scopes.includes(s));
      return risky.length
        ? [`a ${e.accessType ?? "credential"} was authorised for single sign-on with ${risky.map((s) => `\`${s}\``).join(", ")}`]
        : [];
    }
  }
}

/** The issue key of an audit log alert. */
export function auditKey(org: string, e: Pick<AuditEntry, "id">): string {
  return `audit-log:${org}#${e.id}`;
}

/**
 * Keys of issues another source opens for the same grant: a fine-grained token's request issue
 * (when the entry names the token). When one exists, the audit entry adds nothing.
 */
export function auditAliases(org: string, e: AuditEntry): string[] {
  return e.action === "personal_access_token.access_granted" && e.tokenId !== null ? [tokenRequestKey(org, e.tokenId)] : [];
}

const SETTINGS: Record<AuditAction, (org: string, e: AuditEntry) => string> = {
  "org.oauth_app_access_approved": (org) => `https://github.com/organizations/${org}/settings/oauth_application_policy`,
  "integration_installation.create": (org) => `https://github.com/organizations/${org}/settings/installations`,
  "personal_access_token.access_granted": (org) => `https://github.com/organizations/${org}/settings/personal-access-tokens/active`,
  "org_credential_authorization.grant": (org, e) =>
    e.actor ? `https://github.com/orgs/${org}/people/${encodeURIComponent(e.actor)}/sso` : `https://github.com/orgs/${org}/people`,
};

/** A risky audit log entry as an `oauth-grant` alert; its issue opens in `home` (the response or `.github` repository). */
export function alertFromAuditEntry(org: string, e: AuditEntry, risks: string[], home: RepoRef): Alert {
  const app = e.app ?? "unknown app";
  const token = e.action === "personal_access_token.access_granted" || e.action === "org_credential_authorization.grant";
  const requester =
    e.action === "personal_access_token.access_granted"
      ? (e.user ?? e.actor)
      : e.action === "org.oauth_app_access_approved"
        ? null
        : e.actor;
  const [secretType, display] = ((): [string, string] => {
    switch (e.action) {
      case "org.oauth_app_access_approved":
        return ["github_oauth_app_approval", `OAuth app “${app}” approved for ${org}`];
      case "integration_installation.create":
        return ["github_app_installation", `GitHub App “${app}” installation in ${org}`];
      case "personal_access_token.access_granted":
        return [
          "github_fine_grained_token_grant",
          `fine-grained token “${e.tokenName ?? e.tokenId ?? "unnamed"}” granted to @${requester ?? "unknown"}`,
        ];
      case "org_credential_authorization.grant":
        return ["github_sso_credential_authorization", `${e.accessType ?? "credential"} authorised for SSO by @${e.actor ?? "unknown"}`];
    }
  })();
  const identity: GrantIdentity = {
    kind: token ? "token" : "app",
    app: token ? null : e.app,
    clientId: e.clientId,
    publisher: null,
    permissions: e.permissions ?? {},
    requester,
  };
  const search = `https://github.com/organizations/${org}/settings/audit-log?q=${encodeURIComponent(`action:${e.action}${e.actor ? ` actor:${e.actor}` : ""}`)}`;
  return {
    source: "audit-log",
    key: auditKey(org, e),
    repo: home,
    visibility: null,
    number: e.tokenId ?? e.oauthAppId ?? 0,
    state: "open",
    resolution: null,
    secretType,
    secretTypeDisplayName: display,
    provider: "GitHub",
    validity: "active",
    publiclyLeaked: false,
    multiRepo: e.repositorySelection === "all",
    pushProtectionBypassed: false,
    htmlUrl: SETTINGS[e.action](org, e),
    createdAt: e.at,
    locations: [],
    identityClassHint: token ? "personal-access-token" : "oauth-token",
    links: [
      { title: "Organisation settings", url: SETTINGS[e.action](org, e) },
      { title: "The audit log", url: search },
    ],
    // Markdown for the issue's table: every string of the entry is escaped.
    details: [
      ["Why it is risky", fragment(risks.join("; "))],
      ["Audit log event", `${inlineCode(e.action)} by ${inlineCode(e.actor ?? "unknown")} at ${mdText(e.at)} (${inlineCode(e.id)})`],
      ...(e.repositorySelection ? [["Repositories", mdText(e.repositorySelection)] as [string, string]] : []),
      ...(e.permissions
        ? [
            [
              "Permissions",
              mdText(
                Object.entries(e.permissions)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join(", ") || "none",
              ),
            ] as [string, string],
          ]
        : []),
      ...(e.scopes.length ? [["Scopes", e.scopes.map(inlineCode).join(", ")] as [string, string]] : []),
    ],
    ...(token && requester ? { mention: [`@${requester}`] } : {}),
    identity,
  };
}

const auditEntryStateSchema = z.object({
  action: z.enum(AUDIT_ACTIONS),
  id: z.string(),
  at: z.string(),
  actor: z.string().nullable(),
  user: z.string().nullable(),
  app: z.string().nullable(),
  clientId: z.string().nullable(),
  oauthAppId: z.number().nullable(),
  repositorySelection: z.string().nullable(),
  permissions: z.record(z.string(), z.string()).nullable(),
  tokenName: z.string().nullable(),
  tokenId: z.number().nullable(),
  scopes: z.array(z.string()),
  accessType: z.string().nullable(),
});

/**
 * Where the audit log reader stands, kept in the inventory issue's hidden state so any replica or
 * Action run continues from it.
 */
export const auditLogStateSchema = z.object({
  /** The newest entry's instant read so far (or when reading began); the next query starts a little before it. */
  since: z.string(),
  /** Entries already read near `since` (id → instant), skipped when the overlap returns them again. */
  seen: z.record(z.string(), z.string()).default({}),
  /** An unfinished query (page budget spent, or rate limited): its phrase and the cursor of the next page. */
  resume: z.object({ phrase: z.string(), after: z.string() }).nullable().default(null),
  /** GitHub said the audit log cannot be read here (plan or permission): logged once, checked again daily. */
  unavailable: z.object({ reason: z.string(), checkedAt: z.string() }).nullable().default(null),
  /** Risky entries planned but not yet seen as an issue: checked, and planned again if need be, next sweep. */
  pending: z.array(auditEntryStateSchema).default([]),
});
export type AuditLogState = z.output<typeof auditLogStateSchema>;
