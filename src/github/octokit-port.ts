import type { Octokit } from "@octokit/core";
import type { Endpoints } from "@octokit/types";
import type { PaginateInterface } from "@octokit/plugin-paginate-rest";
import { ALERT_FIELDS_READ } from "../core/alert/secret-scanning.ts";
import type { ContentInfo, ContentRef } from "../core/alert/locations.ts";
import type { RepoRef, Visibility } from "../core/alert/types.ts";
import type { LabelSpec } from "../core/issue/labels.ts";
import { LABELS } from "../core/issue/labels.ts";
import { markerKeys } from "../core/issue/marker.ts";
import { authorOf, markerProblem, writtenBy, type Identity } from "../core/issue/provenance.ts";
import type { Logger } from "../log.ts";
import type { ExistingIssue } from "../core/plan.ts";
import { Lru } from "../core/lru.ts";
import { DirectoryCache } from "./directory-cache.ts";
import type { IndexedIssue, IssueIndexCache, IssueIndexEntry } from "./issue-index-cache.ts";
import { readDiscussion } from "./discussions.ts";
import { jsonPages, nextLink } from "./pages.ts";
import type { AlertScope, FileContent, GitHubPort, IssueRecordInput, ListedAlert, ListedComment, RepositoryInfo } from "./port.ts";
import {
  isIncomplete,
  issueFromState,
  patchStoredIssue,
  SINCE_MARGIN_MS,
  storeIssue,
  type StoredAlert,
  type SweepState,
} from "./sweep-state.ts";

export interface PortOptions {
  /**
   * The identity nhi-steward writes as (see provenance.ts). Issues anyone else wrote are never
   * records, whatever marker and labels they carry. Null only where no issue is acted on.
   */
  self: Identity | null;
  /** Where issues that are not ours are reported (once each). */
  log?: Logger;
  /** Issues reported already; a long-lived app shares one so each is reported once per process. */
  noticed?: Lru<true>;
  files?: FileCache;
  labels?: Lru<true>;
  directory?: DirectoryCache;
  sweepState?: SweepState | null;
  /**
   * The response-issue indexes a long-lived app shares across deliveries (issue-index-cache.ts):
   * a delivery reads only the issues updated since the last one. Not with a sweep state.
   */
  issueIndex?: IssueIndexCache;
}

/** What we need of an Octokit: Probot's and the Action's both fit. */
export type OctokitLike = Pick<Octokit, "request"> & { paginate: PaginateInterface; graphql?: Octokit["graphql"] };

function status(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : undefined;
}

/** Logins a 422 "Validation Failed" names as invalid assignees. */
function refusedAssignees(e: unknown): string[] {
  const errors = (e as { response?: { data?: { errors?: { field?: string; value?: unknown }[] } } }).response?.data?.errors ?? [];
  return errors
    .filter((x) => x.field === "assignees")
    .flatMap((x) => (Array.isArray(x.value) ? x.value : [x.value]))
    .map((v) => String(v).toLowerCase());
}

/** The fields of a listed issue nhi-steward reads. */
type ListedIssue = Pick<
  Endpoints["GET /repos/{owner}/{repo}/issues"]["response"]["data"][number],
  | "number"
  | "state"
  | "title"
  | "body"
  | "labels"
  | "assignees"
  | "html_url"
  | "pull_request"
  | "created_at"
  | "updated_at"
  | "closed_at"
  | "user"
  | "performed_via_github_app"
>;

const key = (repo: RepoRef) => `${repo.owner}/${repo.name}`;

/** How long a long-lived app uses a file it read (CODEOWNERS, the policy) before asking GitHub again. */
export const FILE_FRESH_MS = 60_000;

/**
 * Files read, by `owner/repo:path`, with the ETag GitHub sent (null content: the file was missing)
 * and when GitHub last confirmed them. Within `freshMs` of that a file is used without asking; after
 * it, GitHub is asked with `If-None-Match` and answers 304 (no rate limit) while it is unchanged.
 * One run's cache (no `now`) asks every time it reads.
 */
export interface FileCache {
  entries: Lru<{ etag: string; file: FileContent | null; checkedAt: number }>;
  now: () => number;
  freshMs: number;
}
export const newFileCache = (options: { now?: () => number; freshMs?: number; max?: number } = {}): FileCache => ({
  entries: new Lru(options.max ?? 5000),
  now: options.now ?? (() => 0),
  freshMs: options.now ? (options.freshMs ?? FILE_FRESH_MS) : 0,
});

/**
 * GitHubPort over the REST API. One instance serves one run (a delivery or a sweep) and caches
 * what does not change within it: repositories, team members, assignability, the response-issue index.
 */
export class OctokitPort implements GitHubPort {
  private readonly octokit: OctokitLike;
  private readonly repos = new Map<string, Promise<RepositoryInfo>>();
  private readonly directory: DirectoryCache;
  /** When each issue index was read, by GitHub's `Date` header (ms). */
  private readonly indexReadAt = new Map<string, number>();
  private readonly refreshed = new Set<string>();
  /** From a sweep state: per `repo|label`, the issues GitHub listed as updated since the last sweep read them. */
  private readonly updatedSince = new Map<string, Set<number>>();
  /** From a sweep state: per `repo|label`, the records among those that are closed, and the time the list began. */
  private readonly closedSince = new Map<string, { issues: ExistingIssue[]; since: Date }>();
  private readonly closedLoaded = new Map<string, Promise<void>>();
  private readonly issueIndex = new Map<string, Promise<Map<string, ExistingIssue>>>();
  /** Indexes read to the end, by `owner/repo|label` (what the next sweep state keeps). */
  private readonly settled = new Map<string, Map<string, ExistingIssue>>();
  private readonly files: FileCache;
  private readonly knownLabels: Lru<true>;
  /** The previous sweep's state: this sweep reads only what changed since (see sweep-state.ts). */
  private readonly previous: SweepState | null;
  /** The app's shared response-issue indexes (deliveries only). */
  private readonly issueCache: IssueIndexCache | null;
  /** The open alerts this run listed, to the end, and when GitHub answered the first page. */
  private alertsSeen: { readAt: string; open: Map<string, StoredAlert> } | null = null;
  /** Who nhi-steward is here: only issues this identity wrote are records. Null: no issue is (read-only uses). */
  readonly self: Identity | null;
  private readonly log: Logger | null;
  /** Issues already reported as not ours (`owner/repo#N`), so each is logged once. */
  private readonly noticed: Lru<true>;

