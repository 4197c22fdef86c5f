import * as core from "@actions/core";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Clock } from "../core/clock.ts";
import { planJson, summaryMarkdown } from "../core/plan-report.ts";
import type { ExecutionReport } from "../github/execute.ts";
import { resolveIdentity } from "../github/identity.ts";
import { createOctokit } from "../github/octokit.ts";
import { OctokitPort } from "../github/octokit-port.ts";
import { parseRepo, type AlertScope } from "../github/port.ts";
import { fileStateStore, loadSweepState, saveSweepState, scopeId } from "../github/sweep-state.ts";
import { buildEffects } from "../handlers/effects.ts";
import { onDispatch, onFindingsReport } from "../handlers/on-findings.ts";
import { buildReport, publishReport } from "../handlers/report.ts";
import { routeFor } from "../handlers/router.ts";
import { Run } from "../handlers/run.ts";
import { sweep } from "../handlers/sweep.ts";
import type { Logger } from "../log.ts";
import { systemClock } from "../system-clock.ts";
import type { ActionInputs } from "./inputs.ts";
import { SWEEP_EVENTS } from "./events.ts";

/**
 * What the Action does when there is something to do (src/action/main.ts decides that first and
 * imports this module only then): findings and dispatched alerts, the routed events, sweeps and reports.
 */

/** The runner's event, as main.ts read it. */
export interface ActionEvent {
  event: string;
  payload: unknown;
  action: string | undefined;
  /** A repository_dispatch of type nhi-alert. */
  dispatched: boolean;
  /** router.ts may have a route for it (routed-events.ts; it is not a sweep event). */
  routed: boolean;
}

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
  core.info(
    `nhi-steward${report?.dryRun ? " (dry run)" : ""}: ${what}: ${report ? `${report.opened} issue(s) opened, ${report.updated} updated` : "nothing to do"}`,
  );
}

function parseJsonInput(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(
      `input \`alert\` is not JSON (${(e as Error).message}); pass the nhi-alert payload, schema in policies/dispatch-schema.json.`,
      { cause: e },
    );
  }
}

/** The `findings` file's text; a problem names the input and the path. */
function readFindingsFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "does not exist: write the detector's report there in an earlier step of the same job (paths are relative to the workspace)"
        : code === "EISDIR"
          ? "is a directory: name the report file"
          : code === "EACCES"
            ? "cannot be read (permission denied)"
            : `cannot be read (${code ?? (e as Error).message})`;
    throw new Error(`nhi-steward: input \`findings\`: the file ${JSON.stringify(path)} ${why}.`, { cause: e });
  }
}

const actionsLogger: Logger = {
  debug: (m) => core.debug(m),
  info: (m) => core.info(m),
  warn: (m) => core.warning(m),
  error: (m) => core.error(m),
};

function repository(env: NodeJS.ProcessEnv): string {
  if (!env.GITHUB_REPOSITORY) throw new Error("GITHUB_REPOSITORY is not set: run nhi-steward as a step of a GitHub Actions workflow.");
  return env.GITHUB_REPOSITORY;
}

