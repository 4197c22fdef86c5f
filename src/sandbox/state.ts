/**
 * The sandbox's GitHub, in memory: accounts, teams, installations, repositories with their files,
 * labels, issues and secret-scanning alerts. Seeding and inspection methods for tests live here;
 * the HTTP routes read and mutate the same records.
 */
import type { Clock } from "../core/clock.ts";
import type { SandboxAlertInput, SandboxAlertPatch, SandboxComment, SandboxIssue, SandboxLabel, SandboxLocationInput } from "./types.ts";
import { blobSha, fakeSha, iso, key } from "./util.ts";

export type AccountType = "User" | "Organization" | "Bot";

export interface UserRecord {
  id: number;
  login: string;
  type: AccountType;
  email: string | null;
  name: string | null;
  createdAt: string;
}

export interface TeamRecord {
  id: number;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  members: string[];
  maintainers: string[];
  createdAt: string;
}

export interface InstallationRecord {
  id: number;
  account: string;
  repositories: "all" | string[];
  permissions: Record<string, string>;
  events: string[];
  createdAt: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export type RepoPermission = "admin" | "maintain" | "write" | "triage" | "read" | "none";

export interface CommentRecord {
  id: number;
  body: string;
  user: string;
  /** The slug of the GitHub App whose token wrote it (GitHub's `performed_via_github_app`); null for people. */
  viaApp: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  stateReason: string | null;
  /** Label names as stored on the repository (canonical spelling). */
  labels: string[];
  assignees: string[];
  user: string;
  /** The slug of the GitHub App whose token opened it (GitHub's `performed_via_github_app`); null for people. */
  viaApp: string | null;
  comments: CommentRecord[];
  locked: boolean;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  closedBy: string | null;
  /** Set when the issue is a pull request (GitHub numbers them together; `GET …/issues/{n}` lists both). */
  pull?: PullRecord;
}

/** What a pull request adds to its issue: branches, reviews and review (diff) comments. */
export interface PullRecord {
  head: string;
  base: string;
  headSha: string;
  reviews: ReviewRecord[];
  reviewComments: ReviewCommentRecord[];
}

export interface ReviewRecord {
  id: number;
  body: string;
  user: string;
  state: "COMMENTED" | "APPROVED" | "CHANGES_REQUESTED";
  commitId: string;
  submittedAt: string;
}

/** A comment on a line of a pull request's diff (`GET …/pulls/comments/{id}`), part of a review. */
export interface ReviewCommentRecord {
  id: number;
  reviewId: number;
  body: string;
  user: string;
  path: string;
  line: number;
  commitId: string;
  createdAt: string;
  updatedAt: string;
}

/** A repository discussion (GraphQL only: GitHub has no REST API for them). */
export interface DiscussionRecord {
  id: number;
  number: number;
  title: string;
  body: string;
  user: string;
  comments: DiscussionCommentRecord[];
  createdAt: string;
}

export interface DiscussionCommentRecord {
  id: number;
  body: string;
  user: string;
  /** The top-level comment this one replies to (GitHub nests one level); null for a top-level comment. */
  replyTo: number | null;
  createdAt: string;
}

export interface LocationRecord {
  /** GitHub's location type (`commit` unless given). */
  type: NonNullable<SandboxLocationInput["type"]>;
  /** Normalised (no leading `/`), for reading the file; `wirePath` is what GitHub sends. */
  path: string;
  wirePath: string;
  /** Content locations: the issue (and comment) they name, or the URL as given. */
  issue: number | null;
  comment: number | null;
  discussion: number | null;
  url: string | null;
  startLine: number;
  endLine: number;
  startColumn: number;
  endColumn: number;
  blobSha: string;
  commitSha: string;
}

export interface AlertRecord {
  number: number;
  secretType: string;
  secretTypeDisplayName: string;
  provider: string | null;
  providerSlug: string | null;
  secret: string;
  validity: "active" | "inactive" | "unknown";
  publiclyLeaked: boolean;
  multiRepo: boolean;
  pushProtectionBypassed: boolean;
  pushProtectionBypassedBy: string | null;
  state: "open" | "resolved";
  resolution: string | null;
  resolutionComment: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  assignedTo: string | null;
  /** Every resolution comment ever written (GitHub keeps them; they cannot be edited). */
  commentHistory: string[];
  createdAt: string;
  updatedAt: string | null;
  locations: LocationRecord[];
}

export interface DispatchRecord {
  eventType: string;
  clientPayload: unknown;
  at: string;
}

export interface RepoRecord {
  id: number;
  owner: string;
  name: string;
  visibility: "public" | "private" | "internal";
  defaultBranch: string;
  hasIssues: boolean;
  secretScanning: boolean;
  description: string | null;
  /** Files of the default branch (every `ref` reads the same tree). */
  files: Map<string, string>;
  /** Explicit assignable logins; null = the owner plus, for organisations, every org member. */
  assignable: Set<string> | null;
  labels: LabelRecord[];
  issues: IssueRecord[];
  discussions: DiscussionRecord[];
  alerts: AlertRecord[];
  dispatches: DispatchRecord[];
  /** Custom property values (Settings → Custom properties). */
  properties: Map<string, string | string[]>;
  createdAt: string;
  updatedAt: string;
  pushedAt: string;
}

export interface TokenRecord {
  token: string;
  installationId: number | null;
  login: string;
  expiresAt: string | null;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

/** Well-known secret types: display name and provider, as GitHub's supported-patterns list names them. */
const SECRET_TYPES: Record<string, { display: string; provider: string; slug: string }> = {
  github_personal_access_token: { display: "GitHub Personal Access Token", provider: "GitHub", slug: "github" },
  github_app_installation_access_token: { display: "GitHub App Installation Access Token", provider: "GitHub", slug: "github" },
  github_oauth_access_token: { display: "GitHub OAuth Access Token", provider: "GitHub", slug: "github" },
  aws_access_key_id: { display: "AWS Access Key ID", provider: "Amazon AWS", slug: "aws" },
  aws_secret_access_key: { display: "AWS Secret Access Key", provider: "Amazon AWS", slug: "aws" },
  slack_incoming_webhook_url: { display: "Slack Incoming Webhook URL", provider: "Slack", slug: "slack" },
  slack_api_token: { display: "Slack API Token", provider: "Slack", slug: "slack" },
  npm_access_token: { display: "npm Access Token", provider: "npm", slug: "npm" },
  stripe_api_key: { display: "Stripe API Key", provider: "Stripe", slug: "stripe" },
  stripe_test_secret_key: { display: "Stripe Test API Secret Key", provider: "Stripe", slug: "stripe" },
  google_api_key: { display: "Google API Key", provider: "Google", slug: "google" },
  azure_storage_account_key: { display: "Azure Storage Account Access Key", provider: "Microsoft Azure", slug: "azure" },
};

function titleCase(secretType: string): string {
  return secretType
    .split("_")
    .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : w))
    .join(" ");
}

