import type { Alert } from "../alert/types.ts";
import { PROVIDER_CLASSES, SECRET_TYPE_CLASSES } from "./default-pack.generated.ts";
import { isIdentityClass, type IdentityClass } from "./identity-classes.ts";
import type { Policy } from "./schema.ts";

export interface Classification {
  identityClass: IdentityClass;
  /** How the class was found, for the "why" section. */
  reason: string;
}

/** Sorts an alert into an identity class: the policy's mapping, the default pack, the provider, else `generic`. */
export function classify(
  alert: Pick<Alert, "secretType" | "provider"> & { identityClassHint?: string | null },
  policy?: Pick<Policy, "identity_classes">,
): Classification {
  for (const [cls, types] of Object.entries(policy?.identity_classes ?? {})) {
    if (types?.includes(alert.secretType))
      return { identityClass: cls as IdentityClass, reason: `secret type \`${alert.secretType}\`, mapped by the policy` };
  }
  if (alert.identityClassHint && isIdentityClass(alert.identityClassHint))
    return { identityClass: alert.identityClassHint, reason: "the class the reporting source gave" };
  const byType = SECRET_TYPE_CLASSES[alert.secretType];
  if (byType) return { identityClass: byType, reason: `secret type \`${alert.secretType}\`` };
  const byProvider = alert.provider ? PROVIDER_CLASSES[alert.provider] : undefined;
  if (byProvider)
    return {
      identityClass: byProvider,
      reason: `provider ${alert.provider} (secret type \`${alert.secretType}\` is not in the default pack)`,
    };
  return {
    identityClass: "generic",
    reason: `secret type \`${alert.secretType}\` is not in the default pack or the policy, so it is treated as generic`,
  };
}