export async function work(inputs: ActionInputs, on: ActionEvent, env: NodeJS.ProcessEnv): Promise<void> {
  const { event, payload: eventPayload, action } = on;
  const clock = actionClock(env);
  const apiUrl = env.GITHUB_API_URL ?? "https://api.github.com";
  if (inputs.findings || inputs.alert || on.dispatched) {
    const here = parseRepo(repository(env));
    // Read before any request: a wrong path is said as such, whatever the token.
    const findingsText = inputs.findings ? readFindingsFile(inputs.findings) : null;
    const alertPayload = findingsText === null && inputs.alert ? parseJsonInput(inputs.alert) : null;
    const octokit = createOctokit({ token: inputs.token, log: actionsLogger, baseUrl: apiUrl });
    const github = new OctokitPort(octokit, { self: await resolveIdentity(octokit, inputs["app-slug"]), log: actionsLogger });
    const runState = new Run({ github, clock, log: actionsLogger }, { dryRun: inputs["dry-run"], maxOperations: inputs["max-operations"] });
    const report =
      findingsText !== null
        ? await onFindingsReport(runState, findingsText, here)
        : await onDispatch(runState, alertPayload ?? eventPayload, here);
    core.setOutput("opened", report.opened);
    core.setOutput("updated", report.updated);
    core.setOutput("plan", JSON.stringify(planJson(report.results, { dryRun: report.dryRun })));
    const heading = `nhi-steward${report.dryRun ? " (dry run)" : ""}: ${report.findings} finding(s), ${report.opened} issue(s) opened, ${report.updated} updated`;
    core.info(heading);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report.results, heading)).write();
    const notHandled = report.failed + report.unroutable;
    if (notHandled) core.setFailed(`nhi-steward: ${notHandled} finding(s) could not be handled; the log says why.`);
    return;
  }
  // Owners' closings and commands (`issues`, `issue_comment`): exactly the handler the App calls.
  const route = on.routed ? routeFor(event, action) : null;
  if (route) {
    const octokit = createOctokit({ token: inputs.token, log: actionsLogger, baseUrl: apiUrl });
    const github = new OctokitPort(octokit, { self: await resolveIdentity(octokit, inputs["app-slug"]), log: actionsLogger });
    const runState = new Run({ github, clock, log: actionsLogger }, { dryRun: inputs["dry-run"], maxOperations: inputs["max-operations"] });
    const what = `${event}${action !== undefined ? `.${action}` : ""}`;
    const result = await route.handle(runState, { name: event, payload: eventPayload });
    reportOutputs(result, inputs["dry-run"], what);
    const failed = (result as ExecutionReport | null)?.failed ?? 0;
    if (failed) core.setFailed(`nhi-steward: ${what} could not be applied completely; the log says why. The next sweep catches up.`);
    return;
  }
  if (on.routed || !SWEEP_EVENTS.includes(event)) {
    // An action of a routed event that no route handles (`issues.opened`): nothing to do.
    core.info(
      `nhi-steward sweeps on ${SWEEP_EVENTS.join(" and ")}; the ${event || "(unknown)"} event${action !== undefined ? ` (${action})` : ""} has nothing for it to do.`,
    );
    reportOutputs(null, inputs["dry-run"], `${event}${action !== undefined ? `.${action}` : ""}`);
    return;
  }
  const repoName = repository(env);
  const here = parseRepo(repoName);
  const scope: AlertScope =
    inputs.scope === "organization" ? { kind: "organization", org: here.owner } : { kind: "repository", repo: here };
  if (inputs.shard.count > 1 && scope.kind !== "organization")
    throw new Error("nhi-steward: input `shard` needs `scope: organization`: a repository sweep covers one repository already.");

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
    const published = await publishReport(runState, here, scope.kind === "organization" ? scope.org : repoName, report);
    core.setOutput("report-json", jsonPath);
    core.setOutput("opened", published.opened);
    core.setOutput("updated", published.updated);
    core.setOutput("plan", JSON.stringify(planJson(published.results, { dryRun: published.dryRun })));
    core.info(`nhi-steward report: ${report.records.length} response issue(s) from ${report.repositories} repository(ies).`);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(report.markdown).write();
    return;
  }
  const effects = buildEffects({ github, apiUrl, env, clock, log: actionsLogger });
  const report = await sweep(runState, scope, { effects, shard: inputs.shard });
  if (stateStore) await saveSweepState(stateStore, github, stateScope, actionsLogger);

  core.setOutput("opened", report.opened);
  core.setOutput("updated", report.updated);
  core.setOutput("plan", JSON.stringify(planJson(report.results, { dryRun: report.dryRun })));
  const heading = `nhi-steward${report.dryRun ? " (dry run)" : ""}: ${report.alerts} open alert(s), ${report.opened} issue(s) opened, ${report.updated} updated${report.deferred ? `, ${report.deferred} deferred to the next run` : ""}`;
  core.info(heading);
  if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(summaryMarkdown(report.results, heading)).write();

  if (report.failed || report.unreadable) {
    core.setFailed(
      `nhi-steward: ${report.failed + report.unreadable} alert(s) could not be handled; the log says why. The next run retries them.`,
    );
  }
}