  /**
   * `files` may outlive the port (the app keeps one per process): repeat reads of CODEOWNERS and
   * the policy ask `If-None-Match` and get GitHub's 304, which costs no rate limit.
   */
  constructor(octokit: OctokitLike, options: PortOptions) {
    this.octokit = octokit;
    this.self = options.self;
    this.log = options.log ?? null;
    this.noticed = options.noticed ?? new Lru<true>(1000);
    this.previous = options.sweepState ?? null;
    this.issueCache = this.previous ? null : (options.issueIndex ?? null);
    this.files = options.files ?? newFileCache();
    // Team members, assignability and missing files. Without one from the app, this run's own
    // (no expiry matters within a run; the real clock is not read).
    this.directory = options.directory ?? new DirectoryCache(() => 0);
    // Labels seen to exist; a long-lived app shares one so each label is checked once per process.
    this.knownLabels = options.labels ?? new Lru<true>(5000);
  }

  getRepository(repo: RepoRef): Promise<RepositoryInfo> {
    const k = key(repo);
    let p = this.repos.get(k);
    if (!p) {
      p = this.octokit.request("GET /repos/{owner}/{repo}", { owner: repo.owner, repo: repo.name }).then(({ data }) => ({
        repo,
        visibility: ((data as { visibility?: string }).visibility ?? (data.private ? "private" : "public")) as Visibility,
        defaultBranch: data.default_branch,
        hasIssues: data.has_issues,
      }));
      this.repos.set(k, p);
      p.catch(() => this.repos.delete(k));
    }
    return p;
  }

