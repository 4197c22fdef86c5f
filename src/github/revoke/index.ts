import type { RevocationMethod, RevocationTarget } from "./types.ts";

/**
 * The first method, in the order given, that supports the target; null when none does. Order the
 * list by preference: e.g. credentials API (kills the token), then fine-grained access (cuts the
 * org off), then the organisation's rotation webhook (the catch-all).
 */
export function chooseMethod(methods: readonly RevocationMethod[], target: RevocationTarget): RevocationMethod | null {
  return methods.find((m) => m.supports(target)) ?? null;
}

export type { RevocationMethod, RevocationOutcome, RevocationTarget } from "./types.ts";
export { targetContext } from "./types.ts";
export {
  CREDENTIALS_API_SECRET_TYPES,
  CREDENTIALS_PER_REQUEST,
  CredentialsApiRevoker,
  HourlyBudget,
  REQUESTS_PER_HOUR,
  type CredentialsApiRevokerOptions,
} from "./credentials-api.ts";
export { FineGrainedAccessRevoker } from "./fine-grained-access.ts";
export { revokeIdempotencyKey, WebhookRevoker, type WebhookRevokerOptions } from "./webhook.ts";
export { EVENT_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signature } from "./http.ts";
