import { z } from "zod";
import { calendarSchema, durationSchema, parseDuration, type Calendar, type Duration } from "../sla/index.ts";
import { IDENTITY_CLASSES } from "./identity-classes.ts";

const OWNER = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\/[A-Za-z0-9._-]+)?$/;
const TEAM = /^@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\/[A-Za-z0-9._-]+$/;
const owner = z.string().regex(OWNER, "must be a user (`@login`) or a team (`@org/team`)");
const team = z.string().regex(TEAM, "must be a team written `@org/team`");
const SEVERITIES = ["critical", "high", "medium", "low"] as const;
const identityClass = z.enum(IDENTITY_CLASSES, {
  error: (issue) => `${JSON.stringify(issue.input)} is not an identity class; use one of ${IDENTITY_CLASSES.join(", ")}`,
});

const target = z
  .object({
    acknowledge: durationSchema.describe("How long until someone must acknowledge (`/ack`), e.g. `1h` or `1 business day`."),
    remediate: durationSchema.describe("How long until the credential must be revoked or rotated and the issue closed."),
    calendar: z.enum(["24x7", "business"]).describe("Count round the clock, or only in `sla.business_hours`."),
  })
  .strict();
export type TargetPolicy = { acknowledge: Duration; remediate: Duration; calendar: "24x7" | "business" };

/** Targets per severity (a partial set; missing severities fall through to the next level of policy). */
export const slaTargetsSchema = z
  .object({ critical: target.optional(), high: target.optional(), medium: target.optional(), low: target.optional() })
  .strict();

export const slaSchema = z
  .object({
    business_hours: calendarSchema
      .prefault({ time_zone: "UTC" })
      .describe(
        'The organisation\'s business hours: `{ time_zone: Europe/Berlin, days: mon-fri, hours: "09:00-17:00", holidays: [2026-12-25] }`. Business-day targets count in them; escalations outside them go to the after-hours route.',
      ),
    at_risk: z.number().gt(0).max(1).default(0.75).describe("Share of the window used when `sla:on-track` becomes `sla:at-risk`."),
    targets: z
      .object({
        critical: target.optional().describe("`{ acknowledge, remediate, calendar }` for critical alerts."),
        high: target.optional().describe("The same for high."),
        medium: target.optional().describe("The same for medium."),
        low: target.optional().describe("The same for low."),
      })
      .strict()
      .default({})
      .describe(
        "Acknowledge and remediate deadlines per severity; missing severities keep the defaults (critical 1h/4h 24x7, high 8h/24h 24x7, medium 1/5 business days, low 2/15 business days).",
      ),
    by_class: z
      .partialRecord(identityClass, slaTargetsSchema)
      .default({})
      .describe("Targets for one identity class that replace the per-severity ones, e.g. `{ ci-cd-token: { high: {…} } }`."),
  })
  .strict()
  .prefault({});

export const ESCALATION_TARGETS = ["owner", "steward", "manager", "incident-commander", "on-call"] as const;
export const ESCALATION_ACTIONS = ["comment", "assign", "raise-severity", "page", "revoke"] as const;
export const ESCALATION_FROM = ["acknowledge", "remediate"] as const;

/** When a level fires: a duration past its deadline (`0m` = at the deadline), or a share of the window (`75%`). */
export type After = { kind: "past"; duration: Duration | null } | { kind: "share"; share: number };
const afterSchema = z.string({ error: "must be a duration like `2h` or a share like `75%`" }).transform((text, ctx): After => {
  const t = text.trim();
  const share = /^(\d{1,3})%$/.exec(t);
  if (share) {
    const n = Number(share[1]);
    if (n > 0 && n <= 100) return { kind: "share", share: n / 100 };
    ctx.addIssue({ code: "custom", message: `${t} is not a share of the window; write 1% to 100%`, input: text });
    return z.NEVER;
  }
  if (/^0\s*(m|min|h|d)?$/i.test(t)) return { kind: "past", duration: null };
  const parsed = parseDuration(t);
  if (!parsed.ok) {
    ctx.addIssue({ code: "custom", message: `${parsed.error}, or a share of the window like 75%`, input: text });
    return z.NEVER;
  }
  return { kind: "past", duration: parsed.value };
});

export const escalationLevelSchema = z
  .object({
    name: z.string().optional().describe("Shown in the issue, e.g. `reminder`."),
    from: z.enum(ESCALATION_FROM).default("remediate").describe("Which deadline `after` counts from."),
    after: afterSchema
      .prefault("0m")
      .describe("How long past the deadline (`2h`), or a share of the window (`75%`), before the level fires."),
    target: z
      .union([z.enum(ESCALATION_TARGETS), owner])
      .describe("Who is engaged: owner, steward, manager, incident-commander, on-call, or a named `@user`/`@org/team`."),
    actions: z
      .array(z.enum(ESCALATION_ACTIONS))
      .min(1)
      .default(["comment"])
      .describe("comment (with mention), assign, raise-severity, page, revoke."),
  })
  .strict();
