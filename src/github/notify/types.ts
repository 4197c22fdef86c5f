import type { Severity } from "../../core/policy/schema.ts";

export type { Severity };

export type PageAction = "trigger" | "acknowledge" | "resolve";

/** What a page says about an alert: metadata only, never the secret. */
export interface PageDetails {
  /** `secret-scanning:owner/name#12`: the dedup key, so repeats for one alert land on one incident. */
  alertKey: string;
  /** One line for the on-call person (cut to 1,024 characters for PagerDuty). */
  summary: string;
  severity: Severity;
  /** `owner/name`. */
  repo: string;
  alertNumber: number;
  secretType: string;
  identityClass: string;
  issueUrl: string | null;
  alertUrl?: string | null;
  /** ISO 8601, when the SLA lapses or lapsed. */
  deadline?: string | null;
  /** Extra metadata for the responder. Never a secret. */
  details?: Record<string, string | number | boolean | null>;
}

export type PageEvent = ({ action: "trigger" } & PageDetails) | { action: "acknowledge" | "resolve"; alertKey: string };

export interface PageResult {
  ok: boolean;
  /** The last HTTP status, or null when no response came (timeout, network error). */
  status: number | null;
  dedupKey: string;
  detail: string;
  /** Requests made, retries included. */
  attempts: number;
}

export interface Pager {
  readonly name: string;
  send(event: PageEvent): Promise<PageResult>;
}

/** The context prefix for log lines: `acme/api alert#12`, or the alert key when that is all there is. */
export function pageContext(event: PageEvent): string {
  return event.action === "trigger" ? `${event.repo} alert#${event.alertNumber}` : event.alertKey;
}
