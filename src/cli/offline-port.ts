import type { RepoRef } from "../core/alert/types.ts";
import { CODEOWNERS_LOCATIONS } from "../core/codeowners/index.ts";
import { POLICY_FILE } from "../core/policy/schema.ts";
import type { Identity } from "../core/issue/provenance.ts";
import type { ExistingIssue } from "../core/plan.ts";
import type { AlertScope, FileContent, GitHubPort, ListedAlert, ListedComment, RepositoryInfo } from "../github/port.ts";

export interface OfflineFiles {
  /** Served as the repository's `.github/CODEOWNERS`. */
  codeowners?: string;
  /** Served as the organisation's policy (`OWNER/.github:.github/nhi-steward.yml`), where docs/policy.md says to put it. */
  policy?: string;
  /** Who nhi-steward writes as, so an issue in a payload written by it is recognised; null: none is. */
  self?: Identity | null;
  /** What the alert's location list answers (`--path`), in GitHub's location shape. */
  locations?: unknown[];
  /** The alert a payload carries: what reading that alert from GitHub answers offline. */
  alert?: unknown;
}

/** A response issue given on the command line (`--issue`), already checked to be nhi-steward's record. */
export interface KnownIssue {
  repo: RepoRef;
  issue: ExistingIssue;
  /** The keys its marker answers for (a group issue: every member's too). */
  keys: string[];
}

/**
 * A GitHubPort made of local files, for `nhi-steward plan`: it touches no network. Every user is
 * taken as assignable, teams cannot be expanded (they are mentioned), and no issue exists but the
 * one a payload carries (handlers take that from the payload, not from here) and those given with
 * `--issue` (`know`).
 * What it cannot know offline it answers as "none" and notes in `unknowns`, so a plan can say so.
 */
export class OfflinePort implements GitHubPort {
  /** The identity issues in a payload are checked against (`--app-slug`); null: no issue is a record. */
  readonly self: Identity | null;
  /** What was asked that only GitHub knows, in the words a plan prints (each once). */
  readonly unknowns = new Set<string>();
  /** Whether anything looked for an alert's issue (offline, none is known but one in the payload). */
  askedForIssues = false;
  /** Whether anything listed open alerts (offline, none is known). */
  askedForAlerts = false;
  private readonly files: OfflineFiles;
  private readonly known: KnownIssue[] = [];

  constructor(files: OfflineFiles) {
    this.files = files;
    this.self = files.self ?? null;
  }

