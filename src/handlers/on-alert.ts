import { InputError } from "../core/alert/input-error.ts";
import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { alertContext } from "../core/alert/types.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { gatherAlert } from "./gather-alert.ts";
import { planAlert } from "./plan-alert.ts";
import type { Run } from "./run.ts";

/** Webhook events and actions that open or refresh a response issue. */
export const RESPOND_TO = {
  secret_scanning_alert: ["created", "reopened", "validated", "publicly_leaked"],
  secret_scanning_alert_location: ["created"],
} as const;

export type AlertEventName = keyof typeof RESPOND_TO;

export interface AlertEvent {
  name: string;
  id?: string;
  payload: unknown;
}

/** The lock key for a delivery (`org/repo#12`), so concurrent deliveries of one alert run one at a time. */
export function alertLockKey(event: AlertEvent): string | null {
  const p = (event.payload ?? {}) as { alert?: { number?: unknown }; repository?: { full_name?: unknown } };
  return typeof p.repository?.full_name === "string" && typeof p.alert?.number === "number" ? `${p.repository.full_name}#${p.alert.number}` : null;
}

/** Handles one `secret_scanning_alert` or `secret_scanning_alert_location` delivery. */
export async function onAlertEvent(run: Run, event: AlertEvent): Promise<ExecutionReport | null> {
  const { log } = run.deps;
  const payload = (event.payload ?? {}) as { action?: unknown; alert?: unknown; location?: unknown; repository?: unknown };
  const action = typeof payload.action === "string" ? payload.action : "";
  const wanted = (RESPOND_TO as Record<string, readonly string[]>)[event.name];
  if (!wanted) throw new InputError(`nhi-steward cannot handle the ${event.name} event`, [`event: ${event.name}`], `It handles ${Object.keys(RESPOND_TO).join(" and ")}.`);
  if (!wanted.includes(action)) {
    log.debug(`${event.name}.${action}: nothing to do.`);
    return null;
  }

  const { repo, visibility } = repositoryFrom(payload.repository);
  const alert = await gatherAlert(run, payload.alert, repo, visibility, payload.location ? [payload.location] : []);
  log.info(`${alertContext(alert)}: ${event.name}.${action}${event.id ? ` (delivery ${event.id})` : ""}`);
  const change = await planAlert(run, alert);
  const side = await run.drainSideChanges();
  return execute({ changes: [...side, change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log });
}
