import { parse } from "yaml";
import { describeIssues } from "../alert/input-error.ts";
import { policySchema, type Policy } from "./schema.ts";

export type PolicyLoad =
  | { ok: true; policy: Policy; source: string | null }
  | { ok: false; policy: Policy; source: string; errors: string[] };

export const DEFAULT_POLICY: Policy = {};

/** Parses a policy file. An invalid file yields the default policy and the reasons, never a throw. */
export function parsePolicy(text: string, source: string): PolicyLoad {
  let data: unknown;
  try {
    data = parse(text) ?? {};
  } catch (e) {
    return { ok: false, policy: DEFAULT_POLICY, source, errors: [`${source} is not valid YAML: ${(e as Error).message}`] };
  }
  const parsed = policySchema.safeParse(data);
  if (!parsed.success) {
    return { ok: false, policy: DEFAULT_POLICY, source, errors: describeIssues(parsed.error.issues).map((p) => `${source}: ${p}`) };
  }
  return { ok: true, policy: parsed.data, source };
}
