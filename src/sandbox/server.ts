/**
 * The sandbox's HTTP side: a node:http server on 127.0.0.1 that logs every request, validates it
 * against GitHub's REST description, applies injected faults and rate limits, routes it to the
 * in-memory state and answers with GitHub's headers (Link, ETag/304, x-ratelimit-*).
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { VirtualClock, type Clock } from "../core/clock.ts";
import { silentLogger, type Logger } from "../log.ts";
import { Faults } from "./faults.ts";
import { answerGraphql } from "./graphql.ts";
import { DOCS, HttpError, errorBody, type Reply, type Route, type RouteContext } from "./http.ts";
import { OpenApi } from "./openapi.ts";
import { RateLimits } from "./ratelimit.ts";
import type { Urls } from "./render.ts";
import { Router } from "./router.ts";
import { appRoutes } from "./routes/apps.ts";
import { auditLogRoutes } from "./routes/audit-log.ts";
import { issueRoutes } from "./routes/issues.ts";
import { searchRoutes } from "./routes/search.ts";
import { miscRoutes } from "./routes/misc.ts";
import { pullRoutes } from "./routes/pulls.ts";
import { repoRoutes } from "./routes/repos.ts";
import { secretScanningRoutes } from "./routes/secret-scanning.ts";
import { teamRoutes } from "./routes/teams.ts";
import { SandboxState } from "./state.ts";
import type { Fault, RequestLogEntry, SandboxOptions, ValidationErrorEntry, ValidationErrorKind } from "./types.ts";
import {
  buildInstallationWebhook,
  buildIssueWebhook,
  buildWebhook,
  checkWebhookPayload,
  type InstallationWebhookRef,
  type IssueWebhookRef,
  type WebhookDelivery,
  type WebhookEvent,
  type WebhookRef,
} from "./webhooks.ts";

export const DEFAULT_START = "2026-01-05T09:00:00Z";

/** Every route the sandbox serves, with path templates exactly as in GitHub's REST description. */
export const ROUTES: readonly Route[] = [
  ...appRoutes,
  ...auditLogRoutes,
  ...repoRoutes,
  ...secretScanningRoutes,
  ...teamRoutes,
  ...issueRoutes,
  ...pullRoutes,
  ...searchRoutes,
  ...miscRoutes,
];

export interface Sandbox {
  /** "http://127.0.0.1:<port>" — use as Octokit's baseUrl, Probot's baseUrl or GITHUB_API_URL. "<url>/api/v3" works too. */
  url: string;
  state: SandboxState;
  requests: RequestLogEntry[];
  validationErrors: ValidationErrorEntry[];
  faults: { inject(f: Fault): void; clear(): void };
  webhook(event: WebhookEvent, action: string, ref: WebhookRef): WebhookDelivery;
  /** `installation.created` / `installation_repositories.added`, checked against GitHub's webhook schema. */
  installationWebhook(action: "created" | "added", ref: InstallationWebhookRef): WebhookDelivery;
  /** `issues.<action>` / `issue_comment.<action>` for an issue as the state has it now, checked against GitHub's webhook schema. */
  issueWebhook(event: "issues" | "issue_comment", action: string, ref: IssueWebhookRef): WebhookDelivery;
  /**
   * Checks a payload a test wrote itself against GitHub's webhook schema, recording problems in
   * `validationErrors` like the sandbox's own; returns them.
   */
  checkWebhook(event: string, payload: Record<string, unknown>): string[];
  /** Requests counted against the primary rate limit: for one token (null = anonymous), or all. */
  countedRequests(token?: string | null): number;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const sandbox = new SandboxServer(options);
  await sandbox.listen(options.port ?? 0);
  return sandbox;
}

const router = new Router<Route>();
for (const r of ROUTES) router.add(r.method, r.path, r);

function tokenOf(authorization: string | undefined): string | null {
  if (!authorization) return null;
  const m = /^\s*(?:token|bearer)\s+(.+?)\s*$/i.exec(authorization);
  return m ? m[1]! : authorization.trim();
}

function etagOf(payload: string, accept: string): string {
  return `W/"${createHash("sha256").update(accept).update("\0").update(payload).digest("hex")}"`;
}

function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((t) => t.trim() === "*" || strip(t) === strip(etag));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

