import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { RepoRef } from "../../core/alert/types.ts";
import { parseRepo } from "../../github/port.ts";
import { buildReport, publishReport } from "../../handlers/report.ts";
import { Run } from "../../handlers/run.ts";
import { systemClock } from "../../system-clock.ts";
import { connect, GITHUB_OPTIONS } from "../github-args.ts";
import type { CliIo } from "../io.ts";

export const REPORT_USAGE = `Usage: nhi-steward report (--repo OWNER/NAME | --org ORG) [--days N] [--out DIR] [--publish-to OWNER/NAME] [--app-slug SLUG] [--api-url URL]

Reads the response issues in scope and prints the metrics report (Markdown): counts, time to
acknowledge and remediate, SLA compliance, breaches, escalations, backlog. --out writes
report.md, report.json and report.csv; --publish-to keeps one report issue there up to date.
Reads the token from GITHUB_TOKEN; only issues nhi-steward wrote count (--app-slug SLUG or
NHI_APP_SLUG names the GitHub App an installation token belongs to).`;

export async function reportCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { ...GITHUB_OPTIONS, days: { type: "string" }, out: { type: "string" }, "publish-to": { type: "string" } },
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${REPORT_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(REPORT_USAGE);
    return 0;
  }
  const days = values.days ? Number(values.days) : 30;
  if (!Number.isInteger(days) || days < 1 || days > 366) {
    io.stderr("--days must be a whole number from 1 to 366.");
    return 2;
  }
  let publishTo: RepoRef | null;
  try {
    // Checked before anything is read: a typo should not cost a whole report.
    publishTo = values["publish-to"] ? parseRepo(values["publish-to"]) : null;
  } catch (e) {
    io.stderr(`--publish-to: ${(e as Error).message}`);
    return 2;
  }
  const ctx = await connect(values, io, "report", REPORT_USAGE);
  if (typeof ctx === "number") return ctx;
  const run = new Run({ github: ctx.github, clock: systemClock, log: ctx.log });
  const scope = ctx.scope;
  const report = await buildReport(run, scope, days);
  io.stdout(report.markdown);
  if (values.out) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, "report.md"), report.markdown);
    writeFileSync(join(values.out, "report.json"), report.json);
    writeFileSync(join(values.out, "report.csv"), report.csv);
  }
  if (publishTo) await publishReport(run, publishTo, values.org ?? values.repo!, report);
  return 0;
}
