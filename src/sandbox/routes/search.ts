/**
 * Issue search (`GET /search/issues`), for the qualifiers nhi-steward uses: `org:`, `repo:`, `label:`,
 * `is:issue`/`is:pr`, `is:open`/`is:closed` (`state:` too). As on GitHub: an installation token
 * finds only what its installation may read, results are sorted newest first unless `sort` says
 * otherwise, and only the first 1,000 results can be paged to (422 beyond). A qualifier the sandbox
 * does not know answers 422, so a test never passes on a query GitHub would read differently.
 */
import { HttpError, json, queryEnum, route, validationFailed, type Route, type RouteContext } from "../http.ts";
import { issue } from "../render.ts";
import type { IssueRecord, RepoRecord } from "../state.ts";

const MAX_RESULTS = 1000;

/** `q` split on spaces, keeping double-quoted values (`label:"needs review"`) whole. */
function terms(q: string): string[] {
  return [...q.matchAll(/(?:[^\s"]+|"[^"]*")+/g)].map((m) => m[0].replace(/"/g, ""));
}

interface Query {
  orgs: string[];
  repos: string[];
  labels: string[];
  kind: "issue" | "pr" | null;
  state: "open" | "closed" | null;
}

function parse(q: string): Query {
  const query: Query = { orgs: [], repos: [], labels: [], kind: null, state: null };
  for (const term of terms(q)) {
    const at = term.indexOf(":");
    const [name, value] = at < 0 ? ["", term] : [term.slice(0, at).toLowerCase(), term.slice(at + 1)];
    if (name === "org" || name === "user") query.orgs.push(value.toLowerCase());
    else if (name === "repo") query.repos.push(value.toLowerCase());
    else if (name === "label") query.labels.push(value.toLowerCase());
    else if ((name === "is" || name === "type") && ["issue", "pr"].includes(value.toLowerCase()))
      query.kind = value.toLowerCase() as "issue" | "pr";
    else if ((name === "is" || name === "state") && ["open", "closed"].includes(value.toLowerCase()))
      query.state = value.toLowerCase() as "open" | "closed";
    else
      throw new HttpError(
        422,
        `Validation Failed: the sandbox's issue search does not know "${term}" (it reads org:, repo:, label:, is:, state:)`,
      );
  }
  if (!query.orgs.length && !query.repos.length) throw validationFailed([{ resource: "Search", field: "q", code: "invalid", value: q }]);
  return query;
}

function search(ctx: RouteContext) {
  const q = ctx.query.get("q");
  if (!q) throw validationFailed([{ resource: "Search", field: "q", code: "missing" }]);
  const query = parse(q);
  const sort = queryEnum(ctx, "sort", ["created", "updated", "comments"] as const, "created");
  const order = queryEnum(ctx, "order", ["asc", "desc"] as const, "desc");
  const perPage = Math.min(Math.max(Number(ctx.query.get("per_page") ?? 30) || 30, 1), 100);
  const page = Math.max(Number(ctx.query.get("page") ?? 1) || 1, 1);
  if ((page - 1) * perPage >= MAX_RESULTS) throw new HttpError(422, "Only the first 1000 search results are available");

  // What the token may read: an installation's repositories, else every repository of the account.
  const installationId = ctx.state.tokenInfo(ctx.token)?.installationId;
  const inst = installationId === undefined ? undefined : ctx.state.allInstallations().find((i) => i.id === installationId);
  const owners = new Set([...query.orgs, ...query.repos.map((r) => r.split("/")[0]!)]);
  const readable: RepoRecord[] = [...owners].flatMap((o) =>
    inst ? (inst.account.toLowerCase() === o ? ctx.state.installationRepos(inst) : []) : ctx.state.reposOf(o),
  );
  const found: { i: IssueRecord; r: RepoRecord }[] = [];
  for (const r of readable) {
    const full = `${r.owner}/${r.name}`.toLowerCase();
    if (query.repos.length && !query.repos.includes(full)) continue;
    if (query.orgs.length && !query.orgs.includes(r.owner.toLowerCase())) continue;
    for (const i of r.issues) {
      if (query.kind === "issue" && i.pull) continue;
      if (query.kind === "pr" && !i.pull) continue;
      if (query.state && i.state !== query.state) continue;
      if (!query.labels.every((l) => i.labels.some((x) => x.toLowerCase() === l))) continue;
      found.push({ i, r });
    }
  }
  const keyOf = ({ i }: { i: IssueRecord }): string | number =>
    sort === "updated" ? i.updatedAt : sort === "comments" ? i.comments.length : i.createdAt;
  found.sort((a, b) => {
    const [ka, kb] = [keyOf(a), keyOf(b)];
    const c = ka < kb ? -1 : ka > kb ? 1 : a.i.number - b.i.number;
    return order === "asc" ? c : -c;
  });
  const reachable = found.slice(0, MAX_RESULTS);
  const items = reachable.slice((page - 1) * perPage, page * perPage).map(({ i, r }) => ({
    ...issue(ctx.state, i, r, ctx.urls),
    // GitHub's search result item has a string body (the issue's own can be null) and a relevance score.
    body: i.body ?? "",
    score: 1,
  }));
  const last = Math.max(1, Math.ceil(reachable.length / perPage));
  const headers: Record<string, string> = {};
  if (page < last) {
    const next = new URLSearchParams(ctx.query);
    next.set("page", String(page + 1));
    headers.link = `<${ctx.urls.api}${ctx.path}?${next.toString()}>; rel="next"`;
  }
  return json(200, { total_count: found.length, incomplete_results: false, items, search_type: "lexical" }, headers);
}

export const searchRoutes: Route[] = [route("GET", "/search/issues", "search/search#search-issues-and-pull-requests", search)];