class SandboxServer implements Sandbox {
  url = "";
  readonly state: SandboxState;
  readonly requests: RequestLogEntry[] = [];
  readonly validationErrors: ValidationErrorEntry[] = [];
  readonly faults: Faults;
  private readonly server: Server;
  private readonly validate: boolean;
  private readonly validateResponses: boolean;
  private readonly enforceRateLimit: boolean;
  private readonly contentLimit: { perMinute: number; perHour: number } | null;
  private readonly contentWrites: number[] = [];
  private readonly clock: Clock;
  private readonly rate: RateLimits;
  private readonly logger: Logger;
  private readonly htmlUrl: string;
  private readonly hanging = new Set<ServerResponse>();
  private requestCounter = 0;

  constructor(options: SandboxOptions) {
    const clock = options.clock ?? new VirtualClock(DEFAULT_START);
    this.state = new SandboxState(clock);
    this.faults = new Faults();
    this.validate = options.validate ?? true;
    this.validateResponses = options.validateResponses ?? this.validate;
    this.enforceRateLimit = options.rateLimit?.enforce ?? true;
    this.contentLimit = options.contentLimit ?? null;
    this.clock = clock;
    this.rate = new RateLimits(clock, options.rateLimit?.limit ?? 5000);
    this.logger = options.logger ?? silentLogger;
    this.htmlUrl = (options.htmlUrl ?? "https://github.com").replace(/\/+$/, "");
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.logger.error(`sandbox: ${req.method} ${req.url}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
      });
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(port, "127.0.0.1", () => resolve());
    });
    const { port: actual } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${actual}`;
    this.logger.debug(`sandbox: listening on ${this.url}`);
  }

  installationWebhook(action: "created" | "added", ref: InstallationWebhookRef): WebhookDelivery {
    const delivery = buildInstallationWebhook(this.state, { api: this.url, html: this.htmlUrl }, action, ref);
    for (const reason of delivery.problems)
      this.validationErrors.push({ method: "WEBHOOK", path: `${delivery.name}.${action}`, route: null, kind: "webhook", reason });
    return delivery;
  }

  webhook(event: WebhookEvent, action: string, ref: WebhookRef): WebhookDelivery {
    const delivery = buildWebhook(this.state, { api: this.url, html: this.htmlUrl }, event, action, ref);
    // A payload GitHub would never send is a sandbox bug, recorded like a request outside the spec.
    for (const reason of delivery.problems)
      this.validationErrors.push({ method: "WEBHOOK", path: `${event}.${action}`, route: null, kind: "webhook", reason });
    return delivery;
  }

  issueWebhook(event: "issues" | "issue_comment", action: string, ref: IssueWebhookRef): WebhookDelivery {
    const delivery = buildIssueWebhook(this.state, { api: this.url, html: this.htmlUrl }, event, action, ref);
    for (const reason of delivery.problems)
      this.validationErrors.push({ method: "WEBHOOK", path: `${event}.${action}`, route: null, kind: "webhook", reason });
    return delivery;
  }

  checkWebhook(event: string, payload: Record<string, unknown>): string[] {
    const problems = checkWebhookPayload(event, payload);
    const action = typeof payload.action === "string" ? payload.action : "";
    for (const reason of problems)
      this.validationErrors.push({ method: "WEBHOOK", path: `${event}.${action}`, route: null, kind: "webhook", reason });
    return problems;
  }

  countedRequests(token?: string | null): number {
    return this.rate.counted(token);
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.socket?.destroy();
    this.hanging.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://sandbox.invalid");
    let path = url.pathname;
    let prefix = "";
    if (path === "/api/v3" || path.startsWith("/api/v3/")) {
      prefix = "/api/v3";
      path = path.slice(prefix.length) || "/";
    }
    let shownPath: string;
    try {
      shownPath = decodeURIComponent(path);
    } catch {
      shownPath = path;
    }
    const raw = await readBody(req);
    const token = tokenOf(req.headers.authorization);
    let body: unknown;
    let badJson = false;
    if (raw.trim().length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        badJson = true;
        body = raw;
      }
    }
    const entry: RequestLogEntry = {
      method,
      path: shownPath,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      token,
      at: this.state.now(),
      body: body ?? null,
      counted: false,
      fault: false,
    };
    this.requests.push(entry);
    const urls: Urls = { api: this.url + prefix, html: this.htmlUrl };
    const record = (route: string | null, kind: ValidationErrorKind, reason: string): void => {
      this.validationErrors.push({ method, path: shownPath, route, kind, reason });
      this.logger.warn(`sandbox: ${method} ${shownPath}: ${kind}: ${reason}`);
    };

    // 0. GraphQL (not in the REST description): the queries nhi-steward sends, after faults had their say.
    if (method === "POST" && (url.pathname === "/graphql" || url.pathname === "/api/graphql")) {
      const fault = this.faults.take(method, shownPath, path);
      if (fault) entry.fault = true;
      if (fault?.status !== undefined) {
        this.send(
          req,
          res,
          entry,
          { status: fault.status, body: fault.body ?? { message: defaultMessage(fault.status) }, headers: fault.headers ?? {} },
          token,
        );
        return;
      }
      const answer = answerGraphql(this.state, token, body, urls);
      if (answer.unimplemented) record("POST /graphql", "unimplemented", answer.unimplemented);
      this.send(req, res, entry, answer.reply, token);
      return;
    }

    // 1. Validation: recorded now, answered after faults had their say.
    const match = router.match(method, path);
    const served = match?.value;
    let early: Reply | undefined;
    if (badJson) {
      record(served ? `${method} ${served.path}` : null, "body", "Problems parsing JSON");
      early = { status: 400, body: errorBody(400, "Problems parsing JSON", served?.docs ?? DOCS) };
    } else if (this.validate) {
      const check = OpenApi.shared().checkRequest(method, path, url.searchParams, body, raw.trim().length > 0);
      for (const p of check.problems) record(check.route, p.kind, p.reason);
      if (check.problems.length) {
        const docs = check.docs ?? DOCS;
        early =
          check.status === 404
            ? { status: 404, body: errorBody(404, "Not Found", docs) }
            : { status: 422, body: errorBody(422, `Invalid request.\n\n${check.problems.map((p) => p.reason).join("\n")}`, docs) };
      } else if (!served) {
        record(check.route, "unimplemented", `the sandbox does not implement ${check.route}`);
        early = { status: 404, body: errorBody(404, "Not Found", check.docs ?? DOCS) };
      }
    }
    if (!early && !served) {
      record(null, "unknown-route", `the sandbox serves no ${method} ${path}`);
      early = { status: 404, body: errorBody(404, "Not Found", DOCS) };
    }

    // 2. Faults.
    const fault = this.faults.take(method, shownPath, path);
    if (fault) {
      entry.fault = true;
      if (fault.delayMs) await sleep(fault.delayMs);
      if (fault.until) await fault.until.catch(() => undefined);
      if (res.destroyed) return;
      if (fault.reset) {
        this.logger.debug(`sandbox: ${method} ${path} → fault: reset`);
        req.socket.destroy();
        return;
      }
      if (fault.hang) {
        this.logger.debug(`sandbox: ${method} ${path} → fault: hang`);
        this.hanging.add(res);
        return;
      }
      if (fault.status !== undefined) {
        this.countRequest(entry, token);
        const reply: Reply = {
          status: fault.status,
          body: fault.body ?? errorBody(fault.status, defaultMessage(fault.status), served?.docs ?? DOCS),
          headers: fault.headers ?? {},
        };
        this.send(req, res, entry, reply, token);
        return;
      }
    }

    if (early) {
      this.countRequest(entry, token);
      this.send(req, res, entry, early, token);
      return;
    }
    const routeDef = served!;

    // 3. Primary rate limit.
    const isRateLimitRoute = routeDef.path === "/rate_limit";
    if (this.enforceRateLimit && !isRateLimitRoute && this.rate.exhausted(token)) {
      const who = token === null ? "127.0.0.1" : `token ${token.slice(0, 8)}…`;
      const reply: Reply = {
        status: 403,
        body: errorBody(403, `API rate limit exceeded for ${who}.`, "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"),
      };
      this.send(req, res, entry, reply, token);
      return;
    }

    // 3b. Secondary limit on content creation (issues and comments), by the sandbox's clock.
    if (this.contentLimit && method === "POST" && /\/issues(\/\d+\/comments)?$/.test(path)) {
      const now = this.clock.now().getTime();
      while (this.contentWrites.length && this.contentWrites[0]! <= now - 3_600_000) this.contentWrites.shift();
      const lastMinute = this.contentWrites.filter((t) => t > now - 60_000).length;
      if (lastMinute >= this.contentLimit.perMinute || this.contentWrites.length >= this.contentLimit.perHour) {
        const hourly = this.contentWrites.length >= this.contentLimit.perHour;
        const retryAfter = hourly ? Math.ceil((this.contentWrites[0]! + 3_600_000 - now) / 1000) : 60;
        const reply: Reply = {
          status: 403,
          headers: { "retry-after": String(Math.max(1, retryAfter)) },
          body: errorBody(
            403,
            "You have exceeded a secondary rate limit and have been temporarily blocked from content creation. Please retry your request again later.",
            "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
          ),
        };
        this.send(req, res, entry, reply, token);
        return;
      }
      this.contentWrites.push(now);
    }

    // 4. The route.
    const ctx: RouteContext = {
      method,
      path,
      params: match!.params,
      query: url.searchParams,
      body,
      headers: req.headers,
      token,
      state: this.state,
      urls,
      docs: routeDef.docs,
      actor: () => this.state.actorFor(token),
      rate: () => this.rate.snapshot(token),
    };
    let reply: Reply;
    try {
      reply = routeDef.handler(ctx);
    } catch (err) {
      if (err instanceof HttpError) {
        reply = { status: err.status, body: errorBody(err.status, err.message, err.docs ?? routeDef.docs, err.errors) };
      } else {
        const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
        record(`${method} ${routeDef.path}`, "response", `sandbox error: ${message}`);
        reply = { status: 500, body: errorBody(500, "Server Error", routeDef.docs) };
      }
    }
    if (fault) {
      reply = { ...reply, headers: { ...reply.headers, ...fault.headers } };
      if (fault.body !== undefined) reply = { ...reply, body: fault.body, raw: undefined };
    }

    // 5. Conditional requests: a matching If-None-Match gets a 304 that does not count.
    if (method === "GET" && reply.status === 200) {
      const payload = reply.raw ?? JSON.stringify(reply.body);
      const etag = etagOf(payload, String(req.headers.accept ?? ""));
      reply = { ...reply, headers: { ...reply.headers, etag, "cache-control": "private, max-age=60, s-maxage=60" } };
      if (etagMatches(req.headers["if-none-match"], etag)) {
        this.send(req, res, entry, { status: 304, headers: { etag, "cache-control": "private, max-age=60, s-maxage=60" } }, token);
        return;
      }
    }
    if (!isRateLimitRoute) this.countRequest(entry, token);

    if (this.validateResponses && reply.raw === undefined && reply.body !== undefined) {
      for (const reason of OpenApi.shared().checkResponse(method, routeDef.path, reply.status, reply.body))
        record(`${method} ${routeDef.path}`, "response", reason);
    }
    this.send(req, res, entry, reply, token);
  }