  async getSecretScanningAlert(repo: RepoRef, alertNumber: number): Promise<unknown> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", {
      owner: repo.owner,
      repo: repo.name,
      alert_number: alertNumber,
      hide_secret: true,
    });
    return data;
  }

  async readSecretForRevocation(repo: RepoRef, alertNumber: number): Promise<string> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", {
      owner: repo.owner,
      repo: repo.name,
      alert_number: alertNumber,
    });
    if (typeof data.secret !== "string" || !data.secret)
      throw new Error(
        `${repo.owner}/${repo.name} alert#${alertNumber}: GitHub did not return the secret, so it cannot be revoked automatically.`,
      );
    return data.secret;
  }

  async listSecretScanningAlertLocations(repo: RepoRef, alertNumber: number): Promise<unknown[]> {
    return this.octokit.paginate("GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations", {
      owner: repo.owner,
      repo: repo.name,
      alert_number: alertNumber,
      per_page: 100,
    });
  }

  async readLocationContent(ref: ContentRef): Promise<ContentInfo | null> {
    // Discussions have no REST API: one GraphQL query (discussions.ts).
    if (ref.kind === "discussion" || ref.kind === "discussion-comment") {
      const graphql = this.octokit.graphql;
      return graphql ? readDiscussion((q, v) => graphql(q, v), ref) : null;
    }
    const base = { owner: ref.repo.owner, repo: ref.repo.name };
    let data: { html_url?: unknown; user?: { login?: unknown } | null };
    try {
      switch (ref.kind) {
        case "issue":
          data = (await this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", { ...base, issue_number: ref.number }))
            .data;
          break;
        case "issue-comment":
          data = (await this.octokit.request("GET /repos/{owner}/{repo}/issues/comments/{comment_id}", { ...base, comment_id: ref.id }))
            .data;
          break;
        case "pull":
          data = (await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", { ...base, pull_number: ref.number })).data;
          break;
        case "pull-review":
          data = (
            await this.octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}", {
              ...base,
              pull_number: ref.number,
              review_id: ref.id,
            })
          ).data;
          break;
        case "pull-review-comment":
          data = (await this.octokit.request("GET /repos/{owner}/{repo}/pulls/comments/{comment_id}", { ...base, comment_id: ref.id }))
            .data;
          break;
      }
    } catch (e) {
      const status = (e as { status?: number }).status;
      // GitHub's answer when the installation lacks the permission: said, so the log names it.
      if (status === 403 && /Resource not accessible by integration/.test((e as Error).message)) {
        const permission = ref.kind.startsWith("pull") ? "pull_requests" : "issues";
        throw new Error(
          `the App's installation lacks the \`${permission}: read\` permission (GitHub: Resource not accessible by integration), so the owner falls back`,
          {
            cause: e,
          },
        );
      }
      if (status === 404 || status === 403 || status === 410) return null;
      throw e;
    }
    const login = data.user?.login;
    return { htmlUrl: typeof data.html_url === "string" ? data.html_url : null, author: typeof login === "string" ? login : null };
  }

  async *listOpenSecretScanningAlerts(scope: AlertScope): AsyncIterable<ListedAlert> {
    let repository: StoredAlert["repository"] | null = null;
    let route: string;
    let params: Record<string, unknown>;
    if (scope.kind === "organization") {
      route = "GET /orgs/{org}/secret-scanning/alerts";
      params = { org: scope.org, hide_secret: true, per_page: 100 };
    } else {
      const info = await this.getRepository(scope.repo);
      repository = {
        name: scope.repo.name,
        owner: { login: scope.repo.owner },
        visibility: info.visibility,
        private: info.visibility !== "public",
      };
      route = "GET /repos/{owner}/{repo}/secret-scanning/alerts";
      params = { owner: scope.repo.owner, repo: scope.repo.name, hide_secret: true, per_page: 100 };
    }
    let readAt = "";
    const onFirst = (headers: Record<string, string | number | undefined>) => (readAt = githubTime(headers));
    const open = new Map<string, StoredAlert>();
    let complete = true;
    const prior = this.previous?.alerts;
    if (prior) {
      // Only what changed since the last sweep read the list: alerts by `updated`, newest first
      // (opened, reopened, resolved or otherwise changed), on top of the open alerts it kept.
      for (const a of prior.open) open.set(a.id, a);
      const since = Date.parse(prior.readAt) - SINCE_MARGIN_MS;
      const pages = jsonPages<Record<string, unknown>>(this.octokit, route, { ...params, sort: "updated", direction: "desc" }, onFirst);
      read: for await (const page of pages) {
        for (const alert of page) {
          const updated = Date.parse(String(alert.updated_at ?? alert.created_at ?? ""));
          if (updated < since) break read;
          const stored = storeAlert(repository ?? alert.repository, alert);
          if (!stored) {
            complete = false;
            continue;
          }
          if (alert.state === "open") open.set(stored.id, stored);
          else open.delete(stored.id);
        }
      }
      for (const a of open.values()) yield { repository: a.repository, alert: a.alert };
    } else {
      const pages = jsonPages<Record<string, unknown>>(this.octokit, route, { ...params, state: "open" }, onFirst);
      for await (const page of pages) {
        for (const alert of page) {
          const stored = storeAlert(repository ?? alert.repository, alert);
          if (stored) open.set(stored.id, stored);
          else complete = false;
          yield { repository: repository ?? alert.repository, alert };
        }
      }
    }
    // Kept for the next sweep only when the whole list was read and every alert could be kept.
    this.alertsSeen = complete && readAt ? { readAt, open } : null;
  }

  async listRecentlyResolvedAlerts(org: string, since: Date, maxPages: number): Promise<ListedAlert[]> {
    const pages = jsonPages<{ repository: unknown; updated_at?: string | null }>(this.octokit, "GET /orgs/{org}/secret-scanning/alerts", {
      org,
      state: "resolved",
      sort: "updated",
      direction: "desc",
      hide_secret: true,
      per_page: 100,
    });
    const out: ListedAlert[] = [];
    let read = 0;
    for await (const page of pages) {
      for (const alert of page) {
        if (alert.updated_at && Date.parse(alert.updated_at) < since.getTime()) return out;
        out.push({ repository: alert.repository, alert });
      }
      if (++read >= maxPages) return out;
    }
    return out;
  }

  async repositoriesWithOpenIssues(
    org: string,
    label: string,
    maxPages: number,
  ): Promise<{ repos: RepoRef[]; total: number; complete: boolean }> {
    const repos = new Map<string, RepoRef>();
    let total = 0;
    let seen = 0;
    let incomplete = false;
    for (let page = 1; page <= maxPages; page++) {
      const { data } = (await this.octokit.request("GET /search/issues", {
        q: `org:${org} label:"${label}" is:issue is:open`,
        // Least recently updated first: an issue no sweep reaches is never updated by one, so when there
        // are more than a search serves (1,000), those come first.
        sort: "updated",
        order: "asc",
        per_page: 100,
        page,
      })) as { data: { total_count: number; incomplete_results: boolean; items: { repository_url: string }[] } };
      total = data.total_count;
      incomplete ||= data.incomplete_results;
      for (const item of data.items) {
        const m = /\/repos\/([^/]+)\/([^/]+)$/.exec(item.repository_url);
        if (m) repos.set(`${m[1]}/${m[2]}`.toLowerCase(), { owner: m[1]!, name: m[2]! });
      }
      seen += data.items.length;
      if (data.items.length < 100 || seen >= total) break;
    }
    return { repos: [...repos.values()], total, complete: !incomplete && seen >= total };
  }

  async getRepositoryProperties(repo: RepoRef): Promise<Record<string, string>> {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/properties/values", { owner: repo.owner, repo: repo.name });
      const out: Record<string, string> = {};
      for (const p of data)
        if (p.value !== null && p.value !== undefined) out[p.property_name] = Array.isArray(p.value) ? p.value.join(",") : String(p.value);
      return out;
    } catch (e) {
      // Custom properties need the "Custom properties: read" permission and an organisation.
      if (status(e) === 404 || status(e) === 403) return {};
      throw e;
    }
  }

  async readFile(repo: RepoRef, path: string): Promise<FileContent | null> {
    const cacheKey = `${key(repo)}:${path}`;
    const { entries, now, freshMs } = this.files;
    const cached = entries.get(cacheKey);
    const age = cached ? now() - cached.checkedAt : -1;
    if (cached && age >= 0 && age < freshMs) return cached.file;
    // A 404 without an ETag cannot be re-asked for free: trust it for the directory's TTL.
    const missing = this.directory.peek<null>(`missing:${cacheKey}`);
    if (missing && !cached) return missing;
    const checkedAt = now();
    try {
      const response = await this.octokit.request("GET /repos/{owner}/{repo}/contents/{path}", {
        owner: repo.owner,
        repo: repo.name,
        path,
        ...(cached ? { headers: { "if-none-match": cached.etag } } : {}),
      });
      const data = response.data;
      const file =
        Array.isArray(data) || data.type !== "file" || !("content" in data)
          ? null
          : { path, text: Buffer.from(data.content, "base64").toString("utf8"), sha: data.sha, size: data.size };
      const etag = response.headers.etag;
      if (etag) entries.set(cacheKey, { etag, file, checkedAt });
      return file;
    } catch (e) {
      if (status(e) === 304 && cached) {
        entries.set(cacheKey, { ...cached, checkedAt });
        return cached.file;
      }
      if (status(e) === 404) {
        const etag = (e as { response?: { headers?: Record<string, string> } }).response?.headers?.etag;
        if (etag) entries.set(cacheKey, { etag, file: null, checkedAt });
        else {
          entries.delete(cacheKey);
          this.directory.set(`missing:${cacheKey}`, null);
        }
        return null;
      }
      throw e;
    }
  }

  listTeamMembers(org: string, slug: string): Promise<string[] | null> {
    return this.directory.remember(`team:${org}/${slug}`.toLowerCase(), () =>
      this.octokit
        .paginate("GET /orgs/{org}/teams/{team_slug}/members", { org, team_slug: slug, per_page: 100 })
        .then((members) => members.map((m) => m.login))
        .catch((e: unknown) => {
          if (status(e) === 404 || status(e) === 403) return null;
          throw e;
        }),
    );
  }

  async isAssignable(repo: RepoRef, login: string): Promise<boolean> {
    // Most repositories list all their assignable people on one page: one request answers for all.
    const everyone = await this.smallList(
      `assignees:${key(repo)}`,
      "GET /repos/{owner}/{repo}/assignees",
      repo,
      (u: { login: string }) => u.login,
    );
    const corrected = this.directory.peek<boolean>(`assignable:${key(repo)}:${login}`.toLowerCase());
    if (everyone && !corrected) return everyone.has(login.toLowerCase());
    return this.directory.remember(`assignable:${key(repo)}:${login}`.toLowerCase(), () =>
      this.octokit
        .request("GET /repos/{owner}/{repo}/assignees/{assignee}", { owner: repo.owner, repo: repo.name, assignee: login })
        .then(() => true)
        .catch((e: unknown) => {
          if (status(e) === 404) return false;
          throw e;
        }),
    );
  }

  async repositoryPermission(repo: RepoRef, login: string): Promise<string | null> {
    try {
      const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
        owner: repo.owner,
        repo: repo.name,
        username: login,
      });
      return data.permission;
    } catch (e) {
      if (status(e) === 404) return "none";
      if (status(e) === 403) return null;
      throw e;
    }
  }

  /**
   * An issue taken from the sweep state has no body: read it (one request) before anything is
   * planned from its body. Any other issue is returned as it is.
   */
  async completeIssue(repo: RepoRef, issue: ExistingIssue): Promise<ExistingIssue> {
    if (!isIncomplete(issue)) return issue;
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issue.number,
    });
    const full = existingFrom(data as ListedIssue);
    // The body was left out of the state, not the check: it is made again on what GitHub sends now.
    if (!this.isRecord(repo, data as ListedIssue))
      throw new Error(`${key(repo)}#${issue.number} is no longer an nhi-steward record; it is left alone.`);
    for (const [k, index] of this.settled) {
      if (!k.startsWith(`${key(repo)}|`)) continue;
      for (const [ik, v] of index) if (v === issue) index.set(ik, full);
    }
    return full;
  }

  /**
   * The state the next sweep starts from: the open alerts and response issues this run read,
   * each as of when GitHub answered. Null when the alert list was not read to its end.
   */
  nextSweepState(scope: string): SweepState | null {
    if (!this.alertsSeen) return null;
    const issues: SweepState["issues"] = {};
    for (const [k, index] of this.settled) {
      const readAt = this.indexReadAt.get(k);
      if (!k.endsWith(`|${LABELS.response.name}`) || readAt === undefined) continue;
      const open = [];
      let keepable = true;
      for (const issue of new Set(index.values())) {
        if (issue.state !== "open") continue;
        const stored = storeIssue(issue);
        if (!stored) {
          keepable = false;
          break;
        }
        open.push(stored);
      }
      // A repository with a group issue is read in full each time (a group's body is its checklist).
      if (keepable) issues[k] = { readAt: new Date(readAt).toISOString(), open };
    }
    const fullReadAt = this.previous?.alerts ? this.previous.fullReadAt : this.alertsSeen.readAt;
    return { v: 1, scope, fullReadAt, alerts: { readAt: this.alertsSeen.readAt, open: [...this.alertsSeen.open.values()] }, issues };
  }

  async findIssue(
    repo: RepoRef,
    issueKey: string,
    label: string,
    options: { fresh?: boolean; openOnly?: boolean } = {},
  ): Promise<ExistingIssue | null> {
    const k = `${key(repo)}|${label}`;
    const known = this.issueIndex.get(k);
    const index = await this.issuesByKey(repo, label);
    // Once per repository and run: it catches what webhooks did while the run was planning, and a
    // re-read per issue opened would cost a request each (and re-read this run's own issues).
    if (options.fresh && known && !this.refreshed.has(k)) {
      this.refreshed.add(k);
      await this.refreshIndex(repo, label, index);
    }
    let open = index.get(issueKey);
    // From the app's shared index, without its body: read it (and check it is still an open record) before it is used.
    while (open && this.issueCache && isIncomplete(open)) {
      await this.completeCached(repo, label, index, open);
      open = index.get(issueKey);
    }
    if (open || options.openOnly) return open ?? null;
    // Closed issues pile up over the years; they are read only when an open one is not found.
    let closed = this.closedLoaded.get(k);
    if (!closed) {
      closed = (async () => {
        for await (const page of this.issuePages(repo, label, { state: "closed" }))
          for (const issue of page) this.addToIndex(repo, index, issue);
      })();
      this.closedLoaded.set(k, closed);
      closed.catch(() => this.closedLoaded.delete(k));
    }
    await closed;
    return index.get(issueKey) ?? null;
  }

  /**
   * Brings an index read earlier in this run up to date: only issues updated since then (by
   * GitHub's clock, from the list's `Date` header, less a minute for its one-second precision).
   * One request in the usual case, instead of the whole list.
   */
  private async refreshIndex(repo: RepoRef, label: string, index: Map<string, ExistingIssue>): Promise<void> {
    const k = `${key(repo)}|${label}`;
    const readAt = this.indexReadAt.get(k);
    if (!readAt) return;
    const since = new Date(readAt - 60_000).toISOString();
    for await (const page of this.issuePages(repo, label, { state: "all", since }, k))
      for (const issue of page) this.addToIndex(repo, index, issue);
  }

  /**
   * Pages of a repository's issues with a label; with `indexKey`, remembers when GitHub answered (for
   * `refreshIndex`); `answered` hears GitHub's `Date` of each page (NaN without one).
   */
  private issuePages(
    repo: RepoRef,
    label: string,
    filter: { state: "open" | "closed" | "all"; since?: string },
    indexKey?: string,
    answered?: (at: number) => void,
  ): AsyncIterable<ListedIssue[]> {
    return jsonPages<ListedIssue>(
      this.octokit,
      "GET /repos/{owner}/{repo}/issues",
      { owner: repo.owner, repo: repo.name, labels: label, ...filter, per_page: 100 },
      (headers) => {
        const at = Date.parse(String(headers.date ?? ""));
        if (indexKey && !Number.isNaN(at)) this.indexReadAt.set(indexKey, at);
        answered?.(at);
      },
    );
  }

  async updatedSinceLastSweep(repo: RepoRef, label: string): Promise<ReadonlySet<number> | null> {
    await this.issuesByKey(repo, label);
    return this.updatedSince.get(`${key(repo)}|${label}`) ?? null;
  }

  async closedSinceLastSweep(repo: RepoRef, label: string, since: Date): Promise<{ issues: ExistingIssue[]; since: Date }> {
    await this.issuesByKey(repo, label);
    const known = this.closedSince.get(`${key(repo)}|${label}`);
    if (known) return known;
    const issues: ExistingIssue[] = [];
    for await (const page of this.issuePages(repo, label, { state: "closed", since: since.toISOString() }))
      for (const issue of page) if (!issue.pull_request && this.isRecord(repo, issue)) issues.push(existingFrom(issue));
    return { issues, since };
  }

  async getIssue(repo: RepoRef, issueNumber: number): Promise<unknown> {
    const { data } = await this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issueNumber,
    });
    return data;
  }

  async listIssueCommentsSince(repo: RepoRef, since: Date): Promise<ListedComment[]> {
    const out: ListedComment[] = [];
    type Raw = { id: number; issue_url: string; body?: string | null; user?: { login?: string; type?: string } | null; created_at: string };
    for await (const page of jsonPages<Raw>(this.octokit, "GET /repos/{owner}/{repo}/issues/comments", {
      owner: repo.owner,
      repo: repo.name,
      since: since.toISOString(),
      per_page: 100,
    })) {
      for (const c of page) {
        const issue = Number(/\/issues\/(\d+)$/.exec(c.issue_url)?.[1]);
        if (!Number.isInteger(issue)) continue;
        out.push({
          id: c.id,
          issue,
          body: c.body ?? "",
          user: c.user?.login ? { login: c.user.login, type: c.user.type ?? "User" } : null,
          createdAt: c.created_at,
        });
      }
    }
    return out.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id - b.id));
  }

  async listIssueRecords(repo: RepoRef, label: string): Promise<IssueRecordInput[]> {
    const out: IssueRecordInput[] = [];
    for await (const page of this.issuePages(repo, label, { state: "all" })) {
      for (const i of page) {
        if (i.pull_request || !this.isRecord(repo, i)) continue;
        out.push({
          number: i.number,
          html_url: i.html_url,
          title: i.title,
          state: i.state,
          created_at: i.created_at,
          closed_at: i.closed_at,
          body: i.body ?? null,
          labels: i.labels as IssueRecordInput["labels"],
          assignees: (i.assignees ?? []).map((a) => ({ login: a.login })),
        });
      }
    }
    return out;
  }

  async listOrgInstallations(
    org: string,
  ): Promise<{ id: number; slug: string; permissions: Record<string, string>; selection: string; clientId?: string | null }[]> {
    const list = await this.octokit.paginate("GET /orgs/{org}/installations", { org, per_page: 100 });
    return list.map((i) => ({
      id: i.id,
      slug: i.app_slug,
      permissions: i.permissions as Record<string, string>,
      selection: i.repository_selection,
      ...(i.client_id ? { clientId: i.client_id } : {}),
    }));
  }

  async getAppOwner(slug: string): Promise<string | null> {
    try {
      const { data } = await this.octokit.request("GET /apps/{app_slug}", { app_slug: slug });
      return (data?.owner as { login?: string } | null | undefined)?.login ?? null;
    } catch (e) {
      if (status(e) === 404) return null;
      throw e;
    }
  }

  /** GitHub Enterprise Cloud only (`api.github.com`'s description leaves it out, hence the untyped route). */
  async readOrgAuditLog(
    org: string,
    query: { phrase: string; after: string | null; perPage: number },
  ): Promise<{ entries: unknown[]; next: string | null }> {
    const res = await this.octokit.request("GET /orgs/{org}/audit-log", {
      org,
      phrase: query.phrase,
      include: "web",
      order: "asc",
      per_page: query.perPage,
      ...(query.after ? { after: query.after } : {}),
    });
    const next = nextLink(String((res.headers as Record<string, unknown>).link ?? ""));
    return { entries: Array.isArray(res.data) ? (res.data as unknown[]) : [], next: next ? new URL(next).searchParams.get("after") : null };
  }

  async listOrgRepositories(org: string): Promise<RepoRef[]> {
    const repos = await this.octokit.paginate("GET /orgs/{org}/repos", { org, per_page: 100 });
    return repos.filter((r) => !r.archived).map((r) => ({ owner: r.owner.login, name: r.name }));
  }

  async listIssues(repo: RepoRef, label: string): Promise<ExistingIssue[]> {
    // Once each: a group issue is in the index under every member's key.
    return [...new Set((await this.issuesByKey(repo, label)).values())];
  }

  /** The open issues with a label in a repository, by marker key: one paginated read per run (closed ones on demand). */
  private issuesByKey(repo: RepoRef, label: string): Promise<Map<string, ExistingIssue>> {
    const k = `${key(repo)}|${label}`;
    let p = this.issueIndex.get(k);
    if (!p) {
      p = (async () => {
        const index = new Map<string, ExistingIssue>();
        const prior = label === LABELS.response.name ? this.previous?.issues[k] : undefined;
        if (!prior && this.issueCache && label === LABELS.response.name) {
          const cached = await this.indexWithCache(repo, label, this.issueCache);
          this.settled.set(k, cached);
          return cached;
        }
        if (prior) {
          // The open issues the last sweep kept, then every issue updated since it read them
          // (edited, labelled, commented, closed or opened): one request when little changed.
          for (const stored of prior.open) {
            const issue = issueFromState(stored);
            for (const ik of stored.keys) if (!index.has(ik)) index.set(ik, issue);
          }
          const since = new Date(Date.parse(prior.readAt) - SINCE_MARGIN_MS).toISOString();
          const updated = new Set<number>();
          const closed: ExistingIssue[] = [];
          for await (const page of this.issuePages(repo, label, { state: "all", since }, k)) {
            for (const issue of page) {
              updated.add(issue.number);
              this.addToIndex(repo, index, issue);
              if (issue.state === "closed" && !issue.pull_request && this.isRecord(repo, issue)) closed.push(existingFrom(issue));
            }
          }
          this.updatedSince.set(k, updated);
          this.closedSince.set(k, { issues: closed, since: new Date(since) });
        } else {
          for await (const page of this.issuePages(repo, label, { state: "open" }, k))
            for (const issue of page) this.addToIndex(repo, index, issue);
        }
        this.settled.set(k, index);
        return index;
      })();
      this.issueIndex.set(k, p);
      p.catch(() => this.issueIndex.delete(k));
    }
    return p;
  }

  /**
   * The open records with a label, by key, through the app's shared cache: from the cached open
   * records and the issues updated since they were read (`state=all&since=`: open records in, closed
   * ones and those no longer records out), or from the open list in full when there is no usable entry
   * (none, small, or its last full read older than the TTL). The cache then learns what was read.
   * Only open records are in the result, as after a full read: closed ones are read on demand.
   */
  private async indexWithCache(repo: RepoRef, label: string, cache: IssueIndexCache): Promise<Map<string, ExistingIssue>> {
    const k = `${key(repo)}|${label}`;
    const entry = cache.usable(k);
    const open = new Map<number, { issue: ExistingIssue; keys: string[]; updatedAt: number }>();
    let readAt: number | null = null;
    let dated = true;
    const answered = (at: number) => {
      if (Number.isNaN(at)) dated = false;
      // The first page's: whatever changed while later pages were read is after it.
      else if (readAt === null) readAt = at;
    };
    const take = (issue: ListedIssue) => {
      if (issue.pull_request) return;
      open.delete(issue.number);
      if (issue.state !== "open") return;
      const keys = markerKeys(issue.body);
      if (!keys.length || !this.isRecord(repo, issue, true)) return;
      open.set(issue.number, { issue: existingFrom(issue), keys, updatedAt: Date.parse(issue.updated_at) || 0 });
    };
    const fullAt = entry ? entry.fullAt : cache.now();
    if (entry) {
      for (const [n, c] of entry.open) open.set(n, { issue: issueFromState(c.stored), keys: c.stored.keys, updatedAt: c.updatedAt });
      const since = new Date(entry.readAt - SINCE_MARGIN_MS).toISOString();
      for await (const page of this.issuePages(repo, label, { state: "all", since }, k, answered)) for (const issue of page) take(issue);
    } else {
      for await (const page of this.issuePages(repo, label, { state: "open" }, k, answered)) for (const issue of page) take(issue);
    }
    // Oldest first: among open records for one key, the oldest is the record (as fileInIndex does).
    const index = new Map<string, ExistingIssue>();
    for (const n of [...open.keys()].sort((a, b) => a - b)) {
      const o = open.get(n)!;
      for (const ik of o.keys) if (!index.has(ik)) index.set(ik, o.issue);
    }
    // A small index is read in full next time too (one page, with bodies): nothing worth keeping.
    if (readAt === null || !dated || open.size < cache.minOpen) {
      cache.forget(k);
      return index;
    }
    const kept = new Map<number, IndexedIssue>();
    for (const [n, o] of open) {
      const stored = storeIssue(o.issue);
      // A group issue cannot be kept without its body (its checklist): this index is read in full each time.
      if (!stored) {
        cache.forget(k);
        return index;
      }
      kept.set(n, { stored, updatedAt: o.updatedAt });
    }
    const read: IssueIndexEntry = { readAt, fullAt, open: kept };
    cache.merge(k, read);
    return index;
  }

  /**
   * Reads an issue the shared index holds without its body. Still an open record under the same keys
   * (the usual case): it replaces the thin copy. Anything else (closed, edited, relabelled,
   * transferred, deleted since the list was read) means the index is wrong in a way `since` may not
   * show: the cache entry is dropped and the open list read again in full.
   */
  private async completeCached(repo: RepoRef, label: string, index: Map<string, ExistingIssue>, thin: ExistingIssue): Promise<void> {
    let data: ListedIssue | null = null;
    try {
      ({ data } = (await this.octokit.request("GET /repos/{owner}/{repo}/issues/{issue_number}", {
        owner: repo.owner,
        repo: repo.name,
        issue_number: thin.number,
      })) as unknown as { data: ListedIssue });
    } catch (e) {
      if (![301, 404, 410].includes(status(e) ?? 0)) throw e;
    }
    const keys = data ? markerKeys(data.body) : [];
    const same =
      data !== null &&
      !data.pull_request &&
      data.state === "open" &&
      data.labels.some((l) => (typeof l === "string" ? l : l.name) === label) &&
      keys.length > 0 &&
      this.isRecord(repo, data, true) &&
      [...index].every(([ik, v]) => v !== thin || keys.includes(ik));
    if (same) {
      const full = existingFrom(data!);
      for (const [ik, v] of index) if (v === thin) index.set(ik, full);
      return;
    }
    const k = `${key(repo)}|${label}`;
    this.issueCache?.forget(k);
    const fresh = new Map<string, ExistingIssue>();
    for await (const page of this.issuePages(repo, label, { state: "open" }, k))
      for (const issue of page) this.addToIndex(repo, fresh, issue);
    index.clear();
    for (const [ik, v] of fresh) index.set(ik, v);
  }

  /** Files a listed issue in the index when it is one of nhi-steward's records. */
  private addToIndex(repo: RepoRef, index: Map<string, ExistingIssue>, issue: ListedIssue): void {
    if (issue.pull_request) return;
    // A group issue answers for its own key and every member alert's.
    const keys = markerKeys(issue.body);
    if (!keys.length || !this.isRecord(repo, issue, true)) return;
    fileInIndex(index, issue, keys);
  }

  /**
   * Whether an issue with a marker is a record: written by nhi-steward's own identity, with a marker
   * that agrees with where the issue lives. Anything else is reported once and ignored.
   */
  firstNotice(what: string): boolean {
    if (this.noticed.get(what)) return false;
    this.noticed.set(what, true);
    return true;
  }

  private isRecord(repo: RepoRef, issue: ListedIssue, hasMarker = markerKeys(issue.body).length > 0): boolean {
    if (!hasMarker) return false;
    const where = `${key(repo)}#${issue.number}`;
    const author = authorOf(issue);
    const why = !this.self
      ? "this run does not know nhi-steward's own identity"
      : !writtenBy(author, this.self)
        ? `it was written by @${author.login ?? "unknown"}${author.app?.slug ? ` (app ${author.app.slug})` : ""}, not by ${this.self.login}`
        : markerProblem(issue.body, key(repo));
    if (!why) return true;
    if (this.log && this.firstNotice(where)) {
      this.log.warn(
        `${where} carries an nhi-steward marker but is not an nhi-steward record: ${why}. It is ignored: nothing is closed, resolved, escalated, revoked or counted from it.`,
      );
    }
    return false;
  }

  async createIssue(
    repo: RepoRef,
    issue: { title: string; body: string; labels: string[]; assignees: string[] },
  ): Promise<{ number: number; url: string }> {
    // Never retried automatically: if GitHub created it but the answer was lost, a retry would open a
    // second issue. A failure here is retried by the next delivery or sweep, which finds the first.
    let data;
    try {
      ({ data } = await this.octokit.request("POST /repos/{owner}/{repo}/issues", {
        owner: repo.owner,
        repo: repo.name,
        ...issue,
        request: { retries: 0 },
      }));
    } catch (e) {
      // 422 naming assignees GitHub refuses (they lost access since we checked): open it without them.
      const refused = status(e) === 422 ? refusedAssignees(e) : [];
      if (!refused.length) throw e;
      const assignees = issue.assignees.filter((a) => !refused.includes(a.toLowerCase()));
      for (const login of refused) this.directory.set(`assignable:${key(repo)}:${login}`.toLowerCase(), false);
      ({ data } = await this.octokit.request("POST /repos/{owner}/{repo}/issues", {
        owner: repo.owner,
        repo: repo.name,
        ...issue,
        assignees,
        request: { retries: 0 },
      }));
    }
    const issueKeys = markerKeys(issue.body);
    const index = this.issueIndex.get(`${key(repo)}|${issue.labels[0]}`);
    if (issueKeys.length && index) {
      const created: ExistingIssue = {
        number: data.number,
        state: "open",
        title: issue.title,
        body: issue.body,
        labels: issue.labels,
        assignees: issue.assignees,
        url: data.html_url,
      };
      const resolved = await index;
      for (const k of issueKeys) if (!resolved.has(k)) resolved.set(k, created);
    }
    return { number: data.number, url: data.html_url };
  }

  async assignAlert(repo: RepoRef, alertNumber: number, assignee: string | null): Promise<void> {
    try {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", {
        owner: repo.owner,
        repo: repo.name,
        alert_number: alertNumber,
        assignee,
      });
    } catch (e) {
      // A mirror of the issue's owner, not the response itself: an owner GitHub will not assign to
      // the alert (no access to security alerts) is logged, and the issue still names them.
      if (status(e) !== 422) throw e;
      this.log?.warn(
        `${repo.owner}/${repo.name} alert#${alertNumber}: GitHub would not assign the alert to ${assignee ? `@${assignee}` : "nobody"} (${(e as Error).message}); the issue keeps its assignees.`,
      );
    }
  }

  async resolveAlert(repo: RepoRef, alertNumber: number, resolution: string, comment: string): Promise<void> {
    try {
      await this.octokit.request("PATCH /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}", {
        owner: repo.owner,
        repo: repo.name,
        alert_number: alertNumber,
        state: "resolved",
        resolution: resolution as "revoked",
        resolution_comment: comment.slice(0, 270),
      });
    } catch (e) {
      if (status(e) === 403) {
        throw new Error(
          "GitHub refused to resolve the alert (403). The repository may use delegated alert dismissal, so closing it needs a reviewer's approval in GitHub; or the app lacks the secret scanning alerts: write permission. Request the dismissal from the alert page.",
          { cause: e },
        );
      }
      throw e;
    }
  }

  async updateIssue(
    repo: RepoRef,
    issueNumber: number,
    patch: { title?: string; body?: string; state?: "open" | "closed"; assignees?: string[] },
  ): Promise<void> {
    await this.octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issueNumber,
      ...patch,
    });
    // Keep this run's index true to what was written: a group's new member keys find it from now on.
    for (const [k, p] of this.issueIndex) {
      if (!k.startsWith(`${key(repo)}|`)) continue;
      const index = await p.catch(() => null);
      const prior = index ? [...index.values()].find((i) => i.number === issueNumber) : undefined;
      if (!index || !prior) continue;
      // A new object, never a mutation: callers may hold (and have decoded) the old one.
      const next: ExistingIssue = isIncomplete(prior)
        ? patchStoredIssue(prior, patch)
        : {
            ...prior,
            ...(patch.title !== undefined ? { title: patch.title } : {}),
            ...(patch.body !== undefined ? { body: patch.body } : {}),
            ...(patch.state ? { state: patch.state } : {}),
            ...(patch.assignees ? { assignees: patch.assignees } : {}),
          };
      for (const [ik, issue] of index) if (issue === prior) index.set(ik, next);
      for (const mk of patch.body !== undefined ? markerKeys(patch.body) : []) if (!index.has(mk)) index.set(mk, next);
    }
  }

  async addLabels(repo: RepoRef, issueNumber: number, labels: string[]): Promise<void> {
    await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issueNumber,
      labels,
    });
    await this.relabelIndexed(repo, issueNumber, (now) => [...now, ...labels.filter((l) => !now.includes(l))]);
  }

  /**
   * Keeps this run's index true to labels written (a sweep's catch-up writes before the sweep plans
   * from the index). Issues from the sweep state without their body are left as they are.
   */
  private async relabelIndexed(repo: RepoRef, issueNumber: number, relabel: (labels: string[]) => string[]): Promise<void> {
    for (const [k, p] of this.issueIndex) {
      if (!k.startsWith(`${key(repo)}|`)) continue;
      const index = await p.catch(() => null);
      const prior = index ? [...index.values()].find((i) => i.number === issueNumber) : undefined;
      if (!index || !prior || isIncomplete(prior)) continue;
      const next: ExistingIssue = { ...prior, labels: relabel(prior.labels) };
      for (const [ik, issue] of index) if (issue === prior) index.set(ik, next);
    }
  }

  async removeLabel(repo: RepoRef, issueNumber: number, label: string): Promise<void> {
    try {
      await this.octokit.request("DELETE /repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", {
        owner: repo.owner,
        repo: repo.name,
        issue_number: issueNumber,
        name: label,
      });
    } catch (e) {
      if (status(e) !== 404) throw e;
    }
    await this.relabelIndexed(repo, issueNumber, (now) => now.filter((l) => l !== label));
  }

  async addAssignees(repo: RepoRef, issueNumber: number, assignees: string[]): Promise<void> {
    await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/assignees", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issueNumber,
      assignees,
    });
  }

  async createComment(repo: RepoRef, issueNumber: number, body: string): Promise<void> {
    await this.octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: repo.owner,
      repo: repo.name,
      issue_number: issueNumber,
      body,
      request: { retries: 0 },
    });
  }

  /**
   * A repository list (assignees, labels) as a set of lowercased names, when its first page of 100
   * is all of it; null when there are more pages (then each name is asked about on its own).
   * Kept in the directory cache, like team members.
   */
  private smallList<T>(
    cacheKey: string,
    route: "GET /repos/{owner}/{repo}/assignees" | "GET /repos/{owner}/{repo}/labels",
    repo: RepoRef,
    name: (item: T) => string,
  ): Promise<Set<string> | null> {
    return this.directory.remember(cacheKey.toLowerCase(), async () => {
      const response = await this.octokit.request(route, { owner: repo.owner, repo: repo.name, per_page: 100 });
      if (nextLink(response.headers.link)) return null;
      return new Set((response.data as T[]).map((item) => name(item).toLowerCase()));
    });
  }

  async ensureLabel(repo: RepoRef, label: LabelSpec): Promise<"created" | "exists"> {
    const id = `${key(repo)}:${label.name}`;
    if (this.knownLabels.get(id)) return "exists";
    // The repository's labels, when they fit on one page: one request for every label of the run.
    const labels = await this.smallList(`labels:${key(repo)}`, "GET /repos/{owner}/{repo}/labels", repo, (l: { name: string }) => l.name);
    if (labels?.has(label.name.toLowerCase())) {
      this.knownLabels.set(id, true);
      return "exists";
    }
    if (labels) return this.createLabel(repo, label, id);
    try {
      await this.octokit.request("GET /repos/{owner}/{repo}/labels/{name}", { owner: repo.owner, repo: repo.name, name: label.name });
      this.knownLabels.set(id, true);
      return "exists";
    } catch (e) {
      if (status(e) !== 404) throw e;
    }
    return this.createLabel(repo, label, id);
  }

  private async createLabel(repo: RepoRef, label: LabelSpec, id: string): Promise<"created" | "exists"> {
    try {
      await this.octokit.request("POST /repos/{owner}/{repo}/labels", { owner: repo.owner, repo: repo.name, ...label });
      this.knownLabels.set(id, true);
      return "created";
    } catch (e) {
      // Created meanwhile by another run: that is the state we wanted.
      if (status(e) === 422) {
        this.knownLabels.set(id, true);
        return "exists";
      }
      throw e;
    }
  }
}