export class SandboxState {
  readonly clock: Clock;
  readonly app: AppRecord = { id: 1, slug: "nhi-steward", name: "NHI Steward", owner: "nhi-steward" };
  /** Other apps installed on organisations (what GET /orgs/{org}/installations lists), by org. */
  readonly orgApps = new Map<
    string,
    {
      id: number;
      appId: number;
      appSlug: string;
      owner: string | null;
      permissions: Record<string, string>;
      repositorySelection: "all" | "selected";
      createdAt: string;
    }[]
  >();

  /** Installs (or changes) a third-party app on an organisation. `owner`: the account that publishes the app (GET /apps/{slug}). */
  setOrgAppInstallation(
    org: string,
    inst: {
      id: number;
      appId?: number;
      appSlug: string;
      owner?: string;
      permissions: Record<string, string>;
      repositorySelection?: "all" | "selected";
    },
  ): void {
    const list = this.orgApps.get(key(org)) ?? [];
    const entry = {
      id: inst.id,
      appId: inst.appId ?? 1000 + inst.id,
      appSlug: inst.appSlug,
      owner: inst.owner ?? null,
      permissions: inst.permissions,
      repositorySelection: inst.repositorySelection ?? "all",
      createdAt: this.now(),
    };
    const i = list.findIndex((x) => x.id === inst.id);
    if (i >= 0) list[i] = { ...entry, createdAt: list[i]!.createdAt };
    else list.push(entry);
    this.orgApps.set(key(org), list);
  }
  /** Uninstalls a third-party app from an organisation. */
  removeOrgAppInstallation(org: string, id: number): void {
    this.orgApps.set(
      key(org),
      (this.orgApps.get(key(org)) ?? []).filter((x) => x.id !== id),
    );
  }

  /** Organisations on GitHub Enterprise Cloud: only they answer GET /orgs/{org}/audit-log (others 404). */
  private readonly enterpriseCloud = new Set<string>();
  private readonly auditLogs = new Map<string, Record<string, unknown>[]>();
  private auditCounter = 0;

  /** Puts an organisation on (or off) GitHub Enterprise Cloud, which has the audit log API. */
  setOrgPlan(org: string, plan: "free" | "team" | "enterprise-cloud"): void {
    this.requireOrg(org);
    if (plan === "enterprise-cloud") this.enterpriseCloud.add(key(org));
    else this.enterpriseCloud.delete(key(org));
  }

  isEnterpriseCloud(org: string): boolean {
    return this.enterpriseCloud.has(key(org));
  }

