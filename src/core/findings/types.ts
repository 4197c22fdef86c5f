import type { Validity } from "../alert/types.ts";
import type { IdentityClass } from "../policy/identity-classes.ts";

/** Where an external finding came from. */
export type FindingSource = "gitleaks" | "trufflehog" | "sarif" | "dispatch";

/** A place the credential was seen. `path` is a file path; places without a file become `links`. */
export interface FindingLocation {
  path: string;
  startLine: number | null;
  endLine: number | null;
  commitSha: string | null;
  url: string | null;
}

export type SeverityHint = "critical" | "high" | "medium" | "low";

/**
 * One normalised finding from a detector outside GitHub secret scanning (gitleaks, TruffleHog,
 * SARIF) or from an NHI platform / SIEM sending `repository_dispatch`. It never holds a secret
 * value: the parsers drop every raw field and scrub every string they keep.
 */
export interface ExternalFinding {
  source: FindingSource;
  /**
   * Stable de-duplication key: gitleaks Fingerprint; TruffleHog detector + source metadata (file,
   * line, commit); SARIF fingerprints/partialFingerprints (or ruleId + location when absent);
   * dispatch: source + identity identifier.
   */
  fingerprint: string;
  /** Detector or rule id, e.g. "generic-api-key", "AWS", "aws-access-token". */
  detector: string;
  /** Human name, e.g. "AWS access key". */
  displayName: string;
  /**
   * A GitHub secret-scanning-like type name when the detector maps obviously (gitleaks
   * "github-pat" → "github_personal_access_token", TruffleHog "AWS" → "aws_access_key_id");
   * else the detector id lowercased with `_`.
   */
  secretType: string;
  /** When the source says it (dispatch) or the mapping is obvious; null lets the policy classify. */
  identityClass: IdentityClass | null;
  provider: string | null;
  /** TruffleHog Verified → "active", unverified → "unknown"; gitleaks/SARIF "unknown"; dispatch as sent. */
  validity: Validity;
  severityHint: SeverityHint | null;
  /** "owner/name" when the report or payload says. */
  repository: string | null;
  locations: FindingLocation[];
  links: { title: string; url: string }[];
  description: string | null;
  /** The credential's non-secret id (key id, client id, ARN) when the source names it: dispatch only. */
  identifier: string | null;
  /** For dispatch: who sent it, e.g. "wiz", "siem". For reports: the tool name and version when known. */
  reporter: string;
}

/** What a parser returns: the findings, and the entries it could not use with the reason. */
export type ParseResult = {
  findings: ExternalFinding[];
  skipped: { reason: string; where: string }[];
};
