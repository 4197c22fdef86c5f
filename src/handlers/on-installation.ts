import type { RepoRef } from "../core/alert/types.ts";
import { repoName } from "../core/alert/types.ts";
import type { Run } from "./run.ts";
import { sweep, type SweepReport } from "./sweep.ts";

/** GitHub's `installation` and `installation_repositories` payloads, as far as they are read here. */
export interface InstallationPayload {
  action?: string;
  /** `installation.created`: the repositories the installation covers. */
  repositories?: { full_name?: string | null }[] | null;
  /** `installation_repositories.added`: the repositories added to it. */
  repositories_added?: { full_name?: string | null }[] | null;
}

/** The repositories a delivery adds to the installation, `owner/name` checked. */
export function addedRepositories(payload: InstallationPayload): RepoRef[] {
  const listed = payload.action === "created" ? payload.repositories : payload.action === "added" ? payload.repositories_added : null;
  const out: RepoRef[] = [];
  for (const r of listed ?? []) {
    const [owner, name, ...rest] = (r.full_name ?? "").split("/");
    if (owner && name && !rest.length) out.push({ owner, name });
  }
  return out;
}

/**
 * `installation.created` and `installation_repositories.added`: the new repositories' open alerts
 * become issues now (grouped when the policy groups), not at the next sweep. Each repository is
 * swept exactly as the Action's repository sweep does it. A repository that fails is logged and the
 * others go on; the delivery still succeeds (a redelivery would sweep them all again): the interval
 * sweep, on by default, heals what is left.
 */
export async function onInstallation(run: Run, payload: InstallationPayload): Promise<SweepReport[]> {
  const { log } = run.deps;
  const repos = addedRepositories(payload);
  if (!repos.length) {
    log.debug(`installation ${payload.action ?? "?"}: no repositories named; nothing to sweep.`);
    return [];
  }
  const reports: SweepReport[] = [];
  for (const repo of repos) {
    try {
      const report = await sweep(run, { kind: "repository", repo });
      log.info(`${repoName(repo)}: swept at install: ${report.alerts} alert(s), ${report.opened} opened, ${report.updated} updated.`);
      reports.push(report);
    } catch (e) {
      log.error(`${repoName(repo)}: sweep at install failed: ${(e as Error).message}; the interval sweep retries it.`);
    }
  }
  return reports;
}