  /**
   * Records an audit log event as GitHub's REST API returns it (`action`, `actor`, … as given);
   * `_document_id`, `@timestamp` and `created_at` (epoch ms, the clock's now) and `org` are filled in
   * when absent. Returns the entry.
   */
  addAuditLogEntry(org: string, entry: Record<string, unknown> & { action: string }): Record<string, unknown> {
    this.requireOrg(org);
    const at = typeof entry["@timestamp"] === "number" ? entry["@timestamp"] : this.clock.now().getTime();
    const full = {
      "@timestamp": at,
      created_at: at,
      _document_id: `sandboxDoc${String(++this.auditCounter).padStart(6, "0")}`,
      org,
      ...entry,
    };
    const list = this.auditLogs.get(key(org)) ?? [];
    list.push(full);
    this.auditLogs.set(key(org), list);
    return full;
  }

  /** The organisation's audit log, oldest first. */
  auditLog(org: string): Record<string, unknown>[] {
    return [...(this.auditLogs.get(key(org)) ?? [])].sort(
      (a, b) => Number(a["@timestamp"]) - Number(b["@timestamp"]) || String(a._document_id).localeCompare(String(b._document_id)),
    );
  }

  /**
   * Login used for requests whose token the sandbox did not mint or register: the app's bot, as an
   * installation token of nhi-steward acts (the Action is handed one). Register other tokens with
   * `addToken` (e.g. `github-actions[bot]` for a workflow's GITHUB_TOKEN, or a person's PAT).
   */
  get defaultActor(): string {
    return `${this.app.slug}[bot]`;
  }
  /** Repository permissions set with `setPermission`, by `owner/repo` then login. */
  private readonly permissions = new Map<string, Map<string, RepoPermission>>();

  private readonly users = new Map<string, UserRecord>();
  private readonly orgMembers = new Map<string, Set<string>>();
  private readonly teams = new Map<string, TeamRecord>();
  private readonly installations = new Map<number, InstallationRecord>();
  private readonly repos = new Map<string, RepoRecord>();
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly revoked: string[] = [];
  private nextId = {
    user: 1000,
    team: 100,
    repo: 500000,
    label: 7000000,
    issue: 9000000,
    comment: 12000000,
    review: 80,
    discussion: 4566270,
    discussionComment: 4158232,
  };
  private tokenCounter = 0;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  now(): string {
    return iso(this.clock.now());
  }

  // ---------------------------------------------------------------- accounts

  addOrg(login: string, opts: { id?: number; name?: string } = {}): void {
    const existing = this.users.get(key(login));
    if (existing && existing.type !== "Organization") throw new Error(`sandbox: ${login} is already a user`);
    this.users.set(key(login), {
      id: opts.id ?? existing?.id ?? this.nextId.user++,
      login,
      type: "Organization",
      email: null,
      name: opts.name ?? existing?.name ?? null,
      createdAt: existing?.createdAt ?? this.now(),
    });
    if (!this.orgMembers.has(key(login))) this.orgMembers.set(key(login), new Set());
  }

  addUser(login: string, opts: { email?: string; name?: string; id?: number; type?: "User" | "Bot" } = {}): void {
    const existing = this.users.get(key(login));
    if (existing?.type === "Organization") throw new Error(`sandbox: ${login} is already an organisation`);
    this.users.set(key(login), {
      id: opts.id ?? existing?.id ?? this.nextId.user++,
      login,
      type: opts.type ?? existing?.type ?? (login.endsWith("[bot]") ? "Bot" : "User"),
      email: opts.email ?? existing?.email ?? null,
      name: opts.name ?? existing?.name ?? null,
      createdAt: existing?.createdAt ?? this.now(),
    });
  }

  addOrgMember(org: string, login: string): void {
    this.requireOrg(org);
    if (!this.users.has(key(login))) this.addUser(login);
    this.orgMembers.get(key(org))!.add(key(login));
  }

  user(login: string): UserRecord | undefined {
    return this.users.get(key(login));
  }

  /** The account record, created on first use (bots and the sandbox's own actors). */
  ensureUser(login: string, type?: AccountType): UserRecord {
    let u = this.users.get(key(login));
    if (!u) {
      if (type === "Organization") this.addOrg(login);
      else this.addUser(login, type ? { type } : {});
      u = this.users.get(key(login))!;
    }
    return u;
  }

  isOrg(login: string): boolean {
    return this.users.get(key(login))?.type === "Organization";
  }

  isOrgMember(org: string, login: string): boolean {
    return this.orgMembers.get(key(org))?.has(key(login)) ?? false;
  }

  private requireOrg(org: string): UserRecord {
    const o = this.users.get(key(org));
    if (!o || o.type !== "Organization") throw new Error(`sandbox: unknown organisation ${org} (addOrg first)`);
    return o;
  }

  // ---------------------------------------------------------------- teams

