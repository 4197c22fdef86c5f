import { parseArgs } from "node:util";
import { planJson } from "../../core/plan-report.ts";
import { parseShard } from "../../core/shard.ts";
import { OctokitPort } from "../../github/octokit-port.ts";
import { fileStateStore, loadSweepState, saveSweepState, scopeId } from "../../github/sweep-state.ts";
import { Run } from "../../handlers/run.ts";
import { buildEffects } from "../../handlers/effects.ts";
import { sweep } from "../../handlers/sweep.ts";
import { systemClock } from "../../system-clock.ts";
import { connect, GITHUB_OPTIONS } from "../github-args.ts";
import type { CliIo } from "../io.ts";

export const SWEEP_USAGE = `Usage: nhi-steward sweep (--repo OWNER/NAME | --org ORG [--shard K/N]) [--app-slug SLUG] [--state FILE] [--dry-run] [--max-operations N] [--api-url URL]

Opens the missing response issues for every open secret scanning alert in scope, as the Action does.
Reads the token from GITHUB_TOKEN (an App installation token: personal tokens work too, but the
issues are then written as that person). Prints the plan as JSON. --shard K/N sweeps only part K of N
of the organisation's repositories (each repository is in exactly one part), as a matrix job would.
--state FILE keeps what the sweep read in FILE, so that the next sweep with the same FILE reads only
what changed since (a missing, foreign or day-old FILE means a full read). --app-slug SLUG (or
NHI_APP_SLUG) names the GitHub App an installation token belongs to: nhi-steward acts only on issues
its own identity wrote (a personal token's user is read from GitHub).`;

export async function sweepCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        ...GITHUB_OPTIONS,
        "dry-run": { type: "boolean" },
        "max-operations": { type: "string" },
        shard: { type: "string" },
        state: { type: "string" },
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
  const max = values["max-operations"] ? Number(values["max-operations"]) : null;
  if (max !== null && !(Number.isInteger(max) && max > 0)) {
    io.stderr("--max-operations must be a whole number of at least 1.");
    return 2;
  }
  let shard;
  try {
    shard = parseShard(values.shard ?? "");
  } catch (e) {
    io.stderr((e as Error).message);
    return 2;
  }
  const ctx = await connect(values, io, "sweep", SWEEP_USAGE);
  if (typeof ctx === "number") return ctx;
  const { log, apiUrl, scope } = ctx;
  if (shard.count > 1 && scope.kind !== "organization") {
    io.stderr("--shard needs --org: a repository sweep covers one repository already.");
    return 2;
  }
  const store = values.state ? fileStateStore(values.state) : null;
  const id = scopeId(scope, shard);
  const sweepState = store ? await loadSweepState(store, id, systemClock.now(), log) : null;
  const github = sweepState ? new OctokitPort(ctx.octokit, { self: ctx.self, log, sweepState }) : ctx.github;
  const run = new Run({ github, clock: systemClock, log }, { dryRun: values["dry-run"] ?? false, maxOperations: max });
  const report = await sweep(run, scope, { shard, effects: buildEffects({ github, apiUrl, env: io.env, clock: systemClock, log }) });
  if (store) await saveSweepState(store, github, id, log);
  io.stdout(JSON.stringify(planJson(report.results, { dryRun: report.dryRun }), null, 2));
  return report.failed || report.unreadable ? 1 : 0;
}
