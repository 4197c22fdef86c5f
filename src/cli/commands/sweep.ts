import { parseArgs } from "node:util";
import { planJson } from "../../core/plan-report.ts";
import { createOctokit } from "../../github/octokit.ts";
import { OctokitPort } from "../../github/octokit-port.ts";
import { parseRepo, type AlertScope } from "../../github/port.ts";
import { Run } from "../../handlers/run.ts";
import { buildEffects } from "../../handlers/effects.ts";
import { sweep } from "../../handlers/sweep.ts";
import type { Logger } from "../../log.ts";
import { systemClock } from "../../system-clock.ts";
import type { CliIo } from "../io.ts";

export const SWEEP_USAGE = `Usage: nhi-steward sweep (--repo OWNER/NAME | --org ORG) [--dry-run] [--max-operations N] [--api-url URL]

Opens the missing response issues for every open secret scanning alert in scope, as the Action does.
Reads the token from GITHUB_TOKEN (an App installation token: personal tokens work too, but the
issues are then written as that person). Prints the plan as JSON.`;

export async function sweepCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        repo: { type: "string" },
        org: { type: "string" },
        "dry-run": { type: "boolean" },
        "max-operations": { type: "string" },
        "api-url": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${SWEEP_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(SWEEP_USAGE);
    return 0;
  }
  if (!values.repo === !values.org) {
    io.stderr(`sweep needs exactly one of --repo or --org.\n\n${SWEEP_USAGE}`);
    return 2;
  }
  const token = io.env.GITHUB_TOKEN;
  if (!token) {
    io.stderr("Set GITHUB_TOKEN to a token that can read secret scanning alerts and write issues.");
    return 2;
  }
  const max = values["max-operations"] ? Number(values["max-operations"]) : null;
  if (max !== null && !(Number.isInteger(max) && max > 0)) {
    io.stderr("--max-operations must be a whole number of at least 1.");
    return 2;
  }
  let scope: AlertScope;
  try {
    scope = values.org ? { kind: "organization", org: values.org } : { kind: "repository", repo: parseRepo(values.repo!) };
  } catch (e) {
    io.stderr((e as Error).message);
    return 2;
  }
  const log: Logger = { debug: () => {}, info: (m) => io.stderr(m), warn: (m) => io.stderr(`warning: ${m}`), error: (m) => io.stderr(`error: ${m}`) };
  const apiUrl = values["api-url"] ?? io.env.GITHUB_API_URL;
  const baseUrl = apiUrl ?? "https://api.github.com";
  const github = new OctokitPort(createOctokit({ token, log, baseUrl }));
  const run = new Run({ github, clock: systemClock, log }, { dryRun: values["dry-run"] ?? false, maxOperations: max });
  const report = await sweep(run, scope, { effects: buildEffects({ github, apiUrl: baseUrl, env: io.env, clock: systemClock, log }) });
  io.stdout(JSON.stringify(planJson(report.results, { dryRun: report.dryRun }), null, 2));
  return report.failed || report.unreadable ? 1 : 0;
}
