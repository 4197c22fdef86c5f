import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../log.ts";
import { describeNonResponse, hostOf, post, sha256Hex, signedHeaders } from "./http.ts";
import { targetContext, type RevocationMethod, type RevocationOutcome, type RevocationTarget } from "./types.ts";

/**
 * A signed webhook to the organisation's own rotation service, for credentials GitHub cannot revoke
 * (cloud keys, third-party tokens). It sends metadata only and NEVER the secret: the service finds
 * the credential from the alert itself, with its own access.
 *
 * Request: `POST <url>`, JSON body
 * `{ event: "revoke", alert_key, repo, alert_number, secret_type, identity_class, issue_url, requested_at }`
 * and headers
 * - `X-Nhi-Steward-Signature-256: sha256=<hex HMAC-SHA256 of the exact body bytes, keyed with the shared secret>`
 *   (the scheme of GitHub's `X-Hub-Signature-256`; verify with a constant-time compare),
 * - `X-Nhi-Steward-Event: revoke`,
 * - `Idempotency-Key: <sha256 hex of "revoke\n" + alert key>`: the same for every request about the
 *   same alert, so the service can drop repeats.
 *
 * Answers: 2xx → revoked (the service took it on), 429 → failed retryable, other 4xx → failed,
 * not retryable, 5xx / timeout / network error → failed retryable. Redirects are not followed.
 */
export interface WebhookRevokerOptions {
  url: string;
  /** The shared HMAC key. Never logged. */
  signingSecret: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  /** Default 10 s. */
  timeoutMs?: number;
  /** Which targets the service handles (default: every target). */
  supports?: (target: RevocationTarget) => boolean;
  /** The method's name in outcomes (default `webhook`). */
  name?: string;
}

export class WebhookRevoker implements RevocationMethod {
  readonly name: string;
  private readonly url: string;
  private readonly signingSecret: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly accepts: (target: RevocationTarget) => boolean;

  constructor(options: WebhookRevokerOptions) {
    if (options.signingSecret === "") throw new Error("WebhookRevoker: signingSecret must not be empty");
    this.name = options.name ?? "webhook";
    this.url = options.url;
    this.signingSecret = options.signingSecret;
    this.clock = options.clock;
    this.log = options.log;
    this.fetchImpl = options.fetch ?? fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.accepts = options.supports ?? (() => true);
  }

  supports(target: RevocationTarget): boolean {
    return this.accepts(target);
  }

  /** `_secret` is never called: the rotation service gets metadata, not the credential. */
  async revoke(target: RevocationTarget, _secret: () => Promise<string>): Promise<RevocationOutcome> {
    const context = targetContext(target);
    const body = JSON.stringify({
      event: "revoke",
      alert_key: target.alertKey,
      repo: target.repo,
      alert_number: target.alertNumber,
      secret_type: target.secretType,
      identity_class: target.identityClass,
      issue_url: target.issueUrl,
      requested_at: this.clock.now().toISOString(),
    });
    const headers = signedHeaders(this.signingSecret, body, "revoke", revokeIdempotencyKey(target.alertKey));
    const result = await post(this.fetchImpl, this.url, body, headers, this.timeoutMs);
    const where = hostOf(this.url);
    let outcome: RevocationOutcome;
    if (result.kind !== "response") {
      outcome = {
        status: "failed",
        method: this.name,
        detail: `rotation service at ${where}: ${describeNonResponse(result)}`,
        retryable: true,
      };
    } else if (result.status >= 200 && result.status < 300) {
      outcome = {
        status: "revoked",
        method: this.name,
        detail: `rotation service at ${where} accepted the request (HTTP ${result.status})`,
      };
    } else if (result.status === 429 || result.status >= 500) {
      outcome = {
        status: "failed",
        method: this.name,
        detail: `rotation service at ${where} answered HTTP ${result.status}`,
        retryable: true,
      };
    } else {
      const why = result.status < 400 ? "a redirect, not followed" : "a rejection";
      outcome = {
        status: "failed",
        method: this.name,
        detail: `rotation service at ${where} answered HTTP ${result.status} (${why})`,
        retryable: false,
      };
    }
    this.log[outcome.status === "revoked" ? "info" : "warn"](`${context}: ${this.name}: ${outcome.status}: ${outcome.detail}`);
    return outcome;
  }
}

export function revokeIdempotencyKey(alertKey: string): string {
  return sha256Hex(`revoke\n${alertKey}`);
}
