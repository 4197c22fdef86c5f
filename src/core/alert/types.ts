/** A repository as `owner/name`. */
export interface RepoRef {
  owner: string;
  name: string;
}

export type Visibility = "public" | "private" | "internal";
export type Validity = "active" | "inactive" | "unknown";

/** Where a secret was found. Only `commit` locations name a file that CODEOWNERS can own. */
export type AlertLocation =
  | { type: "commit"; path: string; startLine: number | null; endLine: number | null; commitSha: string | null; blobUrl: string | null }
  | { type: string; url: string | null };

/**
 * One normalised non-human-identity alert. Every source (secret scanning today; grants and
 * external detectors later) becomes this shape; nothing after `normalize` looks at raw payloads.
 * It never holds a secret value.
 */
export interface Alert {
  source: "secret-scanning";
  /** Stable identity across deliveries, e.g. `secret-scanning:acme/api#12`. */
  key: string;
  repo: RepoRef;
  /** Visibility when known (webhooks carry it; REST list results may not). */
  visibility: Visibility | null;
  number: number;
  state: "open" | "resolved";
  resolution: string | null;
  secretType: string;
  secretTypeDisplayName: string;
  provider: string | null;
  validity: Validity;
  publiclyLeaked: boolean;
  multiRepo: boolean;
  pushProtectionBypassed: boolean;
  htmlUrl: string | null;
  createdAt: string | null;
  locations: AlertLocation[];
}

export function repoName(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

export function alertKey(source: Alert["source"], repo: RepoRef, number: number): string {
  return `${source}:${repoName(repo)}#${number}`;
}

/** The context prefix for log lines: `acme/api alert#12`. */
export function alertContext(alert: Pick<Alert, "repo" | "number">): string {
  return `${repoName(alert.repo)} alert#${alert.number}`;
}

/** The first location that names a file, which decides ownership. */
export function leakedFile(alert: Alert): Extract<AlertLocation, { type: "commit" }> | null {
  for (const location of alert.locations) {
    if (location.type === "commit" && "path" in location) return location;
  }
  return null;
}
