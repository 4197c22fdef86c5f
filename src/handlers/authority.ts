import { authorize, needsDismissRight, type Act, type Standing } from "../core/authority.ts";
import { isGitHubAlert } from "../core/alert/types.ts";
import type { Marker } from "../core/issue/marker.ts";
import type { Policy } from "../core/policy/schema.ts";
import { parseOwner } from "../core/routing/types.ts";
import { parseRepo } from "../github/port.ts";
import type { Run } from "./run.ts";

async function membersOf(run: Run, teams: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const t of teams) {
    const o = parseOwner(t);
    if (o?.kind !== "team") continue;
    out.push(...((await run.deps.github.listTeamMembers(o.org, o.slug)) ?? []));
  }
  return out;
}

/**
 * May the actor do this on this response issue? Gathers what the rule needs (team members; GitHub's
 * word on the right to dismiss, only when the act would accept a risk) and applies the one rule
 * (src/core/authority.ts). Owners are the marker's routed owners, never whoever is assigned now.
 */
export async function authorizeAct(
  run: Run,
  marker: Marker,
  policy: Policy,
  actor: string,
  act: Act,
): Promise<{ ok: true; bySecurity: boolean } | { ok: false; reply: string }> {
  const mentions = marker.routing.mentions;
  const ownerTeams = mentions.filter((m) => m.includes("/"));
  const owners = [...marker.routing.assignees, ...mentions.filter((m) => !m.includes("/")).map((m) => m.replace(/^@/, ""))];
  const securityTeam = policy.commands.security_team ?? null;
  const securityTeamMembers = securityTeam ? await membersOf(run, [securityTeam]) : [];
  const githubAlert = marker.group !== null || isGitHubAlert(marker.key);
  const resolution = act.kind === "resolve" ? act.resolution : act.kind === "approve" ? act.resolution : null;
  const approvalRequired =
    act.kind === "resolve" &&
    resolution !== null &&
    policy.commands.approval_required.includes(resolution as never) &&
    !securityTeamMembers.some((m) => m.toLowerCase() === actor.toLowerCase());
  let mayDismiss: boolean | null = null;
  if (needsDismissRight(act, githubAlert, approvalRequired))
    mayDismiss = await mayDismissAlert(run, marker.group?.repo ?? marker.repo, actor, policy);
  const standing: Standing = {
    actor,
    owners,
    ownerTeams,
    ownerTeamMembers: await membersOf(run, ownerTeams),
    securityTeam,
    securityTeamMembers,
    githubAlert,
    mayDismiss,
    approvalRequired,
    repo: marker.repo,
  };
  const verdict = authorize(act, standing);
  if (!verdict.ok) run.deps.log.info(`${marker.key}: @${actor} may not ${act.kind}${resolution ? ` ${resolution}` : ""}; refused.`);
  return verdict.ok ? { ok: true, bySecurity: securityTeamMembers.some((m) => m.toLowerCase() === actor.toLowerCase()) } : verdict;
}

/** GitHub's right to dismiss a secret scanning alert (admin on its repository), or the policy's explicit grant. */
async function mayDismissAlert(run: Run, repo: string, actor: string, policy: Policy): Promise<boolean> {
  const granted = policy.commands.risk_acceptance;
  if (granted.some((g) => g.replace(/^@/, "").toLowerCase() === actor.toLowerCase())) return true;
  if ((await membersOf(run, granted)).some((m) => m.toLowerCase() === actor.toLowerCase())) return true;
  try {
    return (await run.deps.github.repositoryPermission(parseRepo(repo), actor)) === "admin";
  } catch (e) {
    run.deps.log.warn(`${repo}: could not read @${actor}'s permission (${(e as Error).message}); treated as no right to dismiss alerts.`);
    return false;
  }
}
