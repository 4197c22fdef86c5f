import { parseArgs } from "node:util";
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
the organisation and opens the rest. Prints who got which issue and why. Touches no real GitHub.`;

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

  // Starts at the real time: the built Action runs as a child process on the real clock, and the
  // demo's deadlines should agree with it.
  const clock = new VirtualClock(systemClock.now());
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
      const delivery = sandbox.webhook("secret_scanning_alert", "created", { owner: a.owner, repo: a.repo, alertNumber: a.number, installationId: demo.installationId });
      const status = await app.deliver(delivery.name, delivery.payload, { id: delivery.id });
      say(`   ${a.owner}/${a.repo} alert #${a.number} → HTTP ${status}`);
    }
    const again = viaWebhook[0]!;
    const redelivery = sandbox.webhook("secret_scanning_alert", "created", { owner: again.owner, repo: again.repo, alertNumber: again.number, installationId: demo.installationId });
    const status = await app.deliver(redelivery.name, redelivery.payload);
    say(`   redelivery of ${again.owner}/${again.repo} alert #${again.number} → HTTP ${status} (updates, never duplicates)`);
    say("");

    // 2. The Action, on schedule: sweeps the organisation and opens what is missing.
    say("2. The Action sweeps the organisation (dist/index.js, as a runner starts it):");
    const action = await runActionBundle({ apiUrl: sandbox.url, repository: `${demo.org}/.github`, inputs: { token: "ghs_simulated_installation_token", scope: "organization", "dry-run": "false", "max-operations": "100" } });
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

    // 4. The guarantee that matters most.
    const written = sandbox.state.everythingWritten() + "\n" + log.text() + "\n" + action.stdout + "\n" + action.summary;
    const leaked = demo.secrets.filter((s) => written.includes(s));
    say(`4. Planted secret values found in issues, comments, labels, logs or the job summary: ${leaked.length} of ${demo.secrets.length}.`);
    if (values.verbose) say(log.text().replace(/^/gm, "   | "));
    if (sandbox.validationErrors.length) {
      say(`   Requests GitHub would have rejected: ${sandbox.validationErrors.length}`);
      for (const v of sandbox.validationErrors) say(`     ${JSON.stringify(v)}`);
    }
    return leaked.length || action.code ? 1 : 0;
  } finally {
    await app.close();
    await sandbox.close();
  }
}
