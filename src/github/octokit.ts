import { Octokit } from "@octokit/core";
import type { OctokitOptions } from "@octokit/core/types";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { throttling } from "@octokit/plugin-throttling";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../log.ts";
import type { OctokitLike } from "./octokit-port.ts";

/** `retryOnFailure`'s options (the Octokit option of that name); the defaults are `@octokit/plugin-retry`'s. */
export interface RetryOnFailureOptions {
  /** Default true. */
  enabled?: boolean;
  /** Retries after the first attempt (default 3); a request's own `request: { retries }` wins. */
  retries?: number;
  /** The n-th retry waits n² × this many ms (default 1,000: 1 s, 4 s, 9 s). */
  retryAfterBaseValue?: number;
  /** Statuses never retried (default 400, 401, 403, 404, 410, 422, 451). */
  doNotRetry?: number[];
}

/**
 * Retries a request that failed with a status ≥ 400 other than `doNotRetry` (5xx, 429) or got no
 * answer (Octokit reports a network error as status 500): what `@octokit/plugin-retry` does, with its
 * defaults and its per-request `request: { retries }`, but nothing on the way of a request that
 * succeeds. The plugin schedules every request through a new Bottleneck limiter, whose timers cost
 * ~5 ms per request on loopback (bench/README.md, "Burst"); this is a loop around the request.
 * (Not carried over: the plugin's retry of a GraphQL 200 "Something went wrong"; nhi-steward uses REST.)
 */
export function retryOnFailure(octokit: Octokit, octokitOptions: OctokitOptions): Record<string, never> {
  const state = {
    enabled: true,
    retries: 3,
    retryAfterBaseValue: 1000,
    doNotRetry: [400, 401, 403, 404, 410, 422, 451],
    ...(octokitOptions.retryOnFailure as RetryOnFailureOptions | undefined),
  };
  if (!state.enabled) return {};
  octokit.hook.wrap("request", async (request, options) => {
    const own = options.request as { retries?: number; signal?: AbortSignal } | undefined;
    const retries = own?.retries ?? state.retries;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(options);
      } catch (error) {
        const e = error as { status?: unknown; request?: unknown };
        const status = typeof e.status === "number" ? e.status : 0;
        // Only answers (or their absence) from GitHub: `request` is set on Octokit's RequestError.
        if (attempt >= retries || e.request === undefined || status < 400 || state.doNotRetry.includes(status) || own?.signal?.aborted)
          throw error;
        options.request = { ...options.request, retryCount: attempt + 1 };
        await sleep((attempt + 1) ** 2 * state.retryAfterBaseValue);
      }
    }
  });
  return {};
}

/**
 * Reads GitHub's JSON answers with the built-in `JSON.parse`. Octokit's own parser (`json-with-bigint`)
 * runs a reviver over every value of every answer, testing each number's source text to turn integers
 * beyond 2^53 into BigInts: 2–3× the time of a plain parse and an object per value (in the App, ~0.35 ms a
 * delivery and a few % of what it allocates: bench/README.md, "Burst"). GitHub's ids and counts are below
 * 2^53 (nothing in nhi-steward expects a BigInt), so the answers are the same. Everything else as Octokit
 * reads it: no content type or `text/…`/`charset=utf-8` as text, other types as an ArrayBuffer, JSON that
 * does not parse as its text; a request that asks for the raw body (`parseSuccessResponseBody: false`, as
 * `jsonPages` does) still gets it, and error answers are Octokit's.
 */
export function nativeJson(octokit: Octokit): Record<string, never> {
  octokit.hook.wrap("request", async (request, options) => {
    if ((options.request as { parseSuccessResponseBody?: boolean } | undefined)?.parseSuccessResponseBody === false)
      return request(options);
    // Set on the request's own options object: before-after-hook hands inner hooks those, not what an outer one passes on.
    options.request = { ...options.request, parseSuccessResponseBody: false };
    const response = await request(options);
    response.data = await readBody(response.data as ReadableStream<Uint8Array> | null, response.headers["content-type"]);
    return response;
  });
  return {};
}

