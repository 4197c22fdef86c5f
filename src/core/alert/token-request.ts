import { z } from "zod";
import { fragment, text } from "../issue/markdown.ts";
import type { Policy } from "../policy/schema.ts";
import { describeIssues, InputError } from "./input-error.ts";
import type { Alert, RepoRef } from "./types.ts";

const perms = z.record(z.string(), z.string()).nullish();
const requestSchema = z.object({
  id: z.number().int(),
  owner: z.object({ login: z.string() }),
  permissions_added: z.object({ organization: perms, repository: perms, other: perms }).partial().default({}),
  permissions_result: z.object({ organization: perms, repository: perms, other: perms }).partial().default({}),
  repository_selection: z.enum(["none", "all", "subset"]),
  repository_count: z.number().nullish(),
  created_at: z.string(),
  token_id: z.number().int(),
  token_name: z.string().nullish(),
  token_expires_at: z.string().nullish(),
});
export type TokenRequest = z.infer<typeof requestSchema>;

/** Why a fine-grained token request is risky under the policy; empty when it is not. */
export function tokenRequestRisks(r: TokenRequest, policy: Policy): string[] {
  const p = policy.token_requests;
  const risks: string[] = [];
  const strong = (level: string) => level === "write" || level === "admin";
  if (!r.token_expires_at) risks.push("it never expires");
  else {
    const days = (new Date(r.token_expires_at).getTime() - new Date(r.created_at).getTime()) / 86_400_000;
    if (days > p.max_expiry_days) risks.push(`it lives ${Math.round(days)} days, more than the policy's ${p.max_expiry_days}`);
  }
  for (const [name, level] of Object.entries(r.permissions_result.organization ?? {}))
    if (strong(level)) risks.push(`organization permission \`${name}: ${level}\``);
  const repoPerms = Object.entries(r.permissions_result.repository ?? {});
  for (const [name, level] of repoPerms)
    if (strong(level) && p.risky_permissions.includes(name)) risks.push(`repository permission \`${name}: ${level}\``);
  const writes = repoPerms.some(([, level]) => strong(level));
  const many = r.repository_selection === "all" || (r.repository_count ?? 0) >= p.many_repositories;
  if (writes && many)
    risks.push(`write access to ${r.repository_selection === "all" ? "all repositories" : `${r.repository_count} repositories`}`);
  return risks;
}

/**
 * A `personal_access_token_request` (created or approved) that the policy calls risky, as an
 * Alert; null when it is not risky. The issue opens in the organisation's response repository
 * (else its `.github` repository); the requester is mentioned.
 */
export function alertFromTokenRequest(payload: unknown, policy: Policy): Alert | null {
  const p = payload as { action?: string; personal_access_token_request?: unknown; organization?: { login?: string } };
  const org = p.organization?.login;
  const parsed = requestSchema.safeParse(p.personal_access_token_request);
  if (!org || !parsed.success) {
    throw new InputError(
      "The personal_access_token_request event is malformed",
      parsed.success ? ["organization.login: missing"] : describeIssues(parsed.error.issues, "personal_access_token_request"),
      "Check the webhook payload against GitHub's documented shape.",
    );
  }
  const r = parsed.data;
  const risks = tokenRequestRisks(r, policy);
  if (!risks.length) return null;
  const [owner, name] = (policy.response_repository ?? `${org}/.github`).split("/") as [string, string];
  const repo: RepoRef = { owner, name };
  const approved = p.action === "approved";
  const perms = (o: Record<string, string> | null | undefined) =>
    text(
      Object.entries(o ?? {})
        .map(([k, v]) => `${k}: ${v}`)
        .join(", ") || "none",
    );
  return {
    source: "token-request",
    key: tokenRequestKey(org, r.token_id),
    repo,
    visibility: null,
    number: r.id,
    state: "open",
    resolution: null,
    secretType: "github_fine_grained_token_request",
    secretTypeDisplayName: `fine-grained token “${r.token_name ?? r.token_id}” ${approved ? "granted" : "requested"} by @${r.owner.login}`,
    provider: "GitHub",
    validity: approved ? "active" : "unknown",
    publiclyLeaked: false,
    multiRepo: r.repository_selection === "all" || (r.repository_count ?? 0) > 1,
    pushProtectionBypassed: false,
    htmlUrl: `https://github.com/organizations/${org}/settings/personal-access-token-requests/${r.id}`,
    createdAt: r.created_at,
    locations: [],
    identityClassHint: "personal-access-token",
    // Markdown for the issue's table, the payload's strings escaped (the requester names the token: it
    // is in the display name, plain text that the renderer escapes).
    details: [
      ["Why it is risky", fragment(risks.join("; "))],
      ["Organization permissions", perms(r.permissions_result.organization)],
      ["Repository permissions", perms(r.permissions_result.repository)],
      ["Repositories", r.repository_selection === "all" ? "all" : String(r.repository_count ?? 0)],
      ["Expires", r.token_expires_at ? text(r.token_expires_at) : "never"],
    ],
    mention: [`@${r.owner.login}`],
    identity: {
      kind: "token",
      app: null,
      clientId: null,
      publisher: null,
      permissions: flattenPermissions(r.permissions_result),
      requester: r.owner.login,
    },
  };
}

const RANK: Record<string, number> = { read: 1, write: 2, admin: 3 };

/** Organization, repository and other permissions as one name → level record (the highest level wins). */
export function flattenPermissions(groups: Partial<Record<string, Record<string, string> | null | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const group of Object.values(groups)) {
    for (const [name, level] of Object.entries(group ?? {})) if ((RANK[level] ?? 0) > (RANK[out[name] ?? ""] ?? 0)) out[name] = level;
  }
  return out;
}

/** The issue key of a token request, whatever the action: the token's, so a grant updates its request's issue. */
export function tokenRequestKey(org: string, tokenId: number): string {
  return `token-request:${org}#${tokenId}`;
}
