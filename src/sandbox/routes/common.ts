/** Lookups shared by the route files. */
import { HttpError, notFound, type RouteContext } from "../http.ts";
import type { RepoRecord } from "../state.ts";

export function repoOf(ctx: RouteContext): RepoRecord {
  const r = ctx.state.repo(ctx.params.owner ?? "", ctx.params.repo ?? "");
  if (!r) throw notFound();
  return r;
}

/** The repository, or 410 Gone when its issues are disabled (as GitHub answers issue endpoints). */
export function repoWithIssues(ctx: RouteContext): RepoRecord {
  const r = repoOf(ctx);
  if (!r.hasIssues) throw new HttpError(410, "Issues are disabled for this repo");
  return r;
}

/**
 * GitHub's 403 for an installation token whose installation lacks `permission` (any level). Other
 * tokens (people, the Action's) are not checked.
 */
export function requireInstallationPermission(ctx: RouteContext, permission: string): void {
  const id = ctx.state.tokenInfo(ctx.token)?.installationId;
  const inst = id === null || id === undefined ? undefined : ctx.state.installation(id);
  if (inst && !inst.permissions[permission]) throw new HttpError(403, "Resource not accessible by integration");
}
