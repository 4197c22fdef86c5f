import type { ContentInfo, ContentRef } from "../core/alert/locations.ts";
import type { RepoRef, Visibility } from "../core/alert/types.ts";
import type { LabelSpec } from "../core/issue/labels.ts";
import type { ExistingIssue } from "../core/plan.ts";
import type { IssueInput } from "../core/metrics/record.ts";
import type { Identity } from "../core/issue/provenance.ts";

export interface RepositoryInfo {
  repo: RepoRef;
  visibility: Visibility;
  defaultBranch: string;
  hasIssues: boolean;
}

export interface FileContent {
  path: string;
  text: string;
  /** Git blob SHA, the cache key for parsed files. */
  sha: string;
  size: number;
}

/** An issue as the metrics read it (the REST fields they need). */
export type IssueRecordInput = IssueInput;

export interface AuditLogPage {
  entries: unknown[];
  /** The `after` cursor of the next page, from the `Link` header; null when this is the last page. */
  next: string | null;
}

/** An issue comment as a sweep reads it from a repository's list (`GET …/issues/comments?since=`). */
export interface ListedComment {
  id: number;
  /** The number of the issue it is on (from `issue_url`). */
  issue: number;
  body: string;
  user: { login: string; type: string } | null;
  createdAt: string;
}

export type AlertScope = { kind: "repository"; repo: RepoRef } | { kind: "organization"; org: string };

/** An open alert as the list endpoints return it: raw, validated later by the normaliser. */
export interface ListedAlert {
  repository: unknown;
  alert: unknown;
}

/**
 * The domain verbs nhi-steward needs from GitHub. `octokit-port.ts` implements them over REST;
 * the CLI's offline port implements them from local files. Reads may be called from anywhere in
 * src/handlers; writes are called only by `execute.ts`.
 */
