import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../log.ts";
import { describeNonResponse, post, sha256Hex, USER_AGENT, type PostResult } from "../revoke/http.ts";
import { withRetries, type RetryOptions } from "./retry.ts";
import { pageContext, type PageDetails, type PageEvent, type PageResult, type Pager, type Severity } from "./types.ts";

/**
 * PagerDuty Events API v2 (https://developer.pagerduty.com/docs/events-API-v2/trigger-events):
 * `POST https://events.pagerduty.com/v2/enqueue` with
 * `{ routing_key, event_action: "trigger"|"acknowledge"|"resolve", dedup_key, payload: { summary
 * (≤ 1,024 characters), source, severity: "critical"|"error"|"warning"|"info", timestamp, component,
 * group, class, custom_details }, links: [{ href, text }] }`. Acknowledge and resolve need only
 * `routing_key`, `dedup_key` and `event_action`. `dedup_key` is at most 255 characters.
 * Answers 202 (`{ status, message, dedup_key }`), 400 (do not retry), 429 and 5xx (retry later).
 */

export type PagerDutySeverity = "critical" | "error" | "warning" | "info";

export const PAGERDUTY_SEVERITY: Readonly<Record<Severity, PagerDutySeverity>> = {
  critical: "critical",
  high: "error",
  medium: "warning",
  low: "info",
};

export const MAX_SUMMARY = 1024;
export const MAX_DEDUP_KEY = 255;

export interface PagerDutyOptions {
  /** The integration's 32-character routing key. Never logged. */
  routingKey: string;
  clock: Clock;
  log: Logger;
  /** Default `https://events.pagerduty.com`. */
  baseUrl?: string;
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Retries of 429/5xx/timeouts (default 2), backoff and an injectable sleep. */
  retry?: RetryOptions;
}

export class PagerDutyClient implements Pager {
  readonly name = "pagerduty";
  private readonly routingKey: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly url: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;

  constructor(options: PagerDutyOptions) {
    if (options.routingKey === "") throw new Error("PagerDutyClient: routingKey must not be empty");
    this.routingKey = options.routingKey;
    this.clock = options.clock;
    this.log = options.log;
    this.url = `${(options.baseUrl ?? "https://events.pagerduty.com").replace(/\/+$/, "")}/v2/enqueue`;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? {};
  }

  trigger(details: PageDetails): Promise<PageResult> {
    return this.send({ action: "trigger", ...details });
  }

  acknowledge(alertKey: string): Promise<PageResult> {
    return this.send({ action: "acknowledge", alertKey });
  }

  resolve(alertKey: string): Promise<PageResult> {
    return this.send({ action: "resolve", alertKey });
  }

  async send(event: PageEvent): Promise<PageResult> {
    const context = pageContext(event);
    const dedupKey = pagerDutyDedupKey(event.alertKey);
    const body = JSON.stringify(this.body(event, dedupKey));
    const headers = { "content-type": "application/json", accept: "application/json", "user-agent": USER_AGENT };
    const { result, attempts } = await withRetries(async () => {
      const r = await post(this.fetchImpl, this.url, body, headers, this.timeoutMs);
      if (r.kind !== "response" || r.status >= 300)
        this.log.debug(`${context}: ${this.name}: ${event.action} attempt: ${this.describe(r)}`);
      return r;
    }, this.retry);
    const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
    if (result.kind === "response" && result.status >= 200 && result.status < 300) {
      const returned = parse(result.body)?.dedup_key;
      const key = typeof returned === "string" && returned !== "" ? returned : dedupKey;
      this.log.info(`${context}: ${this.name}: ${event.action} accepted (HTTP ${result.status})${tries}`);
      return {
        ok: true,
        status: result.status,
        dedupKey: key,
        detail: `PagerDuty accepted the ${event.action} (HTTP ${result.status})${tries}`,
        attempts,
      };
    }
    const detail = `PagerDuty did not accept the ${event.action}: ${this.describe(result)}${tries}`;
    this.log.warn(`${context}: ${this.name}: ${detail}`);
    return { ok: false, status: result.kind === "response" ? result.status : null, dedupKey, detail, attempts };
  }

  private body(event: PageEvent, dedupKey: string): Record<string, unknown> {
    const base = { routing_key: this.routingKey, event_action: event.action, dedup_key: dedupKey };
    if (event.action !== "trigger") return base;
    const links = [
      ...(event.issueUrl ? [{ href: event.issueUrl, text: "Response issue" }] : []),
      ...(event.alertUrl ? [{ href: event.alertUrl, text: "Secret scanning alert" }] : []),
    ];
    return {
      ...base,
      payload: {
        summary: truncate(event.summary, MAX_SUMMARY),
        source: event.repo,
        severity: PAGERDUTY_SEVERITY[event.severity],
        timestamp: this.clock.now().toISOString(),
        component: event.secretType,
        group: event.repo.split("/")[0] ?? event.repo,
        class: event.identityClass,
        custom_details: {
          ...event.details,
          alert_key: event.alertKey,
          repo: event.repo,
          alert_number: event.alertNumber,
          secret_type: event.secretType,
          identity_class: event.identityClass,
          severity: event.severity,
          deadline: event.deadline ?? null,
          issue_url: event.issueUrl,
        },
      },
      links,
    };
  }

  /** "HTTP 400: Event object is invalid (…)": PagerDuty's message, with the routing key cut out should it ever be quoted. */
  private describe(result: PostResult): string {
    if (result.kind !== "response") return describeNonResponse(result);
    const json = parse(result.body);
    const parts = [
      typeof json?.message === "string" ? json.message : "",
      Array.isArray(json?.errors) ? json.errors.filter((e) => typeof e === "string").join("; ") : "",
    ].filter(Boolean);
    const said = parts.join(": ").split(this.routingKey).join("[routing key]").slice(0, 300);
    return `HTTP ${result.status}${said ? ` (${said})` : ""}`;
  }
}

/** The alert key, or its SHA-256 when longer than PagerDuty's 255 characters. */
export function pagerDutyDedupKey(alertKey: string): string {
  return alertKey.length <= MAX_DEDUP_KEY ? alertKey : `sha256:${sha256Hex(alertKey)}`;
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

function parse(body: string): { message?: unknown; errors?: unknown[]; dedup_key?: unknown } | null {
  try {
    const v: unknown = JSON.parse(body);
    return typeof v === "object" && v !== null ? (v as { message?: unknown; errors?: unknown[]; dedup_key?: unknown }) : null;
  } catch {
    return null;
  }
}
