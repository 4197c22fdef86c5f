import type { Clock } from "../../core/clock.ts";
import type { Logger } from "../../log.ts";
import { describeNonResponse, hostOf, post, USER_AGENT } from "./http.ts";
import { targetContext, type RevocationMethod, type RevocationOutcome, type RevocationTarget } from "./types.ts";

/**
 * GitHub's credential revocation API, `POST /credentials/revoke` ("Revoke a list of credentials",
 * https://docs.github.com/rest/credentials/revoke#revoke-a-list-of-credentials; also the operation
 * `credentials/revoke` in @octokit/openapi's api.github.com description):
 *
 * - body `{ credentials: string[] }`, 1 to 1,000 per request; answers 202 Accepted, 422
 *   "Validation failed, or the endpoint has been spammed", 500;
 * - "limited to only 60 unauthenticated requests per hour", and "Any authenticated requests will
 *   return a 403": so this sends NO Authorization header and uses plain fetch, not an Octokit;
 * - accepts personal access tokens (classic) `ghp_`, fine-grained personal access tokens
 *   `github_pat_`, OAuth app access tokens `gho_`, GitHub App user-to-server tokens `ghu_` and
 *   GitHub App refresh tokens `ghr_`. Installation tokens (`ghs_`) are not on the list (they are
 *   revoked with `DELETE /installation/token`, authenticated as the token itself), nor are SSH keys;
 * - "Credential owners will be notified of the revocation", and it cannot be undone;
 * - it is in the api.github.com and GHEC descriptions, not in GHES's.
 */

/** Secret scanning types whose tokens the API accepts (GitHub's supported-patterns table; see also src/core/findings/detectors.ts). */
export const CREDENTIALS_API_SECRET_TYPES: readonly string[] = [
  "github_personal_access_token", // ghp_, github_pat_
  "github_oauth_access_token", // gho_, and ghu_ user-to-server tokens
  "github_refresh_token", // ghr_
];

/** The token formats the API accepts. Anything else read from the secret is refused as unsupported. */
const ACCEPTED_TOKEN = /^(?:gh[pour]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})$/;

export const CREDENTIALS_PER_REQUEST = 1000;
export const REQUESTS_PER_HOUR = 60;
const HOUR_MS = 3_600_000;

/**
 * A sliding one-hour window of requests, by the injected clock. A batch reserves its slot when it
 * opens and records the send time when it goes out, so concurrent batches cannot overspend.
 */
export class HourlyBudget {
  readonly limit: number;
  private readonly windowMs: number;
  private readonly sent: number[] = [];
  private reserved = 0;
  private blockedUntil = 0;

  constructor(limit = REQUESTS_PER_HOUR, windowMs = HOUR_MS) {
    this.limit = limit;
    this.windowMs = windowMs;
  }

  available(now: number): number {
    if (now < this.blockedUntil) return 0;
    this.prune(now);
    return Math.max(0, this.limit - this.sent.length - this.reserved);
  }

  reserve(): void {
    this.reserved++;
  }

  commit(now: number): void {
    this.reserved = Math.max(0, this.reserved - 1);
    this.sent.push(now);
  }

  /** GitHub said the limit is spent (`x-ratelimit-remaining: 0`): nothing goes out until `until`. */
  block(until: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, until);
  }

  /** When the next request may go out. */
  nextSlotAt(now: number): number {
    this.prune(now);
    let at = now;
    const used = this.sent.length + this.reserved;
    if (used >= this.limit) at = (this.sent[Math.min(used - this.limit, this.sent.length - 1)] ?? now) + this.windowMs;
    return Math.max(at, this.blockedUntil);
  }

  private prune(now: number): void {
    while (this.sent.length > 0 && (this.sent[0] as number) <= now - this.windowMs) this.sent.shift();
  }
}

interface Waiter {
  context: string;
  resolve(outcome: RevocationOutcome): void;
}

interface Batch {
  /** By token, so the same token queued twice is sent once. */
  readonly items: Map<string, Waiter[]>;
  timer: ReturnType<typeof setTimeout> | null;
}

