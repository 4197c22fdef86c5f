import type { Codeowners } from "../codeowners/index.ts";
import { leakedFile, type Alert } from "../alert/types.ts";
import type { Policy } from "../policy/schema.ts";
import { parseOwner, type OwnerRef, type OwnerStep } from "./types.ts";

/** What ownership data was found for the alert's repository. */
export interface OwnershipSources {
  /** The repository's CODEOWNERS, parsed; null when there is none or it could not be used. */
  codeowners: Codeowners | null;
  /** Why CODEOWNERS is missing or unusable, when it is. */
  codeownersProblem?: string;
  policy: Policy;
}

export interface Candidates {
  /** Steps in precedence order; the first one with an assignable owner wins. */
  steps: OwnerStep[];
  notes: string[];
}

/** Lists who could own the alert, in precedence order: CODEOWNERS of the leaked file, then the fallback owner. */
export function ownerCandidates(alert: Alert, sources: OwnershipSources): Candidates {
  const steps: OwnerStep[] = [];
  const notes: string[] = [];
  const file = leakedFile(alert);

  if (!file) {
    notes.push("The secret was not found in a repository file, so CODEOWNERS cannot name an owner.");
  } else if (!sources.codeowners) {
    notes.push(sources.codeownersProblem ?? "The repository has no CODEOWNERS file.");
  } else {
    const co = sources.codeowners;
    const match = co.match(file.path);
    if (match.kind === "owned") {
      const owners = match.owners.map(parseOwner).filter((o): o is OwnerRef => o !== null);
      steps.push({ source: "codeowners", owners, why: `${co.path} line ${match.rule.line}: \`${match.rule.text}\`` });
    } else if (match.kind === "no-owners") {
      notes.push(`${co.path} line ${match.rule.line} (\`${match.rule.text}\`) matches \`${file.path}\` but names no owners.`);
    } else {
      notes.push(`No line of ${co.path} matches \`${file.path}\`.`);
    }
    for (const error of co.errors.slice(0, 5)) notes.push(`${co.path} line ${error.line} was skipped: ${error.message}`);
    if (co.errors.length > 5) notes.push(`${co.path} has ${co.errors.length - 5} more invalid lines; run \`nhi-steward owners --check\`.`);
  }

  const fallback = sources.policy.fallback_owner ? parseOwner(sources.policy.fallback_owner) : null;
  if (fallback) steps.push({ source: "fallback", owners: [fallback], why: `fallback owner \`${sources.policy.fallback_owner}\` from the policy` });
  return { steps, notes };
}
