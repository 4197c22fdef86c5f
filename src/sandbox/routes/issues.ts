/**
 * Issues, issue labels, assignees and comments, and repository labels.
 *
 * Assignee rule (GitHub's observed behaviour): creating or updating an issue with a login that cannot be
 * assigned fails with 422 Validation Failed `{resource: "Issue", field: "assignees", code: "invalid", value}`,
 * whereas POST …/assignees silently ignores such logins (its documentation says so) and answers 201.
 */
import {
  HttpError,
  bodyObject,
  intParam,
  json,
  noContent,
  notFound,
  optString,
  optStringArray,
  paginate,
  queryEnum,
  queryList,
  reqString,
  route,
  validationFailed,
  type Reply,
  type Route,
  type RouteContext,
} from "../http.ts";
import { comment, issue, label, simpleUser } from "../render.ts";
import type { IssueRecord, RepoRecord } from "../state.ts";
import { isRecord } from "../util.ts";
import { repoOf, repoWithIssues } from "./common.ts";

function issueOf(ctx: RouteContext, r: RepoRecord): IssueRecord {
  const n = intParam(ctx, "issue_number");
  const i = r.issues.find((x) => x.number === n);
  if (!i) throw notFound();
  return i;
}

function uniqueCaseless(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = v.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Label names from `["a", {name: "b"}]`; undefined when absent. */
function labelNames(value: unknown, field = "labels"): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new HttpError(422, `Invalid request.\n\nFor '${field}', ${JSON.stringify(value)} is not an array.`);
  return uniqueCaseless(
    value.map((item) => {
      if (typeof item === "string") return item;
      if (isRecord(item) && typeof item.name === "string") return item.name;
      throw new HttpError(422, `Invalid request.\n\nFor '${field}', ${JSON.stringify(item)} is not a label name.`);
    }),
  );
}

/** The labels of POST/PUT …/issues/{n}/labels: `{labels: [...]}`, a bare array, or a single name. */
function labelsFromBody(ctx: RouteContext): string[] {
  const b = ctx.body;
  if (b === undefined || b === null) return [];
  if (typeof b === "string") return [b];
  if (Array.isArray(b)) return labelNames(b) ?? [];
  if (isRecord(b)) return labelNames(b.labels) ?? [];
  throw new HttpError(422, "Invalid request.\n\nThe body must name labels.");
}

/** Canonical logins, or 422 naming each login that cannot be assigned in this repository. */
function checkedAssignees(ctx: RouteContext, r: RepoRecord, logins: string[]): string[] {
  const bad = logins.filter((l) => !ctx.state.isAssignable(r, l));
  if (bad.length) throw validationFailed(bad.map((value) => ({ value, resource: "Issue", field: "assignees", code: "invalid" })));
  return uniqueCaseless(logins).map((l) => ctx.state.ensureUser(l).login);
}

function assigneesFromBody(body: Record<string, unknown>): string[] | undefined {
  const many = optStringArray(body, "assignees");
  if (many !== undefined) return many;
  if (body.assignee === null) return [];
  const one = optString(body, "assignee");
  return one === undefined || one === null ? undefined : [one];
}

function title(body: Record<string, unknown>, required: boolean): string | undefined {
  const t = body.title;
  if (typeof t === "string" && t.trim() !== "") return t;
  if (typeof t === "number") return String(t);
  if (t === undefined || t === null) {
    if (required) throw new HttpError(422, `Invalid request.\n\n"title" wasn't supplied.`);
    return undefined;
  }
  if (typeof t === "string") throw validationFailed([{ resource: "Issue", field: "title", code: "missing_field" }]);
  throw new HttpError(422, `Invalid request.\n\nFor 'title', ${JSON.stringify(t)} is not a string or integer.`);
}

function issueReply(ctx: RouteContext, status: number, i: IssueRecord, r: RepoRecord, headers?: Record<string, string>): Reply {
  return json(status, issue(ctx.state, i, r, ctx.urls), headers);
}

