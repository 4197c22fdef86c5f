/** Secret-scanning alerts: repository and organisation lists, single alerts, updates and locations. */
import {
  HttpError,
  bodyObject,
  intParam,
  json,
  notFound,
  optString,
  paginate,
  queryBool,
  queryEnum,
  queryList,
  route,
  validationFailed,
  type Reply,
  type Route,
  type RouteContext,
} from "../http.ts";
import { alert, location } from "../render.ts";
import type { AlertRecord, RepoRecord } from "../state.ts";
import { repoOf } from "./common.ts";

const RESOLUTIONS = ["false_positive", "wont_fix", "revoked", "used_in_tests"];
const DOCS_LIST_REPO = "secret-scanning/secret-scanning#list-secret-scanning-alerts-for-a-repository";

function scannedRepo(ctx: RouteContext): RepoRecord {
  const r = repoOf(ctx);
  if (!r.secretScanning) throw new HttpError(404, "Secret scanning is disabled on this repository.");
  return r;
}

function alertOf(ctx: RouteContext, r: RepoRecord): AlertRecord {
  const n = intParam(ctx, "alert_number");
  const a = r.alerts.find((x) => x.number === n);
  if (!a) throw notFound();
  return a;
}

/** The filters and order shared by the repository and organisation lists. */
function filterAndSort(ctx: RouteContext, items: { a: AlertRecord; r: RepoRecord }[]): { a: AlertRecord; r: RepoRecord }[] {
  const state = ctx.query.get("state");
  if (state !== null && state !== "open" && state !== "resolved") {
    throw validationFailed([{ resource: "SecretScanningAlert", field: "state", code: "invalid", value: state }]);
  }
  const types = queryList(ctx, "secret_type");
  const excludeTypes = queryList(ctx, "exclude_secret_types");
  const providers = queryList(ctx, "providers");
  const excludeProviders = queryList(ctx, "exclude_providers");
  const resolutions = queryList(ctx, "resolution");
  const validities = queryList(ctx, "validity");
  const assignee = ctx.query.get("assignee");
  const leaked = queryBool(ctx, "is_publicly_leaked");
  const multi = queryBool(ctx, "is_multi_repo");
  const bypassed = queryBool(ctx, "is_bypassed");
  const sort = queryEnum(ctx, "sort", ["created", "updated"] as const, "created");
  const direction = queryEnum(ctx, "direction", ["asc", "desc"] as const, "desc");
  const out = items.filter(({ a }) => {
    if (state && a.state !== state) return false;
    if (types && !types.includes(a.secretType)) return false;
    if (excludeTypes?.includes(a.secretType)) return false;
    if (providers && !providers.includes(a.providerSlug ?? "")) return false;
    if (excludeProviders?.includes(a.providerSlug ?? "")) return false;
    if (resolutions && !resolutions.includes(a.resolution ?? "")) return false;
    if (validities && !validities.includes(a.validity)) return false;
    if (assignee !== null && (a.assignedTo ?? "").toLowerCase() !== assignee.toLowerCase()) return false;
    if (leaked && !a.publiclyLeaked) return false;
    if (multi && !a.multiRepo) return false;
    if (bypassed !== undefined && a.pushProtectionBypassed !== bypassed) return false;
    return true;
  });
  const keyOf = (a: AlertRecord): string => (sort === "updated" ? (a.updatedAt ?? a.createdAt) : a.createdAt);
  out.sort((x, y) => {
    const kx = keyOf(x.a);
    const ky = keyOf(y.a);
    // Ties (same timestamp) fall back to creation order: repository id, then alert number.
    const c = kx < ky ? -1 : kx > ky ? 1 : x.r.id - y.r.id || x.a.number - y.a.number;
    return direction === "asc" ? c : -c;
  });
  return out;
}

