/** Repositories, organisations, file contents and repository dispatches. */
import {
  HttpError,
  bodyObject,
  json,
  noContent,
  notFound,
  paginate,
  queryEnum,
  reqString,
  route,
  type Reply,
  type Route,
  type RouteContext,
} from "../http.ts";
import { fullRepository, orgFull, repository, type Urls } from "../render.ts";
import type { RepoRecord } from "../state.ts";
import { base64Lines, blobSha, fakeSha } from "../util.ts";
import { repoOf } from "./common.ts";

const RAW_ACCEPT = /application\/vnd\.github(\.v3)?\.raw/i;

function contentLinks(r: RepoRecord, path: string, sha: string, type: "file" | "dir", urls: Urls): Record<string, unknown> {
  const api = `${urls.api}/repos/${r.owner}/${r.name}`;
  const self = `${api}/contents/${path}?ref=${r.defaultBranch}`;
  const git = `${api}/git/${type === "file" ? "blobs" : "trees"}/${sha}`;
  const html = `${urls.html}/${r.owner}/${r.name}/${type === "file" ? "blob" : "tree"}/${r.defaultBranch}/${path}`;
  return { url: self, git_url: git, html_url: html, _links: { self, git, html } };
}

function fileEntry(r: RepoRecord, path: string, content: string, urls: Urls, withContent: boolean): Record<string, unknown> {
  const sha = blobSha(content);
  return {
    type: "file",
    ...(withContent ? { encoding: "base64" } : {}),
    size: Buffer.byteLength(content, "utf8"),
    name: path.split("/").pop(),
    path,
    ...(withContent ? { content: base64Lines(content) } : {}),
    sha,
    ...contentLinks(r, path, sha, "file", urls),
    download_url: `https://raw.githubusercontent.com/${r.owner}/${r.name}/${r.defaultBranch}/${path}`,
  };
}

function refExists(r: RepoRecord, ref: string | null): boolean {
  if (ref === null || ref === "" || ref === "HEAD") return true;
  const branch = ref.replace(/^refs\/heads\//, "");
  return branch === r.defaultBranch || /^[0-9a-f]{7,40}$/i.test(ref);
}

function getContent(ctx: RouteContext): Reply {
  const r = repoOf(ctx);
  const ref = ctx.query.get("ref");
  if (!refExists(r, ref)) throw new HttpError(404, `No commit found for the ref ${ref}`);
  const path = (ctx.params.path ?? "").replace(/^\/+|\/+$/g, "");
  const content = r.files.get(path);
  if (content !== undefined) {
    if (RAW_ACCEPT.test(String(ctx.headers.accept ?? ""))) return { status: 200, raw: content, contentType: "text/plain; charset=utf-8" };
    return json(200, fileEntry(r, path, content, ctx.urls, true));
  }
  // A directory: the entries directly under it, directories first, as GitHub lists them.
  const prefix = `${path}/`;
  const entries = new Map<string, Record<string, unknown>>();
  for (const [p, c] of [...r.files.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (!p.startsWith(prefix)) continue;
    const rest = p.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash === -1) entries.set(p, fileEntry(r, p, c, ctx.urls, false));
    else {
      const dir = prefix + rest.slice(0, slash);
      if (!entries.has(dir)) {
        const sha = fakeSha("tree", r.owner, r.name, dir);
        entries.set(dir, {
          type: "dir",
          size: 0,
          name: rest.slice(0, slash),
          path: dir,
          sha,
          ...contentLinks(r, dir, sha, "dir", ctx.urls),
          download_url: null,
        });
      }
    }
  }
  if (entries.size === 0) throw notFound();
  return json(200, [...entries.values()]);
}

const ORG_REPO_TYPES = ["all", "public", "private", "forks", "sources", "member"] as const;
const ORG_REPO_SORTS = ["created", "updated", "pushed", "full_name"] as const;

export const repoRoutes: Route[] = [
  route(
    "GET",
    "/repos/{owner}/{repo}/properties/values",
    "repos/custom-properties#get-all-custom-property-values-for-a-repository",
    (ctx) =>
      json(
        200,
        [...repoOf(ctx).properties.entries()].map(([property_name, value]) => ({ property_name, value })),
      ),
  ),
  route("GET", "/repos/{owner}/{repo}", "repos/repos#get-a-repository", (ctx) =>
    json(200, fullRepository(ctx.state, repoOf(ctx), ctx.urls)),
  ),

  route("GET", "/orgs/{org}", "orgs/orgs#get-an-organization", (ctx) => {
    const org = ctx.state.user(ctx.params.org ?? "");
    if (!org || org.type !== "Organization") throw notFound();
    return json(200, orgFull(org, ctx.urls, ctx.state.reposOf(org.login)));
  }),

  route("GET", "/orgs/{org}/repos", "repos/repos#list-organization-repositories", (ctx) => {
    const org = ctx.state.user(ctx.params.org ?? "");
    if (!org || org.type !== "Organization") throw notFound();
    const type = queryEnum(ctx, "type", ORG_REPO_TYPES, "all");
    const sort = queryEnum(ctx, "sort", ORG_REPO_SORTS, "created");
    const direction = queryEnum(ctx, "direction", ["asc", "desc"] as const, sort === "full_name" ? "asc" : "desc");
    let repos = ctx.state.reposOf(org.login);
    if (type === "public") repos = repos.filter((r) => r.visibility === "public");
    if (type === "private") repos = repos.filter((r) => r.visibility !== "public");
    if (type === "forks") repos = [];
    const keyOf = (r: RepoRecord): string | number =>
      sort === "full_name"
        ? `${r.owner}/${r.name}`.toLowerCase()
        : sort === "updated"
          ? r.updatedAt
          : sort === "pushed"
            ? r.pushedAt
            : r.createdAt;
    repos = [...repos].sort((a, b) => {
      const ka = keyOf(a);
      const kb = keyOf(b);
      const c = ka < kb ? -1 : ka > kb ? 1 : a.id - b.id;
      return direction === "asc" ? c : -c;
    });
    return paginate(ctx, repos, (r) => repository(ctx.state, r, ctx.urls));
  }),

  route("GET", "/repos/{owner}/{repo}/contents/{path}", "repos/contents#get-repository-content", getContent),

  route("POST", "/repos/{owner}/{repo}/dispatches", "repos/repos#create-a-repository-dispatch-event", (ctx) => {
    const r = repoOf(ctx);
    const body = bodyObject(ctx);
    const eventType = reqString(body, "event_type");
    r.dispatches.push({ eventType, clientPayload: body.client_payload ?? null, at: ctx.state.now() });
    return noContent();
  }),
];
