import { repositoryFrom } from "../core/alert/secret-scanning.ts";
import { repoName, type RepoRef } from "../core/alert/types.ts";
import { issueRepository } from "../core/decide.ts";
import { LABELS } from "../core/issue/labels.ts";
import type { Marker } from "../core/issue/marker.ts";
import { afterOps, type Change, type ExistingIssue } from "../core/plan.ts";
import { planClock } from "../core/sla/escalate.ts";
import { ownsRepository, WHOLE, type Shard } from "../core/shard.ts";
import { execute, type ExecutionReport } from "../github/execute.ts";
import { IncompleteIssueError, isIncomplete } from "../github/sweep-state.ts";
import { planAfterRevocation, planRevocations, type RevocationCandidate } from "./auto-revoke.ts";
import type { RunEffects } from "./effects.ts";
import { parseRepo, type AlertScope, type ListedAlert } from "../github/port.ts";
import { readAlert, withLocations } from "./gather-alert.ts";
import { loadPolicy } from "./load-policy.ts";
import { issueIsCurrent, openIssueOf, planAlert } from "./plan-alert.ts";
import { issueMarker } from "./issue-marker.ts";
import { placeProblem } from "../core/issue/provenance.ts";
import { planAppAccess } from "./app-inventory.ts";
import { planGroupResolvedOnGitHub, planResolvedOnGitHub } from "./sync-alert.ts";
import type { Run } from "./run.ts";
import { catchUpClose, catchUpClosings, catchUpComments, type ClosedSince } from "./catch-up.ts";

/** How far back a sweep looks for alerts resolved on GitHub (sweeps run at least daily). */
const RESOLVED_LOOKBACK_MS = 7 * 24 * 3600_000;
/**
 * Without a sweep state, how far back a sweep looks for response issues closed while no server
 * listened (sweeps run at least daily); with one, it looks back to the last sweep only.
 */
const CLOSED_LOOKBACK_MS = RESOLVED_LOOKBACK_MS;
/** At most this many pages of 100 recently resolved alerts per sweep. */
const RESOLVED_MAX_PAGES = 10;
/** At most this many pages of 100 results of the search for open response issues (GitHub serves 1,000). */
const SEARCH_MAX_PAGES = 10;

export interface SweepReport extends ExecutionReport {
  /** Open alerts seen in scope. */
  alerts: number;
  /** Open response issues whose clocks were evaluated. */
  clocks: number;
  /** Alerts that could not be planned (logged with the reason); the next sweep retries them. */
  unreadable: number;
}

export interface SweepOptions {
  /** Pagers and revocation methods, from the environment (see effects.ts). Without them, nothing pages or revokes. */
  effects?: RunEffects;
  /** Sweep only this part of the organisation (a matrix job's `k/n`); the whole scope by default. */
  shard?: Shard;
}

/**
 * One pass over a scope: (0) what people did on response issues since the last sweep (slash commands
 * on open and closed issues, then closes of every kind of response issue) is applied first, through
 * the App's own handlers (catch-up.ts), so an organisation without a server gets the whole loop; (1) every open secret scanning alert gets its issue, exactly as a
 * webhook would (a missed webhook is healed); (2) every open response issue's SLA clock is
 * advanced: labels, escalations, after-hours routing, handback; (3) issues whose alert was
 * resolved on GitHub are closed. One plan, one executor; running it twice at the same instant
 * changes nothing the second time.
 */