/** GitHub's `Date` header as an ISO time (the sweep state's clock is GitHub's, not ours); "" without one. */
function githubTime(headers: Record<string, string | number | undefined>): string {
  const at = Date.parse(String(headers.date ?? ""));
  return Number.isNaN(at) ? "" : new Date(at).toISOString();
}

const KEPT_ALERT_FIELDS = [...ALERT_FIELDS_READ, "has_more_locations", "updated_at"];

/** What the sweep state keeps of a listed alert: no secret, and of the repository only what is read. */
function storeAlert(repository: unknown, alert: Record<string, unknown>): StoredAlert | null {
  const r = repository as { name?: unknown; owner?: { login?: unknown }; visibility?: unknown; private?: unknown } | null;
  if (!r || typeof r.name !== "string" || typeof r.owner?.login !== "string" || typeof alert.number !== "number") return null;
  // The fields the normaliser reads, and the list's word on further locations; never `secret`.
  const rest: Record<string, unknown> = {};
  for (const field of KEPT_ALERT_FIELDS) if (field in alert) rest[field] = alert[field];
  return {
    id: `${r.owner.login}/${r.name}#${alert.number}`,
    repository: {
      name: r.name,
      owner: { login: r.owner.login },
      ...(typeof r.visibility === "string" ? { visibility: r.visibility } : {}),
      ...(typeof r.private === "boolean" ? { private: r.private } : {}),
    },
    alert: rest,
  };
}

function existingFrom(issue: ListedIssue): ExistingIssue {
  return {
    number: issue.number,
    state: issue.state === "closed" ? "closed" : "open",
    title: issue.title,
    body: issue.body ?? "",
    labels: issue.labels.map((l) => (typeof l === "string" ? l : (l.name ?? ""))),
    assignees: (issue.assignees ?? []).map((a) => a.login),
    url: issue.html_url,
  };
}

/** Files a listed issue in an index by every key its marker names; the oldest issue for a key wins. */
function fileInIndex(index: Map<string, ExistingIssue>, issue: ListedIssue, keys: string[]): void {
  const existing = existingFrom(issue);
  for (const k of keys) {
    const prior = index.get(k);
    // A re-read of the same issue replaces it. Otherwise an open issue is the record over a closed
    // one, and among issues in the same state the oldest; later ones are duplicates.
    const wins =
      !prior ||
      prior.number === existing.number ||
      (prior.state === existing.state ? existing.number < prior.number : existing.state === "open");
    if (wins) index.set(k, existing);
  }
}