export type EscalationLevel = z.output<typeof escalationLevelSchema>;

export const escalationSchema = z
  .object({
    levels: z
      .array(escalationLevelSchema)
      .prefault([
        { from: "acknowledge", after: "0m", target: "owner", actions: ["comment"], name: "acknowledge reminder" },
        { from: "remediate", after: "75%", target: "owner", actions: ["comment"], name: "at risk" },
        { from: "remediate", after: "0m", target: "manager", actions: ["comment", "assign"], name: "breached" },
        { from: "remediate", after: "4h", target: "incident-commander", actions: ["comment", "page"], name: "incident" },
      ])
      .describe("Escalation levels, L1 first. Each fires once, when its time comes, unless the issue is closed or snoozed."),
    repeat: durationSchema.optional().describe("Re-run the last level every interval until resolved, as a pager's escalation loop does."),
    incident_commander: owner.optional().describe("Who `incident-commander` means."),
    on_call: team.optional().describe("The team mentioned when a level fires outside business hours (the after-hours route)."),
    pagerduty_routing_key_env: z
      .string()
      .optional()
      .describe("Name of the environment variable that holds the PagerDuty Events API v2 routing key (never put the key in this file)."),
    pager_webhook_url_env: z
      .string()
      .optional()
      .describe("Name of the environment variable with the URL of a generic pager webhook (signed with `pager_webhook_secret_env`)."),
    pager_webhook_secret_env: z.string().optional().describe("Name of the environment variable with the pager webhook's signing secret."),
  })
  .strict()
  .prefault({});

export const autoRevokeSchema = z
  .object({
    rules: z
      .array(
        z
          .object({
            identity_classes: z.array(identityClass).optional(),
            secret_types: z.array(z.string()).optional(),
            systems: z.array(z.string()).optional(),
            after: durationSchema.prefault("2h").describe("How long past the remediate deadline before revoking."),
          })
          .strict(),
      )
      .default([])
      .describe("Which credentials nhi-steward may revoke by itself once their SLA lapsed. Empty: never."),
    per_run: z.number().int().min(0).default(5).describe("Most revocations one sweep may make."),
    per_day: z.number().int().min(0).default(20).describe("Most revocations in 24 hours."),
    dry_run: z.boolean().default(false).describe("Plan and report revocations without making them."),
    webhook_url_env: z
      .string()
      .optional()
      .describe(
        "Environment variable with the URL of your rotation service, for credentials GitHub cannot revoke (it receives metadata, never the secret).",
      ),
    webhook_secret_env: z.string().optional().describe("Environment variable with the rotation webhook's signing secret."),
  })
  .strict()
  .prefault({});

export const commandsSchema = z
  .object({
    security_team: team
      .optional()
      .describe(
        "Members of this team may run every command on any response issue and `/approve` risk acceptance (accepting a risk also needs GitHub's right to dismiss the alert, see `risk_acceptance`).",
      ),
    snooze_max: durationSchema.prefault("7d").describe("The longest `/snooze` allowed."),
    approval_required: z
      .array(z.enum(["false-positive", "wont-fix", "used-in-tests"]))
      .default([])
      .describe("Resolutions that accept a risk and need a member of `security_team` to `/approve` before the alert is resolved."),
    risk_acceptance: z
      .array(owner)
      .default([])
      .describe(
        "People (`@login`) and teams (`@org/team`) who may accept a risk on a secret scanning alert (`false-positive`, `wont-fix`, `used-in-tests`, or `/approve` of one) without GitHub's own right to dismiss it. Everyone else needs that right, checked with GitHub: admin on the alert's repository. Empty: only those GitHub would let dismiss the alert.",
      ),
  })
  .strict()
  .prefault({});

/** Most alerts one group issue may hold: beyond this its marker and checklist would not fit in an issue body. */
export const MAX_GROUP_ALERTS = 100;

export const groupingSchema = z
  .object({
    enabled: z
      .boolean()
      .default(false)
      .describe(
        "Group new secret scanning alerts per repository and owner into one issue with a checklist row per alert, so a backfill scan of 1,000 alerts does not mean 1,000 issues and notifications. Off: one issue per alert.",
      ),
    window: durationSchema
      .prefault("1h")
      .describe(
        "How long a group issue takes new alerts after it opened; a later alert opens a new group. Also closed to new alerts once acknowledged, snoozed or resolved.",
      ),
    max_alerts: z
      .number()
      .int()
      .min(2)
      .max(MAX_GROUP_ALERTS)
      .default(50)
      .describe(
        `Most alerts in one group issue (at most ${MAX_GROUP_ALERTS}); the next alert opens a new group. A group also stops taking alerts when its body nears GitHub's 65,536-character limit.`,
      ),
  })
  .strict()
  .prefault({});

export { SEVERITIES as RESPONSE_SEVERITIES };
export type { Calendar };