export async function sweep(run: Run, scope: AlertScope, options: SweepOptions = {}): Promise<SweepReport> {
  const { github, log, clock } = run.deps;
  const now = clock.now();
  const changes: Change[] = [];
  const openKeys = new Set<string>();
  const issueRepos = new Map<string, RepoRef>();
  let alerts = 0;
  let unreadable = 0;
  const shard = options.shard ?? WHOLE;
  // Catch-up: closings and commands applied by the handlers the App uses, before anything is planned.
  const caughtUp = new Map<string, Promise<void>>();
  const caughtUpReports: ExecutionReport[] = [];
  let commands = 0;
  let closes = 0;
  /** `owner/repo#n` of the issues whose close the catch-up applied (or found answered) this sweep, and their alerts' keys. */
  const closesHandled = new Set<string>();
  const closedKeys = new Set<string>();
  const owns = (repo: string) => ownsRepository(shard, repo);
  const catchUp = (where: RepoRef): Promise<void> => {
    const k = repoName(where);
    let p = caughtUp.get(k);
    if (!p) {
      p = (async () => {
        // Response issues closed since the last sweep (its state), or in the last days without one.
        let closed: ClosedSince | null = null;
        try {
          closed = (await github.closedSinceLastSweep?.(where, LABELS.response.name, new Date(now.getTime() - CLOSED_LOOKBACK_MS))) ?? null;
        } catch (e) {
          log.warn(`sweep: could not list closed response issues in ${k} (${(e as Error).message}); their closes wait for the next sweep.`);
        }
        // Commands first (a `/resolve` after a close settles it), then closes, as the App would have had them.
        try {
          const done = await catchUpComments(run, where, owns, closed);
          commands += done.applied;
          caughtUpReports.push(...done.reports);
        } catch (e) {
          log.warn(`sweep: could not catch up on commands in ${k} (${(e as Error).message}); the next sweep tries again.`);
        }
        if (!closed) return;
        try {
          const done = await catchUpClosings(run, where, closed, owns);
          closes += done.applied;
          caughtUpReports.push(...done.reports);
          for (const n of done.handled) closesHandled.add(`${k}#${n}`);
          for (const key of done.handledKeys) closedKeys.add(key);
        } catch (e) {
          log.warn(`sweep: could not catch up on closings in ${k} (${(e as Error).message}); the next sweep tries again.`);
        }
      })();
      caughtUp.set(k, p);
    }
    return p;
  };
  const caughtUpClose = async (where: RepoRef, key: string): Promise<boolean> => {
    const issue = await github.findIssue(where, key, LABELS.response.name).catch(() => null);
    const marker = issue?.state === "closed" ? issueMarker(issue) : null;
    // Closed by the catch-up above (a `/resolve`, a close applied or answered): the alert was listed
    // before that, so it is planned again only by the next sweep, from GitHub's copy (never reopened
    // as if it were still open).
    const id = issue ? `${repoName(where)}#${issue.number}` : "";
    if (
      issue?.state === "closed" &&
      (closesHandled.has(id) ||
        caughtUpReports.some((r) => r.results.some((x) => x.status === "applied" && `${x.change.repo}#${x.issue}` === id)))
    )
      return true;
    if (!issue || !marker || marker.resolution) return false;
    const report = await catchUpClose(run, where, issue.number);
    if (report && report !== "answered") caughtUpReports.push(report);
    return report !== null;
  };

  for await (const listed of github.listOpenSecretScanningAlerts(scope)) {
    try {
      const { repo, visibility } = repositoryFrom(listed.repository);
      if (!ownsRepository(shard, repoName(repo))) continue;
      alerts++;
      const listedAlert = await readAlert(run, listed.alert, repo, visibility);
      openKeys.add(listedAlert.key);
      const { policy } = await loadPolicy(run, listedAlert.repo);
      const where = issueRepository(listedAlert, policy);
      issueRepos.set(repoName(where), where);
      // What people did there since the last sweep comes first: nothing is planned from a stale issue.
      await catchUp(where);
      // Its issue's close was just applied (resolved, or reopened saying why): the next sweep plans it from GitHub's copy.
      if (closedKeys.has(listedAlert.key)) continue;
      // GitHub's list names the first location and says whether there are more: read them only then.
      const alert =
        hasMoreLocations(listed.alert) === false && listedAlert.locations.length ? listedAlert : await withLocations(run, listedAlert);
      // Most alerts have not changed since their issue was written: nothing to render or write.
      if (await issueIsCurrent(run, alert)) continue;
      // Its issue is about to be planned from its body: read that first if the sweep state left it out.
      const found = await openIssueOf(run, alert).catch(() => null);
      if (found) await complete(run, found.issueRepo, found.issue);
      // Closed by a person while no server listened: the close is applied as the App applies it
      // (resolved, or reopened saying why), never reopened as if nobody had said anything.
      else if (await caughtUpClose(where, alert.key)) continue;
      changes.push(await planAlert(run, alert));
    } catch (e) {
      alerts++;
      unreadable++;
      log.error(`sweep: an alert could not be planned: ${(e as Error).message}`);
    }
  }
  if (scope.kind === "repository") issueRepos.set(repoName(scope.repo), scope.repo);
  else {
    // A repository whose last alerts were resolved on GitHub has no open alert left to bring it into
    // the sweep, but may still have open issues to close: alerts resolved lately name those.
    const lookback = new Date(now.getTime() - RESOLVED_LOOKBACK_MS);
    let resolved: ListedAlert[] = [];
    try {
      resolved = await github.listRecentlyResolvedAlerts(scope.org, lookback, RESOLVED_MAX_PAGES);
    } catch (e) {
      log.warn(
        `sweep: could not list recently resolved alerts (${(e as Error).message}); issues of repositories with no open alert wait for the next sweep.`,
      );
    }
    for (const listed of resolved) {
      try {
        const { repo, visibility } = repositoryFrom(listed.repository);
        if (!ownsRepository(shard, repoName(repo))) continue;
        const alert = await readAlert(run, listed.alert, repo, visibility);
        const where = issueRepository(alert, (await loadPolicy(run, repo)).policy);
        issueRepos.set(repoName(where), where);
      } catch (e) {
        log.warn(`sweep: a resolved alert could not be read: ${(e as Error).message}`);
      }
    }
    // Issues of other kinds (detector findings, dispatched alerts) can live in repositories that have no
    // secret scanning alert to bring them into the sweep: one issue search names every repository with
    // an open response issue, so their clocks run and what people did there is caught up.
    try {
      const found = await github.repositoriesWithOpenIssues?.(scope.org, LABELS.response.name, SEARCH_MAX_PAGES);
      for (const r of found?.repos ?? []) if (ownsRepository(shard, repoName(r))) issueRepos.set(repoName(r), r);
      if (found && !found.complete)
        log.warn(
          `sweep: ${found.total} open response issues in ${scope.org}, more than one search can page through (1,000): repositories whose only response issues are not among them, and that have no secret scanning alert, wait for a later sweep. Put the issues in one repository (\`issues_in: response-repository\`) at this size.`,
        );
    } catch (e) {
      log.warn(
        `sweep: could not search ${scope.org} for open response issues (${(e as Error).message}); issues in repositories without a secret scanning alert wait for the next sweep.`,
      );
    }
    // Organisation-level work belongs to the shard that owns the organisation's .github repository.
    if (ownsRepository(shard, `${scope.org}/.github`)) changes.push(...(await planAppAccess(run, scope.org)));
    // Issues with no alert repository of their own (token requests) live here.
    const home = { owner: scope.org, name: ".github" };
    const { policy } = await loadPolicy(run, home);
    const where = policy.response_repository ? parseRepo(policy.response_repository) : home;
    issueRepos.set(repoName(where), where);
  }

  for (const where of issueRepos.values()) await catchUp(where);

  // Clocks. When the alert itself changed this run, the clock is planned on top of that change, in
  // the same change, so the two never race on one body.
  const byKey = new Map(changes.filter((c) => c.ops.length && c.issue !== null).map((c) => [c.key, c]));
  let clocks = 0;
  const candidates: RevocationCandidate[] = [];
  for (const issueRepo of issueRepos.values()) {
    let issues;
    try {
      issues = await github.listIssues(issueRepo, LABELS.response.name);
    } catch (e) {
      log.error(`sweep: could not list response issues in ${repoName(issueRepo)}: ${(e as Error).message}`);
      continue;
    }
    for (let listed of issues) {
      // Its close was applied by the catch-up above (reopened saying why, or resolved): the listed copy
      // predates that, so its clock is run by the next sweep, whichever way this one read the list.
      if (closesHandled.has(`${repoName(issueRepo)}#${listed.number}`)) continue;
      const found = byKey.get(issueMarker(listed)?.key ?? "");
      if (found) listed = await complete(run, issueRepo, listed);
      let issue = found ? afterOps(listed, found.ops) : listed;
      if (issue.state !== "open") continue;
      let marker = issueMarker(issue);
      // In a sharded sweep, each issue's clock is advanced by the shard that owns its alert's repository.
      if (!marker || !ownsRepository(shard, marker.repo)) continue;
      let merged = found;
      try {
        // A group: tick the members resolved on GitHub (closing it when all are), then run its clock on top.
        if (marker.group) {
          issue = await complete(run, issueRepo, issue);
          const synced = await planGroupResolvedOnGitHub(run, issue, marker, issueRepo, openKeys);
          if (synced) {
            if (merged) {
              merged.ops.push(...synced.ops);
              merged.labels.push(...synced.labels);
            } else changes.push((merged = synced));
            if (synced.ops.some((o) => o.op === "update-issue" && o.state === "closed")) continue;
            issue = afterOps(issue, synced.ops);
            marker = issueMarker(issue) ?? marker;
          }
        }
        const pending = merged;
        if (!openKeys.has(marker.key) && marker.key.startsWith("secret-scanning:")) {
          issue = await complete(run, issueRepo, issue);
          const closing = issue.state === "open" ? await planResolvedOnGitHub(run, issue, issueMarker(issue) ?? marker, issueRepo) : null;
          if (closing) changes.push(closing);
          if (closing || issue.state !== "open") continue;
        }
        const { policy } = await loadPolicy(run, parseRepo(marker.repo));
        const misplaced = placeProblem(marker.repo, repoName(issueRepo), policy.response_repository);
        if (misplaced) {
          log.warn(`sweep: ${repoName(issueRepo)}#${issue.number} is not acted on: ${misplaced}.`);
          continue;
        }
        clocks++;
        const via = options.effects?.pagerFor(policy) ?? null;
        const clockOf = (i: ExistingIssue, m: Marker) => planClock(i, m, { policy, now, pagerConfigured: via !== null });
        let planned: ReturnType<typeof planClock> | null;
        try {
          planned = clockOf(issue, marker);
        } catch (e) {
          if (!(e instanceof IncompleteIssueError)) throw e;
          planned = null;
        }
        // Something to write on an issue the sweep state left without its body: read it, plan again.
        if (isIncomplete(issue) && (planned === null || planned.change.ops.length)) {
          issue = await complete(run, issueRepo, issue);
          const current = issueMarker(issue);
          if (issue.state !== "open" || !current) continue;
          marker = current;
          planned = clockOf(issue, marker);
        }
        if (!planned) continue;
        // Pages go through the pager this issue's policy names.
        if (via) planned.change.ops = planned.change.ops.map((o) => (o.op === "page" ? { ...o, via } : o));
        if (planned.change.ops.length && pending) {
          pending.ops.push(...planned.change.ops);
          pending.labels.push(...planned.change.labels.filter((l) => !pending.labels.some((p) => p.name === l.name)));
        } else if (planned.change.ops.length) changes.push({ ...planned.change, repo: repoName(issueRepo) });
        // Only a sweep that may revoke keeps candidates (each holds its issue until the end).
        if (!options.effects) continue;
        const ops = planned.change.ops;
        const added = ops.flatMap((o) => (o.op === "add-labels" ? o.labels : []));
        const removed = ops.flatMap((o) => (o.op === "remove-label" ? [o.label] : []));
        const body = ops.find((o) => o.op === "update-issue" && o.body !== undefined) as { body: string } | undefined;
        candidates.push({
          issueRepo: repoName(issueRepo),
          // An issue without its body has nothing planned on it; it is read if it is revoked.
          issue: isIncomplete(issue)
            ? issue
            : { ...issue, body: body?.body ?? issue.body, labels: [...issue.labels.filter((l) => !removed.includes(l)), ...added] },
          marker: planned.marker,
          policy,
          requested: planned.revokeRequested,
        });
      } catch (e) {
        log.error(`sweep: ${marker.key}: could not advance the clock of ${repoName(issueRepo)}#${issue.number}: ${(e as Error).message}`);
      }
    }
  }

  const where = scope.kind === "organization" ? `organization ${scope.org}` : repoName(scope.repo);
  log.info(
    `sweep of ${where}: ${alerts} open alert(s), ${commands} command(s) and ${closes} close(s) caught up, ${clocks} clock(s), ${changes.filter((c) => c.ops.length).length} change(s) to make.`,
  );
  const side = await run.drainSideChanges();
  const exec = (list: Change[]) =>
    execute({ changes: list }, github, {
      dryRun: run.options.dryRun,
      budget: run.budget,
      log,
      recheckBeforeCreate: true,
      ...(options.effects ? { effects: options.effects.effects } : {}),
    });
  // Alerts first in the operations budget: the app inventory and config-error issues take what is
  // left, and wait whole for the next run while any alert does.
  const records = [...changes.filter((c) => c.key.startsWith(INVENTORY_KEY_PREFIX)), ...side];
  let report = await exec(changes.filter((c) => !c.key.startsWith(INVENTORY_KEY_PREFIX)));
  if (report.deferred && !report.dryRun) {
    const waiting = records.filter((c) => c.ops.length);
    if (waiting.length)
      log.warn(
        `sweep: ${waiting.map((c) => c.key).join(", ")} deferred to the next run: alerts go first and ${report.deferred} still wait.`,
      );
    report = merge(report, {
      results: records.map((change) => ({ change, status: change.ops.length ? "deferred" : "unchanged", issue: change.issue, url: null })),
      opened: 0,
      updated: 0,
      deferred: waiting.length,
      failed: 0,
      writes: 0,
      dryRun: false,
    });
  } else report = merge(report, await exec(records));

  // Revocations go last, after the clocks they depend on are written; then what they did is recorded.
  if (options.effects && candidates.length) {
    const revokes = await planRevocations(run, candidates, options.effects.supports);
    if (revokes.length) {
      const revoked = await exec(revokes);
      const followUps: Change[] = [];
      for (const c of candidates) {
        if (!revoked.results.some((r) => r.change.key === c.marker.key)) continue;
        const issue = await complete(run, parseRepo(c.issueRepo), c.issue);
        const followUp = planAfterRevocation(run, { ...c, issue }, revoked);
        if (followUp) followUps.push(followUp);
      }
      const recorded = await exec(followUps);
      report = merge(merge(report, revoked), recorded);
    }
  }
  for (const r of caughtUpReports) report = merge(r, report);
  return { ...report, alerts, clocks, unreadable };
}

/** The app inventory's change key (`inventory:<org>`, app-inventory.ts): a record, not an alert. */
const INVENTORY_KEY_PREFIX = "inventory:";

function merge(a: ExecutionReport, b: ExecutionReport): ExecutionReport {
  return {
    results: [...a.results, ...b.results],
    opened: a.opened + b.opened,
    updated: a.updated + b.updated,
    deferred: a.deferred + b.deferred,
    failed: a.failed + b.failed,
    writes: a.writes + b.writes,
    dryRun: a.dryRun,
  };
}

/** The issue with its body: as it is, or read now when the sweep state left the body out. */
async function complete(run: Run, repo: RepoRef, issue: ExistingIssue): Promise<ExistingIssue> {
  return isIncomplete(issue) && run.deps.github.completeIssue ? run.deps.github.completeIssue(repo, issue) : issue;
}

/** The REST list's `has_more_locations`: null when GitHub did not say (older servers, webhooks). */
function hasMoreLocations(raw: unknown): boolean | null {
  const v = (raw as { has_more_locations?: unknown } | null)?.has_more_locations;
  return typeof v === "boolean" ? v : null;
}