  async getRepository(repo: RepoRef): Promise<RepositoryInfo> {
    this.unknowns.add(`${repo.owner}/${repo.name}'s visibility: not known offline; taken as private.`);
    return { repo, visibility: "private", defaultBranch: "main", hasIssues: true };
  }
  async getSecretScanningAlert(repo: RepoRef, alertNumber: number): Promise<unknown> {
    this.unknowns.add(
      `${repo.owner}/${repo.name} alert#${alertNumber} as GitHub has it now (validity, provider, state): not readable offline; planned from the payload alone.`,
    );
    const carried = this.files.alert as { number?: unknown } | undefined;
    if (carried?.number === alertNumber) return carried;
    throw new Error(`${repo.owner}/${repo.name} alert#${alertNumber} cannot be read offline: fix the payload file instead.`);
  }
  readSecretForRevocation(): never {
    throw new Error("offline: plan never revokes");
  }
  async listSecretScanningAlertLocations(): Promise<unknown[]> {
    return this.files.locations ?? [];
  }
  // eslint-disable-next-line require-yield
  async *listOpenSecretScanningAlerts(scope: AlertScope): AsyncIterable<ListedAlert> {
    this.askedForAlerts = true;
    this.unknowns.add(
      `the open alerts of ${scope.kind === "organization" ? scope.org : `${scope.repo.owner}/${scope.repo.name}`}: none known offline.`,
    );
    return;
  }
  async listRecentlyResolvedAlerts(org: string): Promise<ListedAlert[]> {
    this.unknowns.add(`the alerts of ${org} resolved lately: none known offline.`);
    return [];
  }
  async getRepositoryProperties(repo: RepoRef): Promise<Record<string, string>> {
    this.unknowns.add(`${repo.owner}/${repo.name}'s custom properties: none known offline.`);
    return {};
  }
  async readFile(repo: RepoRef, path: string): Promise<FileContent | null> {
    const text =
      path === CODEOWNERS_LOCATIONS[0]
        ? this.files.codeowners
        : path === POLICY_FILE && repo.name === ".github"
          ? this.files.policy
          : undefined;
    if (text === undefined) return null;
    return { path, text, sha: "offline", size: Buffer.byteLength(text) };
  }
  async listTeamMembers(org: string, slug: string): Promise<string[] | null> {
    this.unknowns.add(
      `the members of @${org}/${slug}: not known offline; taken as none (the team is mentioned, and nobody counts as its member).`,
    );
    return null;
  }
  async isAssignable(repo: RepoRef, login: string): Promise<boolean> {
    this.unknowns.add(`whether @${login} can be assigned in ${repo.owner}/${repo.name}: not known offline; taken as yes.`);
    return true;
  }
  async repositoryPermission(repo: RepoRef, login: string): Promise<string | null> {
    this.unknowns.add(`@${login}'s permission on ${repo.owner}/${repo.name}: not known offline; taken as no right to dismiss alerts.`);
    return null;
  }
  async listIssueRecords(): Promise<never[]> {
    return [];
  }
  async listOrgInstallations(): Promise<never[]> {
    return [];
  }
  async getAppOwner(): Promise<string | null> {
    return null;
  }
  async readOrgAuditLog(): Promise<{ entries: unknown[]; next: string | null }> {
    return { entries: [], next: null };
  }
  async listOrgRepositories(): Promise<RepoRef[]> {
    return [];
  }
  /** A response issue of `repo` to answer for (`--issue`). */
  know(issue: KnownIssue): void {
    this.known.push(issue);
  }
  private knownIn(repo: RepoRef): KnownIssue[] {
    const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
    return this.known.filter((k) => same(k.repo.owner, repo.owner) && same(k.repo.name, repo.name));
  }

  async listIssues(repo: RepoRef): Promise<ExistingIssue[]> {
    this.unknowns.add(
      `the response issues in ${repo.owner}/${repo.name}: none known offline but those given with --issue (and one a payload carries).`,
    );
    return this.knownIn(repo).map((k) => k.issue);
  }
  async findIssue(repo: RepoRef, key: string): Promise<ExistingIssue | null> {
    const found = this.knownIn(repo).find((k) => k.keys.includes(key));
    if (found) return found.issue;
    this.askedForIssues = true;
    this.unknowns.add(
      `whether ${repo.owner}/${repo.name} has an issue for ${key}: none known offline (only one given with --issue, or that a payload carries, is).`,
    );
    return null;
  }
  getIssue(): never {
    throw new Error("offline: there are no issues to read");
  }
  async listIssueCommentsSince(repo: RepoRef): Promise<ListedComment[]> {
    this.unknowns.add(`the comments on ${repo.owner}/${repo.name}'s issues: none known offline.`);
    return [];
  }
  createIssue(): never {
    throw new Error("offline: plan never writes");
  }
  updateIssue(): never {
    throw new Error("offline: plan never writes");
  }
  addLabels(): never {
    throw new Error("offline: plan never writes");
  }
  removeLabel(): never {
    throw new Error("offline: plan never writes");
  }
  resolveAlert(): never {
    throw new Error("offline: plan never writes");
  }
  assignAlert(): never {
    throw new Error("offline: plan never writes");
  }
  addAssignees(): never {
    throw new Error("offline: plan never writes");
  }
  createComment(): never {
    throw new Error("offline: plan never writes");
  }
  ensureLabel(): never {
    throw new Error("offline: plan never writes");
  }
}
