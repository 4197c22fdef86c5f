/** A repository as `owner/name`. */
export interface RepoRef {
  owner: string;
  name: string;
}

export type Visibility = "public" | "private" | "internal";
export type Validity = "active" | "inactive" | "unknown";

/** Every location type GitHub lists for a secret scanning alert (secret-scanning-location's `type`). */
export const LOCATION_TYPES = [
  "commit",
  "wiki_commit",
  "issue_title",
  "issue_body",
  "issue_comment",
  "discussion_title",
  "discussion_body",
  "discussion_comment",
  "pull_request_title",
  "pull_request_body",
  "pull_request_comment",
  "pull_request_review",
  "pull_request_review_comment",
] as const;

/** A file in the repository's code: the only location CODEOWNERS can own. */
export interface CommitLocation {
  type: "commit";
  /** Relative to the repository root, as CODEOWNERS matches it (GitHub's leading `/` stripped). */
  path: string;
  startLine: number | null;
  endLine: number | null;
  commitSha: string | null;
  /** GitHub's API URL of the blob (external findings: the page they link to). */
  blobUrl: string | null;
  /** The file at that commit on GitHub's web UI, when known. */
  pageUrl?: string | null;
}

/** A page of the repository's wiki: never owned through CODEOWNERS (the wiki is a separate repository). */
export interface WikiLocation {
  type: "wiki_commit";
  path: string;
  startLine: number | null;
  endLine: number | null;
  commitSha: string | null;
  /** The wiki page (GitHub's `page_url`). */
  pageUrl: string | null;
}

/**
 * Text people posted: an issue, pull request or discussion (title, body, comment, review). `url`
 * is what GitHub gave (an API URL for issues and pull requests, a page for discussions); `pageUrl`
 * the page to link to, and `author` who posted it, when they could be read.
 */
export interface ContentLocation {
  type: string;
  url: string | null;
  pageUrl?: string | null;
  author?: string | null;
}

/** Where a secret was found. Only `commit` locations name a file that CODEOWNERS can own. */
export type AlertLocation = CommitLocation | WikiLocation | ContentLocation;

export function isCommitLocation(l: AlertLocation): l is CommitLocation {
  return l.type === "commit" && "path" in l;
}

export function isWikiLocation(l: AlertLocation): l is WikiLocation {
  return l.type === "wiki_commit" && "path" in l;
}

export function isContentLocation(l: AlertLocation): l is ContentLocation {
  return !("path" in l);
}

/**
 * One normalised non-human-identity alert. Every source (secret scanning today; grants and
 * external detectors later) becomes this shape; nothing after `normalize` looks at raw payloads.
 * It never holds a secret value.
 */
export const ALERT_SOURCES = [
  "secret-scanning",
  "gitleaks",
  "trufflehog",
  "sarif",
  "dispatch",
  "token-request",
  "app-installation",
  "audit-log",
] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];

/**
 * Who or what was granted access, for grants (token requests, app installations, audit log
 * entries) rather than leaked secrets. Owner-rule selectors (`apps`, `client_ids`, `publishers`,
 * `permissions`, `requesters`) match these fields, whatever the source; a leaked secret has none.
 */
export interface GrantIdentity {
  /** `app`: a GitHub App or OAuth app was given access; `token`: a token (fine-grained, or authorised for SSO). */
  kind: "app" | "token";
  /** The app's slug (GitHub App) or name (OAuth app); null for tokens. */
  app: string | null;
  /** The app's client ID when known (`Iv1.…`, or an OAuth app's). */
  clientId: string | null;
  /** The account that owns (publishes) the app, when known. */
  publisher: string | null;
  /** Permissions the grant holds, name → `read` | `write` | `admin` (classic scopes are not permissions). */
  permissions: Record<string, string>;
  /** The login that asked for or received the grant (a token's owner), when known. */
  requester: string | null;
}

export interface Alert {
  source: AlertSource;
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
  /** Who pushed the secret past push protection (`push_protection_bypassed_by`), when GitHub names them. */
  pushProtectionBypassedBy?: string | null;
  htmlUrl: string | null;
  createdAt: string | null;
  /**
   * Who the alert is assigned to on GitHub (`assigned_to`): a login, null when nobody, undefined
   * when the source does not say (older payloads, other sources).
   */
  assignedTo?: string | null;
  locations: AlertLocation[];
  /** The identity class the source states (dispatch) or maps obviously; the policy decides otherwise. */
  identityClassHint?: string | null;
  /** Links the source gave (external findings). */
  links?: { title: string; url: string }[];
  /** Who reported it, for external findings: `gitleaks`, `wiz`, … */
  reporter?: string;
  /**
   * Extra rows for the context table (e.g. a token request's permissions): Markdown, every
   * outside string in it escaped with core/issue/markdown.ts by the source that builds them.
   * Every other field here is plain text (names, paths, URLs) that the renderer escapes.
   */
  details?: [string, string][];
  /** People to mention whoever owns it (e.g. the requester of a token). */
  mention?: string[];
  /** Set for grants (apps, tokens): what was granted and to whom. Routing selectors match on it. */
  identity?: GrantIdentity;
}

/** A grant of access (app installation, OAuth approval, token) rather than a leaked secret: no file, the grant runbook. */
export function isGrant(alert: Pick<Alert, "identity">): boolean {
  return alert.identity !== undefined;
}

export function repoName(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

export function alertKey(source: Alert["source"], repo: RepoRef, number: number): string {
  return `${source}:${repoName(repo)}#${number}`;
}

/** Whether the alert is one of GitHub's own, with an alert GitHub can resolve. */
export function isGitHubAlert(key: string): boolean {
  return key.startsWith("secret-scanning:");
}

/** How people name the alert: "secret scanning alert #12", or "gitleaks finding 3fa9…". */
export function alertLabel(alert: Pick<Alert, "source" | "number" | "key" | "reporter">): string {
  if (alert.source === "secret-scanning") return `secret scanning alert #${alert.number}`;
  if (alert.source === "token-request") return `token request #${alert.number}`;
  if (alert.source === "app-installation") return `app installation #${alert.number}`;
  if (alert.source === "audit-log") return `audit log event ${alert.key.slice(alert.key.lastIndexOf("#") + 1)}`;
  const id = alert.key.slice(alert.key.lastIndexOf("@") + 1);
  return `${alert.source === "dispatch" ? (alert.reporter ?? "external") : alert.source} finding ${id}`;
}

/** The context prefix for log lines: `acme/api alert#12`. */
export function alertContext(alert: Pick<Alert, "repo" | "number">): string {
  return `${repoName(alert.repo)} alert#${alert.number}`;
}

/** The first location that names a file, which decides ownership. */
export function leakedFile(alert: Pick<Alert, "locations">): CommitLocation | null {
  for (const location of alert.locations) {
    if (isCommitLocation(location)) return location;
  }
  return null;
}
