import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../log.ts";
import { describeNonResponse, hostOf, post, signedHeaders } from "../revoke/http.ts";
import { withRetries, type RetryOptions } from "./retry.ts";
import { pageContext, type PageDetails, type PageEvent, type PageResult, type Pager } from "./types.ts";

/**
 * A generic signed pager webhook, for organisations without PagerDuty. Same scheme as the revocation
 * webhook (src/github/revoke/webhook.ts):
 *
 * `POST <url>`, headers `X-Nhi-Steward-Signature-256: sha256=<hex HMAC-SHA256 of the body>`,
 * `X-Nhi-Steward-Event: page`, `Idempotency-Key: <uuid>` (one per `send`, the same on its retries),
 * JSON body `{ event: "page", action, dedup_key, sent_at }` plus, for `trigger`, `summary, severity,
 * repo, alert_number, secret_type, identity_class, issue_url, alert_url, deadline, details`.
 * `dedup_key` is the alert key: repeats for one alert are one page.
 *
 * 2xx → ok; 429, 5xx, timeouts and network errors are retried (default twice); other answers are not.
 */
export interface SignedWebhookPagerOptions {
  url: string;
  /** The shared HMAC key. Never logged. */
  signingSecret: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Default `randomUUID`; injectable for tests. */
  newId?: () => string;
}

export class SignedWebhookPager implements Pager {
  readonly name = "signed-webhook";
  private readonly url: string;
  private readonly signingSecret: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly retry: RetryOptions;
  private readonly newId: () => string;

  constructor(options: SignedWebhookPagerOptions) {
    if (options.signingSecret === "") throw new Error("SignedWebhookPager: signingSecret must not be empty");
    this.url = options.url;
    this.signingSecret = options.signingSecret;
    this.clock = options.clock;
    this.log = options.log;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.retry = options.retry ?? {};
    this.newId = options.newId ?? randomUUID;
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
    const dedupKey = event.alertKey;
    const body = JSON.stringify({
      event: "page",
      action: event.action,
      dedup_key: dedupKey,
      sent_at: this.clock.now().toISOString(),
      ...(event.action === "trigger"
        ? {
            summary: event.summary,
            severity: event.severity,
            repo: event.repo,
            alert_number: event.alertNumber,
            secret_type: event.secretType,
            identity_class: event.identityClass,
            issue_url: event.issueUrl,
            alert_url: event.alertUrl ?? null,
            deadline: event.deadline ?? null,
            details: event.details ?? {},
          }
        : {}),
    });
    const headers = signedHeaders(this.signingSecret, body, "page", this.newId());
    const { result, attempts } = await withRetries(() => post(this.fetchImpl, this.url, body, headers, this.timeoutMs), this.retry);
    const where = hostOf(this.url);
    const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
    if (result.kind === "response" && result.status >= 200 && result.status < 300) {
      this.log.info(`${context}: ${this.name}: ${event.action} accepted by ${where} (HTTP ${result.status})${tries}`);
      return {
        ok: true,
        status: result.status,
        dedupKey,
        detail: `${where} accepted the ${event.action} (HTTP ${result.status})${tries}`,
        attempts,
      };
    }
    // The receiver's body is not quoted: it is not ours to vouch for.
    const what = result.kind === "response" ? `HTTP ${result.status}` : describeNonResponse(result);
    const detail = `${where} did not accept the ${event.action}: ${what}${tries}`;
    this.log.warn(`${context}: ${this.name}: ${detail}`);
    return { ok: false, status: result.kind === "response" ? result.status : null, dedupKey, detail, attempts };
  }
}
