import { z } from "zod";

/**
 * What a group issue's marker keeps about each of its alerts (`grouping` in the policy). Kept
 * compact: a group holds up to `grouping.max_alerts` of these inside a 65,536-character body.
 */
export const groupMemberSchema = z.object({
  /** The alert's key, e.g. `secret-scanning:acme/api#12`: the issue index maps it to the group. */
  key: z.string(),
  alert: z.number(),
  url: z.string().nullable().default(null),
  /** The secret type's display name, e.g. `GitHub Personal Access Token`. */
  type: z.string(),
  secretType: z.string(),
  identityClass: z.string(),
  validity: z.enum(["active", "inactive", "unknown"]),
  publiclyLeaked: z.boolean(),
  severity: z.enum(["critical", "high", "medium", "low"]),
  system: z.string().nullable().default(null),
  /** The first location, e.g. `infra/deploy.sh:12` (a file and line, or a location type). */
  where: z.string().nullable().default(null),
  /** How many locations GitHub reported, so a new one is news. */
  locs: z.number().int().min(0).default(0),
  /** The alert's own clock; the group's is the earliest of its open alerts'. `startedAt` is when it joined. */
  sla: z.object({
    acknowledgeBy: z.string(),
    remediateBy: z.string(),
    calendar: z.enum(["24x7", "business"]),
    timeZone: z.string(),
    startedAt: z.string(),
  }),
  resolution: z.object({ resolution: z.string(), at: z.string(), by: z.string() }).nullable().default(null),
  /** The alert's inputs digest (as a single issue's marker keeps it). */
  inputs: z.string().nullable().default(null),
});
export type GroupMember = z.output<typeof groupMemberSchema>;

export const groupSchema = z.object({
  /** The alerts' repository, `owner/name` (every member is in it). */
  repo: z.string(),
  members: z.array(groupMemberSchema),
});
export type Group = z.output<typeof groupSchema>;
