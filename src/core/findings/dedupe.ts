import type { Validity } from "../alert/types.ts";
import type { ExternalFinding, FindingLocation, SeverityHint } from "./types.ts";

/** The identity of a location, for merging: same file, lines, commit and link are one place. */
export function locationKey(l: FindingLocation): string {
  return JSON.stringify([l.path, l.startLine, l.endLine, l.commitSha, l.url]);
}

const VALIDITY_RANK: Record<Validity, number> = { unknown: 0, inactive: 1, active: 2 };
const SEVERITY_RANK: Record<SeverityHint, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/**
 * Merges findings with the same fingerprint into the first one: locations and links are united
 * (first-seen order, no repeats); validity and severity take the strongest claim (a verified
 * "active" beats "unknown"); empty fields are filled from later findings.
 */
export function dedupeFindings(findings: readonly ExternalFinding[]): ExternalFinding[] {
  const byKey = new Map<string, ExternalFinding>();
  for (const f of findings) {
    const seen = byKey.get(f.fingerprint);
    if (!seen) {
      byKey.set(f.fingerprint, { ...f, locations: uniqueLocations(f.locations), links: uniqueLinks(f.links) });
      continue;
    }
    byKey.set(f.fingerprint, {
      ...seen,
      identityClass: seen.identityClass ?? f.identityClass,
      provider: seen.provider ?? f.provider,
      validity: VALIDITY_RANK[f.validity] > VALIDITY_RANK[seen.validity] ? f.validity : seen.validity,
      severityHint: strongerSeverity(seen.severityHint, f.severityHint),
      repository: seen.repository ?? f.repository,
      locations: uniqueLocations([...seen.locations, ...f.locations]),
      links: uniqueLinks([...seen.links, ...f.links]),
      description: seen.description ?? f.description,
    });
  }
  return [...byKey.values()];
}

function strongerSeverity(a: SeverityHint | null, b: SeverityHint | null): SeverityHint | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

function uniqueLocations(list: readonly FindingLocation[]): FindingLocation[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    const k = locationKey(l);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function uniqueLinks(list: readonly { title: string; url: string }[]): { title: string; url: string }[] {
  const seen = new Set<string>();
  return list.filter((l) => {
    if (seen.has(l.url)) return false;
    seen.add(l.url);
    return true;
  });
}
