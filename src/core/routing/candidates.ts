import type { Codeowners } from "../codeowners/index.ts";
import { isContentLocation, isGrant, isWikiLocation, leakedFile, repoName, type Alert } from "../alert/types.ts";
import type { Classification } from "../policy/classify.ts";
import type { Policy, System } from "../policy/schema.ts";
import { selectorMatches, type AlertFacts } from "../policy/select.ts";
import { ownerText, parseOwner, type OwnerRef, type OwnerStep, type PrecedenceStep } from "./types.ts";
import { MatchBudgetExceeded, withMatchBudget } from "../glob.ts";

/** Most matching steps one path may take against a CODEOWNERS file: tens of milliseconds at worst. */
export const CODEOWNERS_MATCH_BUDGET = 2_000_000;

/** What ownership data was found for the alert's repository. */
export interface OwnershipSources {
  /** The repository's CODEOWNERS, parsed; null when there is none or it could not be used. */
  codeowners: Codeowners | null;
  /** Why CODEOWNERS is missing or unusable, when it is. */
  codeownersProblem?: string;
  policy: Policy;
  classification: Classification;
  /** Repository custom properties; null when not read (yet). */
  properties: Record<string, string> | null;
}

export interface Candidates {
  /** Steps in precedence order; the first one with an assignable owner wins. */
  steps: OwnerStep[];
  /** People mentioned whoever is assigned (owner rule `notify`, policy `team_mentions`). */
  notify: string[];
  /** The system the credential belongs to, if the policy declares one. */
  system: System | null;
  notes: string[];
}

export function alertFacts(alert: Alert, sources: Pick<OwnershipSources, "classification" | "properties">): AlertFacts {
  return {
    source: alert.source,
    secretType: alert.secretType,
    provider: alert.provider,
    identityClass: sources.classification.identityClass,
    repo: repoName(alert.repo),
    path: leakedFile(alert)?.path ?? null,
    visibility: alert.visibility,
    properties: sources.properties,
    app: alert.identity?.app ?? null,
    clientId: alert.identity?.clientId ?? null,
    publisher: alert.identity?.publisher ?? null,
    permissions: alert.identity?.permissions ?? {},
    requester: alert.identity?.requester ?? null,
  };
}

const owners = (list: string[]) => list.map(parseOwner).filter((o): o is OwnerRef => o !== null);

/** People who posted content (issues, pull requests, comments): bots and apps never own a leak by posting it. */
function isPerson(login: string): boolean {
  return !login.endsWith("[bot]");
}

/**
 * Lists who could own the alert, in the policy's precedence order (`routing.precedence`; by default
 * the steward of the system the credential belongs to, the first matching owner rule, whoever pushed
 * it past push protection, CODEOWNERS of the leaked file, whoever posted the issue or pull request
 * text it was found in, the repository's owner property), then the fallback owner. Each step
 * records why it applies.
 */
