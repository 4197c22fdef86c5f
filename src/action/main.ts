import * as core from "@actions/core";
import { context as runnerContext } from "@actions/github";
import { DISPATCH_EVENT_TYPE } from "../core/findings/event-type.ts";
import { explainGitHubError } from "../github/explain-error.ts";
import { mayHaveRoute } from "../handlers/routed-events.ts";
import { SWEEP_EVENTS } from "./events.ts";
import { readInputs } from "./inputs.ts";

/**
 * The Action: on schedule or workflow_dispatch, sweep open alerts into response issues (catching up
 * on closings and commands since the last sweep); on `issues` and `issue_comment`, the handler the
 * App would call (src/handlers/router.ts); findings and dispatched alerts routed like alerts.
 *
 * Start-up is what every workflow run pays, so this module imports only what decides that there is
 * nothing to do (the inputs, the event, the names the router handles); the work itself is in
 * ./work.ts, imported only when there is some (`npm run bench:action`).
 */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const inputs = readInputs((name) => core.getInput(name));
    core.setSecret(inputs.token);
    // The runner's event, as @actions/github reads it (GITHUB_EVENT_NAME, GITHUB_EVENT_PATH).
    const event = runnerContext.eventName ?? "";
    const eventPayload: unknown = runnerContext.payload ?? {};
    const action = (eventPayload as { action?: unknown }).action;
    const actionName = typeof action === "string" ? action : undefined;
    const dispatched = event === "repository_dispatch" && actionName === DISPATCH_EVENT_TYPE;
    const routed = !SWEEP_EVENTS.includes(event) && mayHaveRoute(event);
    if (!inputs.findings && !inputs.alert && !dispatched && !routed && !SWEEP_EVENTS.includes(event)) {
      core.info(`nhi-steward sweeps on ${SWEEP_EVENTS.join(" and ")}; the ${event || "(unknown)"} event has nothing for it to do.`);
      core.setOutput("opened", 0);
      core.setOutput("updated", 0);
      core.setOutput("plan", JSON.stringify({ dryRun: inputs["dry-run"], changes: [] }));
      return;
    }
    const { work } = await import("./work.ts");
    await work(inputs, { event, payload: eventPayload, action: actionName, dispatched, routed }, env);
  } catch (e) {
    core.setFailed(explainGitHubError(e, "action") ?? (e instanceof Error ? e.message : String(e)));
  }
}
