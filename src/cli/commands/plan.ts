import { parseArgs } from "node:util";
import { VirtualClock } from "../../core/clock.ts";
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from "../../core/codeowners/index.ts";
import { Lru } from "../../core/lru.ts";
import { repositoryFrom } from "../../core/alert/secret-scanning.ts";
import { planJson } from "../../core/plan-report.ts";
import { gatherAlert } from "../../handlers/gather-alert.ts";
import { RESPOND_TO } from "../../handlers/on-alert.ts";
import { planAlert } from "../../handlers/plan-alert.ts";
import { Run } from "../../handlers/run.ts";
import { MemoryLogger } from "../../log.ts";
import type { CliIo } from "../io.ts";
import { OfflinePort } from "../offline-port.ts";
import { systemClock } from "../../system-clock.ts";

export const PLAN_USAGE = `Usage: nhi-steward plan --event-name secret_scanning_alert --payload FILE [--codeowners FILE] [--policy FILE] [--path FILE[:LINE]] [--now ISO]

Prints, as JSON, the plan the app would execute for a webhook payload, touching no network.
  --event-name   secret_scanning_alert or secret_scanning_alert_location
  --payload      the webhook payload (JSON file, or - for standard input)
  --codeowners   the repository's CODEOWNERS file, to route by
  --policy       the .github/nhi-steward.yml to apply
  --path         where the secret leaked, when the payload does not say (webhooks for new alerts do not)
  --now          the instant to plan at (ISO 8601); default: now`;

export async function planCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "event-name": { type: "string" },
        payload: { type: "string" },
        codeowners: { type: "string" },
        policy: { type: "string" },
        path: { type: "string" },
        now: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
    }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${PLAN_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(PLAN_USAGE);
    return 0;
  }
  const eventName = values["event-name"];
  if (!eventName || !values.payload) {
    io.stderr(`plan needs --event-name and --payload.\n\n${PLAN_USAGE}`);
    return 2;
  }
  if (!(eventName in RESPOND_TO)) {
    io.stderr(`--event-name ${eventName} is not an alert event; use ${Object.keys(RESPOND_TO).join(" or ")}.`);
    return 2;
  }
  const now = values.now ? new Date(values.now) : null;
  if (now && Number.isNaN(now.getTime())) {
    io.stderr(`--now ${values.now} is not an ISO 8601 instant, e.g. 2026-11-26T09:00:00Z.`);
    return 2;
  }

  let payload: { alert?: unknown; location?: unknown; repository?: unknown };
  try {
    const text = values.payload === "-" ? await io.readStdin() : await io.readFile(values.payload);
    payload = JSON.parse(text);
  } catch (e) {
    io.stderr(`Could not read the payload ${values.payload}: ${(e as Error).message}. Pass the JSON body of a webhook delivery.`);
    return 1;
  }
  const files: { codeowners?: string; policy?: string } = {};
  try {
    if (values.codeowners) files.codeowners = await io.readFile(values.codeowners);
    if (values.policy) files.policy = await io.readFile(values.policy);
  } catch (e) {
    io.stderr(`Could not read ${(e as Error).message}.`);
    return 1;
  }

  const log = new MemoryLogger();
  const github = new OfflinePort(files);
  const parsedCodeowners = new Lru<Codeowners>(1);
  const run = new Run({ github, clock: now ? new VirtualClock(now) : systemClock, log, parsedCodeowners }, { dryRun: true });
  try {
    const { repo, visibility } = repositoryFrom(payload.repository);
    // The port serves --codeowners where GitHub looks first (.github/CODEOWNERS). Parsed here under
    // the name given (the run's cache is keyed by path and sha), so the plan says `FILE line 3`.
    const served = values.codeowners ? await github.readFile(repo, CODEOWNERS_LOCATIONS[0]) : null;
    if (served && values.codeowners) parsedCodeowners.set(`${served.path}@${served.sha}`, parseCodeowners(served.text, { path: values.codeowners }));
    const extra: unknown[] = payload.location ? [payload.location] : [];
    if (values.path) {
      const [path, line] = values.path.split(/:(?=\d+$)/);
      extra.push({ type: "commit", details: { path, start_line: line ? Number(line) : null } });
    }
    const alert = await gatherAlert(run, payload.alert, repo, visibility, extra);
    const change = await planAlert(run, alert);
    io.stdout(JSON.stringify({ ...planJson([{ change, status: "planned", issue: null, url: null }], { bodies: true, dryRun: true }), log: log.lines.map((l) => `${l.level}: ${l.message}`) }, null, 2));
    return 0;
  } catch (e) {
    io.stderr(`Cannot plan this payload: ${(e as Error).message}`);
    return 1;
  }
}
