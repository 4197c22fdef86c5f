/**
 * GitHub-shaped webhook deliveries built from the current state, ready for `probot.receive(...)`.
 * Shapes follow the description's webhook-secret-scanning-alert-* schemas: the alert never carries
 * the secret (nor `state`: the action says what happened).
 */
import { orgSimple, repository, simpleUser, location, webhookAlert, type Urls } from "./render.ts";
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
}

export interface WebhookDelivery {
  name: string;
  id: string;
  payload: Record<string, unknown>;
}

let deliveries = 0;

function deliveryId(): string {
  deliveries++;
  return `00000000-5a4d-4b0c-8000-${deliveries.toString(16).padStart(12, "0")}`;
}

export function buildWebhook(state: SandboxState, urls: Urls, event: WebhookEvent, action: string, ref: WebhookRef): WebhookDelivery {
  const r = state.requireRepo(ref.owner, ref.repo);
  const a = state.requireAlert(r, ref.alertNumber);
  const owner = state.ensureUser(r.owner);
  const installationId = ref.installationId ?? state.installationForRepo(r.owner, r.name)?.id;
  const senderLogin = ref.sender ?? (action === "resolved" && a.resolvedBy ? a.resolvedBy : r.owner);

  const payload: Record<string, unknown> = { action, alert: webhookAlert(state, a, r, urls) };
  if (event === "secret_scanning_alert_location") {
    const loc = a.locations.at(-1);
    if (!loc) throw new Error(`sandbox: alert ${r.owner}/${r.name}#${a.number} has no location`);
    payload.location = location(loc, r, urls);
  }
  const { permissions: _permissions, ...repo } = repository(state, r, urls);
  payload.repository = repo;
  if (owner.type === "Organization") payload.organization = orgSimple(owner, urls);
  if (installationId !== undefined) payload.installation = { id: installationId, node_id: Buffer.from(`0:Installation${installationId}`).toString("base64") };
  payload.sender = simpleUser(state.ensureUser(senderLogin), urls);
  return { name: event, id: deliveryId(), payload };
}
