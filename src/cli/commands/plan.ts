import { parseArgs } from "node:util";
import { VirtualClock } from "../../core/clock.ts";
import { CODEOWNERS_LOCATIONS, parseCodeowners, type Codeowners } from "../../core/codeowners/index.ts";
import { InputError } from "../../core/alert/input-error.ts";
import { alertNumberOf, normalizeSecretScanningAlert, repositoryFrom } from "../../core/alert/secret-scanning.ts";
import { appIdentity } from "../../core/issue/provenance.ts";
import { Lru } from "../../core/lru.ts";
import { planJson } from "../../core/plan-report.ts";
import type { ChangeResult } from "../../github/execute.ts";
import { RESPOND_TO } from "../../handlers/on-alert.ts";
import { ROUTED_EVENTS, ROUTES, routeFor } from "../../handlers/router.ts";
import { Run } from "../../handlers/run.ts";
import { MemoryLogger } from "../../log.ts";
import type { CliIo } from "../io.ts";
import { OfflinePort, type KnownIssue } from "../offline-port.ts";
import { issueContextFrom, type RawIssue } from "../../handlers/on-comment.ts";
import { markerKeys } from "../../core/issue/marker.ts";
import { systemClock } from "../../system-clock.ts";

/** The App's slug when neither --app-slug nor NHI_APP_SLUG names one: the manifest's name (app.yml). */
export const DEFAULT_APP_SLUG = "nhi-steward";

export const PLAN_USAGE = `Usage: nhi-steward plan --event-name NAME --payload FILE [--codeowners FILE] [--policy FILE] [--issue FILE]... [--app-slug SLUG] [--path FILE[:LINE]] [--now ISO]

Prints, as JSON, what the App would do with one webhook delivery: the event and its \`action\` go
through the same handler the App and the Action call (src/handlers/router.ts), in a dry run that
touches no network.
  --event-name   the event as GitHub names it (X-GitHub-Event): ${ROUTED_EVENTS.join(", ")}
  --payload      the webhook payload (JSON file, or - for standard input)
  --codeowners   the repository's CODEOWNERS file, to route by
  --policy       the organisation's .github/nhi-steward.yml to apply
  --issue        a response issue that exists, as GitHub's REST API returns it (JSON file, e.g.
                 \`gh api repos/OWNER/REPO/issues/N > issue.json\`); repeat for several. It is used
                 only when nhi-steward (--app-slug) wrote it and its marker names where it lives
  --app-slug     the App's slug: an issue in an issues or issue_comment payload is nhi-steward's
                 record only when SLUG[bot] wrote it; default: NHI_APP_SLUG, else ${DEFAULT_APP_SLUG}
  --path         where the secret leaked, when the payload does not say (webhooks for new alerts do not)
  --now          the instant to plan at (ISO 8601); default: now

What only GitHub knows (its existing issues but those given with --issue, team members,
permissions, the alert as it is now) is taken as none, and the output's "offline" list names each
such assumption. When nothing would be done, "nothing" says why.`;

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
        issue: { type: "string", multiple: true },
        "app-slug": { type: "string" },
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
  if (!ROUTED_EVENTS.includes(eventName)) {
    io.stderr(`--event-name ${eventName} is not an event nhi-steward handles; it handles ${ROUTED_EVENTS.join(", ")}.`);
    return 2;
  }
  const now = values.now ? new Date(values.now) : null;
  if (now && Number.isNaN(now.getTime())) {
    io.stderr(`--now ${values.now} is not an ISO 8601 instant, e.g. 2026-11-26T09:00:00Z.`);
    return 2;
  }
  const slug = (values["app-slug"] ?? io.env.NHI_APP_SLUG ?? DEFAULT_APP_SLUG).trim().replace(/\[bot\]$/, "");
  if (!/^[a-z0-9][a-z0-9-]*$/i.test(slug)) {
    io.stderr(`--app-slug ${slug} is not a GitHub App slug (letters, digits and dashes, as in github.com/apps/<slug>).`);
    return 2;
  }

  let payload: { action?: unknown; alert?: unknown; repository?: unknown };
  try {
    const text = values.payload === "-" ? await io.readStdin() : await io.readFile(values.payload);
    payload = JSON.parse(text);
    if (!payload || typeof payload !== "object" || Array.isArray(payload)) throw new Error("it is not a JSON object");
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

  const action = typeof payload.action === "string" ? payload.action : undefined;
  const what = `${eventName}${action ? `.${action}` : ""}`;
  const locations: unknown[] = [];
  if (values.path) {
    const [path, line] = values.path.split(/:(?=\d+$)/);
    locations.push({ type: "commit", details: { path, start_line: line ? Number(line) : null } });
  }
  const log = new MemoryLogger();
  const github = new OfflinePort({ ...files, self: appIdentity(slug), locations, alert: alertAsRead(payload.alert, action) });
  const parsedCodeowners = new Lru<Codeowners>(1);
  const run = new Run({ github, clock: now ? new VirtualClock(now) : systemClock, log, parsedCodeowners }, { dryRun: true });
  for (const issueFile of values.issue ?? []) {
    try {
      github.know(readIssue(run, await io.readFile(issueFile), slug));
    } catch (e) {
      io.stderr(`--issue ${issueFile}: ${(e as Error).message}`);
      return 1;
    }
  }
  const print = (results: ChangeResult[], nothing: string | null) =>
    io.stdout(
      JSON.stringify(
        {
          event: what,
          ...planJson(results, { bodies: true, dryRun: true }),
          ...(nothing ? { nothing } : {}),
          offline: [...github.unknowns],
          log: log.lines.map((l) => `${l.level}: ${l.message}`),
        },
        null,
        2,
      ),
    );

  const route = routeFor(eventName, action);
  if (!route) {
    const handled = ROUTES.flatMap((r) => (r.on as readonly string[]).filter((n) => n.startsWith(`${eventName}.`)));
    print([], `the App does not handle ${what}${handled.length ? ` (it handles ${handled.join(", ")})` : ""}.`);
    return 0;
  }
  try {
    // The port serves --codeowners where GitHub looks first (.github/CODEOWNERS). Parsed here under
    // the name given (the run's cache is keyed by path and sha), so the plan says `FILE line 3`.
    const served = values.codeowners ? await github.readFile({ owner: "", name: "" }, CODEOWNERS_LOCATIONS[0]) : null;
    if (served && values.codeowners)
      parsedCodeowners.set(`${served.path}@${served.sha}`, parseCodeowners(served.text, { path: values.codeowners }));
    const unreadable = unreadableAlert(eventName, action, payload);
    if (unreadable) {
      io.stderr(`Cannot plan this payload: ${unreadable}`);
      return 1;
    }
    const results = resultsOf(await route.handle(run, { name: eventName, payload }));
    print(results, results.length ? null : nothingReason(log, github, what));
    return 0;
  } catch (e) {
    io.stderr(`Cannot plan this payload: ${(e as Error).message}`);
    return 1;
  }
}

