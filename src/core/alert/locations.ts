import type { AlertLocation, ContentLocation, RepoRef } from "./types.ts";

/**
 * What an issue or pull request location's API URL (or a discussion location's page URL) points at,
 * so it can be read (for its page and its author) with a fixed REST route or GraphQL query, never
 * by fetching the URL itself.
 */
export type ContentRef =
  | { kind: "issue"; repo: RepoRef; number: number }
  | { kind: "issue-comment"; repo: RepoRef; id: number }
  | { kind: "pull"; repo: RepoRef; number: number }
  | { kind: "pull-review"; repo: RepoRef; number: number; id: number }
  | { kind: "pull-review-comment"; repo: RepoRef; id: number }
  | { kind: "discussion"; repo: RepoRef; number: number }
  | { kind: "discussion-comment"; repo: RepoRef; number: number; id: number };

/** What reading a location's content said: its page, and who posted it. */
export interface ContentInfo {
  htmlUrl: string | null;
  author: string | null;
  /** Why the author is not known although the content was read (logged). */
  note?: string;
}

const NAME = "[A-Za-z0-9._-]+";
const ROUTES: [RegExp, (m: RegExpExecArray, repo: RepoRef) => ContentRef][] = [
  [new RegExp(`/repos/(${NAME})/(${NAME})/issues/comments/(\\d+)$`), (m, repo) => ({ kind: "issue-comment", repo, id: Number(m[3]) })],
  [new RegExp(`/repos/(${NAME})/(${NAME})/issues/(\\d+)$`), (m, repo) => ({ kind: "issue", repo, number: Number(m[3]) })],
  [new RegExp(`/repos/(${NAME})/(${NAME})/pulls/comments/(\\d+)$`), (m, repo) => ({ kind: "pull-review-comment", repo, id: Number(m[3]) })],
  [
    new RegExp(`/repos/(${NAME})/(${NAME})/pulls/(\\d+)/reviews/(\\d+)$`),
    (m, repo) => ({ kind: "pull-review", repo, number: Number(m[3]), id: Number(m[4]) }),
  ],
  [new RegExp(`/repos/(${NAME})/(${NAME})/pulls/(\\d+)$`), (m, repo) => ({ kind: "pull", repo, number: Number(m[3]) })],
];

/** A discussion's page (`/{o}/{r}/discussions/{n}`), and a comment's anchor on it (`#discussioncomment-{id}`). */
const DISCUSSION_PAGE = new RegExp(`^/(${NAME})/(${NAME})/discussions/(\\d+)$`);
const DISCUSSION_COMMENT_ANCHOR = /^#discussioncomment-(\d+)$/;

/**
 * The content a location's URL names: an API URL (`…/repos/{o}/{r}/issues/{n}`, …) or a discussion's
 * page (`https://github.com/{o}/{r}/discussions/{n}`, with `#discussioncomment-{id}` for a comment:
 * GitHub gives discussion locations as pages); null for anything else.
 */
export function contentRefOf(url: string | null | undefined): ContentRef | null {
  if (!url) return null;
  let path: string;
  let hash: string;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    path = u.pathname.replace(/\/+$/, "");
    hash = u.hash;
  } catch {
    return null;
  }
  const d = DISCUSSION_PAGE.exec(path);
  if (d) {
    const repo = { owner: d[1]!, name: d[2]! };
    const comment = DISCUSSION_COMMENT_ANCHOR.exec(hash);
    return comment
      ? { kind: "discussion-comment", repo, number: Number(d[3]), id: Number(comment[1]) }
      : { kind: "discussion", repo, number: Number(d[3]) };
  }
  for (const [re, make] of ROUTES) {
    const m = re.exec(path);
    if (m && m.index === path.indexOf("/repos/")) return make(m, { owner: m[1]!, name: m[2]! });
  }
  return null;
}

/** Whether a location's URL is GitHub's API (read it for the page) rather than a page itself. */
function isApiUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.hostname.startsWith("api.") || u.pathname.startsWith("/api/v3/") || u.pathname.startsWith("/repos/");
  } catch {
    return false;
  }
}

/**
 * The web UI's base URL (`https://github.com`, or a GitHub Enterprise Server host) from a page URL
 * GitHub gave, such as the alert's `html_url` (`https://github.com/acme/api/security/…`).
 */
export function htmlBaseOf(alertHtmlUrl: string | null, repo: RepoRef): string | null {
  if (!alertHtmlUrl) return null;
  try {
    const u = new URL(alertHtmlUrl);
    const at = u.pathname.indexOf(`/${repo.owner}/${repo.name}/`);
    return at < 0 ? null : `${u.origin}${u.pathname.slice(0, at)}`;
  } catch {
    return null;
  }
}

/**
 * The page of an issue or pull request location derived from its API URL, where the URL alone says
 * it (`issues/{n}`, `pulls/{n}`, `pulls/{n}/reviews/{id}`; discussions are pages already); comments
 * need a read (their URL has no issue number). null when it cannot be derived.
 */
export function derivedPageUrl(ref: ContentRef, htmlBase: string): string | null {
  const repo = `${htmlBase}/${ref.repo.owner}/${ref.repo.name}`;
  switch (ref.kind) {
    case "issue":
      return `${repo}/issues/${ref.number}`;
    case "pull":
      return `${repo}/pull/${ref.number}`;
    case "pull-review":
      return `${repo}/pull/${ref.number}#pullrequestreview-${ref.id}`;
    case "discussion":
      return `${repo}/discussions/${ref.number}`;
    case "discussion-comment":
      return `${repo}/discussions/${ref.number}#discussioncomment-${ref.id}`;
    default:
      return null;
  }
}

/**
 * The page to link a location to: the wiki page, the file at its commit, the issue, pull request
 * or discussion; null when none is known (the issue then points at the alert, which lists them).
 */
export function locationPageUrl(l: AlertLocation, htmlBase: string | null = null, repo: RepoRef | null = null): string | null {
  if (l.type === "wiki_commit" && "path" in l) return l.pageUrl;
  if (l.type === "commit" && "path" in l) {
    if (l.pageUrl) return l.pageUrl;
    if (l.blobUrl && !isApiUrl(l.blobUrl)) return l.blobUrl; // external findings link their page
    if (htmlBase && repo && l.commitSha)
      return `${htmlBase}/${repo.owner}/${repo.name}/blob/${l.commitSha}/${l.path.split("/").map(encodeURIComponent).join("/")}${l.startLine ? `#L${l.startLine}` : ""}`;
    return null;
  }
  const c = l as ContentLocation;
  if (c.pageUrl) return c.pageUrl;
  if (!c.url) return null;
  if (!isApiUrl(c.url)) return c.url; // discussions: GitHub gives the page itself
  const ref = contentRefOf(c.url);
  return ref && htmlBase ? derivedPageUrl(ref, htmlBase) : null;
}

/** How people name a location type: `issue_comment` → "issue comment", `pull_request_review` → "pull request review". */
export function locationTypeText(type: string): string {
  return type === "wiki_commit" ? "wiki page" : type.replace(/_/g, " ");
}
