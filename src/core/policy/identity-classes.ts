/** The NHI identity classes every alert is sorted into; each has a runbook in policies/runbooks. */
export const IDENTITY_CLASSES = [
  "personal-access-token",
  "oauth-token",
  "github-app-credential",
  "ci-cd-token",
  "cloud-access-key",
  "service-account-key",
  "api-key",
  "database-credential",
  "private-key",
  "webhook-secret",
  "generic",
] as const;

export type IdentityClass = (typeof IDENTITY_CLASSES)[number];

export function isIdentityClass(value: string): value is IdentityClass {
  return (IDENTITY_CLASSES as readonly string[]).includes(value);
}
