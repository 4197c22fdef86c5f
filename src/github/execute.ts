import type { RepoRef } from "../core/alert/types.ts";
import { LABELS } from "../core/issue/labels.ts";
import type { Change, Op, Plan } from "../core/plan.ts";
import type { Logger } from "../log.ts";
import type { OperationsBudget } from "./budget.ts";
import { parseRepo, type GitHubPort } from "./port.ts";

export type ChangeStatus = "applied" | "planned" | "deferred" | "failed" | "unchanged";

export interface ChangeResult {
  change: Change;
  status: ChangeStatus;
  /** The issue the change opened or touched. */
  issue: number | null;
  url: string | null;
  error?: string;
}

export interface ExecutionReport {
  results: ChangeResult[];
  opened: number;
  updated: number;
  deferred: number;
  failed: number;
  /** GitHub writes made (label creations included). */
  writes: number;
  dryRun: boolean;
}

/** Side effects outside GitHub that plans may ask for (paging on-call). */
export interface Effects {
  page?(request: Extract<Op, { op: "page" }>): Promise<void>;
  /** Revokes; resolves with a one-line outcome, rejects when it did not revoke. */
  revoke?(request: Extract<Op, { op: "revoke" }>): Promise<string>;
}

export interface ExecuteOptions {
  dryRun: boolean;
  budget: OperationsBudget;
  log: Logger;
  effects?: Effects;
  /**
   * Before opening issues, re-read what changed since the plan was made (one request per repository).
   * A sweep sets it: its plan can be minutes old, and a webhook may have opened an issue meanwhile.
   */
  recheckBeforeCreate?: boolean;
}

/** The most writes a change can cost: its ops, plus a write for each label it may have to create. */
export function worstCaseCost(change: Change): number {
  return change.ops.length + change.labels.length;
}

/**
 * Applies a plan: the only code that writes to GitHub. Honours dry-run (plans and reports, writes
 * nothing) and the operations budget (a change that does not fit is deferred whole, never half-done).
 * Idempotent: before opening an issue it looks for one with the same alert key.
 */
