import { alertContext, type Alert, type RepoRef } from "../core/alert/types.ts";
import { decide, issueRepository } from "../core/decide.ts";
import { LABELS } from "../core/issue/labels.ts";
import { inputsDigest } from "../core/issue/digest.ts";
import { issueMarker } from "./issue-marker.ts";
import { locationId } from "../core/alert/secret-scanning.ts";
import { planChange, type Change, type ExistingIssue } from "../core/plan.ts";
import { groupable } from "../core/issue/group.ts";
import { planGroupJoin, planGroupMember } from "./plan-group.ts";
import { classify } from "../core/policy/classify.ts";
import type { Policy } from "../core/policy/schema.ts";
import { usesProperties } from "../core/policy/select.ts";
import { parseRepo } from "../github/port.ts";
import { assignStep, decideRouting, stepTakesIt, type StepLookup, type StepResult } from "../core/routing/assign.ts";
import { ownerCandidates } from "../core/routing/candidates.ts";
import type { OwnerStep, Routing } from "../core/routing/types.ts";
import { loadCodeowners } from "./load-codeowners.ts";
import { loadPolicy } from "./load-policy.ts";
import type { Run } from "./run.ts";

/** Repository custom properties, read once per repository per run. */
function loadProperties(run: Run, repo: RepoRef): Promise<Record<string, string>> {
  return run.cached(run.properties, `${repo.owner}/${repo.name}`, async () => {
    try {
      return await run.deps.github.getRepositoryProperties(repo);
    } catch (e) {
      run.deps.log.warn(
        `${repo.owner}/${repo.name}: could not read custom properties (${(e as Error).message}); rules that use them do not match.`,
      );
      return {};
    }
  });
}

/**
 * Plans the response to one alert: find its issue; if there is none, route it to an owner.
 * An existing issue keeps the owner it was given (people may have reassigned it since).
 */
export async function planAlert(run: Run, alert: Alert, options: { newAlert?: boolean } = {}): Promise<Change> {
  const { github, clock, log } = run.deps;
  const { policy, fingerprint } = await loadPolicy(run, alert.repo);
  let issueRepo = issueRepository(alert, policy);
  const properties = usesProperties(policy) ? await loadProperties(run, alert.repo) : null;
  let existing;
  try {
    existing = await github.findIssue(issueRepo, alert.key, LABELS.response.name, { openOnly: options.newAlert ?? false });
  } catch (e) {
    // 410: issues are disabled in that repository. The response repository takes the alert.
    const response = policy.response_repository;
    if ((e as { status?: number }).status !== 410) throw e;
    if (!response || response === `${issueRepo.owner}/${issueRepo.name}`) {
      throw new Error(
        `Issues are disabled in ${issueRepo.owner}/${issueRepo.name} and the policy names no response_repository: set \`response_repository\` in .github/nhi-steward.yml so such alerts reach a person.`,
        { cause: e },
      );
    }
    log.warn(`${alertContext(alert)}: issues are disabled in ${issueRepo.owner}/${issueRepo.name}; the issue opens in ${response}.`);
    issueRepo = parseRepo(response);
    existing = await github.findIssue(issueRepo, alert.key, LABELS.response.name, { openOnly: options.newAlert ?? false });
  }
  const inputs = inputsDigest(alert, fingerprint, properties, issueRepo);
  const marker = existing ? issueMarker(existing) : null;
  // A member of a group issue: its row there is updated; it never gets an issue of its own.
  if (existing && marker?.group) return planGroupMember(run, alert, { existing, marker, policy, properties, issueRepo, inputs });
  if (existing && marker) {
    const decision = decide(alert, marker.routing, { policy, properties, now: clock.now(), previous: marker, issueRepo, inputs });
    return planChange(decision, existing);
  }

  const routing = await route(run, alert, issueRepo, policy, properties);
  for (const note of routing.notes) log.info(`${alertContext(alert)}: ${note}`);
  const decision = decide(alert, routing, { policy, properties, now: clock.now(), issueRepo, inputs });
  if (groupable(decision, policy)) return planGroupJoin(run, decision, policy, issueRepo);
  return planChange(decision, null);
}

/**
 * A sweep's cheap check: the alert's open issue was rendered from exactly these inputs and
 * locations, so planning it again would change nothing and nothing is rendered. The alert must
 * carry all its locations (the REST list's `has_more_locations: false` means its first is all).
 */
export async function issueIsCurrent(run: Run, alert: Alert): Promise<boolean> {
  if (alert.state !== "open" || !alert.locations.length) return false;
  let found;
  try {
    found = await openIssueOf(run, alert);
  } catch {
    return false;
  }
  const marker = found ? issueMarker(found.issue) : null;
  if (!found || !marker?.inputs) return false;
  const { policy, fingerprint } = await loadPolicy(run, alert.repo);
  const ids = new Set(alert.locations.map(locationId));
  if (marker.locations.length !== ids.size || !marker.locations.every((id) => ids.has(id))) return false;
  const properties = usesProperties(policy) ? await loadProperties(run, alert.repo) : null;
  return marker.inputs === inputsDigest(alert, fingerprint, properties, found.issueRepo);
}

/** The alert's open issue, where its policy puts it; closed issues are not read. Null when there is none. */
export async function openIssueOf(run: Run, alert: Alert): Promise<{ issue: ExistingIssue; issueRepo: RepoRef } | null> {
  const { policy } = await loadPolicy(run, alert.repo);
  const issueRepo = issueRepository(alert, policy);
  const issue = await run.deps.github.findIssue(issueRepo, alert.key, LABELS.response.name, { openOnly: true });
  return issue?.state === "open" ? { issue, issueRepo } : null;
}

/** Walks the precedence chain until a step names someone who can be assigned. */
async function route(run: Run, alert: Alert, issueRepo: RepoRef, policy: Policy, known: Record<string, string> | null): Promise<Routing> {
  const { codeowners, problem } = await loadCodeowners(run, alert.repo);
  const classification = classify(alert, policy);
  const candidatesWith = (properties: Record<string, string> | null) =>
    ownerCandidates(alert, { codeowners, ...(problem ? { codeownersProblem: problem } : {}), policy, classification, properties });

  let candidates = candidatesWith(known);
  let results = await walk(run, candidates.steps, issueRepo);
  // The owner property comes before the fallback: read properties only when nothing earlier took it.
  const taker = results.some(stepTakesIt) ? candidates.steps[results.length - 1] : undefined;
  if (known === null && (!taker || taker.source === "fallback")) {
    candidates = candidatesWith(await loadProperties(run, alert.repo));
    results = await walk(run, candidates.steps, issueRepo);
  }
  return decideRouting(candidates, results);
}

async function walk(run: Run, steps: OwnerStep[], issueRepo: RepoRef): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const step of steps) {
    const result = assignStep(step, await lookup(run, step, issueRepo));
    results.push(result);
    if (stepTakesIt(result)) break;
  }
  return results;
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