/**
 * The alert as reading it from GitHub would answer, offline: the payload's, with the `state` its
 * event implies when the payload leaves it out (GitHub's webhook schema does not require it).
 */
function alertAsRead(alert: unknown, action: string | undefined): unknown {
  if (!alert || typeof alert !== "object" || "state" in alert) return alert;
  const state =
    action === "resolved" ? "resolved" : action && ["created", "reopened", "validated", "publicly_leaked"].includes(action) ? "open" : null;
  return state ? { ...alert, state } : alert;
}

/**
 * A response issue from a file, as GitHub's REST API returns one: where it lives (its
 * `repository_url`), and only when it is nhi-steward's record (the provenance check the App applies
 * to an issue in a payload). Throws with what is wrong and what to pass instead.
 */
function readIssue(run: Run, text: string, slug: string): KnownIssue {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`not JSON (${(e as Error).message}). Pass an issue as GitHub's REST API returns it: gh api repos/OWNER/REPO/issues/N`, {
      cause: e,
    });
  }
  const r = raw as Partial<RawIssue> & { repository_url?: unknown };
  const where = typeof r.repository_url === "string" ? /\/repos\/([^/]+)\/([^/]+)$/.exec(r.repository_url) : null;
  if (!raw || typeof raw !== "object" || typeof r.number !== "number" || typeof r.title !== "string" || !Array.isArray(r.labels) || !where)
    throw new Error(
      "not an issue as GitHub's REST API returns it (number, title, labels and repository_url are needed): gh api repos/OWNER/REPO/issues/N",
    );
  const repo = { owner: where[1]!, name: where[2]! };
  const found = issueContextFrom(run, { html_url: "", state: "open", body: null, ...r } as RawIssue, `${repo.owner}/${repo.name}`);
  if (!found)
    throw new Error(
      `#${r.number} in ${repo.owner}/${repo.name} is not one of nhi-steward's response issues (it needs the nhi-response label, a marker that names where it lives, and ${slug}[bot] as its author; --app-slug names the App)${lastWarning(run)}.`,
    );
  return { repo, issue: found.issue, keys: markerKeys(found.issue.body) };
}

const lastWarning = (run: Run): string => {
  const last = (run.deps.log as MemoryLogger).lines.at(-1);
  return last?.level === "warn" ? `: ${last.message}` : "";
};

/**
 * A secret scanning alert the App could not read: it logs the delivery as malformed and drops it
 * (a redelivery cannot fix it). For a person running plan on a file, that is an error to see.
 */
function unreadableAlert(eventName: string, action: string | undefined, payload: { alert?: unknown; repository?: unknown }): string | null {
  const wanted = (RESPOND_TO as Record<string, readonly string[] | undefined>)[eventName];
  if (!wanted || !action || !wanted.includes(action)) return null;
  let where;
  try {
    where = repositoryFrom(payload.repository);
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  try {
    normalizeSecretScanningAlert(payload.alert, where.repo, where.visibility);
    return null;
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    // With its number, the App reads the alert again from GitHub: the handler says it cannot offline.
    return alertNumberOf(payload.alert) === null ? e.message : null;
  }
}

/** The changes a handler planned, whatever it returns: one report, a list of them (an installation's sweeps), or null. */
function resultsOf(result: unknown): ChangeResult[] {
  if (Array.isArray(result)) return result.flatMap(resultsOf);
  const results = (result as { results?: unknown } | null)?.results;
  return Array.isArray(results) ? (results as ChangeResult[]) : [];
}

/** Why nothing would be done: the handler's last word, after what it looked for and could not know offline. */
function nothingReason(log: MemoryLogger, github: OfflinePort, what: string): string {
  const last = log.lines.at(-1)?.message ?? `the handler for ${what} has nothing to do with this payload.`;
  if (github.askedForAlerts) return `no open alert known offline: ${last}`;
  return github.askedForIssues ? `no issue known offline: ${last}` : last;
}
