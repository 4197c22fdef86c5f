import { z } from "zod";
import { parseShard } from "../core/shard.ts";

/**
 * The Action's inputs and outputs: the one source action.yml and the docs/action.md table are
 * generated from (`npm run generate`); a test fails when they drift.
 */
export const ACTION_INPUTS = {
  token: {
    description:
      "A GitHub App installation token (for example from actions/create-github-app-token) with secret scanning alerts: read, issues: write, contents: read and members: read. The workflow's GITHUB_TOKEN cannot read secret scanning alerts.",
    required: true,
  },
  "app-slug": {
    description:
      "The slug of the GitHub App whose token `token` is (the `app-slug` output of actions/create-github-app-token). nhi-steward acts only on issues its own identity wrote (`<app-slug>[bot]`); issues anyone else wrote are ignored, whatever marker and labels they carry. Empty: read from GitHub, which works only for a personal access token.",
    required: false,
    default: "",
  },
  command: {
    description:
      "`sweep` (open missing issues, catch up on closings and slash commands since the last sweep, advance SLA clocks, escalate, revoke as the policy allows) or `report` (metrics: job summary, a report issue updated in place, JSON and CSV files). On `issues` (closed) and `issue_comment` (created) events the Action runs the handler the App would, whatever the command.",
    required: false,
    default: "sweep",
  },
  scope: {
    description: "What to sweep: `repository` (the repository the workflow runs in) or `organization` (every repository of its owner).",
    required: false,
    default: "repository",
  },
  shard: {
    description:
      "With `scope: organization`, sweep only part `k/n` of the organisation's repositories (e.g. `2/4`), so a matrix of jobs shares a large organisation. Every repository belongs to exactly one part; organisation-level work (app inventory, audit log) runs in the part that owns `.github`. Empty: the whole organisation.",
    required: false,
    default: "",
  },
  "sweep-state": {
    description:
      "Path of a file where a sweep keeps what it read (open alerts, response issues without their bodies; never a secret), so that the next sweep reads only what changed since. Keep it between runs with actions/cache (see docs/scale.md). Missing, unreadable or more than a day old: the sweep reads everything. Empty: every sweep reads everything.",
    required: false,
    default: "",
  },
  "dry-run": {
    description: "`true` to plan and report without writing anything to GitHub (a YAML boolean: true, True, TRUE, false, False or FALSE).",
    required: false,
    default: "false",
  },
  "max-operations": {
    description:
      "The most GitHub writes one run may make. Work that does not fit waits for the next run, never half-done; alerts go first, the app inventory and config-error issues after them.",
    required: false,
    default: "200",
  },
  findings: {
    description:
      "Path of a detector report from an earlier step (gitleaks JSON, TruffleHog JSON lines or SARIF) to route like secret scanning alerts. Raw secret fields are dropped while reading.",
    required: false,
    default: "",
  },
  alert: {
    description:
      "A generic alert as JSON (the `nhi-alert` dispatch payload, schema in policies/dispatch-schema.json), e.g. from a `workflow_dispatch` input.",
    required: false,
    default: "",
  },
  "report-days": {
    description: "With `command: report`, the window in days the metrics cover.",
    required: false,
    default: "30",
  },
} as const;

export const ACTION_OUTPUTS = {
  opened: { description: "How many response issues this run opened." },
  updated: { description: "How many response issues this run updated." },
  plan: { description: "The plan this run made, as JSON: one change per alert, with its operations and status." },
  "report-json": { description: "With `command: report`, the path of the metrics JSON file (a CSV of every item sits next to it)." },
} as const;

export type InputName = keyof typeof ACTION_INPUTS;

const inputSchema = z.object({
  // Never echoed: a problem with it is described, not quoted.
  token: z
    .string()
    .min(1, "is required: pass an App installation token, e.g. `${{ steps.app-token.outputs.token }}`")
    .refine(
      (v) => !/\s/.test(v),
      "contains a line break or a space (not shown here): pass the token alone, e.g. `${{ steps.app-token.outputs.token }}`",
    ),
  command: z.enum(["sweep", "report"], { error: "must be `sweep` or `report`" }),
  scope: z.enum(["repository", "organization"], { error: "must be `repository` or `organization`" }),
  "report-days": z
    .string()
    .regex(/^\d+$/, "must be a whole number of days")
    .transform(Number)
    .refine((n) => n > 0 && n <= 366, "must be from 1 to 366"),
  findings: z.string(),
  alert: z.string(),
  "app-slug": z.string(),
  "sweep-state": z.string(),
  shard: z.string().transform((v, ctx) => {
    try {
      return parseShard(v);
    } catch {
      ctx.addIssue({
        code: "custom",
        message: 'must be a part of the organisation written k/n with 1 ≤ k ≤ n ≤ 256, e.g. "2/4" (in a matrix: `${{ matrix.shard }}/4`)',
      });
      return z.NEVER;
    }
  }),
  // As core.getBooleanInput reads a boolean: YAML 1.2's core schema spellings.
  "dry-run": z
    .enum(["true", "True", "TRUE", "false", "False", "FALSE"], { error: "must be `true` or `false` (also True, TRUE, False, FALSE)" })
    .transform((v) => v.toLowerCase() === "true"),
  "max-operations": z
    .string()
    .regex(/^\d+$/, "must be a whole number")
    .transform(Number)
    .refine((n) => n > 0, "must be at least 1"),
});

export type ActionInputs = z.output<typeof inputSchema>;

/** Reads and validates the inputs; every problem is named with the input it concerns. */
export function readInputs(get: (name: InputName) => string): ActionInputs {
  const raw = Object.fromEntries(
    (Object.keys(ACTION_INPUTS) as InputName[]).map((name) => {
      const value = get(name).trim();
      const def = "default" in ACTION_INPUTS[name] ? (ACTION_INPUTS[name] as { default: string }).default : "";
      return [name, value === "" ? def : value];
    }),
  );
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `input \`${String(i.path[0])}\` ${i.message}`);
    throw new Error(`nhi-steward: ${problems.join("; ")}.`);
  }
  return parsed.data;
}
