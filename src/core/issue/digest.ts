import type { Alert, RepoRef } from "../alert/types.ts";

/** FNV-1a, 64 bits as two 32-bit halves: a cheap fingerprint (not a security hash). */
export function fingerprint(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (a >>> 13);
  }
  return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
}

/**
 * What a response issue's content was computed from, apart from the alert's locations and the
 * time: the alert's fields as both the webhook and the REST list report them, the policy, the
 * repository's custom properties (when the policy uses them) and where the issue lives. The
 * marker keeps it, so a sweep can tell an issue is up to date without reading the alert's
 * locations or rendering the body again.
 */
export function inputsDigest(
  alert: Alert,
  policyFingerprint: string,
  properties: Record<string, string> | null,
  issueRepo: RepoRef,
): string {
  // `provider`: GitHub's webhook alert has none (REST has it); it is read over REST only where it
  // decides something (handlers/gather-alert.ts), so a webhook and a sweep would disagree on it.
  // `assignedTo`: who is assigned on GitHub is not what the issue is rendered from.
  const { locations: _locations, visibility, provider: _provider, assignedTo: _assignedTo, ...rest } = alert;
  const stable = { ...rest, public: visibility === "public" };
  return fingerprint(JSON.stringify([stable, policyFingerprint, properties ?? null, `${issueRepo.owner}/${issueRepo.name}`]));
}
