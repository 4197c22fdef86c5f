/** GitHub App endpoints: installation tokens and installation lookups. */
import { HttpError, bodyObject, intParam, json, notFound, paginate, route, type Route, type RouteContext } from "../http.ts";
import { installation, integration, repository, simpleUser } from "../render.ts";
import type { InstallationRecord } from "../state.ts";
import { isRecord, nodeId } from "../util.ts";

function installationOf(ctx: RouteContext): InstallationRecord {
  const inst = ctx.state.installation(intParam(ctx, "installation_id"));
  if (!inst) throw notFound();
  return inst;
}

/** The installation an installation token belongs to; tokens the sandbox did not mint fall back to the only installation. */
function tokenInstallation(ctx: RouteContext): InstallationRecord {
  const id = ctx.state.tokenInfo(ctx.token)?.installationId;
  if (id !== null && id !== undefined) {
    const inst = ctx.state.installation(id);
    if (inst) return inst;
  }
  const all = ctx.state.allInstallations();
  if (all.length === 1) return all[0]!;
  throw new HttpError(403, "This endpoint can only be accessed with an installation access token");
}

export const appRoutes: Route[] = [
  route("GET", "/orgs/{org}/installations", "orgs/orgs#list-app-installations-for-an-organization", (ctx) => {
    const org = ctx.params.org ?? "";
    const account = ctx.state.ensureUser(org);
    const ours = ctx.state
      .allInstallations()
      .filter((i) => i.account.toLowerCase() === org.toLowerCase())
      .map((i) => installation(ctx.state, i, ctx.urls));
    const others = (ctx.state.orgApps.get(org.toLowerCase()) ?? []).map((i) => ({
      ...(installation(
        ctx.state,
        {
          id: i.id,
          account: account.login,
          repositories: i.repositorySelection === "all" ? "all" : [],
          permissions: i.permissions,
          events: [],
          createdAt: i.createdAt,
        } as never,
        ctx.urls,
      ) as object),
      app_id: i.appId,
      app_slug: i.appSlug,
      client_id: `Iv1.app${i.appId}`,
      repository_selection: i.repositorySelection,
    }));
    const all = [...ours, ...others];
    return json(200, { total_count: all.length, installations: all });
  }),
  route("GET", "/app", "apps/apps#get-the-authenticated-app", (ctx) => json(200, integration(ctx.state, ctx.urls))),

  // A public app by slug: nhi-steward itself, or a third-party app installed on an organisation (its owner is the publisher).
  route("GET", "/apps/{app_slug}", "apps/apps#get-an-app", (ctx) => {
    const slug = (ctx.params.app_slug ?? "").toLowerCase();
    if (slug === ctx.state.app.slug) return json(200, integration(ctx.state, ctx.urls));
    const app = [...ctx.state.orgApps.values()].flat().find((i) => i.appSlug.toLowerCase() === slug);
    if (!app) throw notFound();
    const owner = ctx.state.ensureUser(app.owner ?? `${app.appSlug}-publisher`, "Organization");
    return json(200, {
      id: app.appId,
      slug: app.appSlug,
      node_id: nodeId("Integration", app.appId),
      client_id: `Iv1.app${app.appId}`,
      owner: simpleUser(owner, ctx.urls),
      name: app.appSlug,
      description: null,
      external_url: `${ctx.urls.html}/apps/${app.appSlug}`,
      html_url: `${ctx.urls.html}/apps/${app.appSlug}`,
      created_at: app.createdAt,
      updated_at: app.createdAt,
      permissions: app.permissions,
      events: [],
    });
  }),

  route(
    "GET",
    "/app/installations",
    "https://docs.github.com/enterprise-server@3.9/rest/apps/apps#list-installations-for-the-authenticated-app",
    (ctx) => paginate(ctx, ctx.state.allInstallations(), (i) => installation(ctx.state, i, ctx.urls)),
  ),

  route("GET", "/app/installations/{installation_id}", "apps/apps#get-an-installation-for-the-authenticated-app", (ctx) =>
    json(200, installation(ctx.state, installationOf(ctx), ctx.urls)),
  ),

  route("POST", "/app/installations/{installation_id}/access_tokens", "apps/apps#create-an-installation-access-token-for-an-app", (ctx) => {
    const inst = installationOf(ctx);
    const body = bodyObject(ctx);
    const minted = ctx.state.mintInstallationToken(inst.id);
    const selected = inst.repositories !== "all" || Array.isArray(body.repositories) || Array.isArray(body.repository_ids);
    let repos = ctx.state.installationRepos(inst);
    if (Array.isArray(body.repositories))
      repos = repos.filter((r) =>
        (body.repositories as unknown[]).some((n) => typeof n === "string" && n.toLowerCase() === r.name.toLowerCase()),
      );
    if (Array.isArray(body.repository_ids)) repos = repos.filter((r) => (body.repository_ids as unknown[]).includes(r.id));
    return json(201, {
      token: minted.token,
      expires_at: minted.expiresAt,
      permissions: isRecord(body.permissions) ? body.permissions : inst.permissions,
      repository_selection: selected ? "selected" : "all",
      ...(selected ? { repositories: repos.map((r) => repository(ctx.state, r, ctx.urls)) } : {}),
    });
  }),

  route("GET", "/installation/repositories", "apps/installations#list-repositories-accessible-to-the-app-installation", (ctx) => {
    const inst = tokenInstallation(ctx);
    const repos = ctx.state.installationRepos(inst);
    const page = paginate(ctx, repos, (r) => repository(ctx.state, r, ctx.urls));
    return {
      ...page,
      body: { total_count: repos.length, repositories: page.body, repository_selection: inst.repositories === "all" ? "all" : "selected" },
    };
  }),

  route("GET", "/repos/{owner}/{repo}/installation", "apps/apps#get-a-repository-installation-for-the-authenticated-app", (ctx) => {
    const owner = ctx.params.owner ?? "";
    const repo = ctx.params.repo ?? "";
    const inst = ctx.state.repo(owner, repo) ? ctx.state.installationForRepo(owner, repo) : undefined;
    if (!inst) throw notFound();
    return json(200, installation(ctx.state, inst, ctx.urls));
  }),

  route("GET", "/orgs/{org}/installation", "apps/apps#get-an-organization-installation-for-the-authenticated-app", (ctx) => {
    const org = ctx.params.org ?? "";
    const inst = ctx.state.isOrg(org) ? ctx.state.installationForAccount(org) : undefined;
    if (!inst) throw notFound();
    return json(200, installation(ctx.state, inst, ctx.urls));
  }),

  route("GET", "/users/{username}/installation", "apps/apps#get-a-user-installation-for-the-authenticated-app", (ctx) => {
    const inst = ctx.state.installationForAccount(ctx.params.username ?? "");
    if (!inst) throw notFound();
    return json(200, installation(ctx.state, inst, ctx.urls));
  }),
];
