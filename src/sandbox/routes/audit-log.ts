/**
 * The organisation audit log, a GitHub Enterprise Cloud endpoint (see `GHEC_ONLY_PATHS` in
 * openapi.ts): organisations on another plan answer 404, as GitHub does.
 */
import { DEFAULT_PER_PAGE, MAX_PER_PAGE, notFound, queryEnum, route, validationFailed, type Route, type RouteContext } from "../http.ts";

const DAY = 86_400_000;

/** `created:>=2026-11-23T08:00:00Z`, `created:>…`, `created:<=…`, `created:<…`, or a bare date (that UTC day). */
function createdFilter(term: string): ((ms: number) => boolean) | null {
  const m = /^created:(>=|>|<=|<)?(.+)$/.exec(term);
  if (!m) return null;
  const [, op, value] = m;
  const t = Date.parse(value!);
  if (Number.isNaN(t)) throw validationFailed([{ resource: "AuditLog", field: "phrase", code: "invalid", value: term }]);
  switch (op) {
    case ">=":
      return (ms) => ms >= t;
    case ">":
      return (ms) => ms > t;
    case "<=":
      return (ms) => ms <= t;
    case "<":
      return (ms) => ms < t;
    default:
      return /T/.test(value!) ? (ms) => ms === t : (ms) => ms >= t && ms < t + DAY;
  }
}

/**
 * The search phrase: `action:X` qualifiers (several are OR-ed, as repeated qualifiers are), `actor:`
 * and `created:` filters; other terms are ignored. Without `created:`, only the past three months
 * are searched, as GitHub does.
 */
function phraseFilter(phrase: string, now: number): (e: Record<string, unknown>) => boolean {
  const actions: string[] = [];
  const actors: string[] = [];
  const created: ((ms: number) => boolean)[] = [];
  for (const term of phrase.split(/\s+/).filter(Boolean)) {
    if (term.startsWith("action:")) actions.push(term.slice(7));
    else if (term.startsWith("actor:")) actors.push(term.slice(6).toLowerCase());
    else {
      const f = createdFilter(term);
      if (f) created.push(f);
    }
  }
  if (!created.length) created.push((ms) => ms >= now - 90 * DAY);
  return (e) => {
    const action = String(e.action ?? "");
    if (actions.length && !actions.some((a) => action === a || action.startsWith(`${a}.`))) return false;
    if (actors.length && !actors.includes(String(e.actor ?? "").toLowerCase())) return false;
    return created.every((f) => f(Number(e["@timestamp"])));
  };
}

const cursorOf = (e: Record<string, unknown>) => Buffer.from(`${String(e["@timestamp"])}|${String(e._document_id)}`).toString("base64url");

function link(ctx: RouteContext, rel: string, params: Record<string, string>): string {
  const q = new URLSearchParams(ctx.query);
  q.delete("after");
  q.delete("before");
  for (const [k, v] of Object.entries(params)) q.set(k, v);
  return `<${ctx.urls.api}${ctx.path}?${q.toString()}>; rel="${rel}"`;
}

export const auditLogRoutes: Route[] = [
  route(
    "GET",
    "/orgs/{org}/audit-log",
    "https://docs.github.com/enterprise-cloud@latest/rest/orgs/orgs#get-the-audit-log-for-an-organization",
    (ctx) => {
      const org = ctx.params.org ?? "";
      if (!ctx.state.isOrg(org) || !ctx.state.isEnterpriseCloud(org)) throw notFound();
      const order = queryEnum(ctx, "order", ["asc", "desc"] as const, "desc");
      const perPageRaw = Number(ctx.query.get("per_page") ?? DEFAULT_PER_PAGE);
      const perPage = Number.isFinite(perPageRaw) && perPageRaw >= 1 ? Math.min(Math.floor(perPageRaw), MAX_PER_PAGE) : DEFAULT_PER_PAGE;
      const match = phraseFilter(ctx.query.get("phrase") ?? "", ctx.state.clock.now().getTime());
      const entries = ctx.state.auditLog(org).filter(match);
      if (order === "desc") entries.reverse();
      // Cursors are opaque: the position of an entry. `after` starts past it, `before` ends before it.
      const at = (cursor: string | null, fallback: number) => {
        if (!cursor) return fallback;
        const i = entries.findIndex((e) => cursorOf(e) === cursor);
        if (i < 0) throw validationFailed([{ resource: "AuditLog", field: "cursor", code: "invalid", value: cursor }]);
        return i;
      };
      const afterCursor = ctx.query.get("after") || null;
      const beforeCursor = ctx.query.get("before") || null;
      const start = afterCursor ? at(afterCursor, 0) + 1 : 0;
      const end = at(beforeCursor, entries.length);
      const page =
        beforeCursor && !afterCursor
          ? entries.slice(Math.max(0, end - perPage), end)
          : entries.slice(start, Math.min(end, start + perPage));
      const rels: string[] = [];
      const last = page.at(-1);
      const first = page[0];
      if (last && entries.indexOf(last) + 1 < end) rels.push(link(ctx, "next", { after: cursorOf(last), before: "" }));
      rels.push(link(ctx, "first", { per_page: String(perPage) }));
      if (first && entries.indexOf(first) > 0) rels.push(link(ctx, "prev", { after: "", before: cursorOf(first) }));
      return { status: 200, body: page, headers: { link: rels.join(", ") } };
    },
  ),
];
