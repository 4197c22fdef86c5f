import type { Alert } from "../alert/types.ts";
import { propertyMatches, type AlertFacts } from "./select.ts";
import type { Policy, Severity, SeverityRule } from "./schema.ts";

/** The default pack's rules; a policy's own rules come first. */
export const DEFAULT_SEVERITY_RULES: SeverityRule[] = [
  { when: { validity: ["active"], publicly_leaked: true }, severity: "critical" },
  { when: { validity: ["active"], visibility: ["public"] }, severity: "critical" },
  { when: { validity: ["active"] }, severity: "high" },
  { when: { validity: ["unknown"], publicly_leaked: true }, severity: "high" },
  { when: { validity: ["unknown"], visibility: ["public"] }, severity: "high" },
  { when: { push_protection_bypassed: true }, severity: "high" },
  { when: { validity: ["inactive"] }, severity: "low" },
];

export interface SeverityDecision {
  severity: Severity;
  reason: string;
}

function holds(rule: SeverityRule, alert: Alert, facts: AlertFacts): boolean {
  const w = rule.when;
  if (w.validity && !w.validity.includes(alert.validity)) return false;
  if (w.publicly_leaked !== undefined && w.publicly_leaked !== alert.publiclyLeaked) return false;
  if (w.multi_repo !== undefined && w.multi_repo !== alert.multiRepo) return false;
  if (w.push_protection_bypassed !== undefined && w.push_protection_bypassed !== alert.pushProtectionBypassed) return false;
  if (w.identity_classes && !w.identity_classes.includes(facts.identityClass)) return false;
  if (w.visibility && !(facts.visibility && w.visibility.includes(facts.visibility))) return false;
  if (w.property && !propertyMatches(w.property, facts.properties)) return false;
  return true;
}

function describe(rule: SeverityRule): string {
  const parts = Object.entries(rule.when).map(
    ([k, v]) =>
      `${k.replace(/_/g, " ")} ${Array.isArray(v) ? v.join("/") : typeof v === "object" ? `${(v as { name: string }).name}=${JSON.stringify((v as { value: unknown }).value)}` : v}`,
  );
  return parts.length ? parts.join(", ") : "always";
}

/** First matching rule wins: the policy's rules, then the default pack's, then the default. */
export function severityOf(alert: Alert, facts: AlertFacts, policy: Pick<Policy, "severity">): SeverityDecision {
  const own = policy.severity?.rules ?? [];
  for (const [i, rule] of own.entries())
    if (holds(rule, alert, facts)) return { severity: rule.severity, reason: `policy severity rule ${i + 1} (${describe(rule)})` };
  for (const rule of DEFAULT_SEVERITY_RULES)
    if (holds(rule, alert, facts)) return { severity: rule.severity, reason: `default rule (${describe(rule)})` };
  const fallback = policy.severity?.default ?? "medium";
  return { severity: fallback, reason: "no rule matched; the default severity" };
}