function listIssues(ctx: RouteContext): Reply {
  const r = repoWithIssues(ctx);
  const state = queryEnum(ctx, "state", ["open", "closed", "all"] as const, "open");
  const sort = queryEnum(ctx, "sort", ["created", "updated", "comments"] as const, "created");
  const direction = queryEnum(ctx, "direction", ["asc", "desc"] as const, "desc");
  const labels = queryList(ctx, "labels")?.map((l) => l.toLowerCase());
  const creator = ctx.query.get("creator")?.toLowerCase();
  const assignee = ctx.query.get("assignee");
  const milestone = ctx.query.get("milestone");
  const since = ctx.query.get("since");
  const sinceMs = since ? Date.parse(since) : undefined;
  if (sinceMs !== undefined && Number.isNaN(sinceMs))
    throw validationFailed([{ resource: "Issue", field: "since", code: "invalid", value: since }]);
  const items = r.issues.filter((i) => {
    if (state !== "all" && i.state !== state) return false;
    if (labels && !labels.every((l) => i.labels.some((x) => x.toLowerCase() === l))) return false;
    if (creator && i.user.toLowerCase() !== creator) return false;
    if (assignee === "none" && i.assignees.length > 0) return false;
    if (assignee === "*" && i.assignees.length === 0) return false;
    if (assignee && assignee !== "none" && assignee !== "*" && !i.assignees.some((a) => a.toLowerCase() === assignee.toLowerCase()))
      return false;
    if (milestone && milestone !== "none") return false; // the sandbox has no milestones
    if (sinceMs !== undefined && Date.parse(i.updatedAt) < sinceMs) return false;
    return true;
  });
  const keyOf = (i: IssueRecord): string | number =>
    sort === "updated" ? i.updatedAt : sort === "comments" ? i.comments.length : i.createdAt;
  items.sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : a.number - b.number;
    return direction === "asc" ? c : -c;
  });
  return paginate(ctx, items, (i) => issue(ctx.state, i, r, ctx.urls));
}

function createIssue(ctx: RouteContext): Reply {
  const r = repoWithIssues(ctx);
  const body = bodyObject(ctx);
  const t = title(body, true)!;
  const text = optString(body, "body", { nullable: true }) ?? null;
  const assignees = checkedAssignees(ctx, r, assigneesFromBody(body) ?? []);
  const labels = (labelNames(body.labels) ?? []).map((name) => ctx.state.ensureLabel(r, name));
  const i = ctx.state.newIssue(r, { title: t, body: text, user: ctx.actor().login, labels, assignees });
  return issueReply(ctx, 201, i, r, { location: `${ctx.urls.api}/repos/${r.owner}/${r.name}/issues/${i.number}` });
}

function updateIssue(ctx: RouteContext): Reply {
  const r = repoWithIssues(ctx);
  const i = issueOf(ctx, r);
  const body = bodyObject(ctx);
  const t = title(body, false);
  const text = optString(body, "body", { nullable: true });
  const state = optString(body, "state");
  const reason = optString(body, "state_reason", { nullable: true });
  if (state !== undefined && state !== "open" && state !== "closed")
    throw validationFailed([{ resource: "Issue", field: "state", code: "invalid", value: state }]);
  if (reason && !["completed", "not_planned", "duplicate", "reopened"].includes(reason)) {
    throw validationFailed([{ resource: "Issue", field: "state_reason", code: "invalid", value: reason }]);
  }
  const requested = assigneesFromBody(body);
  const assignees = requested === undefined ? undefined : checkedAssignees(ctx, r, requested);
  const labels = labelNames(body.labels);
  const now = ctx.state.now();

  if (t !== undefined) i.title = t;
  if (text !== undefined) i.body = text;
  if (state === "closed") {
    if (i.state !== "closed") {
      i.closedAt = now;
      i.closedBy = ctx.actor().login;
    }
    i.state = "closed";
    i.stateReason = reason && reason !== "reopened" ? reason : (i.stateReason ?? "completed");
  } else if (state === "open" && i.state === "closed") {
    i.state = "open";
    i.stateReason = "reopened";
    i.closedAt = null;
    i.closedBy = null;
  }
  if (assignees !== undefined) i.assignees = assignees;
  if (labels !== undefined) i.labels = labels.map((name) => ctx.state.ensureLabel(r, name));
  i.updatedAt = now;
  return issueReply(ctx, 200, i, r);
}

