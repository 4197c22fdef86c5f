import { InputError } from "../core/alert/input-error.ts";
import { alertFromTokenRequest } from "../core/alert/token-request.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

/** `personal_access_token_request` created or approved: a risky request or grant becomes an owned issue. */
export async function onTokenRequest(run: Run, payload: { action?: string; organization?: { login?: string } }): Promise<ExecutionReport | null> {
  const { log } = run.deps;
  if (payload.action !== "created" && payload.action !== "approved") return null;
  const org = payload.organization?.login;
  if (!org) throw new InputError("The personal_access_token_request event is malformed", ["organization.login: missing"], "Check the webhook payload.");
  const { policy } = await loadPolicy(run, { owner: org, name: ".github" });
  const alert = alertFromTokenRequest(payload, policy);
  if (!alert) {
    log.debug(`${org}: token request ${payload.action}: within policy.`);
    return null;
  }
  log.info(`${alert.key}: risky token request (${alert.details?.[0]?.[1]}).`);
  const change = await planAlert(run, alert);
  const side = await run.drainSideChanges();
  return execute({ changes: [...side, change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log });
}
