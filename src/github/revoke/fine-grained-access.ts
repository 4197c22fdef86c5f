import type { Logger } from "../../log.ts";
import type { OctokitLike } from "../octokit-port.ts";
import { targetContext, type RevocationMethod, type RevocationOutcome, type RevocationTarget } from "./types.ts";

/**
 * Removes a fine-grained personal access token's access to the organisation:
 * `POST /orgs/{org}/personal-access-tokens/{pat_id}` with `{ "action": "revoke" }` ("Update the
 * access a fine-grained personal access token has to organization resources", operation
 * `orgs/update-pat-access`, https://docs.github.com/rest/orgs/personal-access-tokens). GitHub
 * answers 204; 403, 404, 422 and 500 are the documented failures.
 *
 * - "Only GitHub Apps can use this endpoint": the Octokit must be an installation's, with the
 *   organisation permission "Personal access tokens" (`organization_personal_access_tokens`) write.
 * - It revokes the token's ACCESS TO THIS ORGANISATION only. The token itself stays valid for
 *   everything else its owner can reach; `CredentialsApiRevoker` kills the token.
 * - It never reads the secret.
 *
 * The alert does not carry `pat_id`, so `supports()` is true only when the target does. A later
 * step finds it with `GET /orgs/{org}/personal-access-tokens?owner[]=<login>` (the tokens approved
 * for the organisation, filterable by owner and by `token_id`): `pat_id` is a grant's `id`, not its
 * `token_id`. Matching a grant to the leaked token needs more than the owner (token name, last use),
 * so that step must not guess when an owner has several grants.
 */
export class FineGrainedAccessRevoker implements RevocationMethod {
  readonly name = "fine-grained-pat-access";
  private readonly octokit: OctokitLike;
  private readonly log: Logger;

  constructor(options: { octokit: OctokitLike; log: Logger }) {
    this.octokit = options.octokit;
    this.log = options.log;
  }

  supports(target: RevocationTarget): boolean {
    return Number.isSafeInteger(target.patId) && (target.patId as number) > 0 && orgOf(target) !== "";
  }

  async revoke(target: RevocationTarget, _secret: () => Promise<string>): Promise<RevocationOutcome> {
    const context = targetContext(target);
    if (!this.supports(target)) {
      return { status: "unsupported", method: this.name, detail: "the fine-grained token's grant id (pat_id) is not known" };
    }
    const org = orgOf(target);
    const patId = target.patId as number;
    try {
      await this.octokit.request("POST /orgs/{org}/personal-access-tokens/{pat_id}", { org, pat_id: patId, action: "revoke" });
      this.log.info(`${context}: ${this.name}: revoked grant ${patId}'s access to ${org}`);
      return {
        status: "revoked",
        method: this.name,
        detail: `revoked fine-grained token grant ${patId}'s access to ${org} (the token stays valid outside ${org})`,
      };
    } catch (e) {
      const status = statusOf(e);
      const headers = headersOf(e);
      const rateLimited =
        status === 429 || (status === 403 && (headers["x-ratelimit-remaining"] === "0" || headers["retry-after"] !== undefined));
      const ref = status === undefined ? "no response" : `HTTP ${status}`;
      let outcome: RevocationOutcome;
      if (rateLimited) {
        outcome = { status: "deferred", method: this.name, detail: `GitHub's rate limit is spent (${ref}); try again later` };
      } else if (status === undefined || status >= 500) {
        outcome = { status: "failed", method: this.name, detail: `revoking grant ${patId} in ${org} failed (${ref})`, retryable: true };
      } else {
        const why =
          status === 403
            ? 'forbidden: only a GitHub App with the organisation permission "Personal access tokens: write" may do this'
            : status === 404
              ? "not found: no such grant in the organisation, or the App is not installed there"
              : status === 422
                ? "validation failed"
                : "rejected";
        outcome = { status: "failed", method: this.name, detail: `revoking grant ${patId} in ${org}: ${why} (${ref})`, retryable: false };
      }
      this.log.warn(`${context}: ${this.name}: ${outcome.status}: ${outcome.detail}`);
      return outcome;
    }
  }
}

function orgOf(target: RevocationTarget): string {
  return target.org ?? target.repo.split("/")[0] ?? "";
}

function statusOf(e: unknown): number | undefined {
  if (typeof e !== "object" || e === null || !("status" in e)) return undefined;
  const n = Number((e as { status: unknown }).status);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function headersOf(e: unknown): Record<string, string | undefined> {
  const headers = (e as { response?: { headers?: unknown } } | null)?.response?.headers;
  return typeof headers === "object" && headers !== null ? (headers as Record<string, string | undefined>) : {};
}
