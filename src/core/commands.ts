import { parseDuration, type Duration } from "./sla/duration.ts";

/** How an owner may close a response, and GitHub's alert resolution for each. */
export const RESOLUTIONS = {
  revoked: "revoked",
  rotated: "revoked",
  "false-positive": "false_positive",
  "used-in-tests": "used_in_tests",
  "wont-fix": "wont_fix",
} as const;
export type Resolution = keyof typeof RESOLUTIONS;
/** Resolutions that accept a risk instead of removing it: they need a reason. */
export const NEEDS_REASON: readonly Resolution[] = ["false-positive", "wont-fix"];

export type Command =
  | { name: "ack" }
  | { name: "snooze"; duration: Duration; reason: string }
  | { name: "handoff"; to: string; reason: string }
  | { name: "revoke" }
  | { name: "resolve"; resolution: Resolution; comment: string }
  | { name: "approve" };

export const COMMAND_HELP = [
  "`/ack`: you are on it (stops the acknowledge clock)",
  "`/snooze <duration> <reason>`: accept the risk for a while (pauses escalation; owners and security only)",
  "`/handoff @user|@org/team <reason>`: give it to someone else",
  "`/revoke`: ask nhi-steward to revoke the credential now (the same safety gates as automatic revocation)",
  "`/resolve <revoked|rotated|false-positive|used-in-tests|wont-fix> [comment]`: record how it was handled and close",
  "`/approve`: security approves a pending risk acceptance (when the policy requires it)",
].join("\n- ");

export function isResolution(s: string): s is Resolution {
  return Object.hasOwn(RESOLUTIONS, s);
}

/** The first line of a comment that is a command; null when the comment has none. */
export function parseCommand(body: string): { ok: true; command: Command } | { ok: false; error: string } | null {
  const line = body.split(/\r?\n/).map((l) => l.trim()).find((l) => /^\/(ack|snooze|handoff|revoke|resolve|approve)\b/.test(l));
  if (!line) return null;
  const [word, ...rest] = line.split(/\s+/);
  const args = rest.join(" ").trim();
  switch (word) {
    case "/ack":
      return { ok: true, command: { name: "ack" } };
    case "/revoke":
      return { ok: true, command: { name: "revoke" } };
    case "/approve":
      return { ok: true, command: { name: "approve" } };
    case "/snooze": {
      // The duration is the longest leading run of words that parses; the rest is the reason.
      const words = args.split(/\s+/).filter(Boolean);
      for (let n = Math.min(3, words.length); n >= 1; n--) {
        const parsed = parseDuration(words.slice(0, n).join(" "));
        if (parsed.ok) {
          const reason = words.slice(n).join(" ");
          if (!reason) return { ok: false, error: "`/snooze` needs a reason after the duration, e.g. `/snooze 2d waiting for the vendor to rotate the key`." };
          return { ok: true, command: { name: "snooze", duration: parsed.value, reason } };
        }
      }
      return { ok: false, error: "`/snooze` needs a duration and a reason, e.g. `/snooze 2d waiting for the vendor to rotate the key`." };
    }
    case "/handoff": {
      const m = /^(@[A-Za-z0-9-]+(?:\/[A-Za-z0-9._-]+)?)\s*(.*)$/.exec(args);
      if (!m) return { ok: false, error: "`/handoff` needs who to hand it to, e.g. `/handoff @acme/payments they own the Stripe account`." };
      return { ok: true, command: { name: "handoff", to: m[1]!, reason: m[2]!.trim() } };
    }
    case "/resolve": {
      const [resolution, ...comment] = args.split(/\s+/);
      if (!resolution || !isResolution(resolution)) return { ok: false, error: `\`/resolve\` needs one of ${Object.keys(RESOLUTIONS).join(", ")}, e.g. \`/resolve rotated new key in vault\`.` };
      return { ok: true, command: { name: "resolve", resolution, comment: comment.join(" ").trim() } };
    }
  }
  return null;
}

/** Who may run what: owners (assignees, owning teams), and the security team. */
export interface Authority {
  actor: string;
  assignees: string[];
  /** Members of the teams that own the issue (its mentions). */
  ownerTeamMembers: string[];
  securityTeamMembers: string[];
  securityTeam: string | null;
}

export function authorize(command: Command, a: Authority): { ok: true } | { ok: false; reply: string } {
  const isOwner = a.assignees.includes(a.actor) || a.ownerTeamMembers.includes(a.actor);
  const isSecurity = a.securityTeamMembers.includes(a.actor);
  if (command.name === "ack" || command.name === "resolve" || command.name === "handoff" || command.name === "revoke") {
    if (isOwner || isSecurity) return { ok: true };
  }
  if (command.name === "snooze" && (a.ownerTeamMembers.includes(a.actor) || a.assignees.includes(a.actor) || isSecurity)) return { ok: true };
  if (command.name === "approve") {
    if (isSecurity) return { ok: true };
    return { ok: false, reply: `@${a.actor}, only members of ${a.securityTeam ?? "the security team (set `commands.security_team`)"} may \`/approve\`.` };
  }
  const who = ["the assignees", "members of the owning team", a.securityTeam ? `members of ${a.securityTeam}` : null].filter(Boolean).join(", ");
  return { ok: false, reply: `@${a.actor}, only ${who} may use \`/${command.name}\` here. Ask one of them, or ask security to add you.` };
}