export interface GitHubPort {
  /**
   * Who this port writes as. Only issues this identity wrote are records (see provenance.ts); null
   * where no existing issue is acted on (offline and read-only uses).
   */
  readonly self: Identity | null;
  getRepository(repo: RepoRef): Promise<RepositoryInfo>;
  /** The alert without its secret (`hide_secret=true`). */
  getSecretScanningAlert(repo: RepoRef, alertNumber: number): Promise<unknown>;
  listSecretScanningAlertLocations(repo: RepoRef, alertNumber: number): Promise<unknown[]>;
  /**
   * The issue, pull request, comment or review a location names: its page and who posted it (one
   * GET of a fixed route, never the URL the location carries); null when it cannot be read. Optional:
   * ports without it show the page derived from the URL, and no author.
   */
  readLocationContent?(ref: ContentRef): Promise<ContentInfo | null>;
  /**
   * The raw secret, for revocation only: the one read without `hide_secret`. Its caller sends it
   * to the revocation endpoint and nowhere else; it is never logged, stored or returned further.
   */
  readSecretForRevocation(repo: RepoRef, alertNumber: number): Promise<string>;
  listOpenSecretScanningAlerts(scope: AlertScope): AsyncIterable<ListedAlert>;
  /** An organisation's alerts resolved since `since` (by `updated_at`), newest first, at most `maxPages` pages of 100. */
  listRecentlyResolvedAlerts(org: string, since: Date, maxPages: number): Promise<ListedAlert[]>;
  /**
   * The repositories of an organisation with an open issue carrying `label`, found by one issue search
   * (at most `maxPages` pages of 100 results; GitHub serves no more than 1,000). `complete` is false
   * when the search found more issues than it could page through. Optional: ports that cannot search
   * leave it out, and a sweep then reaches only the repositories its alerts name.
   */
  /**
   * True the first time this process (or run) is told of `what`, false after: for warnings that
   * would otherwise repeat on every event (a look-alike issue commented on again and again).
   */
  firstNotice?(what: string): boolean;
  repositoriesWithOpenIssues?(
    org: string,
    label: string,
    maxPages: number,
  ): Promise<{ repos: RepoRef[]; total: number; complete: boolean }>;
  /** Repository custom properties as name → value (multi-select values joined with commas). */
  getRepositoryProperties(repo: RepoRef): Promise<Record<string, string>>;
  /** A file on the default branch; null when it does not exist. */
  readFile(repo: RepoRef, path: string): Promise<FileContent | null>;
  /** Logins of a team's members; null when the team cannot be read. */
  listTeamMembers(org: string, slug: string): Promise<string[] | null>;
  isAssignable(repo: RepoRef, login: string): Promise<boolean>;
  /** A person's base permission on a repository (`admin`, `write`, `read`, `none`); null when GitHub does not say. */
  repositoryPermission(repo: RepoRef, login: string): Promise<string | null>;
  /**
   * The issue for a key (an alert's, or a config error's), found by its hidden marker among the
   * issues carrying `label`; null when none exists. `fresh`: first re-read what changed since this
   * run read the list, once per repository and run (a sweep asks before it opens issues: a webhook
   * may have opened one while it was planning). Closed issues are read only when no open one has the
   * key, and not at all with `openOnly` (a new alert, or a check for an issue opened meanwhile).
   */
  findIssue(repo: RepoRef, key: string, label: string, options?: { fresh?: boolean; openOnly?: boolean }): Promise<ExistingIssue | null>;
  /** Every open issue with `label` and a marker, read with the same paginated call as findIssue. */
  listIssues(repo: RepoRef, label: string): Promise<ExistingIssue[]>;
  /**
   * A port that starts a sweep from the previous sweep's state (sweep-state.ts) may list issues
   * without their body; this reads one before anything is planned from it. Other ports never do.
   */
  completeIssue?(repo: RepoRef, issue: ExistingIssue): Promise<ExistingIssue>;
  /**
   * A port that starts from the previous sweep's state: the numbers of the issues with `label` that
   * GitHub listed as updated since that sweep read them (a comment bumps an issue's `updated_at`).
   * Null (or absent) without a state: anything may have changed.
   */
  updatedSinceLastSweep?(repo: RepoRef, label: string): Promise<ReadonlySet<number> | null>;
  /**
   * Records with `label` that are closed now and were updated (closed, labelled, commented) since the
   * previous sweep read the repository, from the sweep state's own `since` list (no request); without
   * a state, since `since` (one paginated `GET …/issues?state=closed&since=`). With the time it read from.
   */
  closedSinceLastSweep?(repo: RepoRef, label: string, since: Date): Promise<{ issues: ExistingIssue[]; since: Date }>;
  /** One issue as GitHub returns it (`GET …/issues/{n}`): body, labels, author, state, `closed_by`. */
  getIssue(repo: RepoRef, issueNumber: number): Promise<unknown>;
  /**
   * Comments on a repository's issues updated at or after `since`, oldest first: one paginated read
   * (how a sweep catches up on commands written while no server was listening).
   */
  listIssueCommentsSince(repo: RepoRef, since: Date): Promise<ListedComment[]>;
  /** Every issue with `label` (open and closed) with its dates, for metrics: one paginated read per 100 issues. */
  listIssueRecords(repo: RepoRef, label: string): Promise<IssueRecordInput[]>;
  /** App installations on an organisation: app slug, permissions, repository selection, client ID. */
  listOrgInstallations(
    org: string,
  ): Promise<{ id: number; slug: string; permissions: Record<string, string>; selection: string; clientId?: string | null }[]>;
  /** The login of the account that owns (publishes) a GitHub App; null when the app cannot be read. */
  getAppOwner(slug: string): Promise<string | null>;
  /**
   * One page of the organisation's audit log (GitHub Enterprise Cloud), oldest first, web events:
   * the raw entries and the `after` cursor of the next page (null on the last page). Throws with
   * GitHub's status: 404 where the plan has no audit log API, 403/429 at its rate limit.
   */
  readOrgAuditLog(org: string, query: { phrase: string; after: string | null; perPage: number }): Promise<AuditLogPage>;
  /** The repositories of an organisation the token can see. */
  listOrgRepositories(org: string): Promise<RepoRef[]>;

  createIssue(
    repo: RepoRef,
    issue: { title: string; body: string; labels: string[]; assignees: string[] },
  ): Promise<{ number: number; url: string }>;
  updateIssue(
    repo: RepoRef,
    issueNumber: number,
    patch: { title?: string; body?: string; state?: "open" | "closed"; assignees?: string[] },
  ): Promise<void>;
  /** Resolves a secret scanning alert (GitHub resolution names: revoked, false_positive, used_in_tests, wont_fix). */
  resolveAlert(repo: RepoRef, alertNumber: number, resolution: string, comment: string): Promise<void>;
  /** Sets a secret scanning alert's assignee (`PATCH …/secret-scanning/alerts/{n}` with `assignee`); null unassigns. */
  assignAlert(repo: RepoRef, alertNumber: number, assignee: string | null): Promise<void>;
  addLabels(repo: RepoRef, issueNumber: number, labels: string[]): Promise<void>;
  /** Takes a label off an issue; a label already gone is fine. */
  removeLabel(repo: RepoRef, issueNumber: number, label: string): Promise<void>;
  createComment(repo: RepoRef, issueNumber: number, body: string): Promise<void>;
  addAssignees(repo: RepoRef, issueNumber: number, assignees: string[]): Promise<void>;
  /** Creates the label when it is missing; returns whether a write happened. */
  ensureLabel(repo: RepoRef, label: LabelSpec): Promise<"created" | "exists">;
}

export function parseRepo(fullName: string): RepoRef {
  const [owner, name, ...rest] = fullName.split("/");
  if (!owner || !name || rest.length) throw new Error(`"${fullName}" is not a repository name; write it as owner/name.`);
  return { owner, name };
}
