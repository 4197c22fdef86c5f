import type { Visibility } from "../alert/types.ts";
import { compileGlob } from "../glob.ts";
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
  /** Grants only (null or empty for leaked secrets): the app, its client ID and publisher, the permissions held, the requester. */
  app?: string | null;
  clientId?: string | null;
  publisher?: string | null;
  permissions?: Record<string, string>;
  requester?: string | null;
}

const matchers = new Map<string, (s: string) => boolean>();
/**
 * The policy's globs (`repositories`, `paths`, `apps`): picomatch's syntax with `dot: true`, matched
 * in time O(|pattern| × |text|) by src/core/glob.ts, which lists what is supported (`*`, `**`, `?`,
 * `[...]`, `{a,b}`, `\` escapes).
 */
function glob(pattern: string, nocase = false): (s: string) => boolean {
  const id = `${nocase ? "i" : "c"}:${pattern}`;
  let m = matchers.get(id);
  if (!m) {
    m = compileGlob(pattern, { nocase });
    matchers.set(id, m);
  }
  return m;
}

const LEVELS: Record<string, number> = { read: 1, write: 2, admin: 3 };
const login = (s: string) => s.replace(/^@/, "").toLowerCase();

/** `contents` holds at any level; `contents:write` holds at write or admin. */
export function permissionMatches(wanted: readonly string[], held: Record<string, string> | undefined): boolean {
  if (!held) return false;
  return wanted.some((w) => {
    const [name, level] = w.split(":") as [string, string | undefined];
    const has = held[name];
    if (has === undefined) return false;
    return level === undefined || (LEVELS[has] ?? 0) >= (LEVELS[level] ?? 0);
  });
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
  if (s.apps && !(f.app && s.apps.some((p) => glob(p, true)(f.app!)))) return false;
  if (s.client_ids && !(f.clientId && s.client_ids.includes(f.clientId))) return false;
  if (s.publishers && !(f.publisher && s.publishers.some((p) => login(p) === login(f.publisher!)))) return false;
  if (s.permissions && !permissionMatches(s.permissions, f.permissions)) return false;
  if (s.requesters && !(f.requester && s.requesters.some((r) => login(r) === login(f.requester!)))) return false;
  return true;
}

/** Whether the policy needs repository custom properties to decide anything. */
export function usesProperties(policy: {
  systems: { credentials: Selector[] }[];
  owners: { match: Selector }[];
  severity?: { rules: { when: { property?: unknown } }[] } | undefined;
}): boolean {
  return (
    policy.systems.some((s) => s.credentials.some((c) => c.property)) ||
    policy.owners.some((r) => r.match.property) ||
    (policy.severity?.rules.some((r) => r.when.property) ?? false)
  );
}
