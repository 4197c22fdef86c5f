import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Logger } from "../log.ts";
import type { OctokitLike } from "./octokit-port.ts";

const ActionOctokit = Octokit.plugin(paginateRest, restEndpointMethods, retry, throttling);

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
    safely({ method: options.method, url: options.url, status: typeof e.status === "number" && e.status > 0 ? e.status : null, headers: e.response?.headers ?? {} });
    throw error;
  });
}

/**
 * An Octokit for the Action and CLI: retries transient errors, waits out rate limits (twice at
 * most), and paces writes as GitHub asks (`pace: false` only against a local sandbox).
 */
export function createOctokit(options: { token: string; baseUrl?: string; log: Logger; userAgent?: string; pace?: boolean; onRequest?: (outcome: RequestOutcome) => void }): OctokitLike {
  const { log } = options;
  const octokit = new ActionOctokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? "https://api.github.com",
    userAgent: options.userAgent ?? "nhi-steward",
    throttle: {
      enabled: options.pace ?? true,
      onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        // The audit log has its own limit (1,750 queries an hour); its reader stops and the next sweep resumes.
        if (/\/audit-log\b/.test(request.url)) return false;
        log.warn(`GitHub rate limit reached on ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter}s` : "giving up"}.`);
        return retryCount < 2;
      },
      onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
        log.warn(`GitHub secondary rate limit on ${request.method} ${request.url}; ${retryCount < 2 ? `retrying in ${retryAfter}s` : "giving up"}.`);
        return retryCount < 2;
      },
    },
  });
  if (options.onRequest) observeRequests(octokit, options.onRequest);
  return octokit;
}