function issueLabels(ctx: RouteContext, i: IssueRecord, r: RepoRecord): Reply {
  return json(
    200,
    i.labels.flatMap((name) => {
      const l = ctx.state.findLabel(r, name);
      return l ? [label(l, r, ctx.urls)] : [];
    }),
  );
}

function validColor(color: string | null | undefined): string | undefined {
  if (color === undefined || color === null) return undefined;
  const c = color.replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(c)) throw validationFailed([{ resource: "Label", code: "invalid", field: "color" }]);
  return c.toLowerCase();
}

function labelOf(ctx: RouteContext, r: RepoRecord) {
  const l = ctx.state.findLabel(r, ctx.params.name ?? "");
  if (!l) throw notFound();
  return l;
}

export const issueRoutes: Route[] = [
  route("GET", "/repos/{owner}/{repo}/issues", "issues/issues#list-repository-issues", listIssues),
  route("POST", "/repos/{owner}/{repo}/issues", "issues/issues#create-an-issue", createIssue),
  route("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/issues#get-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    return issueReply(ctx, 200, issueOf(ctx, r), r);
  }),
  route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "issues/issues#update-an-issue", updateIssue),

  // ------------------------------------------------------------ labels on an issue
  route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/labels#list-labels-for-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const labels = i.labels.flatMap((name) => ctx.state.findLabel(r, name) ?? []);
    return paginate(ctx, labels, (l) => label(l, r, ctx.urls));
  }),
  route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/labels#add-labels-to-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const add = labelsFromBody(ctx).map((name) => ctx.state.ensureLabel(r, name));
    i.labels = uniqueCaseless([...i.labels, ...add]);
    i.updatedAt = ctx.state.now();
    return issueLabels(ctx, i, r);
  }),
  route("PUT", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/labels#set-labels-for-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    i.labels = uniqueCaseless(labelsFromBody(ctx).map((name) => ctx.state.ensureLabel(r, name)));
    i.updatedAt = ctx.state.now();
    return issueLabels(ctx, i, r);
  }),
  route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "issues/labels#remove-all-labels-from-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    i.labels = [];
    i.updatedAt = ctx.state.now();
    return noContent();
  }),
  route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}", "issues/labels#remove-a-label-from-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const name = (ctx.params.name ?? "").toLowerCase();
    if (!i.labels.some((l) => l.toLowerCase() === name)) throw new HttpError(404, "Label does not exist");
    i.labels = i.labels.filter((l) => l.toLowerCase() !== name);
    i.updatedAt = ctx.state.now();
    return issueLabels(ctx, i, r);
  }),

  // ------------------------------------------------------------ assignees
  route("GET", "/repos/{owner}/{repo}/assignees", "issues/assignees#list-assignees", (ctx) => {
    const r = repoOf(ctx);
    return paginate(ctx, ctx.state.assignableUsers(r), (u) => simpleUser(u, ctx.urls));
  }),
  route("GET", "/repos/{owner}/{repo}/assignees/{assignee}", "issues/assignees#check-if-a-user-can-be-assigned", (ctx) => {
    const r = repoOf(ctx);
    if (!ctx.state.isAssignable(r, ctx.params.assignee ?? "")) throw notFound();
    return noContent();
  }),
  route(
    "GET",
    "/repos/{owner}/{repo}/collaborators/{username}/permission",
    "collaborators/collaborators#get-repository-permissions-for-a-user",
    (ctx) => {
      const r = repoOf(ctx);
      const user = ctx.state.user(ctx.params.username ?? "");
      if (!user || user.type === "Organization") throw notFound();
      const permission = ctx.state.permissionOf(r, user.login);
      const level = { admin: 5, maintain: 4, write: 3, triage: 2, read: 1, none: 0 }[permission];
      return json(200, {
        // GitHub's legacy field folds maintain into write and triage into read.
        permission: permission === "maintain" ? "write" : permission === "triage" ? "read" : permission,
        role_name: permission,
        user: {
          ...(simpleUser(user, ctx.urls) as object),
          permissions: { admin: level >= 5, maintain: level >= 4, push: level >= 3, triage: level >= 2, pull: level >= 1 },
          role_name: permission,
        },
      });
    },
  ),
  route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/assignees", "issues/assignees#add-assignees-to-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const body = bodyObject(ctx);
    const raw = Array.isArray(body.assignees) ? body.assignees : [];
    const logins = raw.flatMap((a) => (typeof a === "string" ? [a] : isRecord(a) && typeof a.login === "string" ? [a.login] : []));
    // Documented: logins that cannot be assigned are silently ignored.
    const add = logins.filter((l) => ctx.state.isAssignable(r, l)).map((l) => ctx.state.ensureUser(l).login);
    i.assignees = uniqueCaseless([...i.assignees, ...add]).slice(0, 10);
    i.updatedAt = ctx.state.now();
    return issueReply(ctx, 201, i, r);
  }),
  route("DELETE", "/repos/{owner}/{repo}/issues/{issue_number}/assignees", "reference/issues#remove-assignees-from-an-issue", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const remove = new Set((optStringArray(bodyObject(ctx), "assignees") ?? []).map((l) => l.toLowerCase()));
    i.assignees = i.assignees.filter((a) => !remove.has(a.toLowerCase()));
    i.updatedAt = ctx.state.now();
    return issueReply(ctx, 200, i, r);
  }),

  // ------------------------------------------------------------ comments
  route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/comments#list-issue-comments", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const since = ctx.query.get("since");
    const sinceMs = since ? Date.parse(since) : undefined;
    const items = i.comments.filter((c) => sinceMs === undefined || Number.isNaN(sinceMs) || Date.parse(c.updatedAt) >= sinceMs);
    return paginate(ctx, items, (c) => comment(ctx.state, c, i, r, ctx.urls));
  }),
  route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "issues/comments#create-an-issue-comment", (ctx) => {
    const r = repoWithIssues(ctx);
    const i = issueOf(ctx, r);
    const c = ctx.state.newComment(i, reqString(bodyObject(ctx), "body"), ctx.actor().login);
    return json(201, comment(ctx.state, c, i, r, ctx.urls), {
      location: `${ctx.urls.api}/repos/${r.owner}/${r.name}/issues/comments/${c.id}`,
    });
  }),
  // Every comment on the repository's issues: by ascending id by default; `since` compares `updated_at`.
  route("GET", "/repos/{owner}/{repo}/issues/comments", "issues/comments#list-issue-comments-for-a-repository", (ctx) => {
    const r = repoWithIssues(ctx);
    const sort = ctx.query.get("sort") === null ? null : queryEnum(ctx, "sort", ["created", "updated"] as const, "created");
    const direction = queryEnum(ctx, "direction", ["asc", "desc"] as const, "desc");
    const since = ctx.query.get("since");
    const sinceMs = since ? Date.parse(since) : undefined;
    if (sinceMs !== undefined && Number.isNaN(sinceMs))
      throw validationFailed([{ resource: "IssueComment", field: "since", code: "invalid", value: since }]);
    const items = r.issues.flatMap((i) =>
      i.comments.filter((c) => sinceMs === undefined || Date.parse(c.updatedAt) >= sinceMs).map((c) => ({ c, i })),
    );
    if (sort === null) items.sort((a, b) => a.c.id - b.c.id);
    else {
      const keyOf = (x: (typeof items)[number]) => (sort === "updated" ? x.c.updatedAt : x.c.createdAt);
      items.sort((a, b) => {
        const ka = keyOf(a);
        const kb = keyOf(b);
        const c = ka < kb ? -1 : ka > kb ? 1 : a.c.id - b.c.id;
        return direction === "asc" ? c : -c;
      });
    }
    return paginate(ctx, items, ({ c, i }) => comment(ctx.state, c, i, r, ctx.urls));
  }),
  route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/comments#get-an-issue-comment", (ctx) => {
    const r = repoWithIssues(ctx);
    const found = ctx.state.findComment(r, intParam(ctx, "comment_id"));
    if (!found) throw notFound();
    return json(200, comment(ctx.state, found.comment, found.issue, r, ctx.urls));
  }),
  route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "issues/comments#update-an-issue-comment", (ctx) => {
    const r = repoWithIssues(ctx);
    const found = ctx.state.findComment(r, intParam(ctx, "comment_id"));
    if (!found) throw notFound();
    found.comment.body = reqString(bodyObject(ctx), "body");
    found.comment.updatedAt = ctx.state.now();
    return json(200, comment(ctx.state, found.comment, found.issue, r, ctx.urls));
  }),

  // ------------------------------------------------------------ repository labels
  route("GET", "/repos/{owner}/{repo}/labels", "issues/labels#list-labels-for-a-repository", (ctx) => {
    const r = repoOf(ctx);
    const sorted = [...r.labels].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
    return paginate(ctx, sorted, (l) => label(l, r, ctx.urls));
  }),
  route("POST", "/repos/{owner}/{repo}/labels", "issues/labels#create-a-label", (ctx) => {
    const r = repoOf(ctx);
    const body = bodyObject(ctx);
    const name = reqString(body, "name");
    const color = validColor(optString(body, "color"));
    const description = optString(body, "description") ?? null;
    if (ctx.state.findLabel(r, name)) throw validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
    const l = ctx.state.createLabel(r, name, color, description);
    return json(201, label(l, r, ctx.urls), {
      location: `${ctx.urls.api}/repos/${r.owner}/${r.name}/labels/${encodeURIComponent(l.name)}`,
    });
  }),
  route("GET", "/repos/{owner}/{repo}/labels/{name}", "issues/labels#get-a-label", (ctx) => {
    const r = repoOf(ctx);
    return json(200, label(labelOf(ctx, r), r, ctx.urls));
  }),
  route("PATCH", "/repos/{owner}/{repo}/labels/{name}", "issues/labels#update-a-label", (ctx) => {
    const r = repoOf(ctx);
    const l = labelOf(ctx, r);
    const body = bodyObject(ctx);
    const newName = optString(body, "new_name");
    const color = validColor(optString(body, "color"));
    const description = optString(body, "description", { nullable: true });
    if (newName !== undefined && newName !== null && newName.toLowerCase() !== l.name.toLowerCase() && ctx.state.findLabel(r, newName)) {
      throw validationFailed([{ resource: "Label", code: "already_exists", field: "name" }]);
    }
    if (newName) {
      for (const i of r.issues) i.labels = i.labels.map((n) => (n === l.name ? newName : n));
      l.name = newName;
    }
    if (color) l.color = color;
    if (description !== undefined) l.description = description;
    return json(200, label(l, r, ctx.urls));
  }),
  route("DELETE", "/repos/{owner}/{repo}/labels/{name}", "issues/labels#delete-a-label", (ctx) => {
    const r = repoOf(ctx);
    const l = labelOf(ctx, r);
    r.labels = r.labels.filter((x) => x !== l);
    for (const i of r.issues) i.labels = i.labels.filter((n) => n !== l.name);
    return noContent();
  }),
];