export async function execute(plan: Plan, port: GitHubPort, options: ExecuteOptions): Promise<ExecutionReport> {
  const { dryRun, budget, log } = options;
  const knownLabels = new Set<string>();
  const results: ChangeResult[] = [];
  let writes = 0;
  /** Set when GitHub says to slow down: the rest waits for the next run (never half a change). */
  let throttled: string | null = null;

  for (const change of plan.changes) {
    if (change.ops.length === 0) {
      results.push({ change, status: "unchanged", issue: change.issue, url: null });
      continue;
    }
    if (dryRun) {
      log.info(`${change.key}: dry run, would ${change.summary}`);
      results.push({ change, status: "planned", issue: change.issue, url: null });
      continue;
    }
    if (throttled) {
      results.push({ change, status: "deferred", issue: change.issue, url: null });
      continue;
    }
    if (!budget.canAfford(worstCaseCost(change))) {
      log.warn(
        `${change.key}: deferred to the next run: the operations budget (${budget.max}) is spent; raise max-operations to do more per run.`,
      );
      results.push({ change, status: "deferred", issue: change.issue, url: null });
      continue;
    }

    const repo = parseRepo(change.repo);
    let issue = change.issue;
    let url: string | null = null;
    try {
      for (const label of change.labels) {
        const id = `${change.repo}:${label.name}`;
        if (knownLabels.has(id)) continue;
        if ((await port.ensureLabel(repo, label)) === "created") {
          budget.spend();
          writes++;
        }
        knownLabels.add(id);
      }
      let wrote = false;
      for (const op of change.ops) {
        const done = await apply(op, repo, change.key, port, options.effects ?? {}, options.recheckBeforeCreate ?? false);
        if (done.issue !== undefined) ({ issue, url } = { issue: done.issue, url: done.url ?? null });
        if (!done.wrote) {
          log.info(`${change.key}: already has ${change.repo}#${issue}; nothing opened.`);
          break;
        }
        wrote = true;
        budget.spend();
        writes++;
      }
      if (wrote) log.info(`${change.key}: ${change.summary}${issue ? ` (${change.repo}#${issue})` : ""}`);
      results.push({ change, status: wrote ? "applied" : "unchanged", issue, url });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const code = typeof e === "object" && e !== null && "status" in e ? Number((e as { status: unknown }).status) : 0;
      if (code === 429 || (code === 403 && /secondary rate limit|rate limit exceeded/i.test(message))) {
        throttled = message;
        log.warn(
          `${change.key}: GitHub asked to slow down (${code}: ${message}); this and the remaining changes wait for the next run, which resumes them.`,
        );
        results.push({ change, status: "deferred", issue, url });
        continue;
      }
      log.error(`${change.key}: could not ${change.summary}: ${message}. The next delivery or sweep retries it.`);
      results.push({ change, status: "failed", issue, url, error: message });
    }
  }
  const deferredByLimit = results.filter((r) => r.status === "deferred").length;
  if (throttled && deferredByLimit) log.warn(`${deferredByLimit} change(s) deferred by GitHub's rate limit; the next sweep resumes them.`);

  const applied = results.filter((r) => r.status === "applied");
  return {
    results,
    // Response issues only: the app inventory, a config-error or report issue is not one.
    opened: applied.filter((r) => r.change.action === "open" && opensResponseIssue(r.change)).length,
    updated: applied.filter((r) => r.change.action === "update").length,
    deferred: results.filter((r) => r.status === "deferred").length,
    failed: results.filter((r) => r.status === "failed").length,
    writes,
    dryRun,
  };
}

/** Whether a change opens a response issue (labelled nhi-response), as the `opened` output counts them. */
export function opensResponseIssue(change: Change): boolean {
  return change.ops.some((o) => o.op === "create-issue" && o.labels.includes(LABELS.response.name));
}

type Applied = { wrote: boolean; issue?: number; url?: string | null };

async function apply(op: Op, repo: RepoRef, key: string, port: GitHubPort, effects: Effects, recheck: boolean): Promise<Applied> {
  switch (op.op) {
    case "create-issue": {
      // Idempotency: another delivery or run may have opened it since the plan was made.
      const existing = await port.findIssue(repo, key, op.labels[0] ?? LABELS.response.name, { fresh: recheck, openOnly: true });
      if (existing) return { wrote: false, issue: existing.number };
      const created = await port.createIssue(repo, { title: op.title, body: op.body, labels: op.labels, assignees: op.assignees });
      return { wrote: true, issue: created.number, url: created.url };
    }
    case "update-issue":
      await port.updateIssue(repo, op.issue, {
        ...(op.title !== undefined ? { title: op.title } : {}),
        ...(op.body !== undefined ? { body: op.body } : {}),
        ...(op.state ? { state: op.state } : {}),
        ...(op.assignees ? { assignees: op.assignees } : {}),
      });
      return { wrote: true };
    case "add-labels":
      await port.addLabels(repo, op.issue, op.labels);
      return { wrote: true };
    case "remove-label":
      await port.removeLabel(repo, op.issue, op.label);
      return { wrote: true };
    case "comment":
      await port.createComment(repo, op.issue, op.body);
      return { wrote: true };
    case "resolve-alert":
      await port.resolveAlert(parseRepo(op.repo), op.alert, op.resolution, op.comment);
      return { wrote: true };
    case "assign-alert":
      await port.assignAlert(parseRepo(op.repo), op.alert, op.assignee);
      return { wrote: true };
    case "add-assignees":
      await port.addAssignees(repo, op.issue, op.assignees);
      return { wrote: true };
    case "page":
      if (!effects.page) throw new Error("a page was planned but no pager is configured");
      await effects.page(op);
      return { wrote: true };
    case "revoke":
      if (!effects.revoke) throw new Error("a revocation was planned but no revocation method is configured");
      await effects.revoke(op);
      return { wrote: true };
  }
}