/** `@octokit/request`'s `getResponseData`, with `JSON.parse` for JSON. */
async function readBody(body: ReadableStream<Uint8Array> | null, contentType: string | number | undefined): Promise<unknown> {
  const wire = new Response(body);
  if (!contentType) return wire.text().catch(() => undefined);
  const [type = "", ...parameters] = String(contentType).split(";");
  const mime = type.trim().toLowerCase();
  if (mime === "application/json" || mime === "application/scim+json") {
    const text = await wire.text();
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  const charset = parameters
    .map((p) => /^\s*charset\s*=\s*"?([^"\s]*)"?\s*$/i.exec(p)?.[1])
    .find((c) => c !== undefined)
    ?.toLowerCase();
  if (mime.startsWith("text/") || (charset === "utf-8" && mime !== "application/octet-stream")) return wire.text().catch(() => undefined);
  return wire.arrayBuffer().catch(() => new ArrayBuffer(0));
}

const ActionOctokit = Octokit.plugin(paginateRest, restEndpointMethods, retryOnFailure, throttling);

/** What one request to GitHub got, for metrics (the app's `/metrics`). */
export interface RequestOutcome {
  method: string;
  /** The route as requested, e.g. `/repos/{owner}/{repo}/issues` (Octokit's template, or the URL when none). */
  url: string;
  /** The HTTP status (a 304 counts as 304); null when no answer came (connection refused, timeout). */
  status: number | null;
  /** The answer's headers (`x-ratelimit-remaining`, `x-ratelimit-resource`…); empty without an answer. */
  headers: Record<string, string | number | undefined>;
}

/**
 * Calls `observe` once per request an Octokit makes, after it settled (with the hooks of plugins
 * added before: a request the retry plugin repeated is seen once, with its last answer). Never
 * changes the outcome: an observer that throws is ignored.
 */
export function observeRequests(octokit: Pick<Octokit, "hook">, observe: (outcome: RequestOutcome) => void): void {
  const safely = (outcome: RequestOutcome): void => {
    try {
      observe(outcome);
    } catch {
      // Metrics must never fail a request.
    }
  };
  octokit.hook.after("request", (response, options) => {
    safely({ method: options.method, url: options.url, status: response.status, headers: response.headers as RequestOutcome["headers"] });
  });
  octokit.hook.error("request", (error, options) => {
    const e = error as { status?: unknown; response?: { headers?: RequestOutcome["headers"] } };
    safely({
      method: options.method,
      url: options.url,
      status: typeof e.status === "number" && e.status > 0 ? e.status : null,
      headers: e.response?.headers ?? {},
    });
    throw error;
  });
}

/**
 * An Octokit for the Action and CLI: retries transient errors, waits out rate limits (twice at
 * most), and paces writes as GitHub asks. `pace` defaults to false only against a GitHub on
 * loopback (the sandbox of `nhi-steward simulate` and the tests: GitHub.com and GHES never are), where
 * spacing writes ≥ 1 s apart only makes the demo wait.
 */
export function createOctokit(options: {
  token: string;
  baseUrl?: string;
  log: Logger;
  userAgent?: string;
  pace?: boolean;
  onRequest?: (outcome: RequestOutcome) => void;
}): OctokitLike {
  const { log } = options;
  const baseUrl = options.baseUrl ?? "https://api.github.com";
  const octokit = new ActionOctokit({
    auth: options.token,
    baseUrl,
    userAgent: options.userAgent ?? "nhi-steward",
    throttle: {
      enabled: options.pace ?? !isLoopback(baseUrl),
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        // The audit log has its own limit (1,750 queries an hour); its reader stops and the next sweep resumes.
        if (/\/audit-log\b/.test(request.url)) return false;
        log.warn(
          `GitHub rate limit reached on ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter}s` : "giving up"}.`,
        );
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warn(
          `GitHub secondary rate limit on ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter}s` : "giving up"}.`,
        );
        return retryCount < 2;
      },
    },
  });
  if (options.onRequest) observeRequests(octokit, options.onRequest);
  return octokit;
}

/** Whether `url` names this machine (127.0.0.0/8, ::1, localhost): a sandbox, never GitHub. */
export function isLoopback(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return false;
  }
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}
