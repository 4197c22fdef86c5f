import picomatch from "picomatch";
import type { Visibility } from "../alert/types.ts";
import type { IdentityClass } from "./identity-classes.ts";
import type { Selector } from "./schema.ts";

/** What selectors and severity rules look at. */
export interface AlertFacts {
  source: string;
  secretType: string;
  provider: string | null;
  identityClass: IdentityClass;
  /** `owner/name` */
  repo: string;
  path: string | null;
  visibility: Visibility | null;
  /** Repository custom properties; null when not read. */
  properties: Record<string, string> | null;
}

const matchers = new Map<string, (s: string) => boolean>();
function glob(pattern: string): (s: string) => boolean {
  let m = matchers.get(pattern);
  if (!m) {
    m = picomatch(pattern, { dot: true });
    matchers.set(pattern, m);
  }
  return m;
}

/** `payments-*` matches the repository name; `acme/payments-*` the full name. */
export function repoMatches(patterns: readonly string[], fullName: string): boolean {
  const name = fullName.slice(fullName.indexOf("/") + 1);
  return patterns.some((p) => glob(p)(p.includes("/") ? fullName : name));
}

export function propertyMatches(property: { name: string; value: string | string[] }, properties: Record<string, string> | null): boolean {
  const actual = properties?.[property.name];
  if (actual === undefined) return false;
  return Array.isArray(property.value) ? property.value.includes(actual) : property.value === actual;
}

/** Whether every key a selector names matches the alert. */
export function selectorMatches(s: Selector, f: AlertFacts): boolean {
  if (s.secret_types && !s.secret_types.includes(f.secretType)) return false;
  if (s.providers && !(f.provider && s.providers.includes(f.provider))) return false;
  if (s.identity_classes && !s.identity_classes.includes(f.identityClass)) return false;
  if (s.repositories && !repoMatches(s.repositories, f.repo)) return false;
  if (s.paths && !(f.path && s.paths.some((p) => glob(p)(f.path!)))) return false;
  if (s.visibility && !(f.visibility && s.visibility.includes(f.visibility))) return false;
  if (s.sources && !s.sources.includes(f.source as never)) return false;
  if (s.property && !propertyMatches(s.property, f.properties)) return false;
  return true;
}

/** Whether the policy needs repository custom properties to decide anything. */
export function usesProperties(policy: { systems: { credentials: Selector[] }[]; owners: { match: Selector }[]; severity?: { rules: { when: { property?: unknown } }[] } | undefined }): boolean {
  return (
    policy.systems.some((s) => s.credentials.some((c) => c.property)) ||
    policy.owners.some((r) => r.match.property) ||
    (policy.severity?.rules.some((r) => r.when.property) ?? false)
  );
}
