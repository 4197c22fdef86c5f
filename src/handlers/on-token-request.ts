import { InputError } from "../core/alert/input-error.ts";
import { alertFromTokenRequest, tokenRequestKey } from "../core/alert/token-request.ts";
import { LABELS } from "../core/issue/labels.ts";
import { decodeMarker, type Marker } from "../core/issue/marker.ts";
import { text } from "../core/issue/markdown.ts";
import { planStateChange } from "../core/issue/state-change.ts";
import type { Policy } from "../core/policy/schema.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { parseRepo } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

type TokenRequestPayload = {
  action?: string;
  organization?: { login?: string };
  sender?: { login?: string };
  personal_access_token_request?: { id?: number; token_id?: number; token_name?: string | null; owner?: { login?: string } };
};

/**
 * `personal_access_token_request`: created or approved, a risky request or grant becomes an owned
 * issue; denied or cancelled, the issue (when one was opened) is closed with that resolution.
 */
export async function onTokenRequest(run: Run, payload: TokenRequestPayload): Promise<ExecutionReport | null> {
  try {
    return await handleTokenRequest(run, payload);
  } catch (e) {
    // Signed by GitHub but not the documented shape: a redelivery sends the same bytes, so failing
    // (5xx) would only make GitHub retry in vain. One line names the field; the delivery succeeds.
    if (!(e instanceof InputError)) throw e;
    // What it does say (organisation, request, requester, token name) stays in the log line, so a
    // person can still find the request in the organisation's settings.
    const org = payload?.organization?.login ?? "?";
    const r = payload?.personal_access_token_request;
    const said = [
      typeof r?.id === "number" ? `request #${r.id}` : null,
      r?.owner?.login ? `by @${r.owner.login}` : null,
      r?.token_name ? `token “${r.token_name}”` : null,
    ]
      .filter(Boolean)
      .join(" ");
    run.deps.log.warn(
      `${org}: personal_access_token_request.${String(payload?.action ?? "?")}${said ? ` (${said})` : ""} ignored, as GitHub cannot fix it by redelivering: ${e.message}`,
    );
    return null;
  }
}

async function handleTokenRequest(run: Run, payload: TokenRequestPayload): Promise<ExecutionReport | null> {
  const { log } = run.deps;
  if (payload.action === "denied" || payload.action === "cancelled") return onTokenRequestEnded(run, payload, payload.action);
  if (payload.action !== "created" && payload.action !== "approved") return null;
  const org = payload.organization?.login;
  if (!org)
    throw new InputError(
      "The personal_access_token_request event is malformed",
      ["organization.login: missing"],
      "Check the webhook payload.",
    );
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

/** Where token request issues live: the response repository, else the organisation's `.github`. */
function tokenRequestHome(policy: Policy, org: string) {
  return policy.response_repository ? parseRepo(policy.response_repository) : { owner: org, name: ".github" };
}

/**
 * Denied (by an owner) or cancelled (by the requester): the token never got the access, so the
 * issue is closed with that resolution in its marker (metrics count the closure). Idempotent: an
 * issue already closed with a resolution is left alone; no issue (the request was within policy,
 * or never seen) is only logged.
 */
async function onTokenRequestEnded(
  run: Run,
  payload: TokenRequestPayload,
  action: "denied" | "cancelled",
): Promise<ExecutionReport | null> {
  const { log, github, clock } = run.deps;
  const org = payload.organization?.login;
  const request = payload.personal_access_token_request;
  if (!org || typeof request?.token_id !== "number") {
    throw new InputError(
      "The personal_access_token_request event is malformed",
      [!org ? "organization.login: missing" : "personal_access_token_request.token_id: missing"],
      "Check the webhook payload.",
    );
  }
  const key = tokenRequestKey(org, request.token_id);
  const { policy } = await loadPolicy(run, { owner: org, name: ".github" });
  const home = tokenRequestHome(policy, org);
  const issue = await github.findIssue(home, key, LABELS.response.name);
  const marker = issue ? decodeMarker(issue.body) : null;
  if (!issue || !marker) {
    log.info(
      `${key}: token request #${request.id ?? "?"} was ${action}; no issue was opened for it (it was within policy, or never seen), so there is nothing to close.`,
    );
    return null;
  }
  if (marker.resolution) {
    log.info(
      `${key}: token request ${action}; ${home.owner}/${home.name}#${issue.number} is already resolved (${marker.resolution.resolution}).`,
    );
    return null;
  }
  const now = clock.now();
  const at = now.toISOString();
  const by = payload.sender?.login ?? (action === "cancelled" ? request.owner?.login : undefined) ?? "someone";
  const requester = request.owner?.login ?? null;
  const token = `“${text(String(request.token_name ?? request.token_id))}”`;
  const comment =
    action === "denied"
      ? `@${by} denied this request on GitHub: the fine-grained token ${token}${requester ? ` of @${requester}` : ""} does not get the access it asked for. Closing this issue as **denied**.`
      : `${requester ? `@${requester}` : `@${by}`} cancelled this request on GitHub: the fine-grained token ${token} does not get the access it asked for. Closing this issue as **cancelled**.`;
  const after: Marker = {
    ...marker,
    resolution: { resolution: action, at, by, comment: `token request ${action} on GitHub` },
    timeline: [...marker.timeline, { at, event: "resolved", by, detail: `token request ${action} on GitHub` }],
  };
  const change = planStateChange(
    `${home.owner}/${home.name}`,
    issue,
    marker,
    after,
    policy,
    now,
    [{ op: "update-issue", issue: issue.number, state: "closed" }],
    `close #${issue.number}: the token request was ${action}`,
  );
  // The comment goes first: a run that dies after it says it again (at least once), never closes silently.
  change.ops.unshift({ op: "comment", issue: issue.number, body: comment });
  log.info(`${key}: ${change.summary}`);
  return execute({ changes: [change] }, github, { dryRun: run.options.dryRun, budget: run.budget, log });
}