  private countRequest(entry: RequestLogEntry, token: string | null): void {
    this.rate.count(token);
    entry.counted = true;
  }

  private send(req: IncomingMessage, res: ServerResponse, entry: RequestLogEntry, reply: Reply, token: string | null): void {
    if (res.destroyed || res.headersSent) return;
    this.requestCounter++;
    const headers: Record<string, string | number> = {
      date: this.state.clock.now().toUTCString(),
      server: "github.com",
      vary: "Accept, Authorization, Cookie, X-GitHub-OTP, Accept-Encoding",
      "x-github-api-version-selected": "2022-11-28",
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `5A4D:${this.requestCounter.toString(16).toUpperCase().padStart(6, "0")}`,
      ...this.rate.headers(token),
    };
    let payload: string | undefined;
    if (reply.raw !== undefined && reply.status !== 304) {
      payload = reply.raw;
      headers["content-type"] = reply.contentType ?? "text/plain; charset=utf-8";
    } else if (reply.body !== undefined && reply.status !== 204 && reply.status !== 304) {
      payload = JSON.stringify(reply.body);
      headers["content-type"] = "application/json; charset=utf-8";
    }
    Object.assign(headers, reply.headers);
    if (payload !== undefined) headers["content-length"] = Buffer.byteLength(payload);
    res.sendDate = false;
    res.writeHead(reply.status, headers);
    res.end(payload);
    entry.status = reply.status;
    this.logger.debug(`sandbox: ${req.method} ${entry.path} → ${reply.status}${entry.fault ? " (fault)" : ""}`);
  }
}

function defaultMessage(status: number): string {
  switch (status) {
    case 401:
      return "Bad credentials";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 422:
      return "Validation Failed";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    default:
      return `Error ${status}`;
  }
}
