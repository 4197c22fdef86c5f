/**
 * Pull requests, their reviews and review comments: the reads nhi-steward makes to find who posted
 * a pull request location (`pull_request_title/body/review/review_comment`; a pull request's
 * conversation comments are issue comments, served with the issues). An installation token needs
 * the `pull_requests` permission, as on GitHub.
 */
import { intParam, json, notFound, route, type Route, type RouteContext } from "../http.ts";
import { pullRequest, review, reviewComment } from "../render.ts";
import type { IssueRecord, RepoRecord } from "../state.ts";
import { repoOf, requireInstallationPermission } from "./common.ts";

function pullOf(ctx: RouteContext, r: RepoRecord): IssueRecord {
  requireInstallationPermission(ctx, "pull_requests");
  const n = intParam(ctx, "pull_number");
  const pr = r.issues.find((x) => x.number === n && x.pull);
  if (!pr) throw notFound();
  return pr;
}

export const pullRoutes: Route[] = [
  route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "pulls/pulls#get-a-pull-request", (ctx) => {
    const r = repoOf(ctx);
    return json(200, pullRequest(ctx.state, pullOf(ctx, r), r, ctx.urls));
  }),

  route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}", "pulls/reviews#get-a-review-for-a-pull-request", (ctx) => {
    const r = repoOf(ctx);
    const pr = pullOf(ctx, r);
    const id = intParam(ctx, "review_id");
    const rv = pr.pull!.reviews.find((x) => x.id === id);
    if (!rv) throw notFound();
    return json(200, review(ctx.state, rv, pr, r, ctx.urls));
  }),

  route("GET", "/repos/{owner}/{repo}/pulls/comments/{comment_id}", "pulls/comments#get-a-review-comment-for-a-pull-request", (ctx) => {
    const r = repoOf(ctx);
    requireInstallationPermission(ctx, "pull_requests");
    const found = ctx.state.findReviewComment(r, intParam(ctx, "comment_id"));
    if (!found) throw notFound();
    return json(200, reviewComment(ctx.state, found.comment, found.pr, r, ctx.urls));
  }),
];
