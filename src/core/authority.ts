import { NEEDS_REASON, type Resolution } from "./commands.ts";

/**
 * The one authorisation rule for every state change a person causes on a response issue, whatever
 * the path: a close with a `resolution:*` label, `/resolve`, `/snooze`, `/approve`, `/handoff`,
 * `/revoke`, `/ack`. docs/threat-model.md names the tests that prove it.
 */

/** What a person asks for. */
export type Act =
  | { kind: "ack" | "snooze" | "handoff" | "revoke" }
  /** `/resolve`, or closing with a resolution label (`via`). */
  | { kind: "resolve"; resolution: Resolution; via: "command" | "close" }
  /** Security confirms a pending risk acceptance. */
  | { kind: "approve"; resolution: Resolution | null };

/** Resolutions that accept a risk instead of removing it: GitHub lets only some people dismiss an alert so. */
export const ACCEPTS_RISK: readonly Resolution[] = ["false-positive", "wont-fix", "used-in-tests"];

/** Who the actor is, relative to one response issue. */
export interface Standing {
  actor: string;
  /** The owners routed when the alert was routed (the marker's record, changed only by `/handoff`): logins. */
  owners: string[];
  /** The routed owning teams (`@org/team`) and their members' logins. */
  ownerTeams: string[];
  ownerTeamMembers: string[];
  securityTeam: string | null;
  securityTeamMembers: string[];
  /** The alert is one GitHub holds (secret scanning): accepting its risk dismisses it there. */
  githubAlert: boolean;
  /** Whether the actor may dismiss it (GitHub's right, or the policy's `commands.risk_acceptance`); null when not asked. */
  mayDismiss: boolean | null;
  /** The policy wants security's `/approve` for this resolution (`commands.approval_required`). */
  approvalRequired: boolean;
  /** The alert's repository, for the reply. */
  repo: string;
}

const has = (list: string[], login: string) => list.some((l) => l.toLowerCase() === login.toLowerCase());

/**
 * Whether the rule needs GitHub's word on the actor's right to dismiss the alert: only when the
 * act would itself accept a risk on a GitHub alert (a request that waits for `/approve` does not).
 */
export function needsDismissRight(act: Act, githubAlert: boolean, approvalRequired: boolean): boolean {
  if (!githubAlert) return false;
  if (act.kind === "approve") return true;
  return act.kind === "resolve" && ACCEPTS_RISK.includes(act.resolution) && !approvalRequired;
}

export function authorize(act: Act, s: Standing): { ok: true } | { ok: false; reply: string } {
  const isOwner = has(s.owners, s.actor) || has(s.ownerTeamMembers, s.actor);
  const isSecurity = has(s.securityTeamMembers, s.actor);
  const what =
    act.kind === "resolve"
      ? act.via === "close"
        ? `close this as \`${act.resolution}\``
        : `\`/resolve ${act.resolution}\``
      : `\`/${act.kind}\``;
  const who = [
    s.owners.length ? `the routed owners (${s.owners.map((o) => `@${o}`).join(", ")})` : null,
    ...s.ownerTeams.map((t) => `members of ${t}`),
    s.securityTeam ? `members of ${s.securityTeam}` : null,
  ].filter(Boolean);
  const whoText = who.length ? who.join(", ") : "the routed owners";
  const dismissText = `GitHub's right to dismiss the alert (admin on ${s.repo}) or a grant in the policy's \`commands.risk_acceptance\``;

  if (act.kind === "approve") {
    if (!isSecurity)
      return {
        ok: false,
        reply: `@${s.actor}, only members of ${s.securityTeam ?? "the security team (set `commands.security_team`)"} may \`/approve\`.`,
      };
    if (needsDismissRight(act, s.githubAlert, s.approvalRequired) && s.mayDismiss !== true)
      return {
        ok: false,
        reply: `@${s.actor}, approving a risk acceptance dismisses the alert, which also needs ${dismissText}. Ask someone who has it.`,
      };
    return { ok: true };
  }
  if (!isOwner && !isSecurity) {
    return {
      ok: false,
      reply: `@${s.actor}, only ${whoText} may ${what} here. Ask one of them, or ask security to hand it to you (\`/handoff\`).`,
    };
  }
  if (act.kind === "resolve" && needsDismissRight(act, s.githubAlert, s.approvalRequired) && s.mayDismiss !== true) {
    const reason = NEEDS_REASON.includes(act.resolution) ? "" : " (with a comment saying why)";
    return {
      ok: false,
      reply: `@${s.actor}, \`${act.resolution}\` accepts the risk and dismisses the alert on GitHub, which also needs ${dismissText}. Ask someone who has it to resolve it${reason}, or revoke the credential and resolve as \`revoked\`.`,
    };
  }
  return { ok: true };
}