  addTeam(org: string, slug: string, members: string[], opts: { name?: string; description?: string; maintainers?: string[] } = {}): void {
    this.requireOrg(org);
    for (const m of [...members, ...(opts.maintainers ?? [])]) this.addOrgMember(org, m);
    const existing = this.teams.get(key(org, slug));
    this.teams.set(key(org, slug), {
      id: existing?.id ?? this.nextId.team++,
      org: this.users.get(key(org))!.login,
      slug,
      name: opts.name ?? existing?.name ?? slug,
      description: opts.description ?? existing?.description ?? null,
      members: [...members],
      maintainers: [...(opts.maintainers ?? [])],
      createdAt: existing?.createdAt ?? this.now(),
    });
  }

  team(org: string, slug: string): TeamRecord | undefined {
    return this.teams.get(key(org, slug));
  }

  teamsOf(org: string): TeamRecord[] {
    return [...this.teams.values()].filter((t) => key(t.org) === key(org)).sort((a, b) => a.id - b.id);
  }

  // ---------------------------------------------------------------- installations and tokens

  addInstallation(opts: {
    id: number;
    account: string;
    repositories?: "all" | string[];
    permissions?: Record<string, string>;
    events?: string[];
  }): void {
    if (!this.users.has(key(opts.account))) throw new Error(`sandbox: unknown account ${opts.account} (addOrg/addUser first)`);
    this.installations.set(opts.id, {
      id: opts.id,
      account: this.users.get(key(opts.account))!.login,
      repositories: opts.repositories ?? "all",
      permissions: opts.permissions ?? {
        contents: "read",
        issues: "write",
        metadata: "read",
        members: "read",
        secret_scanning_alerts: "write",
        pull_requests: "read",
        discussions: "read",
      },
      events: opts.events ?? ["secret_scanning_alert", "secret_scanning_alert_location"],
      createdAt: this.now(),
    });
  }

  installation(id: number): InstallationRecord | undefined {
    return this.installations.get(id);
  }

  allInstallations(): InstallationRecord[] {
    return [...this.installations.values()].sort((a, b) => a.id - b.id);
  }

  installationForAccount(account: string): InstallationRecord | undefined {
    return this.allInstallations().find((i) => key(i.account) === key(account));
  }

  installationForRepo(owner: string, repo: string): InstallationRecord | undefined {
    const inst = this.installationForAccount(owner);
    if (!inst) return undefined;
    if (inst.repositories === "all") return inst;
    return inst.repositories.some((r) => key(r) === key(repo)) ? inst : undefined;
  }

  installationRepos(inst: InstallationRecord): RepoRecord[] {
    return this.reposOf(inst.account).filter((r) => inst.repositories === "all" || inst.repositories.some((n) => key(n) === key(r.name)));
  }

  /** Mint an installation access token (`ghs_…`), valid one hour by the sandbox clock. */
  mintInstallationToken(installationId: number): TokenRecord {
    this.tokenCounter++;
    const body = fakeSha("installation-token", installationId, this.tokenCounter).slice(0, 30);
    const token = `ghs_${body}${String(this.tokenCounter).padStart(6, "0")}`;
    const expires = new Date(this.clock.now().getTime() + 3600_000);
    const rec: TokenRecord = { token, installationId, login: `${this.app.slug}[bot]`, expiresAt: iso(expires) };
    this.tokens.set(token, rec);
    return rec;
  }

  /** Tell the sandbox which account a token (e.g. a PAT or the Action's token) acts as. */
  addToken(token: string, login: string, opts: { installationId?: number } = {}): void {
    this.ensureUser(login);
    this.tokens.set(token, { token, login, installationId: opts.installationId ?? null, expiresAt: null });
  }

  tokenInfo(token: string | null): TokenRecord | undefined {
    return token === null ? undefined : this.tokens.get(token);
  }

  /** The account a request with this token acts as. */
  actorFor(token: string | null): UserRecord {
    const rec = this.tokenInfo(token);
    const login = rec?.login ?? this.defaultActor;
    return this.ensureUser(login, login.endsWith("[bot]") ? "Bot" : "User");
  }

  /** The app a bot account belongs to (`slug[bot]` → `slug`); null for people. */
  appOf(login: string): string | null {
    const m = /^(.+)\[bot\]$/.exec(login);
    return m ? m[1]! : null;
  }

  /** A person's permission on a repository (GET …/collaborators/{username}/permission). */
  setPermission(owner: string, repo: string, login: string, permission: RepoPermission): void {
    this.ensureUser(login);
    const k = key(owner, repo);
    if (!this.permissions.has(k)) this.permissions.set(k, new Map());
    this.permissions.get(k)!.set(key(login), permission);
  }