export function ownerCandidates(alert: Alert, sources: OwnershipSources): Candidates {
  const { policy } = sources;
  const facts = alertFacts(alert, sources);
  const bySource = new Map<PrecedenceStep, OwnerStep[]>();
  const add = (step: OwnerStep & { source: PrecedenceStep }) => bySource.set(step.source, [...(bySource.get(step.source) ?? []), step]);
  const notes: string[] = [];
  const notify = [...policy.team_mentions, ...(alert.mention ?? [])];

  const system = policy.systems.find((s) => s.credentials.some((c) => selectorMatches(c, facts))) ?? null;
  if (system)
    add({
      source: "system",
      owners: owners([system.steward]),
      why: `steward of system **${system.name}** (\`${system.steward}\`), which owns this credential`,
    });

  const ruleIndex = policy.owners.findIndex((r) => selectorMatches(r.match, facts));
  const rule = policy.owners[ruleIndex];
  if (rule) {
    add({
      source: "owner-rule",
      owners: owners(rule.owners),
      why: `owner rule ${rule.name ? `“${rule.name}”` : `#${ruleIndex + 1}`} (${rule.owners.join(", ")})`,
    });
    notify.push(...rule.notify);
  }

  // Grants without a matching rule go to the policy's reviewer for their kind (token or app).
  if (alert.identity?.kind === "token" && policy.token_requests.owner) {
    add({
      source: "owner-rule",
      owners: owners([policy.token_requests.owner]),
      why: `the policy's reviewer of token requests (\`${policy.token_requests.owner}\`)`,
    });
  }

  if (alert.identity?.kind === "app" && policy.app_access.owner) {
    add({
      source: "owner-rule",
      owners: owners([policy.app_access.owner]),
      why: `the policy's reviewer of app access (\`${policy.app_access.owner}\`)`,
    });
  }

  // Whoever pushed the secret past push protection saw the warning and chose to push it.
  const bypasser = alert.pushProtectionBypassedBy ? parseOwner(`@${alert.pushProtectionBypassedBy}`) : null;
  if (bypasser)
    add({ source: "bypasser", owners: [bypasser], why: `\`@${alert.pushProtectionBypassedBy}\` pushed this secret past push protection` });

  const file = leakedFile(alert);
  const wiki = alert.locations.find(isWikiLocation);
  if (isGrant(alert)) {
    notes.push("A grant names no file, so CODEOWNERS does not apply.");
  } else if (!file) {
    notes.push(
      wiki
        ? `The secret was found in the wiki page \`${wiki.path}\`; wiki pages are not repository files, so CODEOWNERS does not apply.`
        : "The secret was not found in a repository file, so CODEOWNERS cannot name an owner.",
    );
  } else if (!sources.codeowners) {
    notes.push(sources.codeownersProblem ?? "The repository has no CODEOWNERS file.");
  } else {
    const co = sources.codeowners;
    // A bound on the work, so no CODEOWNERS (up to GitHub's 3 MB) holds the event loop for long.
    let match: ReturnType<typeof co.match> | null = null;
    try {
      match = withMatchBudget(CODEOWNERS_MATCH_BUDGET, () => co.match(file.path)).value;
    } catch (e) {
      if (!(e instanceof MatchBudgetExceeded)) throw e;
    }
    if (match === null) {
      notes.push(
        `${co.path} is too costly to match against \`${file.path}\` (more than ${CODEOWNERS_MATCH_BUDGET.toLocaleString("en")} steps; its patterns are mostly \`*\` and \`**\`), so it names no owner here. Simplify its patterns, or name an owner in the policy.`,
      );
    } else if (match.kind === "owned") {
      add({ source: "codeowners", owners: owners(match.owners), why: `${co.path} line ${match.rule.line}: \`${match.rule.text}\`` });
    } else if (match.kind === "no-owners") {
      notes.push(`${co.path} line ${match.rule.line} (\`${match.rule.text}\`) matches \`${file.path}\` but names no owners.`);
    } else {
      notes.push(`No line of ${co.path} matches \`${file.path}\`.`);
    }
    for (const error of co.errors.slice(0, 5)) notes.push(`${co.path} line ${error.line} was skipped: ${error.message}`);
    if (co.errors.length > 5) notes.push(`${co.path} has ${co.errors.length - 5} more invalid lines; run \`nhi-steward owners --check\`.`);
  }

  // Whoever posted the issue, pull request or comment text that holds the secret.
  const posted = new Map<string, string>();
  for (const l of alert.locations) {
    if (!isContentLocation(l) || !l.author || !isPerson(l.author) || posted.has(l.author)) continue;
    posted.set(l.author, l.type.replace(/_/g, " "));
  }
  const authors = [...posted.keys()].map((login) => parseOwner(`@${login}`)).filter((o): o is OwnerRef => o !== null);
  if (authors.length) {
    const what = [...posted.entries()].map(([login, type]) => `\`@${login}\` posted the ${type}`).join(", ");
    add({ source: "author", owners: authors, why: `${what} where the secret was found` });
  }

  const propertyValue = sources.properties?.[policy.owner_property];
  if (propertyValue) {
    const named = propertyValue.split(/[\s,]+/).filter(Boolean);
    const parsed = owners(named.map((n) => (n.startsWith("@") || n.includes("@") ? n : `@${n}`)));
    if (parsed.length)
      add({ source: "property", owners: parsed, why: `repository property \`${policy.owner_property}\` = \`${propertyValue}\`` });
    else
      notes.push(
        `The repository property \`${policy.owner_property}\` is \`${propertyValue}\`, which names no \`@user\` or \`@org/team\`.`,
      );
  }

  const precedence = policy.routing.precedence;
  const steps: OwnerStep[] = precedence.flatMap((source) => bySource.get(source) ?? []);
  for (const [source, skipped] of bySource) {
    if (!precedence.includes(source))
      notes.push(`Not asked, as the policy's \`routing.precedence\` leaves out \`${source}\`: ${skipped[0]!.why}.`);
  }

  const fallback = policy.fallback_owner ? parseOwner(policy.fallback_owner) : null;
  if (fallback) steps.push({ source: "fallback", owners: [fallback], why: `fallback owner \`${ownerText(fallback)}\` from the policy` });
  return { steps, notify: [...new Set(notify)], system, notes };
}
