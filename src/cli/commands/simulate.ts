import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createOctokit } from "../../github/octokit.ts";
import { OctokitPort } from "../../github/octokit-port.ts";
import { buildEffects } from "../../handlers/effects.ts";
import { buildReport } from "../../handlers/report.ts";
import { Run } from "../../handlers/run.ts";
import { sweep } from "../../handlers/sweep.ts";
import { SANDBOX_APP_IDENTITY } from "../../sandbox/index.ts";
import { runActionBundle } from "../../action/local-runner.ts";
import { localAppKey, startLocalAppServer } from "../../app/local-server.ts";
import { VirtualClock } from "../../core/clock.ts";
import { systemClock } from "../../system-clock.ts";
import { decodeMarker } from "../../core/issue/marker.ts";
import { MemoryLogger } from "../../log.ts";
import { seedDemo } from "../../sandbox/demo.ts";
import { startSandbox } from "../../sandbox/index.ts";
import type { CliIo } from "../io.ts";

export const SIMULATE_USAGE = `Usage: nhi-steward simulate [--verbose]

Runs nhi-steward end to end against an in-memory GitHub on 127.0.0.1 seeded with a demo
organisation: the real app receives signed webhooks for some alerts, then the built Action sweeps
the organisation and opens the rest. Prints who got which issue and why. Then, on a virtual clock,
the rest of the loop: an after-hours escalation that pages on-call, /ack, a sweep a day later, the
owner closing with a resolution, the alert resolved on GitHub, and the metrics report (Markdown with
Mermaid charts) written to a file whose path is printed. Touches no real GitHub.`;

export async function simulateCommand(argv: string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { verbose: { type: "boolean", short: "v" }, help: { type: "boolean", short: "h" } } }));
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${SIMULATE_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.stdout(SIMULATE_USAGE);
    return 0;
  }

  // Starts on the latest Monday at 22:55 UTC, whatever day and hour it is run: the story (the alerts,
  // then 02:00 the same night, after hours on a weekday, then a day later) is the same every time.
  // Started at the real time, the levels that had fired by 02:00 depended on the hour it was run. The
  // built Action is given the same clock (NHI_STEWARD_NOW), so its deadlines agree with the app's.
  const clock = new VirtualClock(lastMondayEvening(systemClock.now()));
  // The app's RSA key is found on the thread pool while the sandbox loads GitHub's description.
  void localAppKey().catch(() => {});
  const sandbox = await startSandbox({ clock });
  const log = new MemoryLogger();
  const app = await startLocalAppServer({ baseUrl: sandbox.url, clock, log });
  try {
    const demo = seedDemo(sandbox.state);
    const say = (s = "") => io.stdout(s);
    say(`Sandbox GitHub at ${sandbox.url}: organisation ${demo.org}, ${demo.alerts.length} open secret scanning alerts.`);
    say("");

    // 1. The app, in real time: GitHub delivers webhooks for the first alerts.
    const viaWebhook = demo.alerts.slice(0, Math.ceil(demo.alerts.length / 2));
    say(`1. The app receives signed secret_scanning_alert webhooks for ${viaWebhook.length} alerts:`);
    for (const a of viaWebhook) {
      const delivery = sandbox.webhook("secret_scanning_alert", "created", {
        owner: a.owner,
        repo: a.repo,
        alertNumber: a.number,
        installationId: demo.installationId,
      });
      const status = await app.deliver(delivery.name, delivery.payload, { id: delivery.id });
      say(`   ${a.owner}/${a.repo} alert #${a.number} → HTTP ${status}`);
    }
    const again = viaWebhook[0]!;
    const redelivery = sandbox.webhook("secret_scanning_alert", "created", {
      owner: again.owner,
      repo: again.repo,
      alertNumber: again.number,
      installationId: demo.installationId,
    });
    const status = await app.deliver(redelivery.name, redelivery.payload);
    say(`   redelivery of ${again.owner}/${again.repo} alert #${again.number} → HTTP ${status} (updates, never duplicates)`);
    say("");

    // 2. The Action, on schedule: sweeps the organisation and opens what is missing.
    say("2. The Action sweeps the organisation (dist/index.js, as a runner starts it):");
    const action = await runActionBundle({
      apiUrl: sandbox.url,
      repository: `${demo.org}/.github`,
      inputs: { token: "ghs_simulated_installation_token", scope: "organization", "dry-run": "false", "max-operations": "100" },
      now: clock.now(),
    });
    say(`   exit ${action.code}; outputs: opened=${action.outputs.opened ?? "?"} updated=${action.outputs.updated ?? "?"}`);
    if (values.verbose) say(action.stdout.replace(/^/gm, "   | "));
    say("");

    // 3. What people see.
    say("3. Response issues now open:");
    const webhookKeys = new Set(viaWebhook.map((a) => `${a.owner}/${a.repo}#${a.number}`));
    for (const repo of demo.repos) {
      for (const issue of sandbox.state.listIssues(demo.org, repo)) {
        const marker = decodeMarker(issue.body);
        if (!marker) continue;
        const who = issue.assignees.length ? issue.assignees.map((a) => `@${a}`).join(" ") : "(unassigned)";
        const via = webhookKeys.has(`${marker.repo}#${marker.alert}`) ? "app" : "Action";
        say(`   ${demo.org}/${repo}#${issue.number} [${issue.labels.join(", ")}] via ${via}`);
        say(`     ${issue.title}`);
        say(`     → ${who}: ${marker.routing.why}`);
        for (const note of marker.routing.notes) say(`       · ${note}`);
      }
    }
    say("");

    // 4. The rest of the loop, on the virtual clock.
    const loop = await wholeLoop(sandbox, app, demo, clock, log, say);
    say("");

    // 5. The guarantee that matters most.
    const written =
      sandbox.state.everythingWritten() + "\n" + log.text() + "\n" + action.stdout + "\n" + action.summary + "\n" + loop.written;
    const leaked = demo.secrets.filter((s) => written.includes(s));
    say(
      `5. Planted secret values found in issues, comments, labels, logs, pages, the report or the job summary: ${leaked.length} of ${demo.secrets.length}.`,
    );
    if (values.verbose) say(log.text().replace(/^/gm, "   | "));
    if (sandbox.validationErrors.length) {
      say(`   Requests GitHub would have rejected: ${sandbox.validationErrors.length}`);
      for (const v of sandbox.validationErrors) say(`     ${JSON.stringify(v)}`);
    }
    return leaked.length || action.code || !loop.ok ? 1 : 0;
  } finally {
    await app.close();
    await sandbox.close();
  }
}

