import type { Alert, RepoRef } from "./alert/types.ts";
import { classify, type Classification } from "./policy/classify.ts";
import type { Policy } from "./policy/schema.ts";
import { LABELS } from "./issue/labels.ts";
import type { Routing } from "./routing/types.ts";

/** Everything that decides the response issue's content; `render` and `plan` take it from here. */
export interface Decision {
  alert: Alert;
  issueRepo: RepoRef;
  classification: Classification;
  routing: Routing;
  labels: string[];
  /** When the response began: kept from the existing issue, else now. */
  openedAt: string;
}

/** Where the response issue lives: never in public when a private response repository is configured. */
export function issueRepository(alert: Alert, policy: Policy): RepoRef {
  if (alert.visibility === "public" && policy.response_repository) {
    const [owner, name] = policy.response_repository.split("/") as [string, string];
    return { owner, name };
  }
  return alert.repo;
}

export function decide(alert: Alert, routing: Routing, policy: Policy, now: Date, openedAt?: string): Decision {
  const issueRepo = issueRepository(alert, policy);
  const extraNotes =
    alert.visibility === "public" && !policy.response_repository
      ? ["This repository is public, so this issue is public too. Set `response_repository` in the policy to open such issues in a private repository."]
      : [];
  const labels: string[] = [LABELS.response.name];
  if (routing.unowned) labels.push(LABELS.unowned.name);
  return {
    alert,
    issueRepo,
    classification: classify(alert),
    routing: extraNotes.length ? { ...routing, notes: [...routing.notes, ...extraNotes] } : routing,
    labels,
    openedAt: openedAt ?? now.toISOString(),
  };
}
