import type { Candidates } from "./candidates.ts";
import { MAX_ASSIGNEES, ownerText, type OwnerStep, type Routing } from "./types.ts";

/** What the directory (GitHub) said about a step's owners. */
export interface StepLookup {
  /** Members per team (`org/slug`); null when the team could not be read. */
  teamMembers: Map<string, string[] | null>;
  /** Whether each login can be assigned issues in the repository. */
  assignable: Map<string, boolean>;
}

export interface StepResult {
  assignees: string[];
  mentions: string[];
  /** Teams whose members could not be read: mentioned, so they still hear of it. */
  unreadableTeams: string[];
  notes: string[];
}

/** A step takes the alert when it assigns someone or reaches a team that could not be expanded. */
export function stepTakesIt(result: StepResult): boolean {
  return result.assignees.length > 0 || result.unreadableTeams.length > 0;
}

/** Expands one step's owners to assignable logins (teams to their members, at most 10). */
export function assignStep(step: OwnerStep, lookup: StepLookup): StepResult {
  const assignees: string[] = [];
  const mentions: string[] = [];
  const unreadableTeams: string[] = [];
  const notes: string[] = [];
  const add = (login: string) => {
    if (!assignees.includes(login) && assignees.length < MAX_ASSIGNEES) assignees.push(login);
  };
  for (const owner of step.owners) {
    if (owner.kind === "user") {
      if (lookup.assignable.get(owner.login)) add(owner.login);
      else notes.push(`@${owner.login} cannot be assigned in this repository (no access or not a member); skipped.`);
    } else if (owner.kind === "team") {
      const name = ownerText(owner);
      mentions.push(name);
      const members = lookup.teamMembers.get(`${owner.org}/${owner.slug}`);
      if (members === null || members === undefined) {
        notes.push(`The members of ${name} could not be read (no such team, or no Members permission); the team is mentioned instead.`);
        unreadableTeams.push(name);
        continue;
      }
      const ok = members.filter((m) => lookup.assignable.get(m));
      if (ok.length === 0) notes.push(`No member of ${name} can be assigned in this repository.`);
      ok.forEach(add);
    } else {
      notes.push(`${owner.email} is an email owner; GitHub cannot assign issues by email, so it is shown but not assigned.`);
      mentions.push(owner.email);
    }
  }
  return { assignees, mentions, unreadableTeams, notes };
}

/** Picks the first step that yields an assignee; records every skip. Results are per step, in order. */
export function decideRouting(candidates: Candidates, results: StepResult[]): Routing {
  const notes = [...candidates.notes];
  for (let i = 0; i < candidates.steps.length; i++) {
    const step = candidates.steps[i]!;
    const result = results[i];
    if (!result) break;
    notes.push(...result.notes);
    if (stepTakesIt(result) || (step.source === "fallback" && result.mentions.length > 0)) {
      return {
        source: step.source,
        why: step.why,
        assignees: result.assignees,
        mentions: [...new Set([...result.mentions, ...candidates.notify])],
        unowned: step.source === "fallback",
        notes,
      };
    }
    if (step.source !== "fallback") notes.push(`Nobody named by ${step.why} can be assigned, so the alert goes to the next step.`);
  }
  return {
    source: "none",
    why: "no owner found and no fallback owner is configured",
    assignees: [],
    mentions: candidates.notify,
    unowned: true,
    notes: [
      ...notes,
      "Set `fallback_owner` in `.github/nhi-steward.yml` of the organisation's `.github` repository so unowned alerts always reach a person.",
    ],
  };
}
