import type { Alert } from "../alert/types.ts";
import { PROVIDER_CLASSES, SECRET_TYPE_CLASSES } from "./default-pack.generated.ts";
import type { IdentityClass } from "./identity-classes.ts";

export interface Classification {
  identityClass: IdentityClass;
  /** How the class was found, for the "why" section. */
  reason: string;
}

/** Sorts an alert into an identity class: exact secret type, then provider, then `generic`. */
export function classify(alert: Pick<Alert, "secretType" | "provider">): Classification {
  const byType = SECRET_TYPE_CLASSES[alert.secretType];
  if (byType) return { identityClass: byType, reason: `secret type \`${alert.secretType}\`` };
  const byProvider = alert.provider ? PROVIDER_CLASSES[alert.provider] : undefined;
  if (byProvider) return { identityClass: byProvider, reason: `provider ${alert.provider} (secret type \`${alert.secretType}\` is not in the default pack)` };
  return { identityClass: "generic", reason: `secret type \`${alert.secretType}\` is not in the default pack, so it is treated as generic` };
}
