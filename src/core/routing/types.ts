export type OwnerRef = { kind: "user"; login: string } | { kind: "team"; org: string; slug: string } | { kind: "email"; email: string };

/**
 * The steps of the precedence chain, in their default order (the policy's `routing.precedence`
 * may reorder or leave out all but `fallback`, which always comes last): the steward of the
 * credential's system, the first matching owner rule, the person who pushed the secret past push
 * protection, CODEOWNERS of the leaked file, the people who posted the issue, pull request or
 * discussion text it was found in, the repository's owner property.
 */
export const PRECEDENCE_STEPS = ["system", "owner-rule", "bypasser", "codeowners", "author", "property"] as const;
export type PrecedenceStep = (typeof PRECEDENCE_STEPS)[number];

/** One step of the precedence chain that named owners, and why. */
export const ROUTING_SOURCES = [...PRECEDENCE_STEPS, "fallback"] as const;

export interface OwnerStep {
  source: (typeof ROUTING_SOURCES)[number];
  owners: OwnerRef[];
  /** Provenance shown in the issue, e.g. "CODEOWNERS line 3: `/infra/ @alice`". */
  why: string;
}

/** The decided owner of an alert: who is assigned, who is mentioned, and the reasons. */
export interface Routing {
  source: OwnerStep["source"] | "none";
  why: string;
  assignees: string[];
  /** Teams (and owners who cannot be assigned) named in the issue so they are notified. */
  mentions: string[];
  /** True when no rule named an owner who could take it (the fallback, or nobody, got it). */
  unowned: boolean;
  /** What was skipped or wrong along the way, for the "why you" section and the log. */
  notes: string[];
}

export const MAX_ASSIGNEES = 10;

export function ownerText(owner: OwnerRef): string {
  switch (owner.kind) {
    case "user":
      return `@${owner.login}`;
    case "team":
      return `@${owner.org}/${owner.slug}`;
    case "email":
      return owner.email;
  }
}

/** Parses `@user`, `@org/team` or an email address as CODEOWNERS and policies write them. */
export function parseOwner(text: string): OwnerRef | null {
  const team = /^@([A-Za-z0-9][A-Za-z0-9-]*)\/([A-Za-z0-9._-]+)$/.exec(text);
  if (team) return { kind: "team", org: team[1]!, slug: team[2]! };
  const user = /^@([A-Za-z0-9][A-Za-z0-9-]*)$/.exec(text);
  if (user) return { kind: "user", login: user[1]! };
  if (/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(text)) return { kind: "email", email: text };
  return null;
}
