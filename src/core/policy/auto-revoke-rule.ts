import type { Policy } from "./schema.ts";

export type AutoRevokeRule = Policy["auto_revoke"]["rules"][number];

/** The first `auto_revoke.rules` entry that lets nhi-steward revoke this credential by itself; null: never. */
export function autoRevokeRule(
  policy: Pick<Policy, "auto_revoke">,
  credential: { identityClass: string; secretType: string; system: string | null },
): AutoRevokeRule | null {
  for (const rule of policy.auto_revoke.rules) {
    if (rule.identity_classes && !rule.identity_classes.includes(credential.identityClass as never)) continue;
    if (rule.secret_types && !rule.secret_types.includes(credential.secretType)) continue;
    if (rule.systems && !(credential.system && rule.systems.includes(credential.system))) continue;
    return rule;
  }
  return null;
}