/** The latest Monday 22:55 UTC at or before `now`. */
export function lastMondayEvening(now: Date): Date {
  const d = new Date(now);
  d.setUTCHours(22, 55, 0, 0);
  if (d > now) d.setUTCDate(d.getUTCDate() - 1);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d;
}

/** The demo's policy for the loop: business hours in UTC, on-call after hours, and who is security. */
const LOOP_POLICY = `# nhi-steward organisation defaults
fallback_owner: "@acme/security"
sla:
  business_hours: { time_zone: UTC, days: mon-fri, hours: "09:00-17:00" }
escalation:
  on_call: "@acme/security"
commands:
  security_team: "@acme/security"
`;

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;
type LocalApp = Awaited<ReturnType<typeof startLocalAppServer>>;

/**
 * After-hours escalation with a page → `/ack` → a sweep a day later → the owner closes with a
 * resolution → the alert resolved on GitHub → the metrics report. Sweeps run in this process on
 * the virtual clock (as the app's interval sweep does); people act through the sandbox's REST API
 * and their webhooks go to the app. `ok` is false when a step did not happen as it should.
 */
async function wholeLoop(
  sandbox: Sandbox,
  app: LocalApp,
  demo: ReturnType<typeof seedDemo>,
  clock: VirtualClock,
  log: MemoryLogger,
  say: (s?: string) => void,
): Promise<{ ok: boolean; written: string }> {
  const pages: string[] = [];
  const pd = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      pages.push(body);
      res
        .writeHead(202, { "content-type": "application/json" })
        .end(JSON.stringify({ status: "success", message: "Event processed", dedup_key: "simulated" }));
    });
  });
  await new Promise<void>((r) => pd.listen(0, "127.0.0.1", r));
  try {
    const pdUrl = `http://127.0.0.1:${(pd.address() as AddressInfo).port}`;
    const github = new OctokitPort(createOctokit({ token: "ghs_simulated_installation_token", baseUrl: sandbox.url, log, pace: false }), {
      self: SANDBOX_APP_IDENTITY,
    });
    const effects = buildEffects({
      github,
      apiUrl: sandbox.url,
      env: { NHI_PAGERDUTY_ROUTING_KEY: "simulated-routing-key", NHI_PAGERDUTY_API_URL: pdUrl },
      clock,
      log,
    });
    const sweepNow = () => sweep(new Run({ github, clock, log }), { kind: "organization", org: demo.org }, { effects });
    const asUser = async (login: string, method: string, path: string, body?: object): Promise<unknown> => {
      sandbox.state.addToken(`ghp_simulated_${login}`, login);
      const res = await fetch(`${sandbox.url}${path}`, {
        method,
        headers: {
          authorization: `token ghp_simulated_${login}`,
          "content-type": "application/json",
          accept: "application/vnd.github+json",
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return text ? JSON.parse(text) : null;
    };
    const deliver = (name: string, payload: object) => app.deliver(name, payload);

    const target = demo.alerts.find((a) => a.secretType === "aws_access_key_id")!;
    const where = `${target.owner}/${target.repo}`;
    const issueOf = () => sandbox.state.listIssues(target.owner, target.repo).find((i) => decodeMarker(i.body)?.alert === target.number);
    const markerOf = () => decodeMarker(issueOf()?.body ?? "");
    const found = issueOf();
    if (!found) {
      say(`4. ${where} alert #${target.number} has no issue; the rest of the loop is skipped.`);
      return { ok: false, written: "" };
    }

    // a. That night: business hours and on-call come into the policy; the ack deadline has passed.
    sandbox.state.setFile(demo.org, ".github", ".github/nhi-steward.yml", LOOP_POLICY);
    const night = new Date(clock.now().getTime() + 86_400_000);
    night.setUTCHours(2, 0, 0, 0);
    clock.set(night);
    say(`4. The rest of the loop on a virtual clock, for ${where}#${found.number} (${target.secretType}, critical):`);
    await sweepNow();
    const escalated =
      issueOf()!
        .comments.map((c) => c.body)
        .filter((b) => b.includes("**Escalation"))
        .at(-1) ?? "";
    const toOnCall = escalated.includes("outside business hours");
    say(
      `   ${night.toISOString().slice(0, 16)}Z, after hours: the sweep escalates (${escalated.split("\n")[0]!.replace(/\*\*/g, "").split(":")[0]}${toOnCall ? ", to on-call: outside business hours" : ""}) and pages: ${pages.length} page(s) sent to PagerDuty (a local stand-in)`,
    );

    // b. The owner acknowledges in the issue; GitHub delivers the comment to the app.
    const owner = markerOf()?.routing.assignees[0] ?? "dave";
    const path = `/repos/${where}/issues/${found.number}`;
    clock.advance(20 * 60_000);
    const created = await asUser(owner, "POST", `${path}/comments`, { body: "/ack on it, rotating the key now" });
    const repository = await asUser(owner, "GET", `/repos/${where}`);
    await deliver("issue_comment", {
      action: "created",
      issue: await asUser(owner, "GET", path),
      comment: created,
      repository,
      installation: { id: demo.installationId },
      sender: { login: owner, type: "User" },
    });
    const acked = markerOf()?.acknowledged;
    say(`   /ack by @${owner} → ${acked ? `acknowledged at ${acked.at.slice(0, 16)}Z` : "not acknowledged"}`);

    // c. A day later, the scheduled sweep: clocks advance, escalation goes on until it is remediated.
    clock.advance(86_400_000);
    const later = await sweepNow();
    say(
      `   a day later, the sweep: ${later.clocks} clock(s) advanced, ${later.updated} issue(s) updated; labels now [${issueOf()!
        .labels.filter((l) => l.startsWith("sla:") || l.startsWith("escalation:"))
        .join(", ")}]`,
    );

    // d. The owner revoked the key (GitHub now sees it inactive) and closes the issue as revoked.
    sandbox.state.updateAlert(target.owner, target.repo, target.number, { validity: "inactive" });
    await asUser(owner, "POST", `${path}/labels`, { labels: ["resolution:revoked"] });
    const closed = await asUser(owner, "PATCH", path, { state: "closed", state_reason: "completed" });
    await deliver("issues", {
      action: "closed",
      issue: closed,
      repository,
      installation: { id: demo.installationId },
      sender: { login: owner, type: "User" },
    });
    const alert = sandbox.state.alert(target.owner, target.repo, target.number)!;
    say(
      `   @${owner} closes it with resolution:revoked → issue ${issueOf()!.state}; the alert on GitHub: ${alert.state}${alert.resolution ? ` as ${alert.resolution}` : ""}`,
    );

    // e. The metrics report, as the Action's `report` command computes it.
    const report = await buildReport(new Run({ github, clock, log }), { kind: "organization", org: demo.org }, 30);
    const file = join(tmpdir(), `nhi-steward-report-${clock.now().toISOString().replace(/[:.]/g, "-")}.md`);
    await writeFile(file, report.markdown);
    say(`   metrics report (Markdown with ${report.markdown.includes("```mermaid") ? "Mermaid charts" : "tables"}): ${file}`);

    const ok =
      toOnCall &&
      pages.length > 0 &&
      Boolean(acked) &&
      issueOf()!.state === "closed" &&
      alert.state === "resolved" &&
      report.markdown.includes("```mermaid");
    return { ok, written: pages.join("\n") + "\n" + report.markdown };
  } finally {
    await new Promise((r) => pd.close(r));
  }
}
