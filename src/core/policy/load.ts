import { policySchema, type Policy } from "./schema.ts";

/** The policy that applies when an organisation has none, or its file is invalid. */
export const DEFAULT_POLICY: Policy = policySchema.parse({});

/** Builds a policy from data (tests, the CLI); throws when invalid. */
export function policyFrom(data: unknown): Policy {
  return policySchema.parse(data);
}