function updateAlert(ctx: RouteContext): Reply {
  const r = scannedRepo(ctx);
  const a = alertOf(ctx, r);
  const body = bodyObject(ctx);
  const state = optString(body, "state");
  const resolution = optString(body, "resolution", { nullable: true });
  const comment = optString(body, "resolution_comment", { nullable: true });
  const assignee = optString(body, "assignee", { nullable: true });
  const validity = optString(body, "validity", { nullable: true });
  if (state === undefined && assignee === undefined && validity === undefined) {
    throw new HttpError(422, "Invalid request.\n\nOne of state, assignee or validity must be supplied.");
  }
  if (state !== undefined && state !== "open" && state !== "resolved")
    throw validationFailed([{ resource: "SecretScanningAlert", field: "state", code: "invalid", value: state }]);
  if (state === "resolved" && !resolution) throw new HttpError(422, "A resolution is required when the state is resolved.");
  if (resolution && !RESOLUTIONS.includes(resolution))
    throw validationFailed([{ resource: "SecretScanningAlert", field: "resolution", code: "invalid", value: resolution }]);
  if (resolution && state !== "resolved") throw new HttpError(422, "State does not match the resolution.");
  if (validity !== undefined && validity !== null && validity !== "active" && validity !== "inactive") {
    throw validationFailed([{ resource: "SecretScanningAlert", field: "validity", code: "invalid", value: validity }]);
  }
  if (assignee && !ctx.state.isAssignable(r, assignee))
    throw new HttpError(422, "The assignee does not have write access to the repository.");
  if (state === "resolved" && a.state === "resolved" && a.resolution === resolution && !comment) {
    throw new HttpError(400, "The resolution was not changed.");
  }

  const now = ctx.state.now();
  if (state === "resolved") {
    a.state = "resolved";
    a.resolution = resolution ?? null;
    a.resolvedAt = now;
    a.resolvedBy = ctx.actor().login;
    a.resolutionComment = comment ?? null;
  } else if (state === "open") {
    a.state = "open";
    a.resolution = null;
    a.resolvedAt = null;
    a.resolvedBy = null;
    a.resolutionComment = comment ?? null;
  }
  if (comment) a.commentHistory.push(comment);
  if (assignee !== undefined) a.assignedTo = assignee === null ? null : ctx.state.ensureUser(assignee).login;
  if (validity === "active" || validity === "inactive") a.validity = validity;
  a.updatedAt = now;
  return json(200, alert(ctx.state, a, r, ctx.urls, { hideSecret: false }));
}

export const secretScanningRoutes: Route[] = [
  route("GET", "/repos/{owner}/{repo}/secret-scanning/alerts", DOCS_LIST_REPO, (ctx) => {
    const r = scannedRepo(ctx);
    const hideSecret = queryBool(ctx, "hide_secret") === true;
    const items = filterAndSort(
      ctx,
      r.alerts.map((a) => ({ a, r })),
    );
    return paginate(ctx, items, ({ a }) => alert(ctx.state, a, r, ctx.urls, { hideSecret }));
  }),

  route(
    "GET",
    "/orgs/{org}/secret-scanning/alerts",
    "secret-scanning/secret-scanning#list-secret-scanning-alerts-for-an-organization",
    (ctx) => {
      const org = ctx.state.user(ctx.params.org ?? "");
      if (!org || org.type !== "Organization") throw notFound();
      const hideSecret = queryBool(ctx, "hide_secret") === true;
      const all = ctx.state
        .reposOf(org.login)
        .filter((r) => r.secretScanning)
        .flatMap((r) => r.alerts.map((a) => ({ a, r })));
      return paginate(ctx, filterAndSort(ctx, all), ({ a, r }) => alert(ctx.state, a, r, ctx.urls, { hideSecret, withRepository: true }));
    },
  ),

  route(
    "GET",
    "/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}",
    "secret-scanning/secret-scanning#get-a-secret-scanning-alert",
    (ctx) => {
      const r = scannedRepo(ctx);
      return json(200, alert(ctx.state, alertOf(ctx, r), r, ctx.urls, { hideSecret: queryBool(ctx, "hide_secret") === true }));
    },
  ),

  route(
    "PATCH",
    "/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}",
    "secret-scanning/secret-scanning#update-a-secret-scanning-alert",
    updateAlert,
  ),

  route(
    "GET",
    "/repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}/locations",
    "secret-scanning/secret-scanning#list-locations-for-a-secret-scanning-alert",
    (ctx) => {
      const r = scannedRepo(ctx);
      return paginate(ctx, alertOf(ctx, r).locations, (l) => location(l, r, ctx.urls));
    },
  ),
];
