/** What a revocation method is told about a leaked credential: metadata only, never the secret. */
export interface RevocationTarget {
  /** `secret-scanning:owner/name#12` (see `alertKey` in src/core/alert/types.ts). */
  alertKey: string;
  /** `owner/name`. */
  repo: string;
  alertNumber: number;
  /** GitHub's secret type slug, e.g. `github_personal_access_token`. */
  secretType: string;
  identityClass: string;
  /** metadata only, never the secret */
  issueUrl: string | null;
  /**
   * The fine-grained personal access token's grant id in the organisation (`pat_id`), when known.
   * The alert does not carry it: a later step has to look it up (see fine-grained-access.ts).
   */
  patId?: number;
  /** The organisation the token has access to; defaults to the repository owner. */
  org?: string;
}

export type RevocationOutcome =
  | { status: "revoked"; method: string; detail: string }
  | { status: "unsupported"; method: string; detail: string }
  | { status: "failed"; method: string; detail: string; retryable: boolean }
  | { status: "deferred"; method: string; detail: string /* e.g. rate limit */ };

export interface RevocationMethod {
  readonly name: string;
  supports(target: RevocationTarget): boolean;
  /**
   * Revokes, or asks someone to. Never throws for an HTTP or network failure: that is a `failed`
   * outcome. `secret` reads the raw value lazily; only methods that must send it call it, and they
   * send it only to the revocation endpoint.
   */
  revoke(
    target: RevocationTarget,
    secret: () => Promise<string> /* read lazily, only by methods that need it */,
  ): Promise<RevocationOutcome>;
}

/** The context prefix for log lines: `acme/api alert#12`. */
export function targetContext(target: Pick<RevocationTarget, "repo" | "alertNumber">): string {
  return `${target.repo} alert#${target.alertNumber}`;
}
