/** Teams and users. */
import { HttpError, json, notFound, paginate, queryEnum, route, type Route, type RouteContext } from "../http.ts";
import { publicUser, simpleUser, team, teamFull } from "../render.ts";
import type { TeamRecord } from "../state.ts";

function teamOf(ctx: RouteContext): TeamRecord {
  const t = ctx.state.team(ctx.params.org ?? "", ctx.params.team_slug ?? "");
  if (!t) throw notFound();
  return t;
}

export const teamRoutes: Route[] = [
  route("GET", "/orgs/{org}/teams", "teams/teams#list-teams", (ctx) => {
    const org = ctx.state.user(ctx.params.org ?? "");
    if (!org || org.type !== "Organization") throw notFound();
    return paginate(ctx, ctx.state.teamsOf(org.login), (t) => team(ctx.state, t, ctx.urls));
  }),

  route("GET", "/orgs/{org}/teams/{team_slug}", "teams/teams#get-a-team-by-name", (ctx) =>
    json(200, teamFull(ctx.state, teamOf(ctx), ctx.urls)),
  ),

  route("GET", "/orgs/{org}/teams/{team_slug}/members", "teams/members#list-team-members", (ctx) => {
    const t = teamOf(ctx);
    const role = queryEnum(ctx, "role", ["member", "maintainer", "all"] as const, "all");
    const maintainers = new Set(t.maintainers.map((m) => m.toLowerCase()));
    const members = [...t.maintainers, ...t.members.filter((m) => !maintainers.has(m.toLowerCase()))]
      .map((login) => ({ login, role: maintainers.has(login.toLowerCase()) ? "maintainer" : "member" }))
      .filter((m) => role === "all" || m.role === role);
    return paginate(ctx, members, (m) => ({ ...simpleUser(ctx.state.ensureUser(m.login), ctx.urls), role: m.role, inherited: false }));
  }),

  // The token's own account. GitHub answers 403 to an app's installation token (it is no user).
  route("GET", "/user", "users/users#get-the-authenticated-user", (ctx) => {
    const u = ctx.actor();
    if (u.type === "Bot") throw new HttpError(403, "Resource not accessible by integration");
    const publicRepos = ctx.state.reposOf(u.login).filter((r) => r.visibility === "public").length;
    return json(200, publicUser(u, ctx.urls, publicRepos));
  }),
  route("GET", "/users/{username}", "users/users#get-a-user", (ctx) => {
    const u = ctx.state.user(ctx.params.username ?? "");
    if (!u) throw notFound();
    const publicRepos = ctx.state.reposOf(u.login).filter((r) => r.visibility === "public").length;
    return json(200, publicUser(u, ctx.urls, publicRepos));
  }),
];
