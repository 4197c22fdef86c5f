/**
 * GitHub-shaped webhook deliveries built from the current state, ready for `probot.receive(...)`.
 * Every payload is checked against GitHub's webhook description (@octokit/openapi-webhooks) as it
 * is built: problems are returned with it (the server records them in `validationErrors`), and
 * the alert carries only fields GitHub's schema names (no `secret`, `state`, `provider`).
 */
import { OpenApi } from "./openapi.ts";
import {
  comment,
  installation,
  issue,
  label,
  orgSimple,
  repository,
  simpleUser,
  location,
  webhookAlert,
  type OmittableAlertField,
  type Urls,
} from "./render.ts";
import type { SandboxState } from "./state.ts";

export type WebhookEvent = "secret_scanning_alert" | "secret_scanning_alert_location";

export interface WebhookRef {
  owner: string;
  repo: string;
  alertNumber: number;
  /** Defaults to the installation covering the repository (omitted when there is none). */
  installationId?: number;
  /** The account that triggered the event (default: the resolver for `resolved`, else the repository owner). */
  sender?: string;
  /** Alert fields to leave out, as older GitHub Enterprise Server payloads do (e.g. `validity`, `publicly_leaked`). */
  omit?: readonly OmittableAlertField[];
  /** For `assigned` / `unassigned`: the person (un)assigned (default: the alert's assignee now). */
  assignee?: string;
  /** For `secret_scanning_alert_location`: which of the alert's locations (default: the last added). */
  locationIndex?: number;
}

export interface WebhookDelivery {
  name: string;
  id: string;
  payload: Record<string, unknown>;
  /** Where the payload departs from GitHub's webhook schema (always empty unless the sandbox has a bug). */
  problems: string[];
}

let deliveries = 0;

function deliveryId(): string {
  deliveries++;
  return `00000000-5a4d-4b0c-8000-${deliveries.toString(16).padStart(12, "0")}`;
}

/**
 * Problems with a webhook payload: GitHub's schema for the event and action, and (for the alert)
 * no field the schema does not name, since GitHub never sends one.
 */
export function checkWebhookPayload(event: string, payload: Record<string, unknown>): string[] {
  const spec = OpenApi.webhooks();
  const action = typeof payload.action === "string" ? payload.action : "";
  const problems = spec.checkWebhook(event, action, payload);
  const alert = payload.alert;
  if (event.startsWith("secret_scanning_alert") && alert && typeof alert === "object") {
    const known = spec.schemaProperties("secret-scanning-alert-webhook") ?? [];
    for (const k of Object.keys(alert))
      if (!known.includes(k)) problems.push(`payload/alert has '${k}', which GitHub's webhook schema does not name`);
  }
  return problems;
}

export function buildWebhook(state: SandboxState, urls: Urls, event: WebhookEvent, action: string, ref: WebhookRef): WebhookDelivery {
  const r = state.requireRepo(ref.owner, ref.repo);
  const a = state.requireAlert(r, ref.alertNumber);
  const owner = state.ensureUser(r.owner);
  const installationId = ref.installationId ?? state.installationForRepo(r.owner, r.name)?.id;
  const senderLogin = ref.sender ?? (action === "resolved" && a.resolvedBy ? a.resolvedBy : r.owner);

  const payload: Record<string, unknown> = { action, alert: webhookAlert(state, a, r, urls, ref.omit) };
  if (event === "secret_scanning_alert_location") {
    const loc = ref.locationIndex === undefined ? a.locations.at(-1) : a.locations[ref.locationIndex];
    if (!loc) throw new Error(`sandbox: alert ${r.owner}/${r.name}#${a.number} has no location`);
    payload.location = location(loc, r, urls);
  }
  if (event === "secret_scanning_alert" && (action === "assigned" || action === "unassigned")) {
    // GitHub's schema does not require it: without one to name, it is left out.
    const who = ref.assignee ?? a.assignedTo;
    if (who) payload.assignee = simpleUser(state.ensureUser(who), urls);
  }
  const { permissions: _permissions, ...repo } = repository(state, r, urls);
  payload.repository = repo;
  if (owner.type === "Organization") payload.organization = orgSimple(owner, urls);
  if (installationId !== undefined)
    payload.installation = { id: installationId, node_id: Buffer.from(`0:Installation${installationId}`).toString("base64") };
  payload.sender = simpleUser(state.ensureUser(senderLogin), urls);
  return { name: event, id: deliveryId(), payload, problems: checkWebhookPayload(event, payload) };
}

