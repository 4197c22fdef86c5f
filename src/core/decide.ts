import { repoName, type Alert, type RepoRef } from "./alert/types.ts";
import { classify, type Classification } from "./policy/classify.ts";
import { RUNBOOKS } from "./policy/default-pack.generated.ts";
import type { Policy, System } from "./policy/schema.ts";
import { selectorMatches } from "./policy/select.ts";
import { severityOf, type SeverityDecision } from "./policy/severity.ts";
import { alertFacts } from "./routing/candidates.ts";
import { LABELS } from "./issue/labels.ts";
import type { Routing } from "./routing/types.ts";

/** Everything that decides the response issue's content; `render` and `plan` take it from here. */
export interface Decision {
  alert: Alert;
  issueRepo: RepoRef;
  classification: Classification;
  severity: SeverityDecision;
  /** The system the credential belongs to, when the policy declares one. */
  system: System | null;
  routing: Routing;
  /** The runbook's Markdown: the system's, the policy's for the class, or the shipped one. */
  runbook: string;
  runbookSource: string;
  standards: string[];
  labels: string[];
  /** The issue sits in a public repository: it must not describe the secret. */
  publicSafe: boolean;
  /** When the response began: kept from the existing issue, else now. */
  openedAt: string;
}

export interface DecideInputs {
  policy: Policy;
  /** Repository custom properties, when read. */
  properties?: Record<string, string> | null;
  now: Date;
  openedAt?: string;
}

/** Where the response issue lives. Public repositories use the private response repository when there is one. */
export function issueRepository(alert: Alert, policy: Policy): RepoRef {
  const response = policy.response_repository;
  if (response && (policy.issues_in === "response-repository" || alert.visibility === "public")) {
    const [owner, name] = response.split("/") as [string, string];
    return { owner, name };
  }
  return alert.repo;
}

export function decide(alert: Alert, routing: Routing, inputs: DecideInputs): Decision {
  const { policy, now } = inputs;
  const properties = inputs.properties ?? null;
  const classification = classify(alert, policy);
  const facts = alertFacts(alert, { classification, properties });
  const system = policy.systems.find((s) => s.credentials.some((c) => selectorMatches(c, facts))) ?? null;
  const severity = severityOf(alert, facts, policy);
  const issueRepo = issueRepository(alert, policy);
  const publicSafe = alert.visibility === "public" && repoName(issueRepo) === repoName(alert.repo);

  const notes = publicSafe ? ["This repository is public, so this issue is public too: it leaves out where the secret is and whether it works. Set `response_repository` in the policy to open such issues in a private repository."] : [];
  const labels: string[] = [LABELS.response.name];
  if (policy.severity_labels) labels.push(`severity:${severity.severity}`);
  if (routing.unowned) labels.push(LABELS.unowned.name);

  const cls = classification.identityClass;
  const [runbook, runbookSource] = system?.runbook
    ? [system.runbook, `the runbook of system ${system.name}`]
    : policy.runbooks[cls]
      ? [policy.runbooks[cls]!, `the policy's runbook for ${cls}`]
      : [RUNBOOKS[cls], `the default runbook for ${cls}`];

  return {
    alert,
    issueRepo,
    classification,
    severity,
    system,
    routing: notes.length ? { ...routing, notes: [...routing.notes, ...notes] } : routing,
    runbook,
    runbookSource,
    standards: policy.standards,
    labels,
    publicSafe,
    openedAt: inputs.openedAt ?? now.toISOString(),
  };
}
