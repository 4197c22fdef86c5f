import * as core from "@actions/core";
import { createOctokit } from "../github/octokit.ts";
import { OctokitPort } from "../github/octokit-port.ts";
import { fileStateStore, loadSweepState, saveSweepState, scopeId } from "../github/sweep-state.ts";
import { parseRepo, type AlertScope } from "../github/port.ts";
import { planJson, summaryMarkdown } from "../core/plan-report.ts";
import { Run } from "../handlers/run.ts";
import { buildEffects } from "../handlers/effects.ts";
import { sweep } from "../handlers/sweep.ts";
import { buildReport, publishReport } from "../handlers/report.ts";
import { readFileSync, writeFileSync } from "node:fs";
import { context as runnerContext } from "@actions/github";
import type { Clock } from "../core/clock.ts";
import type { ExecutionReport } from "../github/execute.ts";
import { routeFor } from "../handlers/router.ts";
import { DISPATCH_EVENT_TYPE } from "../core/findings/dispatch.ts";
import { onDispatch, onFindingsReport } from "../handlers/on-findings.ts";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "../log.ts";
import { systemClock } from "../system-clock.ts";
import { readInputs } from "./inputs.ts";
import { resolveIdentity } from "../github/identity.ts";

const SWEEP_EVENTS = ["schedule", "workflow_dispatch"];

/**
 * The Action's clock: the real one, unless NHI_STEWARD_NOW names an instant (ISO 8601), for
 * rehearsing a sweep at another time and for tests that run the bundle against a sandbox whose
 * clock they move.
 */
export function actionClock(env: NodeJS.ProcessEnv): Clock {
  const at = env.NHI_STEWARD_NOW?.trim();
  if (!at) return systemClock;
  const ms = Date.parse(at);
  if (Number.isNaN(ms)) throw new Error(`NHI_STEWARD_NOW is not an ISO 8601 instant: "${at}".`);
  return { now: () => new Date(ms) };
}

function reportOutputs(result: unknown, dryRun: boolean, what: string): void {
  const report = (result ?? null) as ExecutionReport | null;
  core.setOutput("opened", report?.opened ?? 0);
  core.setOutput("updated", report?.updated ?? 0);
  core.setOutput("plan", JSON.stringify(planJson(report?.results ?? [], { dryRun: report?.dryRun ?? dryRun })));
  core.info(`nhi-steward${report?.dryRun ? " (dry run)" : ""}: ${what}: ${report ? `${report.opened} issue(s) opened, ${report.updated} updated` : "nothing to do"}`);
}

function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`input \`alert\` is not JSON (${(e as Error).message}); pass the nhi-alert payload, schema in policies/dispatch-schema.json.`, { cause: e });
  }
}

const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
};