  /**
   * What GitHub answers for a person's permission: as set, else `write` for people assignable in
   * the repository, `read` for other members of its organisation, `none` for everyone else.
   */
  permissionOf(r: RepoRecord, login: string): RepoPermission {
    const set = this.permissions.get(key(r.owner, r.name))?.get(key(login));
    if (set) return set;
    if (r.assignable?.has(key(login))) return "write";
    return this.isOrgMember(r.owner, login) ? "read" : "none";
  }

  recordRevocations(credentials: string[]): void {
    this.revoked.push(...credentials);
  }

  /** Every credential posted (unauthenticated, as GitHub requires) to POST /credentials/revoke. */
  revocations(): string[] {
    return [...this.revoked];
  }

  // ---------------------------------------------------------------- repositories and files

  addRepo(opts: {
    owner: string;
    name: string;
    visibility?: "public" | "private" | "internal";
    defaultBranch?: string;
    hasIssues?: boolean;
    secretScanning?: boolean;
    description?: string;
    files?: Record<string, string>;
    assignable?: string[];
    properties?: Record<string, string | string[]>;
  }): void {
    const owner = this.users.get(key(opts.owner));
    if (!owner) throw new Error(`sandbox: unknown owner ${opts.owner} (addOrg/addUser first)`);
    if (this.repos.has(key(opts.owner, opts.name))) throw new Error(`sandbox: repository ${opts.owner}/${opts.name} already exists`);
    const now = this.now();
    this.repos.set(key(opts.owner, opts.name), {
      id: this.nextId.repo++,
      owner: owner.login,
      name: opts.name,
      visibility: opts.visibility ?? "private",
      defaultBranch: opts.defaultBranch ?? "main",
      hasIssues: opts.hasIssues ?? true,
      secretScanning: opts.secretScanning ?? true,
      description: opts.description ?? null,
      files: new Map(Object.entries(opts.files ?? {}).map(([p, c]) => [normalisePath(p), c])),
      assignable: opts.assignable ? new Set(opts.assignable.map((l) => key(l))) : null,
      labels: [],
      issues: [],
      discussions: [],
      alerts: [],
      dispatches: [],
      properties: new Map(Object.entries(opts.properties ?? {})),
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
    });
    for (const login of opts.assignable ?? []) if (!this.users.has(key(login))) this.addUser(login);
  }

  repo(owner: string, name: string): RepoRecord | undefined {
    return this.repos.get(key(owner, name));
  }

  requireRepo(owner: string, name: string): RepoRecord {
    const r = this.repo(owner, name);
    if (!r) throw new Error(`sandbox: unknown repository ${owner}/${name}`);
    return r;
  }

  reposOf(owner: string): RepoRecord[] {
    return [...this.repos.values()].filter((r) => key(r.owner) === key(owner)).sort((a, b) => a.id - b.id);
  }

  setFile(owner: string, repo: string, path: string, content: string | null): void {
    const r = this.requireRepo(owner, repo);
    if (content === null) r.files.delete(normalisePath(path));
    else r.files.set(normalisePath(path), content);
    r.pushedAt = this.now();
  }

  file(owner: string, repo: string, path: string): string | undefined {
    return this.repo(owner, repo)?.files.get(normalisePath(path));
  }

  setProperties(owner: string, repo: string, properties: Record<string, string | string[]>): void {
    this.requireRepo(owner, repo).properties = new Map(Object.entries(properties));
  }

  setAssignable(owner: string, repo: string, logins: string[]): void {
    const r = this.requireRepo(owner, repo);
    for (const login of logins) if (!this.users.has(key(login))) this.addUser(login);
    r.assignable = new Set(logins.map((l) => key(l)));
  }

  isAssignable(r: RepoRecord, login: string): boolean {
    if (!this.users.has(key(login))) return false;
    if (r.assignable) return r.assignable.has(key(login));
    if (key(login) === key(r.owner)) return !this.isOrg(r.owner);
    return this.isOrg(r.owner) && this.isOrgMember(r.owner, login);
  }

  assignableUsers(r: RepoRecord): UserRecord[] {
    return [...this.users.values()].filter((u) => u.type !== "Organization" && this.isAssignable(r, u.login)).sort((a, b) => a.id - b.id);
  }

  // ---------------------------------------------------------------- labels, issues and comments (records)

