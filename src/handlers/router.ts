import type { EmitterWebhookEvent, EmitterWebhookEventName } from "@octokit/webhooks";
import { InputError } from "../core/alert/input-error.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { DISPATCH_EVENT_TYPE } from "../core/findings/dispatch.ts";
import { alertLockKey, ASSIGNMENT_ACTIONS, onAlertAssignment, onAlertEvent, RESPOND_TO } from "./on-alert.ts";
import { onIssueComment } from "./on-comment.ts";
import { onDispatch } from "./on-findings.ts";
import { onInstallation } from "./on-installation.ts";
import { onIssueClosed } from "./on-issue-closed.ts";
import { onTokenRequest } from "./on-token-request.ts";
import type { Run } from "./run.ts";

/**
 * The one way in per event. The App (src/app/app.ts) registers exactly these handlers with Probot
 * (`app.on(route.on, …)`); the Action (src/action/main.ts) hands the runner's event to the route
 * whose names match it. Event names and payload types are @octokit/webhooks' own.
 */
export interface RouteEvent<N extends EmitterWebhookEventName> {
  /** The event name as GitHub sends it (`issues`, `secret_scanning_alert`…), without the action. */
  name: string;
  /** The delivery id (`X-GitHub-Delivery`); absent in the Action. */
  id?: string;
  payload: EmitterWebhookEvent<N>["payload"];
}

interface TypedRoute<N extends EmitterWebhookEventName> {
  /** What it is registered for: `event` (every action) or `event.action`. */
  on: readonly N[];
  /** The name deliveries of it are claimed under (the App's replay guard). */
  claim: string;
  handle(run: Run, event: RouteEvent<N>): Promise<unknown>;
  /**
   * Errors the handler has already explained and a redelivery of the same payload cannot fix: the
   * App answers the delivery as done; the Action fails the step so a person sees it.
   */
  final?(e: unknown): boolean;
}

/** A row of the table, its payload type checked where it is written and erased here. */
export interface Route {
  on: readonly EmitterWebhookEventName[];
  claim: string;
  handle(run: Run, event: { name: string; id?: string; payload: unknown }): Promise<unknown>;
  final?(e: unknown): boolean;
}

function route<N extends EmitterWebhookEventName>(r: TypedRoute<N>): Route {
  return r as unknown as Route;
}

const ALERT_EVENTS: readonly (keyof typeof RESPOND_TO)[] = ["secret_scanning_alert", "secret_scanning_alert_location"];
// RESPOND_TO (on-alert.ts) names which of their actions open or refresh an issue; both name the same events.
if (ALERT_EVENTS.length !== Object.keys(RESPOND_TO).length) throw new Error("router: RESPOND_TO and the alert route disagree");

/** Event name[.action] → handler: the whole table. */
export const ROUTES = [
  route<(typeof ALERT_EVENTS)[number]>({
    on: ALERT_EVENTS,
    claim: "alert",
    async handle(run, delivered) {
      const event = { name: delivered.name, ...(delivered.id ? { id: delivered.id } : {}), payload: delivered.payload as unknown };
      const key = alertLockKey(event);
      const work = () => onAlertEvent(run, event);
      // One delivery per alert at a time (across replicas when the lock is Redis).
      return key && run.deps.lock ? run.deps.lock.withLock(key, work) : work();
    },
  }),
  // A person (un)assigning the alert on GitHub: the issue follows. Probot hands these deliveries to
  // the route above too, which has nothing to do for them (not in RESPOND_TO); routeFor picks this row.
  route<`secret_scanning_alert.${(typeof ASSIGNMENT_ACTIONS)[number]}`>({
    on: ASSIGNMENT_ACTIONS.map((a) => `secret_scanning_alert.${a}` as const),
    claim: "alert-assignment",
    async handle(run, delivered) {
      const event = { name: delivered.name, payload: delivered.payload as unknown };
      const key = alertLockKey(event);
      const work = () => onAlertAssignment(run, event.payload);
      return key && run.deps.lock ? run.deps.lock.withLock(key, work) : work();
    },
  }),
  // Installed, or given more repositories: their open alerts become issues now.
  route<"installation.created" | "installation_repositories.added">({
    on: ["installation.created", "installation_repositories.added"],
    claim: "installation",
    handle: (run, event) => onInstallation(run, event.payload as Parameters<typeof onInstallation>[1]),
  }),
  route<"issues.closed">({
    on: ["issues.closed"],
    claim: "issues.closed",
    handle: (run, event) => onIssueClosed(run, event.payload as Parameters<typeof onIssueClosed>[1]),
  }),
  route<"issue_comment.created">({
    on: ["issue_comment.created"],
    claim: "issue_comment",
    handle: (run, event) => onIssueComment(run, event.payload as Parameters<typeof onIssueComment>[1]),
  }),
  route<"repository_dispatch">({
    on: ["repository_dispatch"],
    claim: "repository_dispatch",
    async handle(run, event) {
      const payload = event.payload as { action?: string; repository?: unknown };
      if (payload.action !== DISPATCH_EVENT_TYPE) return null;
      return onDispatch(run, payload, repositoryFrom(payload.repository).repo);
    },
    // Already logged with the failing fields; redelivering the same payload cannot help.
    final: (e) => e instanceof InputError,
  }),
  route<`personal_access_token_request.${"created" | "approved" | "denied" | "cancelled"}`>({
    on: [
      "personal_access_token_request.created",
      "personal_access_token_request.approved",
      "personal_access_token_request.denied",
      "personal_access_token_request.cancelled",
    ],
    claim: "personal_access_token_request",
    handle: (run, event) => onTokenRequest(run, event.payload as Parameters<typeof onTokenRequest>[1]),
  }),
] as const satisfies readonly Route[];

/** Every event name the table registers for, without actions. */
export const ROUTED_EVENTS = [...new Set(ROUTES.flatMap((r) => r.on.map((n) => n.split(".")[0]!)))];

/**
 * Events GitHub sends every app whatever it subscribes to (they cannot be named in a manifest's
 * `default_events`): app.yml subscribes to ROUTED_EVENTS without these.
 */
export const ALWAYS_DELIVERED: readonly string[] = ["installation", "installation_repositories"];

/** The route for an event and its action, as Probot would pick it; null when nothing handles it. */
export function routeFor(name: string, action: string | undefined): Route | null {
  // A route for the exact action goes before one for the whole event (`secret_scanning_alert.assigned`).
  const exact = action === undefined ? undefined : ROUTES.find((r) => (r.on as readonly string[]).includes(`${name}.${action}`));
  return exact ?? ROUTES.find((r) => (r.on as readonly string[]).includes(name)) ?? null;
}
