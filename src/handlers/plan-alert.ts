import { alertContext, type Alert, type RepoRef } from "../core/alert/types.ts";
import { decide, issueRepository } from "../core/decide.ts";
import { decodeMarker } from "../core/issue/marker.ts";
import { planChange, type Change } from "../core/plan.ts";
import { assignStep, decideRouting, stepTakesIt, type StepLookup, type StepResult } from "../core/routing/assign.ts";
import { ownerCandidates } from "../core/routing/candidates.ts";
import type { OwnerStep, Routing } from "../core/routing/types.ts";
import { loadCodeowners } from "./load-codeowners.ts";
import { loadPolicy } from "./load-policy.ts";
import type { Run } from "./run.ts";

/**
 * Plans the response to one alert: find its issue; if there is none, route it to an owner.
 * An existing issue keeps the owner it was given (people may have reassigned it since).
 */
export async function planAlert(run: Run, alert: Alert): Promise<Change> {
  const { github, clock, log } = run.deps;
  const { policy } = await loadPolicy(run, alert.repo);
  const issueRepo = issueRepository(alert, policy);
  const existing = await github.findResponseIssue(issueRepo, alert.key);
  const marker = existing ? decodeMarker(existing.body) : null;
  if (existing && marker) {
    const decision = decide(alert, marker.routing, policy, clock.now(), marker.openedAt);
    return planChange(decision, existing);
  }

  const routing = await route(run, alert, issueRepo);
  for (const note of routing.notes) log.info(`${alertContext(alert)}: ${note}`);
  return planChange(decide(alert, routing, policy, clock.now()), null);
}

async function route(run: Run, alert: Alert, issueRepo: RepoRef): Promise<Routing> {
  const { policy } = await loadPolicy(run, alert.repo);
  const { codeowners, problem } = await loadCodeowners(run, alert.repo);
  const candidates = ownerCandidates(alert, { codeowners, ...(problem ? { codeownersProblem: problem } : {}), policy });
  const results: StepResult[] = [];
  for (const step of candidates.steps) {
    const result = assignStep(step, await lookup(run, step, issueRepo));
    results.push(result);
    if (stepTakesIt(result)) break;
  }
  return decideRouting(candidates, results);
}

/** Asks GitHub who is in each team and who can be assigned in the issue's repository. */
async function lookup(run: Run, step: OwnerStep, issueRepo: RepoRef): Promise<StepLookup> {
  const { github } = run.deps;
  const teamMembers = new Map<string, string[] | null>();
  const logins = new Set<string>();
  for (const owner of step.owners) {
    if (owner.kind === "user") logins.add(owner.login);
    if (owner.kind === "team") {
      const members = await github.listTeamMembers(owner.org, owner.slug);
      teamMembers.set(`${owner.org}/${owner.slug}`, members);
      members?.forEach((m) => logins.add(m));
    }
  }
  const assignable = new Map<string, boolean>();
  // Stop asking once there are enough assignees: GitHub allows 10.
  let yes = 0;
  for (const login of logins) {
    if (yes >= 10) break;
    const ok = await github.isAssignable(issueRepo, login);
    assignable.set(login, ok);
    if (ok) yes++;
  }
  return { teamMembers, assignable };
}
