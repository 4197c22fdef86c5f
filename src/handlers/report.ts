import { repoName, type RepoRef } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import { encodeKeyMarker } from "../core/issue/marker.ts";
import {
  computeMetrics,
  recordFromIssue,
  renderReportCsv,
  renderReportJson,
  renderReportMarkdown,
  type Metrics,
  type ResponseRecord,
} from "../core/metrics/index.ts";
import type { Change } from "../core/plan.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import type { AlertScope } from "../github/port.ts";
import { loadPolicy } from "./load-policy.ts";
import type { Run } from "./run.ts";

export interface Report {
  metrics: Metrics;
  records: ResponseRecord[];
  markdown: string;
  json: string;
  csv: string;
  /** Repositories read, and issues read. */
  repositories: number;
  issues: number;
}

/**
 * Reads the response issues in scope (one paginated read per 100 issues per repository, plus the
 * response repository) and computes the metrics over the window ending now.
 */
export async function buildReport(run: Run, scope: AlertScope, days: number): Promise<Report> {
  const { github, clock, log } = run.deps;
  const now = clock.now();
  const window = { from: new Date(now.getTime() - days * 86_400_000), to: now };
  const repos = new Map<string, RepoRef>();
  if (scope.kind === "repository") repos.set(repoName(scope.repo), scope.repo);
  else for (const r of await github.listOrgRepositories(scope.org)) repos.set(repoName(r), r);
  const first = [...repos.values()][0];
  if (first) {
    const { policy } = await loadPolicy(run, first);
    if (policy.response_repository) {
      const [owner, name] = policy.response_repository.split("/") as [string, string];
      repos.set(policy.response_repository, { owner, name });
    }
  }
  const records: ResponseRecord[] = [];
  let issues = 0;
  for (const repo of repos.values()) {
    try {
      for (const issue of await github.listIssueRecords(repo, LABELS.response.name)) {
        issues++;
        const r = recordFromIssue(issue, now);
        if (r) records.push(r);
      }
    } catch (e) {
      log.warn(`report: could not read issues of ${repoName(repo)} (${(e as Error).message}); it is left out.`);
    }
  }
  const metrics = computeMetrics(records, window, now);
  const where = scope.kind === "organization" ? scope.org : repoName(scope.repo);
  return {
    metrics,
    records,
    markdown: renderReportMarkdown(metrics, { title: `nhi-steward report: ${where}, last ${days} days`, generatedAt: now, window }),
    json: renderReportJson(metrics),
    csv: renderReportCsv(records),
    repositories: repos.size,
    issues,
  };
}

/** Keeps one report issue per scope up to date in `where` (opened once, then edited in place). */
export async function publishReport(run: Run, where: RepoRef, scopeName: string, report: Report): Promise<ExecutionReport> {
  const key = `report:${scopeName}`;
  const existing = await run.deps.github.findIssue(where, key, LABELS.report.name);
  const title = `nhi-steward response report: ${scopeName}`;
  const body = `${report.markdown}\n\n<sub>Updated in place by nhi-steward; pin this issue to keep it at the top.</sub>\n\n${encodeKeyMarker(key, "report")}`;
  const base = { key, repo: repoName(where), assignees: [], why: "report", issue: existing?.number ?? null };
  const change: Change = existing
    ? {
        ...base,
        action: existing.body === body ? "none" : "update",
        summary: `update the report issue #${existing.number}`,
        labels: [],
        ops:
          existing.body === body
            ? []
            : [{ op: "update-issue", issue: existing.number, body, ...(existing.state === "closed" ? { state: "open" as const } : {}) }],
      }
    : {
        ...base,
        action: "open",
        summary: `open the report issue in ${repoName(where)}`,
        labels: [LABELS.report],
        ops: [{ op: "create-issue", title, body, labels: [LABELS.report.name], assignees: [] }],
      };
  return execute({ changes: [change] }, run.deps.github, { dryRun: run.options.dryRun, budget: run.budget, log: run.deps.log });
}