/**
 * The Action: on schedule or workflow_dispatch, sweep open alerts into response issues (catching up
 * on closings and commands since the last sweep); on `issues` and `issue_comment`, the handler the
 * App would call (src/handlers/router.ts); findings and dispatched alerts routed like alerts.
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    core.setSecret(inputs.token);
    // The runner's event, as @actions/github reads it (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH).
    const event = runnerContext.eventName ?? "";
    const eventPayload: unknown = runnerContext.payload ?? {};
    const clock = actionClock(env);
    const dispatched = event === "repository_dispatch" && (eventPayload as { action?: string }).action === DISPATCH_EVENT_TYPE;
    if (inputs.findings || inputs.alert || dispatched) {
      if (!env.GITHUB_REPOSITORY) throw new Error("GITHUB_REPOSITORY is not set: run nhi-steward as a step of a GitHub Actions workflow.");
      const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
      const octokit = createOctokit({ token: inputs.token, log: actionsLogger, baseUrl: apiUrl });
      const github = new OctokitPort(octokit, { self: await resolveIdentity(octokit, inputs["app-slug"]), log: actionsLogger });
      const runState = new Run({ github, clock, log: actionsLogger }, { dryRun: inputs["dry-run"], maxOperations: inputs["max-operations"] });
      const here = parseRepo(env.GITHUB_REPOSITORY);
      const report = inputs.findings
        ? await onFindingsReport(runState, readFileSync(inputs.findings, "utf8"), here)
        : await onDispatch(runState, inputs.alert ? parseJsonInput(inputs.alert) : eventPayload, here);
      core.setOutput("opened", report.opened);
      core.setOutput("updated", report.updated);
      core.setOutput("plan", JSON.stringify(planJson(report.results, { dryRun: report.dryRun })));
      const heading = `nhi-steward${report.dryRun ? " (dry run)" : ""}: ${report.findings} finding(s), ${report.opened} issue(s) opened, ${report.updated} updated`;
      core.info(heading);
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report.results, heading)).write();
      if (report.failed) core.setFailed(`nhi-steward: ${report.failed} finding(s) could not be handled; the log says why.`);
      return;
    }
    // Owners' closings and commands (`issues`, `issue_comment`): exactly the handler the App calls.
    const action = (eventPayload as { action?: unknown }).action;
    const route = SWEEP_EVENTS.includes(event) ? null : routeFor(event, typeof action === "string" ? action : undefined);
    if (route) {
      const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
      const octokit = createOctokit({ token: inputs.token, log: actionsLogger, baseUrl: apiUrl });
      const github = new OctokitPort(octokit, { self: await resolveIdentity(octokit, inputs["app-slug"]), log: actionsLogger });
      const runState = new Run({ github, clock, log: actionsLogger }, { dryRun: inputs["dry-run"], maxOperations: inputs["max-operations"] });
      const what = `${event}${typeof action === "string" ? `.${action}` : ""}`;
      const result = await route.handle(runState, { name: event, payload: eventPayload });
      reportOutputs(result, inputs["dry-run"], what);
      const failed = (result as ExecutionReport | null)?.failed ?? 0;
      if (failed) core.setFailed(`nhi-steward: ${what} could not be applied completely; the log says why. The next sweep catches up.`);
      return;
    }
    if (!SWEEP_EVENTS.includes(event)) {
      core.info(`nhi-steward sweeps on ${SWEEP_EVENTS.join(" and ")}; the ${event || "(unknown)"} event has nothing for it to do.`);
      core.setOutput("opened", 0);
      core.setOutput("updated", 0);
      core.setOutput("plan", JSON.stringify({ dryRun: inputs["dry-run"], changes: [] }));
      return;
    }
    if (!env.GITHUB_REPOSITORY) throw new Error("GITHUB_REPOSITORY is not set: run nhi-steward as a step of a GitHub Actions workflow.");
    const here = parseRepo(env.GITHUB_REPOSITORY);
    const scope: AlertScope = inputs.scope === "organization" ? { kind: "organization", org: here.owner } : { kind: "repository", repo: here };

    const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
    const octokit = createOctokit({ token: inputs.token, log: actionsLogger, baseUrl: apiUrl });
    // A sweep may start from the previous sweep's state (input `sweep-state`) and read only what changed.
    const stateStore = inputs.command === "sweep" && inputs["sweep-state"] ? fileStateStore(inputs["sweep-state"]) : null;
    const stateScope = scopeId(scope, inputs.shard);
    const sweepState = stateStore ? await loadSweepState(stateStore, stateScope, clock.now(), actionsLogger) : null;
    const github = new OctokitPort(octokit, { self: await resolveIdentity(octokit, inputs["app-slug"]), log: actionsLogger, sweepState });
    const runState = new Run({ github, clock, log: actionsLogger }, { dryRun: inputs["dry-run"], maxOperations: inputs["max-operations"] });
    if (inputs.command === "report") {
      const report = await buildReport(runState, scope, inputs["report-days"]);
      const dir = env.RUNNER_TEMP ?? tmpdir();
      const jsonPath = join(dir, "nhi-steward-report.json");
      writeFileSync(jsonPath, report.json);
      writeFileSync(join(dir, "nhi-steward-report.csv"), report.csv);
      const published = await publishReport(runState, here, scope.kind === "organization" ? scope.org : env.GITHUB_REPOSITORY, report);
      core.setOutput("report-json", jsonPath);
      core.setOutput("opened", published.opened);
      core.setOutput("updated", published.updated);
      core.setOutput("plan", JSON.stringify(planJson(published.results, { dryRun: published.dryRun })));
      core.info(`nhi-steward report: ${report.records.length} response issue(s) from ${report.repositories} repository(ies).`);
      if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(report.markdown).write();
      return;
    }
    const effects = buildEffects({ github, apiUrl, env, clock, log: actionsLogger });
    if (inputs.shard.count > 1 && scope.kind !== "organization") throw new Error("nhi-steward: input `shard` needs `scope: organization`: a repository sweep covers one repository already.");
    const report = await sweep(runState, scope, { effects, shard: inputs.shard });
    if (stateStore) await saveSweepState(stateStore, github, stateScope, actionsLogger);

    core.setOutput("opened", report.opened);
    core.setOutput("updated", report.updated);
    core.setOutput("plan", JSON.stringify(planJson(report.results, { dryRun: report.dryRun })));
    const heading = `nhi-steward${report.dryRun ? " (dry run)" : ""}: ${report.alerts} open alert(s), ${report.opened} issue(s) opened, ${report.updated} updated${report.deferred ? `, ${report.deferred} deferred to the next run` : ""}`;
    core.info(heading);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report.results, heading)).write();

    if (report.failed || report.unreadable) {
      core.setFailed(`nhi-steward: ${report.failed + report.unreadable} alert(s) could not be handled; the log says why. The next run retries them.`);
    }
  } catch (e) {
    core.setFailed(e instanceof Error ? e.message : String(e));
  }
}