/** The `repository`, `organization`, `installation` and `sender` every repository event carries. */
function envelope(
  state: SandboxState,
  urls: Urls,
  owner: string,
  repo: string,
  sender: string,
  installationId?: number,
): Record<string, unknown> {
  const r = state.requireRepo(owner, repo);
  const account = state.ensureUser(r.owner);
  const id = installationId ?? state.installationForRepo(r.owner, r.name)?.id;
  const { permissions: _permissions, ...repository_ } = repository(state, r, urls);
  return {
    repository: repository_,
    ...(account.type === "Organization" ? { organization: orgSimple(account, urls) } : {}),
    ...(id !== undefined ? { installation: { id, node_id: Buffer.from(`0:Installation${id}`).toString("base64") } } : {}),
    sender: simpleUser(state.ensureUser(sender), urls),
  };
}

export interface IssueWebhookRef {
  owner: string;
  repo: string;
  issueNumber: number;
  /** Who acted: closed the issue, wrote the comment… */
  sender: string;
  /** `issue_comment`: the comment (default: the issue's last). */
  commentId?: number;
  /** `issues.labeled` / `unlabeled`: the label's name. */
  label?: string;
  /** `edited`: what changed, as GitHub sends it (`{ body: { from } }`). */
  changes?: Record<string, unknown>;
  /** Defaults to the installation covering the repository (omitted when there is none). */
  installationId?: number;
}

/**
 * `issues.<action>` or `issue_comment.<action>` for an issue (or pull request) as the state has it
 * now (after the change the event reports), checked against GitHub's webhook schema.
 */
export function buildIssueWebhook(
  state: SandboxState,
  urls: Urls,
  event: "issues" | "issue_comment",
  action: string,
  ref: IssueWebhookRef,
): WebhookDelivery {
  const r = state.requireRepo(ref.owner, ref.repo);
  const i = r.issues.find((x) => x.number === ref.issueNumber);
  if (!i) throw new Error(`sandbox: no issue ${r.owner}/${r.name}#${ref.issueNumber}`);
  const payload: Record<string, unknown> = { action, issue: issue(state, i, r, urls) };
  if (event === "issue_comment") {
    const c = ref.commentId === undefined ? i.comments.at(-1) : i.comments.find((x) => x.id === ref.commentId);
    if (!c) throw new Error(`sandbox: issue ${r.owner}/${r.name}#${i.number} has no comment ${ref.commentId ?? ""}`);
    payload.comment = comment(state, c, i, r, urls);
  }
  if (ref.label !== undefined) {
    const l = state.findLabel(r, ref.label);
    if (!l) throw new Error(`sandbox: no label ${ref.label} in ${r.owner}/${r.name}`);
    payload.label = label(l, r, urls);
  }
  if (ref.changes !== undefined) payload.changes = ref.changes;
  Object.assign(payload, envelope(state, urls, r.owner, r.name, ref.sender, ref.installationId));
  return { name: event, id: deliveryId(), payload, problems: checkWebhookPayload(event, payload) };
}

export interface InstallationWebhookRef {
  installationId: number;
  /** `created`: the repositories listed with the new installation (default: all it covers); `added`: those added. */
  repos?: string[];
  /** Who installed it or added the repositories (default: the account). */
  sender?: string;
}

/**
 * `installation.created` or `installation_repositories.added` for an installation in the state (which
 * should already cover the repositories), as GitHub sends them to every app.
 */
export function buildInstallationWebhook(
  state: SandboxState,
  urls: Urls,
  action: "created" | "added",
  ref: InstallationWebhookRef,
): WebhookDelivery {
  const inst = state.installation(ref.installationId);
  if (!inst) throw new Error(`sandbox: no installation ${ref.installationId}`);
  const names = ref.repos ?? state.installationRepos(inst).map((r) => r.name);
  const repos = names.map((n) => {
    const r = state.requireRepo(inst.account, n);
    const full = repository(state, r, urls) as { id: number; node_id: string; private: boolean };
    return { id: full.id, node_id: full.node_id, name: r.name, full_name: `${r.owner}/${r.name}`, private: full.private };
  });
  const sender = simpleUser(state.ensureUser(ref.sender ?? inst.account), urls);
  const event = action === "created" ? "installation" : "installation_repositories";
  const payload: Record<string, unknown> =
    action === "created"
      ? { action, installation: installation(state, inst, urls), repositories: repos, requester: null, sender }
      : {
          action,
          installation: installation(state, inst, urls),
          repository_selection: inst.repositories === "all" ? "all" : "selected",
          repositories_added: repos,
          repositories_removed: [],
          requester: null,
          sender,
        };
  return { name: event, id: deliveryId(), payload, problems: checkWebhookPayload(event, payload) };
}