  findLabel(r: RepoRecord, name: string): LabelRecord | undefined {
    return r.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  createLabel(r: RepoRecord, name: string, color = "ededed", description: string | null = null): LabelRecord {
    const label: LabelRecord = { id: this.nextId.label++, name, color: color.toLowerCase(), description, default: false };
    r.labels.push(label);
    return label;
  }

  /** The label's canonical name, creating it with GitHub's default colour when the repository does not have it. */
  ensureLabel(r: RepoRecord, name: string): string {
    return (this.findLabel(r, name) ?? this.createLabel(r, name)).name;
  }

  newIssue(
    r: RepoRecord,
    fields: { title: string; body: string | null; user: string; labels: string[]; assignees: string[] },
  ): IssueRecord {
    const now = this.now();
    const issue: IssueRecord = {
      id: this.nextId.issue++,
      number: r.issues.length + r.discussions.length + 1,
      title: fields.title,
      body: fields.body,
      state: "open",
      stateReason: null,
      labels: fields.labels,
      assignees: fields.assignees,
      user: fields.user,
      viaApp: this.appOf(fields.user),
      comments: [],
      locked: false,
      createdAt: now,
      updatedAt: now,
      closedAt: null,
      closedBy: null,
    };
    r.issues.push(issue);
    return issue;
  }

  newComment(issue: IssueRecord, body: string, user: string): CommentRecord {
    const now = this.now();
    const c: CommentRecord = { id: this.nextId.comment++, body, user, viaApp: this.appOf(user), createdAt: now, updatedAt: now };
    issue.comments.push(c);
    issue.updatedAt = now;
    return c;
  }

  findComment(r: RepoRecord, id: number): { issue: IssueRecord; comment: CommentRecord } | undefined {
    for (const issue of r.issues) {
      const comment = issue.comments.find((c) => c.id === id);
      if (comment) return { issue, comment };
    }
    return undefined;
  }

  /** A pull request (an issue with a `pull`), opened by `user` from `head` into the default branch. */
  newPull(r: RepoRecord, fields: { title: string; body: string | null; user: string; head?: string }): IssueRecord {
    const issue = this.newIssue(r, { ...fields, labels: [], assignees: [] });
    const head = fields.head ?? `${fields.user}-patch-${issue.number}`;
    issue.pull = { head, base: r.defaultBranch, headSha: fakeSha("head", r.owner, r.name, issue.number), reviews: [], reviewComments: [] };
    return issue;
  }

  /** A submitted review of a pull request, with review comments on lines of its diff. */
  newReview(
    pr: IssueRecord,
    fields: { body: string; user: string; state?: ReviewRecord["state"]; comments?: { path: string; line: number; body: string }[] },
  ): { review: ReviewRecord; comments: ReviewCommentRecord[] } {
    if (!pr.pull) throw new Error(`sandbox: #${pr.number} is not a pull request`);
    const now = this.now();
    const review: ReviewRecord = {
      id: this.nextId.review++,
      body: fields.body,
      user: fields.user,
      state: fields.state ?? "COMMENTED",
      commitId: pr.pull.headSha,
      submittedAt: now,
    };
    pr.pull.reviews.push(review);
    const comments = (fields.comments ?? []).map((c): ReviewCommentRecord => ({
      id: this.nextId.comment++,
      reviewId: review.id,
      body: c.body,
      user: fields.user,
      path: c.path,
      line: c.line,
      commitId: pr.pull!.headSha,
      createdAt: now,
      updatedAt: now,
    }));
    pr.pull.reviewComments.push(...comments);
    pr.updatedAt = now;
    return { review, comments };
  }

  findReviewComment(r: RepoRecord, id: number): { pr: IssueRecord; comment: ReviewCommentRecord } | undefined {
    for (const pr of r.issues) {
      const comment = pr.pull?.reviewComments.find((c) => c.id === id);
      if (comment) return { pr, comment };
    }
    return undefined;
  }

  /** A discussion (numbered with the repository's issues and pull requests, as on GitHub). */
  newDiscussion(r: RepoRecord, fields: { title: string; body: string; user: string }): DiscussionRecord {
    this.ensureUser(fields.user);
    const d: DiscussionRecord = {
      id: this.nextId.discussion++,
      number: r.issues.length + r.discussions.length + 1,
      ...fields,
      comments: [],
      createdAt: this.now(),
    };
    r.discussions.push(d);
    return d;
  }

  /** A comment on a discussion, or (with `replyTo`) a reply to one of its comments. */
  newDiscussionComment(d: DiscussionRecord, body: string, user: string, replyTo: number | null = null): DiscussionCommentRecord {
    this.ensureUser(user);
    if (replyTo !== null && !d.comments.some((c) => c.id === replyTo && c.replyTo === null))
      throw new Error(`sandbox: discussion #${d.number} has no top-level comment ${replyTo}`);
    const c: DiscussionCommentRecord = { id: this.nextId.discussionComment++, body, user, replyTo, createdAt: this.now() };
    d.comments.push(c);
    return c;
  }

  // ---------------------------------------------------------------- secret scanning

  addSecretScanningAlert(owner: string, repo: string, alert: SandboxAlertInput): { number: number } {
    const r = this.requireRepo(owner, repo);
    const known = SECRET_TYPES[alert.secretType];
    const now = this.now();
    const rec: AlertRecord = {
      number: r.alerts.length + 1,
      secretType: alert.secretType,
      secretTypeDisplayName: alert.secretTypeDisplayName ?? known?.display ?? titleCase(alert.secretType),
      provider: alert.provider ?? known?.provider ?? null,
      providerSlug: known?.slug ?? (alert.provider ? alert.provider.toLowerCase().replace(/[^a-z0-9]+/g, "_") : null),
      secret: alert.secret,
      validity: alert.validity ?? "unknown",
      publiclyLeaked: alert.publiclyLeaked ?? false,
      multiRepo: alert.multiRepo ?? false,
      pushProtectionBypassed: alert.pushProtectionBypassed ?? alert.pushProtectionBypassedBy !== undefined,
      pushProtectionBypassedBy: alert.pushProtectionBypassedBy ?? null,
      state: alert.state ?? "open",
      resolution: alert.state === "resolved" ? (alert.resolution ?? "revoked") : null,
      resolutionComment: alert.state === "resolved" ? (alert.resolutionComment ?? null) : null,
      resolvedAt: alert.state === "resolved" ? now : null,
      resolvedBy: null,
      assignedTo: null,
      commentHistory: alert.state === "resolved" && alert.resolutionComment ? [alert.resolutionComment] : [],
      createdAt: now,
      updatedAt: now,
      locations: [],
    };
    r.alerts.push(rec);
    for (const loc of alert.locations ?? []) this.addAlertLocation(owner, repo, rec.number, loc);
    return { number: rec.number };
  }

  addAlertLocation(owner: string, repo: string, alertNumber: number, location: SandboxLocationInput): void {
    const r = this.requireRepo(owner, repo);
    const a = this.requireAlert(r, alertNumber);
    const type = location.type ?? "commit";
    const wirePath = location.path ?? "";
    const path = normalisePath(wirePath);
    if ((type === "commit" || type === "wiki_commit") && !path) throw new Error(`sandbox: a ${type} location needs a path`);
    if ((type.startsWith("issue_") || type.startsWith("pull_request_")) && location.url === undefined) {
      const pull = type.startsWith("pull_request_");
      // A comment's URL names only the comment; titles, bodies and reviews name the issue or pull request.
      const byComment = type.endsWith("_comment");
      if (!byComment && location.issue === undefined)
        throw new Error(`sandbox: a ${type} location needs ${pull ? "a pull request" : "an issue"} (or a url)`);
      const target = location.issue === undefined ? undefined : r.issues.find((i) => i.number === location.issue);
      if (location.issue !== undefined && (!target || (pull && !target.pull)))
        throw new Error(`sandbox: no ${pull ? "pull request" : "issue"} ${owner}/${repo}#${location.issue}`);
      const id = location.comment;
      const named =
        type === "pull_request_review_comment"
          ? id !== undefined && this.findReviewComment(r, id) !== undefined
          : type === "pull_request_review"
            ? target?.pull?.reviews.some((x) => x.id === id) === true
            : byComment
              ? id !== undefined && this.findComment(r, id) !== undefined
              : true;
      if (!named)
        throw new Error(`sandbox: a ${type} location needs the id of an existing ${type.replace(/^(issue|pull_request)_/, "")} (comment)`);
    }
    if (type.startsWith("discussion_")) {
      if (location.discussion === undefined && location.url === undefined)
        throw new Error(`sandbox: a ${type} location needs a discussion (or a url)`);
      const d = location.discussion === undefined ? undefined : r.discussions.find((x) => x.number === location.discussion);
      if (location.discussion !== undefined && !d) throw new Error(`sandbox: no discussion ${owner}/${repo}#${location.discussion}`);
      if (type === "discussion_comment" && location.url === undefined && !d?.comments.some((c) => c.id === location.comment))
        throw new Error("sandbox: a discussion_comment location needs a comment of its discussion");
    }
    const content = type === "commit" ? r.files.get(path) : undefined;
    // Where the file holds the secret, point at it exactly like GitHub does (1-based lines and columns).
    let found: { line: number; column: number } | undefined;
    if (content !== undefined) {
      const lines = content.split("\n");
      const idx = lines.findIndex((l) => l.includes(a.secret));
      if (idx >= 0) found = { line: idx + 1, column: lines[idx]!.indexOf(a.secret) + 1 };
    }
    const startLine = location.startLine ?? found?.line ?? 1;
    const startColumn = location.startColumn ?? found?.column ?? 1;
    a.locations.push({
      type,
      path,
      wirePath,
      issue: location.issue ?? null,
      comment: location.comment ?? null,
      discussion: location.discussion ?? null,
      url: location.url ?? null,
      startLine,
      endLine: location.endLine ?? startLine,
      startColumn,
      endColumn: location.endColumn ?? startColumn + a.secret.length,
      blobSha: location.blobSha ?? (content !== undefined ? blobSha(content) : fakeSha("blob", r.owner, r.name, path || type, a.secret)),
      commitSha: location.commitSha ?? fakeSha("commit", r.owner, r.name, a.number, a.locations.length),
    });
    a.updatedAt = this.now();
  }

  requireAlert(r: RepoRecord, number: number): AlertRecord {
    const a = r.alerts.find((x) => x.number === number);
    if (!a) throw new Error(`sandbox: unknown alert ${r.owner}/${r.name}#${number}`);
    return a;
  }

  updateAlert(owner: string, repo: string, number: number, patch: SandboxAlertPatch): void {
    const a = this.requireAlert(this.requireRepo(owner, repo), number);
    const now = this.now();
    if (patch.state === "resolved" && a.state !== "resolved") {
      a.state = "resolved";
      a.resolvedAt = now;
      a.resolution = patch.resolution ?? a.resolution ?? "revoked";
    } else if (patch.state === "open") {
      a.state = "open";
      a.resolution = null;
      a.resolutionComment = null;
      a.resolvedAt = null;
      a.resolvedBy = null;
    }
    if (patch.resolution !== undefined && a.state === "resolved") a.resolution = patch.resolution;
    if (patch.resolutionComment !== undefined && a.state === "resolved") {
      a.resolutionComment = patch.resolutionComment;
      if (patch.resolutionComment) a.commentHistory.push(patch.resolutionComment);
    }
    if (patch.resolvedBy !== undefined && a.state === "resolved") a.resolvedBy = patch.resolvedBy;
    if (patch.validity !== undefined) a.validity = patch.validity;
    if (patch.publiclyLeaked !== undefined) a.publiclyLeaked = patch.publiclyLeaked;
    if (patch.multiRepo !== undefined) a.multiRepo = patch.multiRepo;
    if (patch.pushProtectionBypassed !== undefined) a.pushProtectionBypassed = patch.pushProtectionBypassed;
    if (patch.assignedTo !== undefined) a.assignedTo = patch.assignedTo === null ? null : this.ensureUser(patch.assignedTo).login;
    a.updatedAt = now;
  }

  /** A copy of the alert record (camelCase), including resolution, resolutionComment and the secret. */
  alert(owner: string, repo: string, number: number): AlertRecord | undefined {
    const a = this.repo(owner, repo)?.alerts.find((x) => x.number === number);
    return a ? structuredClone(a) : undefined;
  }

  alerts(owner: string, repo: string): AlertRecord[] {
    return structuredClone(this.repo(owner, repo)?.alerts ?? []);
  }

  // ---------------------------------------------------------------- inspection

  listIssues(owner: string, repo: string): SandboxIssue[] {
    return (this.repo(owner, repo)?.issues ?? []).map(toSandboxIssue);
  }

  getIssue(owner: string, repo: string, number: number): SandboxIssue | undefined {
    const issue = this.repo(owner, repo)?.issues.find((i) => i.number === number);
    return issue ? toSandboxIssue(issue) : undefined;
  }

  labels(owner: string, repo: string): SandboxLabel[] {
    return (this.repo(owner, repo)?.labels ?? []).map((l) => ({ name: l.name, color: l.color, description: l.description }));
  }

  dispatches(owner: string, repo: string): DispatchRecord[] {
    return structuredClone(this.repo(owner, repo)?.dispatches ?? []);
  }

  /**
   * All user-visible text in the sandbox that clients can write through the API, in one string:
   * issue titles, bodies, comments, labels with descriptions, alert resolution comments and
   * repository-dispatch payloads. Leak-hunt tests search it for planted secrets.
   * (Credentials posted to /credentials/revoke are not included: see revocations().)
   */
  everythingWritten(): string {
    const out: string[] = [];
    for (const r of this.repos.values()) {
      const where = `${r.owner}/${r.name}`;
      for (const l of r.labels) out.push(`${where} label: ${l.name}\n${l.description ?? ""}`);
      for (const i of r.issues) {
        out.push(`${where}#${i.number} title: ${i.title}`, `${where}#${i.number} body:\n${i.body ?? ""}`);
        for (const c of i.comments) out.push(`${where}#${i.number} comment ${c.id}:\n${c.body}`);
      }
      for (const a of r.alerts) for (const c of a.commentHistory) out.push(`${where} alert ${a.number} resolution comment:\n${c}`);
      for (const d of r.dispatches) out.push(`${where} dispatch ${d.eventType}:\n${JSON.stringify(d.clientPayload ?? null)}`);
    }
    return out.join("\n\n");
  }
}

export function normalisePath(path: string): string {
  return path.replace(/^\/+/, "");
}

function toSandboxIssue(i: IssueRecord): SandboxIssue {
  return {
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    stateReason: i.stateReason,
    labels: [...i.labels],
    assignees: [...i.assignees],
    user: i.user,
    comments: i.comments.map((c): SandboxComment => ({ ...c })),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    closedAt: i.closedAt,
  };
}
