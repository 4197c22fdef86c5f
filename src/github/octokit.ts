import { Octokit } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import type { Logger } from "../log.ts";
import type { OctokitLike } from "./octokit-port.ts";

const ActionOctokit = Octokit.plugin(paginateRest, restEndpointMethods, retry, throttling);

/**
 * An Octokit for the Action and CLI: retries transient errors, waits out rate limits (twice at
 * most), and paces writes as GitHub asks (`pace: false` only against a local sandbox).
 */
export function createOctokit(options: { token: string; baseUrl?: string; log: Logger; userAgent?: string; pace?: boolean }): OctokitLike {
  const { log } = options;
  return new ActionOctokit({
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
}
