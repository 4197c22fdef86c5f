import type { ExternalFinding } from "../findings/types.ts";
import { plain, safeUrl } from "../issue/markdown.ts";
import type { Alert, AlertLocation, RepoRef, Visibility } from "./types.ts";

/** A short, stable, non-reversible id for a fingerprint (FNV-1a, 64-bit, hex). */
export function fingerprintId(fingerprint: string): string {
  let h = 0xcbf29ce484222325n;
  for (const ch of new TextEncoder().encode(fingerprint)) {
    h ^= BigInt(ch);
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h.toString(16).padStart(16, "0");
}

/** An external detector's finding or a dispatched alert, in the one Alert shape the pipeline routes. */
/**
 * Detector and dispatch fields stay plain text here (the issue renderer escapes them); URLs are kept
 * only when they are http(s), re-serialised by `new URL`, so no other scheme reaches an issue.
 */
export function alertFromFinding(f: ExternalFinding, repo: RepoRef, visibility: Visibility | null): Alert {
  const locations: AlertLocation[] = f.locations.map((l) => ({
    type: "commit",
    path: l.path,
    startLine: l.startLine,
    endLine: l.endLine,
    commitSha: l.commitSha,
    blobUrl: safeUrl(l.url),
  }));
  const links = f.links.flatMap((l) => {
    const url = safeUrl(l.url);
    return url ? [{ title: plain(l.title, 200), url }] : [];
  });
  return {
    source: f.source,
    key: `${f.source}:${repo.owner}/${repo.name}@${fingerprintId(f.fingerprint)}`,
    repo,
    visibility,
    number: 0,
    state: "open",
    resolution: null,
    secretType: f.secretType,
    secretTypeDisplayName: f.displayName,
    provider: f.provider,
    validity: f.validity,
    publiclyLeaked: false,
    multiRepo: false,
    pushProtectionBypassed: false,
    htmlUrl: links[0]?.url ?? null,
    createdAt: null,
    locations,
    identityClassHint: f.identityClass,
    links,
    reporter: f.reporter,
  };
}
