import { z } from "zod";
import { IDENTITY_CLASSES } from "./identity-classes.ts";
import { PRECEDENCE_STEPS } from "../routing/types.ts";
import { autoRevokeSchema, commandsSchema, escalationSchema, groupingSchema, slaSchema, slaTargetsSchema } from "./schema-response.ts";
import { globProblem } from "../glob.ts";
import { ALERT_SOURCES } from "../alert/types.ts";

const OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
const REPO = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const VISIBILITIES = ["public", "private", "internal"] as const;
export const VALIDITIES = ["active", "inactive", "unknown"] as const;
/** Where an alert may come from (the alert normalisers' sources). */
export const SOURCES = ALERT_SOURCES;
export const PERMISSION_LEVELS = ["read", "write", "admin"] as const;
const LOGIN = /^@?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\[bot\])?$/;
const PERMISSION = /^[a-z][a-z0-9_]*(?::(?:read|write|admin))?$/;

const owner = z.string().regex(OWNER, "must be a user (`@login`) or a team (`@org/team`)");
const team = z.string().regex(TEAM, "must be a team written `@org/team`");
const identityClass = z.enum(IDENTITY_CLASSES, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an identity class; use one of ${IDENTITY_CLASSES.join(", ")}`,
});
const list = <T extends z.ZodType>(item: T) => z.array(item).min(1, "must list at least one value");
const glob = z
  .string()
  .min(1, "must not be empty")
  .superRefine((pattern, ctx) => {
    const problem = globProblem(pattern);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const property = z
  .object({
    name: z.string().min(1).describe("The repository custom property's name."),
    value: z.union([z.string(), z.array(z.string())]).describe("The value, or any of several values."),
  })
  .strict()
  .describe("Matches a repository custom property (Settings → Custom properties).");

/** What an alert must be for a selector to match it; every key given must match. */
const selectorFields = {
  secret_types: list(z.string()).optional().describe("Secret scanning `secret_type` values, e.g. `stripe_api_key`."),
  providers: list(z.string()).optional().describe("Providers as GitHub names them, e.g. `Stripe`."),
  identity_classes: list(identityClass).optional().describe("Identity classes, e.g. `ci-cd-token`."),
  repositories: list(glob).optional().describe("Repository globs: `payments-*` (name) or `acme/payments-*` (owner/name)."),
  paths: list(glob).optional().describe("Path globs of the leaked file, e.g. `deploy/**`."),
  visibility: list(z.enum(VISIBILITIES)).optional().describe("Repository visibility: public, private, internal."),
  sources: list(z.enum(SOURCES)).optional().describe("Where the alert came from."),
  property: property.optional(),
  apps: list(glob)
    .optional()
    .describe(
      "Grants only: app slug (GitHub App) or name (OAuth app) globs, e.g. `datadog*`; case-insensitive. Never matches a leaked secret.",
    ),
  client_ids: list(z.string().min(1)).optional().describe("Grants only: the app's client ID, e.g. `Iv1.8a61f9b3a7aba766`."),
  publishers: list(z.string().regex(LOGIN, "must be an account login, e.g. `datadog`"))
    .optional()
    .describe("Grants only: the account that publishes the app (its owner), e.g. `datadog`; `@` optional, case-insensitive."),
  permissions: list(z.string().regex(PERMISSION, "must be a permission name, optionally with a level: `contents` or `contents:write`"))
    .optional()
    .describe(
      "Grants only: any of these permissions held by the app or token. `contents` matches any level; `contents:write` matches write or admin (at least that level).",
    ),
  requesters: list(z.string().regex(LOGIN, "must be a login, e.g. `@bot-x`"))
    .optional()
    .describe("Grants only: who asked for or received the grant (a token's owner), e.g. `@bot-x`; case-insensitive."),
};

const nonEmptySelector = (s: Record<string, unknown>) => Object.values(s).some((v) => v !== undefined);
export const selectorSchema = z
  .object(selectorFields)
  .strict()
  .refine(nonEmptySelector, "must name at least one thing to match, e.g. `secret_types` or `repositories`");
export type Selector = z.infer<typeof selectorSchema>;

export const systemSchema = z
  .object({
    name: z.string().min(1).describe("The system's name, shown in the issue."),
    description: z.string().optional().describe("One line on what the system is."),
    steward: owner.describe("Who owns the system's credentials: `@user` or `@org/team`. Gets the alert before CODEOWNERS."),
    manager: owner.optional().describe("The manager or service owner, shown in the issue and used for escalation."),
    credentials: list(selectorSchema).describe(
      "Which credentials belong to the system; an alert matching any of these selectors is the system's.",
    ),
    depends_on: z.array(z.string()).default([]).describe("Systems this one depends on."),
    dependents: z
      .array(z.string())
      .default([])
      .describe("Systems that break when this system's credentials are revoked; shown as “revoking this affects …”."),
    revocation: z.string().optional().describe("How to revoke or rotate this system's credentials, shown in the issue."),
    runbook: z.string().optional().describe("Markdown that replaces the identity class's runbook for this system's alerts."),
    sla: slaTargetsSchema
      .optional()
      .describe(
        "Acknowledge and remediate targets per severity for this system's credentials; they win over the class and severity targets.",
      ),
  })
  .strict();
export type System = z.infer<typeof systemSchema>;

export const ownerRuleSchema = z
  .object({
    name: z.string().optional().describe("A name for the rule, shown as the reason in the issue."),
    match: selectorSchema.describe("What the alert must be; every key given must match."),
    owners: list(owner).describe("Who gets the alert: `@user` or `@org/team`."),
    notify: z.array(owner).default([]).describe("Also mentioned (not assigned), e.g. vendor risk."),
  })
  .strict();
export type OwnerRule = z.infer<typeof ownerRuleSchema>;

export const severityRuleSchema = z
  .object({
    when: z
      .object({
        validity: list(z.enum(VALIDITIES)).optional().describe("The secret's validity."),
        publicly_leaked: z.boolean().optional(),
        multi_repo: z.boolean().optional(),
        push_protection_bypassed: z.boolean().optional(),
        identity_classes: list(identityClass).optional(),
        visibility: list(z.enum(VISIBILITIES)).optional(),
        property: property.optional().describe("A repository custom property, e.g. `{ name: criticality, value: high }`."),
      })
      .strict()
      .describe("Conditions; all given must hold. `{}` always holds."),
    severity: z.enum(SEVERITIES),
  })
  .strict();
export type SeverityRule = z.infer<typeof severityRuleSchema>;

/** Keys a repository's own `.github/nhi-steward.yml` may change, when the organisation allows it. */
export const OVERRIDABLE_KEYS = [
  "fallback_owner",
  "response_repository",
  "issues_in",
  "owner_property",
  "systems",
  "owners",
  "severity",
  "runbooks",
  "identity_classes",
  "sla",
  "escalation",
  "routing",
] as const;

export const DEFAULT_STANDARDS = [
  "OWASP Non-Human Identities Top 10 (2025): NHI2 Secret Leakage, NHI7 Long-Lived Secrets",
  "NIST CSF 2.0 RS.CO (incident response reporting and communication)",
  "CSA MAESTRO GOV-03 (accountable ownership of agent and workload identities)",
];

/**
 * The policy an organisation declares in `.github/nhi-steward.yml`. This zod schema is the single
 * source of its types, defaults and descriptions; the JSON Schema and the docs/policy.md table are generated.
 */
export const policySchema = z
  .object({
    fallback_owner: owner.optional().describe("Who gets an alert when no other rule finds an owner: `@user` or `@org/team`."),
    response_repository: z
      .string()
      .regex(REPO, "must be `owner/name`")
      .optional()
      .describe(
        "A private repository (`owner/name`) for response issues of public repositories, so an unrevoked secret is never described in public.",
      ),
    issues_in: z
      .enum(["alert-repository", "response-repository"])
      .default("alert-repository")
      .describe(
        "Where response issues open: in the alert's repository (public ones always go to `response_repository`), or always in `response_repository`.",
      ),
    owner_property: z
      .string()
      .min(1)
      .default("owner")
      .describe("The repository custom property that names a repository's owner (`@user` or `@org/team`); used after CODEOWNERS."),
    repository_overrides: z
      .array(z.enum(OVERRIDABLE_KEYS))
      .default([])
      .describe(
        `Keys a repository's own \`.github/nhi-steward.yml\` may change (organisation policy only). Any of: ${OVERRIDABLE_KEYS.join(", ")}. With none (the default), repositories' files are not read at all.`,
      ),
    identity_classes: z
      .partialRecord(identityClass, z.array(z.string()))
      .default({})
      .describe(
        "Extra `secret_type` → identity class mappings, e.g. `{ ci-cd-token: [my_custom_pattern] }`; they win over the default pack.",
      ),
    systems: z
      .array(systemSchema)
      .default([])
      .describe("Systems, their stewards and the credentials they own. A matching system's steward gets the alert first."),
    routing: z
      .object({
        precedence: z
          .array(z.enum(PRECEDENCE_STEPS))
          .refine((steps) => new Set(steps).size === steps.length, "must not name a step twice")
          .default([...PRECEDENCE_STEPS])
          .describe(
            `Which owner candidates are asked, first to last, before \`fallback_owner\`: ${PRECEDENCE_STEPS.map((s) => `\`${s}\``).join(", ")} (the default order). \`system\`: the steward of the credential's system; \`owner-rule\`: the first matching owner rule (then the grant reviewers); \`bypasser\`: whoever pushed the secret past push protection; \`codeowners\`: CODEOWNERS of the leaked file (never for wiki pages); \`author\`: whoever posted the issue, pull request or comment the secret was found in; \`property\`: the repository's owner property. A step left out is not asked.`,
          ),
      })
      .strict()
      .prefault({})
      .describe("The order in which owner candidates are asked; the issue's “Why you?” names the one that applied."),
    owners: z
      .array(ownerRuleSchema)
      .default([])
      .describe(
        "Owner rules by identity class, repository, path, visibility or property, and for grants by app, client ID, publisher, permission or requester; the first matching rule applies after systems.",
      ),
    severity: z
      .object({
        rules: z.array(severityRuleSchema).describe("First matching rule decides; they come before the default rules."),
        default: z.enum(SEVERITIES).default("medium").describe("Severity when no rule matches."),
      })
      .strict()
      .optional()
      .describe("Severity rules over validity, exposure, identity class and repository; labels `severity:*`."),
    runbooks: z
      .partialRecord(identityClass, z.string().min(1))
      .default({})
      .describe("Markdown that replaces the shipped runbook of an identity class."),
    standards: z.array(z.string()).default(DEFAULT_STANDARDS).describe("Standards each response answers to, listed in the issue."),
    severity_labels: z.boolean().default(true).describe("Label issues `severity:critical|high|medium|low`."),
    team_mentions: z
      .array(team)
      .default([])
      .describe("Teams mentioned on every response issue (e.g. `@acme/security`), without being assigned."),
    sla: slaSchema.describe("The SLA clock: business hours, at-risk share, acknowledge and remediate targets per severity."),
    escalation: escalationSchema.describe(
      "What happens as deadlines pass: levels, repeat, incident commander, after-hours on-call and paging.",
    ),
    auto_revoke: autoRevokeSchema.describe("Guarded automatic revocation once an SLA has lapsed (opt-in)."),
    grouping: groupingSchema.describe(
      "Group a backfill's alerts per repository and owner into one issue with a checklist (opt-in). Alerts the policy may revoke automatically, and alerts whose issue would be public, always get their own issue.",
    ),
    token_requests: z
      .object({
        owner: owner
          .optional()
          .describe("Who reviews risky fine-grained token requests (by default the fallback owner), e.g. the identity team."),
        max_expiry_days: z.number().int().min(1).default(90).describe("A token that never expires, or lives longer than this, is risky."),
        risky_permissions: z
          .array(z.string())
          .default([
            "administration",
            "organization_administration",
            "members",
            "secrets",
            "organization_secrets",
            "workflows",
            "actions",
            "environments",
            "organization_self_hosted_runners",
          ])
          .describe("Permissions that make a request risky at write or admin level."),
        many_repositories: z
          .number()
          .int()
          .min(1)
          .default(10)
          .describe("Write access to at least this many repositories (or all) is risky."),
        risky_scopes: z
          .array(z.string())
          .default([
            "repo",
            "admin:org",
            "write:org",
            "admin:repo_hook",
            "admin:org_hook",
            "delete_repo",
            "workflow",
            "admin:enterprise",
            "admin:public_key",
            "write:packages",
            "delete:packages",
          ])
          .describe(
            "Classic token (and OAuth) scopes that make an SSO credential authorization in the audit log (`org_credential_authorization.grant`) risky.",
          ),
      })
      .strict()
      .prefault({})
      .describe(
        "Which `personal_access_token_request` events (and, on Enterprise Cloud, audit-log token grants and SSO credential authorizations) become alerts.",
      ),
    app_access: z
      .object({
        risky_permissions: z
          .array(z.string())
          .default([
            "administration",
            "organization_administration",
            "members",
            "secrets",
            "organization_secrets",
            "workflows",
            "contents",
            "actions",
            "environments",
            "organization_personal_access_tokens",
          ])
          .describe("Permissions that make a new app installation, or an increase, risky at write or admin level."),
        approved_apps: z
          .array(z.string())
          .default([])
          .describe(
            "App slugs (GitHub Apps) or names (OAuth apps) that may hold risky permissions, or be approved for the organisation, without an alert.",
          ),
        owner: owner
          .optional()
          .describe("Who reviews risky app access (by default the fallback owner), e.g. the application owner with vendor risk."),
      })
      .strict()
      .prefault({})
      .describe(
        "Which GitHub App installations (and permission increases), and on Enterprise Cloud which audit-log OAuth app approvals, the sweep raises as oauth-grant alerts.",
      ),
    dispatch: z
      .object({
        trusted: z
          .array(
            z
              .object({
                repository: glob.describe(
                  "The repository findings are sent to (owner/name, or a glob such as `acme/detector-*`): where a `repository_dispatch` `nhi-alert` is sent, or where the Action runs with `findings`.",
                ),
                may_name: list(glob).describe(
                  "Repositories of the same organisation its findings may open issues for (globs, e.g. `acme/*` or `payments-*`).",
                ),
              })
              .strict(),
          )
          .default([])
          .describe("Repositories whose findings may name other repositories, and which."),
      })
      .strict()
      .prefault({})
      .describe(
        "Whose findings may open issues in another repository. A `repository_dispatch` (`nhi-alert`) or a findings report acts on the repository it was sent to, or on `response_repository`; a finding that names another repository is refused there unless listed here (it then opens in the repository it was sent to, with a note). Read from the organisation policy only.",
      ),
    commands: commandsSchema.describe("Who may run `/snooze`, `/handoff`, `/revoke` beyond the owners, and limits."),
  })
  .strict();

export type Policy = z.output<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const POLICY_FILE = ".github/nhi-steward.yml";