export interface CredentialsApiRevokerOptions {
  /** `https://api.github.com` (or a test server). */
  baseUrl: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  /** How long a batch waits for company before it is sent (default 250 ms). `flush()` sends at once. */
  batchWindowMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Requests per hour (default 60, GitHub's limit). */
  requestsPerHour?: number;
}

export class CredentialsApiRevoker implements RevocationMethod {
  readonly name = "credentials-api";
  private readonly url: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly fetchImpl: typeof fetch;
  private readonly batchWindowMs: number;
  private readonly timeoutMs: number;
  private readonly budget: HourlyBudget;
  private open: Batch | null = null;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(options: CredentialsApiRevokerOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, "")}/credentials/revoke`;
    this.clock = options.clock;
    this.log = options.log;
    this.fetchImpl = options.fetch ?? fetch;
    this.batchWindowMs = options.batchWindowMs ?? 250;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.budget = new HourlyBudget(options.requestsPerHour ?? REQUESTS_PER_HOUR);
  }

  supports(target: RevocationTarget): boolean {
    return CREDENTIALS_API_SECRET_TYPES.includes(target.secretType);
  }

  /** Requests left in the current hour. */
  remaining(): number {
    return this.budget.available(this.now());
  }

  async revoke(target: RevocationTarget, secret: () => Promise<string>): Promise<RevocationOutcome> {
    const context = targetContext(target);
    if (!this.supports(target)) {
      return {
        status: "unsupported",
        method: this.name,
        detail: `GitHub's credential revocation API does not accept ${target.secretType} secrets`,
      };
    }
    // No slot and no batch to join: say so without reading the secret.
    if (!this.open && this.budget.available(this.now()) === 0) return this.deferred(context);

    let value: string;
    try {
      value = (await secret()).trim();
    } catch {
      this.log.warn(`${context}: ${this.name}: could not read the secret value`);
      return { status: "failed", method: this.name, detail: "could not read the secret value to revoke it", retryable: true };
    }
    if (!ACCEPTED_TOKEN.test(value)) {
      this.log.info(`${context}: ${this.name}: the secret is not a token format the API accepts; not sent`);
      return {
        status: "unsupported",
        method: this.name,
        detail:
          "the secret is not a token GitHub's credential revocation API accepts (ghp_, github_pat_, gho_, ghu_ or ghr_); it was not sent",
      };
    }
    return this.enqueue(value, context);
  }

  /** Sends the open batch now, and waits for every request in flight. */
  async flush(): Promise<void> {
    this.sendOpen();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private enqueue(token: string, context: string): Promise<RevocationOutcome> {
    if (!this.open) {
      if (this.budget.available(this.now()) === 0) return Promise.resolve(this.deferred(context));
      this.budget.reserve();
      const batch: Batch = { items: new Map(), timer: null };
      batch.timer = setTimeout(() => {
        if (this.open === batch) this.sendOpen();
      }, this.batchWindowMs);
      this.open = batch;
    }
    const batch = this.open;
    const outcome = new Promise<RevocationOutcome>((resolve) => {
      const waiters = batch.items.get(token);
      if (waiters) waiters.push({ context, resolve });
      else batch.items.set(token, [{ context, resolve }]);
    });
    this.log.debug(`${context}: ${this.name}: queued for revocation (${batch.items.size} in the batch)`);
    if (batch.items.size >= CREDENTIALS_PER_REQUEST) this.sendOpen();
    return outcome;
  }

  private sendOpen(): void {
    const batch = this.open;
    if (!batch) return;
    this.open = null;
    if (batch.timer) clearTimeout(batch.timer);
    this.budget.commit(this.now());
    const sending = this.send(batch).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async send(batch: Batch): Promise<void> {
    const tokens = [...batch.items.keys()];
    const n = tokens.length;
    const what = `${n} credential${n === 1 ? "" : "s"}`;
    this.log.info(`${this.name}: sending ${what} to ${hostOf(this.url)} (${this.budget.available(this.now())} requests left this hour)`);
    let outcome: RevocationOutcome;
    try {
      outcome = await this.request(tokens, what);
    } catch {
      // Nothing above throws by design; this keeps a waiter from hanging if something does.
      outcome = { status: "failed", method: this.name, detail: `sending ${what} failed unexpectedly`, retryable: true };
    }
    const level = outcome.status === "revoked" ? "info" : "warn";
    this.log[level](`${this.name}: ${outcome.status}: ${outcome.detail}`);
    for (const waiters of batch.items.values()) {
      for (const waiter of waiters) {
        this.log.info(`${waiter.context}: ${this.name}: ${outcome.status}`);
        waiter.resolve(outcome);
      }
    }
  }

  private async request(tokens: string[], what: string): Promise<RevocationOutcome> {
    // No Authorization header: an authenticated request gets 403.
    const headers = {
      accept: "application/vnd.github+json",
      "content-type": "application/json",
      "user-agent": USER_AGENT,
      "x-github-api-version": "2022-11-28",
    };
    const result = await post(this.fetchImpl, this.url, JSON.stringify({ credentials: tokens }), headers, this.timeoutMs);
    if (result.kind !== "response") {
      return { status: "failed", method: this.name, detail: `revoking ${what}: ${describeNonResponse(result)}`, retryable: true };
    }
    // The response body is never quoted: it could echo what was sent.
    const { status, headers: h } = result;
    const requestId = h.get("x-github-request-id");
    const ref = `HTTP ${status}${requestId ? `, request ${requestId}` : ""}`;
    const rateLimited = h.get("x-ratelimit-remaining") === "0";
    if (rateLimited) {
      const reset = Number(h.get("x-ratelimit-reset"));
      const now = this.now();
      this.budget.block(Number.isFinite(reset) && reset > 0 ? Math.min(reset * 1000, now + HOUR_MS) : now + HOUR_MS);
    }
    if (status >= 200 && status < 300) {
      return { status: "revoked", method: this.name, detail: `GitHub accepted ${what} for revocation (${ref}); the owners are notified` };
    }
    if (status >= 300 && status < 400) {
      return {
        status: "failed",
        method: this.name,
        detail: `revoking ${what}: unexpected redirect, not followed (${ref})`,
        retryable: false,
      };
    }
    if (status === 429 || status >= 500 || (status === 403 && rateLimited)) {
      return {
        status: "failed",
        method: this.name,
        detail: `revoking ${what}: ${rateLimited || status === 429 ? "rate limited" : "server error"} (${ref})`,
        retryable: true,
      };
    }
    const why =
      status === 403
        ? "forbidden; the request must be unauthenticated"
        : status === 422
          ? "validation failed, or the endpoint has been spammed"
          : "rejected";
    return { status: "failed", method: this.name, detail: `revoking ${what}: ${why} (${ref})`, retryable: false };
  }

  private deferred(context: string): RevocationOutcome {
    const at = new Date(this.budget.nextSlotAt(this.now())).toISOString();
    this.log.info(`${context}: ${this.name}: deferred, the hourly request budget is spent until ${at}`);
    return {
      status: "deferred",
      method: this.name,
      detail: `GitHub's credential revocation API allows ${this.budget.limit} requests an hour; the next slot opens at ${at}`,
    };
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
