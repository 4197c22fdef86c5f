/**
 * Records → GitHub's JSON shapes. Field names and required fields follow the schemas of
 * @octokit/openapi's api.github.com description (simple-user, full-repository, issue, label,
 * issue-comment, secret-scanning-alert, secret-scanning-location, installation, team-full…).
 */
import type {
  SandboxState,
  UserRecord,
  RepoRecord,
  IssueRecord,
  LabelRecord,
  CommentRecord,
  AlertRecord,
  LocationRecord,
  InstallationRecord,
  TeamRecord,
  ReviewRecord,
  ReviewCommentRecord,
} from "./state.ts";
import { fakeSha, nodeId } from "./util.ts";

/** Where the sandbox's URLs point: `api` is the sandbox (with `/api/v3` when the client used it), `html` the web UI base. */
export interface Urls {
  api: string;
  html: string;
}

type Json = Record<string, unknown>;

export function simpleUser(u: UserRecord, urls: Urls): Json {
  // GitHub percent-encodes bot logins in URLs: /users/github-actions%5Bbot%5D.
  const api = `${urls.api}/users/${encodeURIComponent(u.login)}`;
  const bot = /^(.+)\[bot\]$/.exec(u.login);
  return {
    login: u.login,
    id: u.id,
    node_id: nodeId(u.type === "Organization" ? "Organization" : u.type === "Bot" ? "Bot" : "User", u.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${u.id}?v=4`,
    gravatar_id: "",
    url: api,
    html_url: bot ? `${urls.html}/apps/${bot[1]}` : `${urls.html}/${u.login}`,
    followers_url: `${api}/followers`,
    following_url: `${api}/following{/other_user}`,
    gists_url: `${api}/gists{/gist_id}`,
    starred_url: `${api}/starred{/owner}{/repo}`,
    subscriptions_url: `${api}/subscriptions`,
    organizations_url: `${api}/orgs`,
    repos_url: `${api}/repos`,
    events_url: `${api}/events{/privacy}`,
    received_events_url: `${api}/received_events`,
    type: u.type,
    user_view_type: "public",
    site_admin: false,
  };
}

export function userOrNull(state: SandboxState, login: string | null, urls: Urls): Json | null {
  if (!login) return null;
  return simpleUser(state.ensureUser(login), urls);
}

/** GET /users/{username}: the public-user shape. */
export function publicUser(u: UserRecord, urls: Urls, publicRepos: number): Json {
  return {
    ...simpleUser(u, urls),
    name: u.name,
    company: null,
    blog: "",
    location: null,
    email: u.email,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: u.createdAt,
    updated_at: u.createdAt,
  };
}

/** organization-simple (also the webhook `organization` object). */
export function orgSimple(o: UserRecord, urls: Urls): Json {
  const api = `${urls.api}/orgs/${o.login}`;
  return {
    login: o.login,
    id: o.id,
    node_id: nodeId("Organization", o.id),
    url: api,
    repos_url: `${api}/repos`,
    events_url: `${api}/events`,
    hooks_url: `${api}/hooks`,
    issues_url: `${api}/issues`,
    members_url: `${api}/members{/member}`,
    public_members_url: `${api}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${o.id}?v=4`,
    description: null,
  };
}

export function orgFull(o: UserRecord, urls: Urls, repos: RepoRecord[]): Json {
  return {
    ...orgSimple(o, urls),
    name: o.name ?? o.login,
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: repos.filter((r) => r.visibility === "public").length,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `${urls.html}/${o.login}`,
    type: "Organization",
    total_private_repos: repos.filter((r) => r.visibility !== "public").length,
    owned_private_repos: repos.filter((r) => r.visibility !== "public").length,
    created_at: o.createdAt,
    updated_at: o.createdAt,
    archived_at: null,
  };
}

/** The fields shared by simple-repository, minimal-repository, repository and full-repository. */
function repoCore(state: SandboxState, r: RepoRecord, urls: Urls): Json {
  const api = `${urls.api}/repos/${r.owner}/${r.name}`;
  return {
    id: r.id,
    node_id: nodeId("Repository", r.id),
    name: r.name,
    full_name: `${r.owner}/${r.name}`,
    private: r.visibility !== "public",
    owner: simpleUser(state.ensureUser(r.owner), urls),
    html_url: `${urls.html}/${r.owner}/${r.name}`,
    description: r.description,
    fork: false,
    url: api,
    archive_url: `${api}/{archive_format}{/ref}`,
    assignees_url: `${api}/assignees{/user}`,
    blobs_url: `${api}/git/blobs{/sha}`,
    branches_url: `${api}/branches{/branch}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    comments_url: `${api}/comments{/number}`,
    commits_url: `${api}/commits{/sha}`,
    compare_url: `${api}/compare/{base}...{head}`,
    contents_url: `${api}/contents/{+path}`,
    contributors_url: `${api}/contributors`,
    deployments_url: `${api}/deployments`,
    downloads_url: `${api}/downloads`,
    events_url: `${api}/events`,
    forks_url: `${api}/forks`,
    git_commits_url: `${api}/git/commits{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    hooks_url: `${api}/hooks`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    issue_events_url: `${api}/issues/events{/number}`,
    issues_url: `${api}/issues{/number}`,
    keys_url: `${api}/keys{/key_id}`,
    labels_url: `${api}/labels{/name}`,
    languages_url: `${api}/languages`,
    merges_url: `${api}/merges`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    pulls_url: `${api}/pulls{/number}`,
    releases_url: `${api}/releases{/id}`,
    stargazers_url: `${api}/stargazers`,
    statuses_url: `${api}/statuses/{sha}`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    tags_url: `${api}/tags`,
    teams_url: `${api}/teams`,
    trees_url: `${api}/git/trees{/sha}`,
  };
}

export function simpleRepository(state: SandboxState, r: RepoRecord, urls: Urls): Json {
  return repoCore(state, r, urls);
}

/** The `repository` schema (also minimal-repository and the webhook repository): everything but full-repository's extras. */
export function repository(state: SandboxState, r: RepoRecord, urls: Urls): Json {
  const host = new URL(urls.html).host;
  const openIssues = r.issues.filter((i) => i.state === "open").length;
  return {
    ...repoCore(state, r, urls),
    git_url: `git://${host}/${r.owner}/${r.name}.git`,
    ssh_url: `git@${host}:${r.owner}/${r.name}.git`,
    clone_url: `${urls.html}/${r.owner}/${r.name}.git`,
    svn_url: `${urls.html}/${r.owner}/${r.name}`,
    mirror_url: null,
    homepage: null,
    language: null,
    forks_count: 0,
    stargazers_count: 0,
    watchers_count: 0,
    size: [...r.files.values()].reduce((n, c) => n + Buffer.byteLength(c), 0) >> 10,
    default_branch: r.defaultBranch,
    open_issues_count: openIssues,
    is_template: false,
    topics: [],
    has_issues: r.hasIssues,
    has_projects: true,
    has_wiki: false,
    has_pages: false,
    has_downloads: true,
    has_discussions: r.discussions.length > 0,
    archived: false,
    disabled: false,
    visibility: r.visibility,
    pushed_at: r.pushedAt,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
    allow_forking: false,
    web_commit_signoff_required: false,
    license: null,
    forks: 0,
    open_issues: openIssues,
    watchers: 0,
  };
}

/** GET /repos/{owner}/{repo}: full-repository. */
export function fullRepository(state: SandboxState, r: RepoRecord, urls: Urls): Json {
  const owner = state.ensureUser(r.owner);
  return {
    ...repository(state, r, urls),
    ...(owner.type === "Organization" ? { organization: simpleUser(owner, urls) } : {}),
    network_count: 0,
    subscribers_count: 0,
    security_and_analysis: {
      secret_scanning: { status: r.secretScanning ? "enabled" : "disabled" },
      secret_scanning_push_protection: { status: r.secretScanning ? "enabled" : "disabled" },
    },
  };
}

export function label(l: LabelRecord, r: RepoRecord, urls: Urls): Json {
  return {
    id: l.id,
    node_id: nodeId("Label", l.id),
    url: `${urls.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(l.name)}`,
    name: l.name,
    color: l.color,
    default: l.default,
    description: l.description,
  };
}

function reactions(url: string): Json {
  return { url, total_count: 0, "+1": 0, "-1": 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0 };
}

export function issue(state: SandboxState, i: IssueRecord, r: RepoRecord, urls: Urls): Json {
  const repoApi = `${urls.api}/repos/${r.owner}/${r.name}`;
  const api = `${repoApi}/issues/${i.number}`;
  const assignees = i.assignees.map((a) => simpleUser(state.ensureUser(a), urls));
  return {
    url: api,
    repository_url: repoApi,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${urls.html}/${r.owner}/${r.name}/${i.pull ? "pull" : "issues"}/${i.number}`,
    id: i.id,
    node_id: nodeId("Issue", i.id),
    number: i.number,
    title: i.title,
    user: simpleUser(state.ensureUser(i.user), urls),
    labels: i.labels.flatMap((name) => {
      const l = state.findLabel(r, name);
      return l ? [label(l, r, urls)] : [];
    }),
    state: i.state,
    locked: i.locked,
    assignee: assignees[0] ?? null,
    assignees,
    milestone: null,
    comments: i.comments.length,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    author_association: "NONE",
    active_lock_reason: null,
    body: i.body,
    closed_by: userOrNull(state, i.closedBy, urls),
    reactions: reactions(`${api}/reactions`),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: viaApp(state, i.viaApp, urls),
    state_reason: i.stateReason,
    ...(i.pull
      ? {
          pull_request: {
            url: `${repoApi}/pulls/${i.number}`,
            html_url: `${urls.html}/${r.owner}/${r.name}/pull/${i.number}`,
            diff_url: `${urls.html}/${r.owner}/${r.name}/pull/${i.number}.diff`,
            patch_url: `${urls.html}/${r.owner}/${r.name}/pull/${i.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
  };
}

export function comment(state: SandboxState, c: CommentRecord, i: IssueRecord, r: RepoRecord, urls: Urls): Json {
  const repoApi = `${urls.api}/repos/${r.owner}/${r.name}`;
  return {
    id: c.id,
    node_id: nodeId("IssueComment", c.id),
    url: `${repoApi}/issues/comments/${c.id}`,
    html_url: `${urls.html}/${r.owner}/${r.name}/${i.pull ? "pull" : "issues"}/${i.number}#issuecomment-${c.id}`,
    body: c.body,
    user: simpleUser(state.ensureUser(c.user), urls),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: `${repoApi}/issues/${i.number}`,
    author_association: "NONE",
    performed_via_github_app: viaApp(state, c.viaApp, urls),
    reactions: reactions(`${repoApi}/issues/comments/${c.id}/reactions`),
  };
}

/** A location's `details`, as GitHub's secret-scanning-location-<type> schema has them. */
export function locationDetails(l: LocationRecord, r: RepoRecord, urls: Urls): Json {
  const repoApi = `${urls.api}/repos/${r.owner}/${r.name}`;
  const repoHtml = `${urls.html}/${r.owner}/${r.name}`;
  const lines = { start_line: l.startLine, end_line: l.endLine, start_column: l.startColumn, end_column: l.endColumn };
  switch (l.type) {
    case "commit":
      return {
        path: l.wirePath,
        ...lines,
        blob_sha: l.blobSha,
        blob_url: `${repoApi}/git/blobs/${l.blobSha}`,
        commit_sha: l.commitSha,
        commit_url: `${repoApi}/git/commits/${l.commitSha}`,
      };
    case "wiki_commit": {
      // GitHub's example: path `/example/Home.md`, page `…/wiki/Home/<commit>`.
      const page = (l.path.split("/").pop() ?? l.path).replace(/\.[A-Za-z]+$/, "");
      return {
        path: l.wirePath,
        ...lines,
        blob_sha: l.blobSha,
        page_url: `${repoHtml}/wiki/${encodeURIComponent(page)}/${l.commitSha}`,
        commit_sha: l.commitSha,
        commit_url: `${repoHtml}/wiki/_compare/${l.commitSha}`,
      };
    }
    case "issue_title":
    case "issue_body":
      return { [`${l.type}_url`]: l.url ?? `${repoApi}/issues/${l.issue}` };
    case "issue_comment":
    case "pull_request_comment":
      return { [`${l.type}_url`]: l.url ?? `${repoApi}/issues/comments/${l.comment}` };
    case "pull_request_title":
    case "pull_request_body":
      return { [`${l.type}_url`]: l.url ?? `${repoApi}/pulls/${l.issue}` };
    case "pull_request_review":
      return { pull_request_review_url: l.url ?? `${repoApi}/pulls/${l.issue}/reviews/${l.comment}` };
    case "pull_request_review_comment":
      return { pull_request_review_comment_url: l.url ?? `${repoApi}/pulls/comments/${l.comment}` };
    default: {
      // Discussions: GitHub gives the page (REST has no discussions), with the body's or comment's anchor.
      if (l.url !== null || l.discussion === null) return { [`${l.type}_url`]: l.url ?? `${repoHtml}/discussions/1` };
      const page = `${repoHtml}/discussions/${l.discussion}`;
      const d = r.discussions.find((x) => x.number === l.discussion);
      const anchor =
        l.type === "discussion_comment"
          ? `#discussioncomment-${l.comment}`
          : l.type === "discussion_body" && d
            ? `#discussion-${d.id}`
            : "";
      return { [`${l.type}_url`]: `${page}${anchor}` };
    }
  }
}

/** GET /repos/{owner}/{repo}/pulls/{pull_number}: the pull-request schema (an open, unmerged pull request). */
export function pullRequest(state: SandboxState, i: IssueRecord, r: RepoRecord, urls: Urls): Json {
  const pull = i.pull!;
  const repoApi = `${urls.api}/repos/${r.owner}/${r.name}`;
  const api = `${repoApi}/pulls/${i.number}`;
  const html = `${urls.html}/${r.owner}/${r.name}/pull/${i.number}`;
  const assignees = i.assignees.map((a) => simpleUser(state.ensureUser(a), urls));
  const branch = (ref: string, sha: string): Json => ({
    label: `${r.owner}:${ref}`,
    ref,
    repo: repository(state, r, urls),
    sha,
    user: simpleUser(state.ensureUser(r.owner), urls),
  });
  const link = (href: string): Json => ({ href });
  return {
    url: api,
    id: i.id,
    node_id: nodeId("PullRequest", i.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: `${repoApi}/issues/${i.number}`,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${repoApi}/pulls/comments{/number}`,
    comments_url: `${repoApi}/issues/${i.number}/comments`,
    statuses_url: `${repoApi}/statuses/${pull.headSha}`,
    number: i.number,
    state: i.state,
    locked: i.locked,
    title: i.title,
    user: simpleUser(state.ensureUser(i.user), urls),
    body: i.body,
    labels: i.labels.flatMap((name) => {
      const l = state.findLabel(r, name);
      return l ? [label(l, r, urls)] : [];
    }),
    milestone: null,
    active_lock_reason: null,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
    closed_at: i.closedAt,
    merged_at: null,
    merge_commit_sha: null,
    assignee: assignees[0] ?? null,
    assignees,
    requested_reviewers: [],
    requested_teams: [],
    head: branch(pull.head, pull.headSha),
    base: branch(pull.base, fakeSha("base", r.owner, r.name, i.number)),
    _links: {
      self: link(api),
      html: link(html),
      issue: link(`${repoApi}/issues/${i.number}`),
      comments: link(`${repoApi}/issues/${i.number}/comments`),
      review_comments: link(`${api}/comments`),
      review_comment: link(`${repoApi}/pulls/comments{/number}`),
      commits: link(`${api}/commits`),
      statuses: link(`${repoApi}/statuses/${pull.headSha}`),
    },
    author_association: "NONE",
    auto_merge: null,
    draft: false,
    merged: false,
    mergeable: true,
    rebaseable: true,
    mergeable_state: "clean",
    merged_by: null,
    comments: i.comments.length,
    review_comments: pull.reviewComments.length,
    maintainer_can_modify: false,
    commits: 1,
    additions: 1,
    deletions: 0,
    changed_files: 1,
  };
}

/** GET /repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}: the pull-request-review schema. */
export function review(state: SandboxState, rv: ReviewRecord, i: IssueRecord, r: RepoRecord, urls: Urls): Json {
  const api = `${urls.api}/repos/${r.owner}/${r.name}/pulls/${i.number}`;
  const html = `${urls.html}/${r.owner}/${r.name}/pull/${i.number}#pullrequestreview-${rv.id}`;
  return {
    id: rv.id,
    node_id: nodeId("PullRequestReview", rv.id),
    user: simpleUser(state.ensureUser(rv.user), urls),
    body: rv.body,
    state: rv.state,
    html_url: html,
    pull_request_url: api,
    _links: { html: { href: html }, pull_request: { href: api } },
    submitted_at: rv.submittedAt,
    commit_id: rv.commitId,
    author_association: "NONE",
  };
}

/** GET /repos/{owner}/{repo}/pulls/comments/{comment_id}: the pull-request-review-comment schema. */
export function reviewComment(state: SandboxState, c: ReviewCommentRecord, i: IssueRecord, r: RepoRecord, urls: Urls): Json {
  const repoApi = `${urls.api}/repos/${r.owner}/${r.name}`;
  const api = `${repoApi}/pulls/comments/${c.id}`;
  const pr = `${repoApi}/pulls/${i.number}`;
  const html = `${urls.html}/${r.owner}/${r.name}/pull/${i.number}#discussion_r${c.id}`;
  return {
    url: api,
    pull_request_review_id: c.reviewId,
    id: c.id,
    node_id: nodeId("PullRequestReviewComment", c.id),
    diff_hunk: `@@ -${c.line},0 +${c.line},1 @@`,
    path: c.path,
    position: 1,
    original_position: 1,
    commit_id: c.commitId,
    original_commit_id: c.commitId,
    user: simpleUser(state.ensureUser(c.user), urls),
    body: c.body,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    html_url: html,
    pull_request_url: pr,
    author_association: "NONE",
    _links: { self: { href: api }, html: { href: html }, pull_request: { href: pr } },
    start_line: null,
    original_start_line: null,
    start_side: null,
    line: c.line,
    original_line: c.line,
    side: "RIGHT",
    subject_type: "line",
    reactions: reactions(`${api}/reactions`),
  };
}

export function location(l: LocationRecord, r: RepoRecord, urls: Urls): Json {
  return { type: l.type, details: locationDetails(l, r, urls) };
}

/** The alert fields common to the REST and webhook shapes (never the secret, never `state`). */
function alertCommon(state: SandboxState, a: AlertRecord, r: RepoRecord, urls: Urls): Json {
  const api = `${urls.api}/repos/${r.owner}/${r.name}/secret-scanning/alerts/${a.number}`;
  return {
    number: a.number,
    created_at: a.createdAt,
    updated_at: a.updatedAt,
    url: api,
    html_url: `${urls.html}/${r.owner}/${r.name}/security/secret-scanning/${a.number}`,
    locations_url: `${api}/locations`,
    resolution: a.resolution,
    resolved_at: a.resolvedAt,
    resolved_by: userOrNull(state, a.resolvedBy, urls),
    resolution_comment: a.resolutionComment,
    secret_type: a.secretType,
    secret_type_display_name: a.secretTypeDisplayName,
    validity: a.validity,
    push_protection_bypassed: a.pushProtectionBypassed,
    push_protection_bypassed_by: userOrNull(state, a.pushProtectionBypassedBy, urls),
    push_protection_bypassed_at: a.pushProtectionBypassedBy ? a.createdAt : null,
    push_protection_bypass_request_reviewer: null,
    push_protection_bypass_request_reviewer_comment: null,
    push_protection_bypass_request_comment: null,
    push_protection_bypass_request_html_url: null,
    publicly_leaked: a.publiclyLeaked,
    multi_repo: a.multiRepo,
    assigned_to: userOrNull(state, a.assignedTo, urls),
  };
}

/** REST secret-scanning-alert (organisation lists add `repository`). `secret` only when not hidden. */
export function alert(
  state: SandboxState,
  a: AlertRecord,
  r: RepoRecord,
  urls: Urls,
  opts: { hideSecret: boolean; withRepository?: boolean },
): Json {
  const first = a.locations[0];
  const out: Json = {
    ...alertCommon(state, a, r, urls),
    provider: a.provider,
    provider_slug: a.providerSlug,
    state: a.state,
    ...(opts.hideSecret ? {} : { secret: a.secret }),
    is_base64_encoded: false,
    first_location_detected: first ? locationDetails(first, r, urls) : null,
    has_more_locations: a.locations.length > 1,
  };
  if (opts.withRepository) out.repository = simpleRepository(state, r, urls);
  return out;
}

/**
 * What an older GitHub Enterprise Server sends, or GitHub leaves out: alert fields a webhook may
 * lack (its schema does not require them). `WebhookRef.omit` names them.
 */
export const OMITTABLE_ALERT_FIELDS = [
  "validity",
  "publicly_leaked",
  "multi_repo",
  "secret_type_display_name",
  "push_protection_bypassed_by",
  "push_protection_bypassed_at",
  "assigned_to",
  "resolution_comment",
  "updated_at",
] as const;
export type OmittableAlertField = (typeof OMITTABLE_ALERT_FIELDS)[number];

/**
 * secret-scanning-alert-webhook: the alert as webhooks carry it — no `secret`, no `state` (the
 * action says it) and no `provider` or `provider_slug` (GitHub's webhook schema has neither; REST has both).
 */
export function webhookAlert(
  state: SandboxState,
  a: AlertRecord,
  r: RepoRecord,
  urls: Urls,
  omit: readonly OmittableAlertField[] = [],
): Json {
  const out = alertCommon(state, a, r, urls);
  for (const k of omit) delete out[k];
  return out;
}

export function installation(state: SandboxState, inst: InstallationRecord, urls: Urls): Json {
  const account = state.ensureUser(inst.account);
  return {
    id: inst.id,
    client_id: `Iv1.sandbox${state.app.id}`,
    account: simpleUser(account, urls),
    repository_selection: inst.repositories === "all" ? "all" : "selected",
    access_tokens_url: `${urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/${account.type === "Organization" ? `organizations/${account.login}/` : ""}settings/installations/${inst.id}`,
    app_id: state.app.id,
    app_slug: state.app.slug,
    target_id: account.id,
    target_type: account.type === "Organization" ? "Organization" : "User",
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.createdAt,
    updated_at: inst.createdAt,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

/** GET /app: the integration. */
/** GitHub's `performed_via_github_app`: nhi-steward itself, or another app (e.g. `github-actions`) by its slug. */
function viaApp(state: SandboxState, slug: string | null, urls: Urls): Json | null {
  if (slug === null) return null;
  if (slug === state.app.slug) return integration(state, urls);
  const owner = state.ensureUser("github", "Organization");
  const id = slug === "github-actions" ? 15368 : 90000 + [...slug].reduce((n, ch) => n + ch.charCodeAt(0), 0);
  return {
    id,
    slug,
    node_id: nodeId("Integration", id),
    client_id: `Iv1.other${id}`,
    owner: simpleUser(owner, urls),
    name: slug,
    description: null,
    external_url: `${urls.html}/apps/${slug}`,
    html_url: `${urls.html}/apps/${slug}`,
    created_at: owner.createdAt,
    updated_at: owner.createdAt,
    permissions: { issues: "write", metadata: "read" },
    events: [],
  };
}

export function integration(state: SandboxState, urls: Urls): Json {
  const owner = state.ensureUser(state.app.owner, "Organization");
  return {
    id: state.app.id,
    slug: state.app.slug,
    node_id: nodeId("Integration", state.app.id),
    client_id: `Iv1.sandbox${state.app.id}`,
    owner: simpleUser(owner, urls),
    name: state.app.name,
    description: "Turns secret-scanning alerts into owned issues (sandbox)",
    external_url: `${urls.html}/apps/${state.app.slug}`,
    html_url: `${urls.html}/apps/${state.app.slug}`,
    created_at: owner.createdAt,
    updated_at: owner.createdAt,
    permissions: {
      contents: "read",
      issues: "write",
      metadata: "read",
      members: "read",
      secret_scanning_alerts: "write",
      pull_requests: "read",
      discussions: "read",
    },
    events: ["secret_scanning_alert", "secret_scanning_alert_location"],
    installations_count: state.allInstallations().length,
  };
}

export function team(state: SandboxState, t: TeamRecord, urls: Urls): Json {
  const org = state.ensureUser(t.org, "Organization");
  const api = `${urls.api}/organizations/${org.id}/team/${t.id}`;
  return {
    id: t.id,
    node_id: nodeId("Team", t.id),
    url: api,
    html_url: `${urls.html}/orgs/${t.org}/teams/${t.slug}`,
    name: t.name,
    slug: t.slug,
    description: t.description,
    privacy: "closed",
    notification_setting: "notifications_enabled",
    permission: "pull",
    members_url: `${api}/members{/member}`,
    repositories_url: `${api}/repos`,
    type: "organization",
    organization_id: org.id,
    parent: null,
  };
}

export function teamFull(state: SandboxState, t: TeamRecord, urls: Urls): Json {
  const org = state.ensureUser(t.org, "Organization");
  return {
    ...team(state, t, urls),
    members_count: new Set([...t.members, ...t.maintainers].map((m) => m.toLowerCase())).size,
    repos_count: 0,
    created_at: t.createdAt,
    updated_at: t.createdAt,
    organization: orgFull(org, urls, state.reposOf(org.login)),
  };
}
