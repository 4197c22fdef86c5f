import type { RepoRef } from "../core/alert/types.ts";
import { CODEOWNERS_LOCATIONS } from "../core/codeowners/index.ts";
import { POLICY_FILE } from "../core/policy/schema.ts";
import type { ExistingIssue } from "../core/plan.ts";
import type { AlertScope, FileContent, GitHubPort, ListedAlert, ListedComment, RepositoryInfo } from "../github/port.ts";

/**
 * A GitHubPort made of local files, for `nhi-steward plan`: it touches no network. Every user is
 * taken as assignable, teams cannot be expanded (they are mentioned), and no issue exists yet.
 */
export class OfflinePort implements GitHubPort {
  /** Offline: there are no issues to act on. */
  readonly self = null;
  private readonly files: { codeowners?: string; policy?: string };

  constructor(files: { codeowners?: string; policy?: string }) {
    this.files = files;
  }

  async getRepository(repo: RepoRef): Promise<RepositoryInfo> {
    return { repo, visibility: "private", defaultBranch: "main", hasIssues: true };
  }
  async getSecretScanningAlert(repo: RepoRef, alertNumber: number): Promise<unknown> {
    throw new Error(`${repo.owner}/${repo.name} alert#${alertNumber} cannot be read offline: fix the payload file instead.`);
  }
  readSecretForRevocation(): never {
    throw new Error("offline: plan never revokes");
  }
  async listSecretScanningAlertLocations(): Promise<unknown[]> {
    return [];
  }
  // eslint-disable-next-line require-yield
  async *listOpenSecretScanningAlerts(_scope: AlertScope): AsyncIterable<ListedAlert> {
    return;
  }
  async listRecentlyResolvedAlerts(): Promise<ListedAlert[]> {
    return [];
  }
  async getRepositoryProperties(): Promise<Record<string, string>> {
    return {};
  }
  async readFile(_repo: RepoRef, path: string): Promise<FileContent | null> {
    const text = path === CODEOWNERS_LOCATIONS[0] ? this.files.codeowners : path === POLICY_FILE && _repo.name !== ".github" ? this.files.policy : undefined;
    if (text === undefined) return null;
    return { path, text, sha: "offline", size: Buffer.byteLength(text) };
  }
  async listTeamMembers(): Promise<string[] | null> {
    return null;
  }
  async isAssignable(): Promise<boolean> {
    return true;
  }
  async repositoryPermission(): Promise<string | null> {
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
  async listIssues(): Promise<ExistingIssue[]> {
    return [];
  }
  async findIssue(): Promise<ExistingIssue | null> {
    return null;
  }
  getIssue(): never {
    throw new Error("offline: there are no issues to read");
  }
  async listIssueCommentsSince(): Promise<ListedComment[]> {
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
